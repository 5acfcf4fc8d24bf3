// The ProjectService's behaviour, once for every version (v2beta, v2): who may do what, and which
// directory call does it. Takes plain inputs and returns directory rows; the version files
// (project-service*.ts) only translate messages.
import type { HandlerContext } from "@connectrpc/connect";
import { canManageProject, canSeeGrantedProject, scopeOf, type Principal } from "../access/permissions.js";
import { notFound } from "../directory/errors.js";
import type { Page } from "../directory/list.js";
import * as grants from "../directory/project-grants.js";
import * as projects from "../directory/projects.js";
import { requireId } from "../directory/validate.js";
import { callOf, requireThat, type ApiDeps, type Call, contextOrganization } from "./context.js";

export interface ProjectOperationsOptions {
  /** The request field that names a project (v2beta `id`, v2 `projectId`), for error messages. */
  projectIdField: string;
  /**
   * v1 works within one organization, the `x-zitadel-orgid` header's or else the caller's own:
   * a project of another organization is not found there, even for an instance owner.
   */
  withinContextOrganization?: boolean;
}

export type ProjectOperations = ReturnType<typeof projectOperations>;

export function projectOperations(deps: ApiDeps, { projectIdField, withinContextOrganization = false }: ProjectOperationsOptions) {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  const projectId = (id: string) => requireId(projectIdField, id);

  /** Loads a project the caller administers; another tenant's project is reported as not found. */
  async function manageableProject(c: Call, id: string) {
    const project = await projects.getProject(c.dir, id);
    if (!canManageProject(c.principal, project) || !inContext(c, project)) throw notFound("project", id);
    return project;
  }

  const inContext = (c: Call, project: { orgId: string }) => !withinContextOrganization || project.orgId === contextOrganization(c);

  /** Runs `change` on a project the caller administers. */
  const onManageable =
    <I extends { projectId: string }, R>(change: (c: Call, input: I) => Promise<R>) =>
    async (ctx: HandlerContext, input: I): Promise<R> => {
      const c = call(ctx);
      await manageableProject(c, input.projectId);
      return change(c, input);
    };

  return {
    /** A project the caller administers (in v1, of the request's organization); otherwise not found. */
    manageableProject: (ctx: HandlerContext, id: string) => manageableProject(call(ctx), projectId(id)),

    async createProject(ctx: HandlerContext, input: projects.CreateProjectInput): Promise<projects.Project> {
      const c = call(ctx);
      const organizationId = input.organizationId || contextOrganization(c);
      requireThat(
        canManageProject(c.principal, { id: input.id ?? "", orgId: organizationId }),
        `create projects in organization ${organizationId}`,
      );
      if (input.id) projectId(input.id);
      return projects.createProject(c.dir, { ...input, organizationId });
    },

    async updateProject(ctx: HandlerContext, input: projects.UpdateProjectInput): Promise<projects.Project> {
      const c = call(ctx);
      await manageableProject(c, projectId(input.id));
      return projects.updateProject(c.dir, input);
    },

    /** Idempotent: an unknown project is no error. */
    async deleteProject(ctx: HandlerContext, id: string): Promise<void> {
      const c = call(ctx);
      const existing = await projects.findProject(c.dir, projectId(id));
      if (!existing || !inContext(c, existing)) return;
      requireThat(canManageProject(c.principal, existing), `delete project ${id}`);
      await projects.deleteProject(c.dir, id);
    },

    /** A project the caller administers, or one granted to the caller's organization (with that grant). */
    async getProject(ctx: HandlerContext, id: string): Promise<projects.ProjectRow> {
      const c = call(ctx);
      const project = await projects.getProject(c.dir, projectId(id));
      if (canManageProject(c.principal, project) && inContext(c, project)) return { project };
      const grant = await grants.findGrantVisibleTo(c.dir, project.id, scopeOf(c.principal));
      if (!grant || !canSeeGrantedProject(c.principal, grant)) throw notFound("project", id);
      return { project, grant };
    },

    listProjects(ctx: HandlerContext, input: Omit<projects.ListProjectsInput, "visibleTo">): Promise<Page<projects.ProjectRow>> {
      const c = call(ctx);
      return projects.listProjects(c.dir, { ...input, visibleTo: visibilityOf(c.principal) });
    },

    async deactivateProject(ctx: HandlerContext, id: string): Promise<projects.Project> {
      const c = call(ctx);
      await manageableProject(c, projectId(id));
      return projects.deactivateProject(c.dir, id);
    },

    async activateProject(ctx: HandlerContext, id: string): Promise<projects.Project> {
      const c = call(ctx);
      await manageableProject(c, projectId(id));
      return projects.activateProject(c.dir, id);
    },

    addProjectRole: onManageable((c, input: projects.AddProjectRoleInput) => projects.addProjectRole(c.dir, input)),
    addProjectRoles: onManageable((c, input: Parameters<typeof projects.addProjectRoles>[1]) => projects.addProjectRoles(c.dir, input)),
    updateProjectRole: onManageable((c, input: projects.UpdateProjectRoleInput) => projects.updateProjectRole(c.dir, input)),
    removeProjectRole: onManageable((c, input: { projectId: string; roleKey: string }) => projects.removeProjectRole(c.dir, input)),
    listProjectRoles: onManageable((c, input: projects.ListProjectRolesInput) => projects.listProjectRoles(c.dir, input)),

    createProjectGrant: onManageable((c, input: grants.CreateProjectGrantInput) => grants.createProjectGrant(c.dir, input)),
    updateProjectGrant: onManageable((c, input: grants.CreateProjectGrantInput) => grants.updateProjectGrant(c.dir, input)),
    deactivateProjectGrant: onManageable((c, input: grants.ProjectGrantKey) => grants.deactivateProjectGrant(c.dir, input)),
    activateProjectGrant: onManageable((c, input: grants.ProjectGrantKey) => grants.activateProjectGrant(c.dir, input)),

    /** v1 names a grant by its own id: the key of a grant of a project the caller administers. */
    async grantById(ctx: HandlerContext, input: { projectId: string; grantId: string }): Promise<grants.ProjectGrantKey | undefined> {
      const c = call(ctx);
      await manageableProject(c, requireId("projectId", input.projectId));
      const grant = await grants.findGrantById(c.dir, input.projectId, input.grantId);
      return grant ? { projectId: grant.projectId, grantedOrganizationId: grant.grantedOrgId } : undefined;
    },

    /** Idempotent: an unknown project or grant is no error. */
    async deleteProjectGrant(ctx: HandlerContext, input: grants.ProjectGrantKey): Promise<void> {
      const c = call(ctx);
      const project = await projects.findProject(c.dir, requireId("projectId", input.projectId));
      if (!project || !inContext(c, project)) return;
      requireThat(canManageProject(c.principal, project), `delete grants of project ${input.projectId}`);
      await grants.deleteProjectGrant(c.dir, input);
    },

    /** A grant's roles, for whoever sees the grant (the granted organization's administrators too). */
    async listGrantedProjectRoles(
      ctx: HandlerContext,
      input: { projectId: string; grantId: string; grantedOrganizationId: string } & Omit<
        projects.ListProjectRolesInput,
        "projectId" | "keys"
      >,
    ): Promise<{ grant: grants.ProjectGrantRow; roles: Page<projects.ProjectRole> }> {
      const c = call(ctx);
      const { projectId, grantId, grantedOrganizationId, ...rest } = input;
      const [grant] = (
        await grants.listProjectGrants(c.dir, {
          ids: [requireId("grantId", grantId)],
          projectIds: [requireId("projectId", projectId)],
          grantedOrganizationId,
          visibleTo: visibilityOf(c.principal),
        })
      ).items;
      if (!grant) throw notFound("project grant", grantId);
      return { grant, roles: await projects.listProjectRoles(c.dir, { ...rest, projectId: grant.projectId, keys: grant.roleKeys }) };
    },

    listProjectGrants(ctx: HandlerContext, input: Omit<grants.ListProjectGrantsInput, "visibleTo">): Promise<Page<grants.ProjectGrantRow>> {
      const c = call(ctx);
      return grants.listProjectGrants(c.dir, { ...input, visibleTo: visibilityOf(c.principal) });
    },
  };
}

/** Instance owners see everything; everyone else what their memberships reach. */
function visibilityOf(p: Principal) {
  const scope = scopeOf(p);
  return scope.all ? undefined : { orgIds: scope.orgIds, projectIds: scope.projectIds, grantIds: scope.grantIds };
}
