// zitadel.management.v1: projects, roles and project grants, mapped onto the ProjectService's
// operations (project-operations.ts), within the request's organization (x-zitadel-orgid or the
// caller's own). v1 names grants by their id and calls the two checks projectRoleCheck
// (authorizationRequired) and hasProjectCheck (projectAccessRequired).
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import type { AllProjectGrantQuery, ProjectGrantQuery, ProjectQuery, RoleQuery } from "@zitadel/proto/zitadel/project_pb.js";
import { notFound } from "../directory/errors.js";
import type * as grants from "../directory/project-grants.js";
import type * as projects from "../directory/projects.js";
import { callOf, type ApiDeps, contextOrganization } from "./context.js";
import { fromEnum, textFilter, toEnum } from "./convert.js";
import { LABELING, STATE } from "./project-messages.js";
import { projectOperations } from "./project-operations.js";
import { changed, details, listDetails, listQuery } from "./v1-messages.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;

function toProject(p: projects.Project) {
  return {
    id: p.id,
    details: details(p, p.orgId),
    name: p.name,
    state: STATE[p.state],
    projectRoleAssertion: p.projectRoleAssertion,
    projectRoleCheck: p.authorizationRequired,
    hasProjectCheck: p.projectAccessRequired,
    privateLabelingSetting: toEnum(LABELING, p.privateLabelingSetting),
  };
}

function toRole(r: projects.ProjectRole, resourceOwner: string) {
  return { key: r.key, details: details(r, resourceOwner), displayName: r.displayName, group: r.group ?? "" };
}

/** v1's GrantedProject, from a grant row (the owner's view) or a granted project row (the grantee's). */
function toGrantedProject(g: grants.ProjectGrantRow) {
  return {
    grantId: g.id,
    grantedOrgId: g.grantedOrgId,
    grantedOrgName: g.grantedOrg.name,
    grantedRoleKeys: g.roleKeys,
    state: STATE[g.state],
    projectId: g.projectId,
    projectName: g.project.name,
    projectOwnerId: g.project.orgId,
    projectOwnerName: g.project.org.name,
    details: details(g, g.project.orgId),
  };
}

function readProjectQueries(queries: ProjectQuery[]): { name?: projects.ListProjectsInput["name"]; owner?: string } {
  const input: { name?: projects.ListProjectsInput["name"]; owner?: string } = {};
  for (const { query } of queries) {
    if (query.case === "nameQuery") input.name = textFilter("nameQuery", query.value.name, query.value.method);
    if (query.case === "projectResourceOwnerQuery") input.owner = query.value.resourceOwner;
  }
  return input;
}

function readRoleQueries(queries: RoleQuery[]): Pick<projects.ListProjectRolesInput, "key" | "displayName"> {
  const input: Pick<projects.ListProjectRolesInput, "key" | "displayName"> = {};
  for (const { query } of queries) {
    if (query.case === "keyQuery") input.key = textFilter("keyQuery", query.value.key, query.value.method);
    if (query.case === "displayNameQuery") input.displayName = textFilter("displayNameQuery", query.value.displayName, query.value.method);
  }
  return input;
}

function readGrantQueries(
  queries: (ProjectGrantQuery | AllProjectGrantQuery)["query"][],
): Omit<grants.ListProjectGrantsInput, "visibleTo"> {
  const input: Omit<grants.ListProjectGrantsInput, "visibleTo"> = {};
  for (const query of queries) {
    if (query.case === "projectNameQuery") input.projectName = textFilter("projectNameQuery", query.value.name, query.value.method);
    if (query.case === "roleKeyQuery") input.roleKey = textFilter("roleKeyQuery", query.value.roleKey, query.value.method);
  }
  return input;
}

const emptyList = () => ({ details: { totalResult: 0n, processedSequence: 0n }, result: [] });

