// zitadel.project.v2beta.ProjectService on the directory.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import type { ProjectGrantSearchFilter, ProjectSearchFilter } from "@zitadel/proto/zitadel/project/v2beta/query_pb.js";
import { canManageProject, canSeeGrantedProject, scopeOf, type Principal } from "../access/permissions.js";
import { notFound } from "../directory/errors.js";
import * as grants from "../directory/project-grants.js";
import * as projects from "../directory/projects.js";
import { requireId } from "../directory/validate.js";
import type { PrivateLabelingSetting } from "../generated/prisma/client.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, toEnum, ts } from "./convert.js";

const LABELING: Record<number, PrivateLabelingSetting> = {
  0: "UNSPECIFIED",
  1: "ENFORCE_PROJECT_RESOURCE_OWNER_POLICY",
  2: "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
};
const STATE = { ACTIVE: 1, INACTIVE: 2 } as const;
const PROJECT_SORT: Record<number, projects.ProjectSort | undefined> = {
  0: undefined,
  1: "id",
  2: "creationDate",
  3: "changeDate",
  4: "name",
};
const ROLE_SORT: Record<number, projects.ProjectRoleSort | undefined> = { 0: undefined, 1: "key", 2: "creationDate", 3: "changeDate" };
const GRANT_SORT: Record<number, grants.ProjectGrantSort | undefined> = {
  0: undefined,
  1: "projectId",
  2: "creationDate",
  3: "changeDate",
};

/** Loads a project the caller administers; another tenant's project is reported as not found. */
async function manageableProject(call: Call, id: string) {
  const project = await projects.getProject(call.dir, id);
  if (!canManageProject(call.principal, project)) throw notFound("project", id);
  return project;
}

export function projectService(deps: ApiDeps): ServiceImpl<typeof ProjectService> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async createProject(req, ctx) {
      const c = call(ctx);
      const organizationId = req.organizationId || c.headerOrgId || c.principal.orgId;
      requireThat(
        canManageProject(c.principal, { id: req.id ?? "", orgId: organizationId }),
        `create projects in organization ${organizationId}`,
      );
      const project = await projects.createProject(c.dir, {
        organizationId,
        id: req.id,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.authorizationRequired,
        projectAccessRequired: req.projectAccessRequired,
        privateLabelingSetting: fromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { id: project.id, creationDate: ts(project.createdAt) };
    },

    async updateProject(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.id);
      const project = await projects.updateProject(c.dir, {
        id: req.id,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.projectRoleCheck,
        projectAccessRequired: req.hasProjectCheck,
        privateLabelingSetting: optionalFromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { changeDate: ts(project.updatedAt) };
    },

    async deleteProject(req, ctx) {
      const c = call(ctx);
      const existing = await projects.findProject(c.dir, requireId("id", req.id));
      if (existing) {
        requireThat(canManageProject(c.principal, existing), `delete project ${req.id}`);
        await projects.deleteProject(c.dir, req.id);
      }
      return { deletionDate: now() };
    },

    async getProject(req, ctx) {
      const c = call(ctx);
      const project = await projects.getProject(c.dir, req.id);
      if (canManageProject(c.principal, project)) return { project: toProject({ project }) };
      // Seen through a grant of the caller's organization.
      const grant = await grants.findGrantVisibleTo(c.dir, project.id, scopeOf(c.principal));
      if (!grant || !canSeeGrantedProject(c.principal, grant)) throw notFound("project", req.id);
      return { project: toProject({ project, grant }) };
    },

    async listProjects(req, ctx) {
      const c = call(ctx);
      const input = readProjectFilters(req.filters);
      const page = await projects.listProjects(c.dir, {
        ...input,
        visibleTo: visibilityOf(c.principal),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, PROJECT_SORT),
      });
      return { pagination: paginationResponse(page), projects: page.items.map(toProject) };
    },

    async deactivateProject(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.id);
      const project = await projects.deactivateProject(c.dir, req.id);
      return { changeDate: ts(project.updatedAt) };
    },

    async activateProject(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.id);
      const project = await projects.activateProject(c.dir, req.id);
      return { changeDate: ts(project.updatedAt) };
    },

    async addProjectRole(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      const role = await projects.addProjectRole(c.dir, req);
      return { creationDate: ts(role.createdAt) };
    },

    async updateProjectRole(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      const role = await projects.updateProjectRole(c.dir, req);
      return { changeDate: ts(role.updatedAt) };
    },

    async removeProjectRole(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      await projects.removeProjectRole(c.dir, req);
      return { removalDate: now() };
    },

    async listProjectRoles(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      let key: ReturnType<typeof textFilter> | undefined;
      let displayName: ReturnType<typeof textFilter> | undefined;
      for (const f of req.filters) {
        if (f.filter.case === "roleKeyFilter") key = textFilter("roleKeyFilter", f.filter.value.key, f.filter.value.method);
        if (f.filter.case === "displayNameFilter") {
          displayName = textFilter("displayNameFilter", f.filter.value.displayName, f.filter.value.method);
        }
      }
      const page = await projects.listProjectRoles(c.dir, {
        projectId: req.projectId,
        key,
        displayName,
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, ROLE_SORT),
      });
      return {
        pagination: paginationResponse(page),
        projectRoles: page.items.map((r) => ({
          projectId: r.projectId,
          key: r.key,
          displayName: r.displayName,
          group: r.group ?? "",
          creationDate: ts(r.createdAt),
          changeDate: ts(r.updatedAt),
        })),
      };
    },

    async createProjectGrant(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      const grant = await grants.createProjectGrant(c.dir, req);
      return { creationDate: ts(grant.createdAt) };
    },

    async updateProjectGrant(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      const grant = await grants.updateProjectGrant(c.dir, req);
      return { changeDate: ts(grant.updatedAt) };
    },

    async deleteProjectGrant(req, ctx) {
      const c = call(ctx);
      const project = await projects.findProject(c.dir, requireId("projectId", req.projectId));
      if (project) {
        requireThat(canManageProject(c.principal, project), `delete grants of project ${req.projectId}`);
        await grants.deleteProjectGrant(c.dir, req);
      }
      return { deletionDate: now() };
    },

    async deactivateProjectGrant(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      const grant = await grants.deactivateProjectGrant(c.dir, req);
      return { changeDate: ts(grant.updatedAt) };
    },

    async activateProjectGrant(req, ctx) {
      const c = call(ctx);
      await manageableProject(c, req.projectId);
      const grant = await grants.activateProjectGrant(c.dir, req);
      return { changeDate: ts(grant.updatedAt) };
    },

    async listProjectGrants(req, ctx) {
      const c = call(ctx);
      const page = await grants.listProjectGrants(c.dir, {
        ...readGrantFilters(req.filters),
        visibleTo: visibilityOf(c.principal),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, GRANT_SORT),
      });
      return {
        pagination: paginationResponse(page),
        projectGrants: page.items.map((g) => ({
          organizationId: g.project.orgId,
          creationDate: ts(g.createdAt),
          changeDate: ts(g.updatedAt),
          grantedOrganizationId: g.grantedOrgId,
          grantedOrganizationName: g.grantedOrg.name,
          grantedRoleKeys: g.roleKeys,
          projectId: g.projectId,
          projectName: g.project.name,
          state: STATE[g.state],
        })),
      };
    },
  };
}