export function managementV1Projects(deps: ApiDeps): Impl {
  const ops = projectOperations(deps, { projectIdField: "id", withinContextOrganization: true });
  const orgOf = (ctx: HandlerContext) => contextOrganization(callOf(deps, ctx));
  /** The grant a v1 request names by id; not found unless it belongs to the project. */
  const grantKey = async (ctx: HandlerContext, req: { projectId: string; grantId: string }) => {
    const key = await ops.grantById(ctx, req);
    if (!key) throw notFound("project grant", req.grantId);
    return key;
  };
  const oneGrant = async (ctx: HandlerContext, input: Omit<grants.ListProjectGrantsInput, "visibleTo">, id: string) => {
    const [grant] = (await ops.listProjectGrants(ctx, input)).items;
    if (!grant) throw notFound("project grant", id);
    return grant;
  };

  return {
    async getProjectByID(req, ctx) {
      const row = await ops.getProject(ctx, req.id);
      if (row.grant) throw notFound("project", req.id); // v1 shows granted projects through GetGrantedProjectByID
      return { project: toProject(row.project) };
    },
    async listProjects(req, ctx) {
      const { name, owner } = readProjectQueries(req.queries);
      const org = orgOf(ctx);
      if (owner !== undefined && owner !== org) return emptyList();
      const page = await ops.listProjects(ctx, { ownedBy: org, name, pagination: listQuery(req.query) });
      return { details: listDetails(page), result: page.items.map((row) => toProject(row.project)) };
    },
    async listGrantedProjects(req, ctx) {
      const { name, owner } = readProjectQueries(req.queries);
      const page = await ops.listProjectGrants(ctx, {
        grantedOrganizationId: orgOf(ctx),
        ...(owner !== undefined ? { projectOwnerId: owner } : {}),
        projectName: name,
        pagination: listQuery(req.query),
      });
      return { details: listDetails(page), result: page.items.map(toGrantedProject) };
    },
    async getGrantedProjectByID(req, ctx) {
      const grant = await oneGrant(
        ctx,
        { ids: [req.grantId], projectIds: [req.projectId], grantedOrganizationId: orgOf(ctx) },
        req.grantId,
      );
      return { grantedProject: toGrantedProject(grant) };
    },
    async listGrantedProjectRoles(req, ctx) {
      const { grant, roles } = await ops.listGrantedProjectRoles(ctx, {
        projectId: req.projectId,
        grantId: req.grantId,
        grantedOrganizationId: orgOf(ctx),
        pagination: listQuery(req.query),
        ...readRoleQueries(req.queries),
      });
      return { details: listDetails(roles), result: roles.items.map((r) => toRole(r, grant.project.orgId)) };
    },
    async addProject(req, ctx) {
      const project = await ops.createProject(ctx, {
        organizationId: "",
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.projectRoleCheck,
        projectAccessRequired: req.hasProjectCheck,
        privateLabelingSetting: fromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { id: project.id, details: details(project, project.orgId) };
    },
    async updateProject(req, ctx) {
      const project = await ops.updateProject(ctx, {
        id: req.id,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.projectRoleCheck,
        projectAccessRequired: req.hasProjectCheck,
        privateLabelingSetting: fromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { details: details(project, project.orgId) };
    },
    async deactivateProject(req, ctx) {
      const project = await ops.deactivateProject(ctx, req.id);
      return { details: details(project, project.orgId) };
    },
    async reactivateProject(req, ctx) {
      const project = await ops.activateProject(ctx, req.id);
      return { details: details(project, project.orgId) };
    },
    async removeProject(req, ctx) {
      await ops.deleteProject(ctx, req.id);
      return { details: changed(orgOf(ctx)) };
    },

    async listProjectRoles(req, ctx) {
      const page = await ops.listProjectRoles(ctx, {
        projectId: req.projectId,
        pagination: listQuery(req.query),
        ...readRoleQueries(req.queries),
      });
      const org = orgOf(ctx);
      return { details: listDetails(page), result: page.items.map((r) => toRole(r, org)) };
    },
    async addProjectRole(req, ctx) {
      const role = await ops.addProjectRole(ctx, req);
      return { details: details(role, orgOf(ctx)) };
    },
    async bulkAddProjectRoles(req, ctx) {
      const roles = req.roles.map((r) => ({ roleKey: r.key, displayName: r.displayName, group: r.group }));
      await ops.addProjectRoles(ctx, { projectId: req.projectId, roles });
      return { details: changed(orgOf(ctx)) };
    },
    async updateProjectRole(req, ctx) {
      const role = await ops.updateProjectRole(ctx, req);
      return { details: details(role, orgOf(ctx)) };
    },
    async removeProjectRole(req, ctx) {
      await ops.removeProjectRole(ctx, req);
      return { details: changed(orgOf(ctx)) };
    },

    async getProjectGrantByID(req, ctx) {
      const grant = await oneGrant(ctx, { ids: [req.grantId], projectIds: [req.projectId], projectOwnerId: orgOf(ctx) }, req.grantId);
      return { projectGrant: toGrantedProject(grant) };
    },
    async listProjectGrants(req, ctx) {
      const page = await ops.listProjectGrants(ctx, {
        projectIds: [req.projectId],
        projectOwnerId: orgOf(ctx),
        pagination: listQuery(req.query),
        ...readGrantQueries(req.queries.map((q) => q.query)),
      });
      return { details: listDetails(page), result: page.items.map(toGrantedProject) };
    },
    async listAllProjectGrants(req, ctx) {
      const input: Omit<grants.ListProjectGrantsInput, "visibleTo"> = {
        projectOwnerId: orgOf(ctx),
        pagination: listQuery(req.query),
        ...readGrantQueries(req.queries.map((q) => q.query)),
      };
      for (const { query } of req.queries) {
        if (query.case === "projectIdQuery") input.projectIds = [query.value.projectId];
        if (query.case === "grantedOrgIdQuery") input.grantedOrganizationId = query.value.grantedOrgId;
      }
      const page = await ops.listProjectGrants(ctx, input);
      return { details: listDetails(page), result: page.items.map(toGrantedProject) };
    },
    async addProjectGrant(req, ctx) {
      const grant = await ops.createProjectGrant(ctx, {
        projectId: req.projectId,
        grantedOrganizationId: req.grantedOrgId,
        roleKeys: req.roleKeys,
      });
      return { grantId: grant.id, details: details(grant, orgOf(ctx)) };
    },
    async updateProjectGrant(req, ctx) {
      const grant = await ops.updateProjectGrant(ctx, { ...(await grantKey(ctx, req)), roleKeys: req.roleKeys });
      return { details: details(grant, orgOf(ctx)) };
    },
    async deactivateProjectGrant(req, ctx) {
      const grant = await ops.deactivateProjectGrant(ctx, await grantKey(ctx, req));
      return { details: details(grant, orgOf(ctx)) };
    },
    async reactivateProjectGrant(req, ctx) {
      const grant = await ops.activateProjectGrant(ctx, await grantKey(ctx, req));
      return { details: details(grant, orgOf(ctx)) };
    },
    /** Idempotent, like every delete: an unknown grant is no error. */
    async removeProjectGrant(req, ctx) {
      const key = await ops.grantById(ctx, req);
      if (key) await ops.deleteProjectGrant(ctx, key);
      return { details: changed(orgOf(ctx)) };
    },
  };
}