/** Instance owners see everything; everyone else what their memberships reach. */
function visibilityOf(p: Principal) {
  const scope = scopeOf(p);
  return scope.all ? undefined : { orgIds: scope.orgIds, projectIds: scope.projectIds, grantIds: scope.grantIds };
}

function toProject(row: projects.ProjectRow) {
  const { project, grant } = row;
  return {
    id: project.id,
    organizationId: project.orgId,
    creationDate: ts(project.createdAt),
    changeDate: ts(project.updatedAt),
    name: project.name,
    state: STATE[project.state],
    projectRoleAssertion: project.projectRoleAssertion,
    authorizationRequired: project.authorizationRequired,
    projectAccessRequired: project.projectAccessRequired,
    privateLabelingSetting: toEnum(LABELING, project.privateLabelingSetting),
    grantedOrganizationId: grant?.grantedOrgId,
    grantedOrganizationName: grant?.grantedOrgName,
    grantedState: grant ? STATE[grant.state] : 0,
  };
}

function readProjectFilters(filters: ProjectSearchFilter[]): projects.ListProjectsInput {
  const input: projects.ListProjectsInput = {};
  for (const { filter } of filters) {
    switch (filter.case) {
      case "projectNameFilter":
        input.name = textFilter("projectNameFilter", filter.value.projectName, filter.value.method);
        break;
      case "inProjectIdsFilter":
        input.ids = filter.value.ids;
        break;
      case "projectResourceOwnerFilter":
        input.ownedBy = filter.value.id;
        break;
      case "projectGrantResourceOwnerFilter":
        input.grantedTo = filter.value.id;
        break;
      case "projectOrganizationIdFilter":
        input.ownedOrGrantedTo = filter.value.id;
        break;
    }
  }
  return input;
}

function readGrantFilters(filters: ProjectGrantSearchFilter[]): grants.ListProjectGrantsInput {
  const input: grants.ListProjectGrantsInput = {};
  for (const { filter } of filters) {
    switch (filter.case) {
      case "projectNameFilter":
        input.projectName = textFilter("projectNameFilter", filter.value.projectName, filter.value.method);
        break;
      case "roleKeyFilter":
        input.roleKey = textFilter("roleKeyFilter", filter.value.key, filter.value.method);
        break;
      case "inProjectIdsFilter":
        input.projectIds = filter.value.ids;
        break;
      case "projectResourceOwnerFilter":
        input.projectOwnerId = filter.value.id;
        break;
      case "projectGrantResourceOwnerFilter":
        input.grantedOrganizationId = filter.value.id;
        break;
    }
  }
  return input;
}
