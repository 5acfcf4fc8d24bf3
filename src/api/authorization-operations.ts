// The AuthorizationService's behaviour, once for every version (v2beta, v2): who may do what, and
// which directory call does it. Takes plain inputs and returns directory rows; the version files
// (authorization-service*.ts) only translate messages.
// Who manages an authorization: the project's administrators for those the owner holds; for those
// a granted organization holds, also that organization's owners and the grant's PROJECT_GRANT_OWNERs
// (the directory limits them to the grant's role keys, docs/rules.md#r-authz-2). Callers also see
// their own authorizations, and an organization's user managers those their organization holds
// (read-only) (docs/rules.md#r-admin-2).
import type { HandlerContext } from "@connectrpc/connect";
import { canManageGrantAuthorizations, canManageOrganization, canManageProject, scopeOf, type Principal } from "../access/permissions.js";
import * as authorizations from "../directory/authorizations.js";
import { notFound } from "../directory/errors.js";
import type { Page } from "../directory/list.js";
import { requireId } from "../directory/validate.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";

type AuthorizationRow = authorizations.AuthorizationRow;

/** An authorization as both versions show it: the row, with the roles behind its keys. */
export interface AuthorizationView extends AuthorizationRow {
  roles: authorizations.RoleDetails[];
}

export type AuthorizationOperations = ReturnType<typeof authorizationOperations>;

export function authorizationOperations(deps: ApiDeps) {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);

  /** An authorization the caller manages; another tenant's is a write refused (permission_denied). */
  async function manageableAuthorization(c: Call, id: string, what: string): Promise<AuthorizationRow> {
    const row = await authorizations.findAuthorization(c.dir, id);
    if (!row) throw notFound("authorization", id);
    requireThat(canManageAuthorization(c.principal, row), `${what} authorization ${id}`);
    return row;
  }

  return {
    async listAuthorizations(
      ctx: HandlerContext,
      input: Omit<authorizations.ListAuthorizationsInput, "visibleTo">,
    ): Promise<Page<AuthorizationView>> {
      const c = call(ctx);
      const page = await authorizations.listAuthorizations(c.dir, { ...input, visibleTo: visibilityOf(c.principal) });
      const roles = await authorizations.rolesOfAuthorizations(c.dir, page.items);
      return { ...page, items: page.items.map((row, i) => ({ ...row, roles: roles[i] ?? [] })) };
    },

    async createAuthorization(ctx: HandlerContext, input: authorizations.CreateAuthorizationInput): Promise<authorizations.Authorization> {
      const c = call(ctx);
      requireId("userId", input.userId);
      const projectId = requireId("projectId", input.projectId);
      // The holding organization: the one named, or else the project's owner (as the directory).
      const {
        project,
        orgId: holder,
        grant,
      } = await authorizations.authorizationHolder(c.dir, {
        projectId,
        organizationId: input.organizationId,
      });
      if (holder === project.orgId) {
        requireThat(canManageProject(c.principal, project), `create authorizations on project ${projectId}`);
      } else {
        // Without a grant the directory refuses the holder; say so only to who may know.
        const allowed = grant
          ? canManageGrantAuthorizations(c.principal, project, grant)
          : canManageProject(c.principal, project) || canManageOrganization(c.principal, holder);
        requireThat(allowed, `create authorizations held by organization ${holder} on project ${projectId}`);
      }
      return authorizations.createAuthorization(c.dir, {
        userId: input.userId,
        projectId,
        organizationId: input.organizationId,
        roleKeys: input.roleKeys,
      });
    },

    /** Replaces the keys (docs/rules.md#r-authz-5). */
    async updateAuthorization(ctx: HandlerContext, input: { id: string; roleKeys: string[] }): Promise<authorizations.Authorization> {
      const c = call(ctx);
      await manageableAuthorization(c, input.id, "update");
      return authorizations.updateAuthorization(c.dir, input);
    },

    /** Idempotent: false when there was nothing to delete (docs/rules.md#r-authz-5). */
    async deleteAuthorization(ctx: HandlerContext, id: string): Promise<boolean> {
      const c = call(ctx);
      const row = await authorizations.findAuthorization(c.dir, id);
      if (!row) return false;
      requireThat(canManageAuthorization(c.principal, row), `delete authorization ${id}`);
      return authorizations.deleteAuthorization(c.dir, id);
    },

    /** Refuses (permission_denied) unless the caller manages every one of these authorizations. */
    async assertManageable(ctx: HandlerContext, rows: AuthorizationRow[]): Promise<void> {
      const c = call(ctx);
      for (const row of rows) requireThat(canManageAuthorization(c.principal, row), `delete authorization ${row.id}`);
    },

    async activateAuthorization(ctx: HandlerContext, id: string): Promise<authorizations.Authorization> {
      const c = call(ctx);
      await manageableAuthorization(c, id, "activate");
      return authorizations.activateAuthorization(c.dir, id);
    },

    async deactivateAuthorization(ctx: HandlerContext, id: string): Promise<authorizations.Authorization> {
      const c = call(ctx);
      await manageableAuthorization(c, id, "deactivate");
      return authorizations.deactivateAuthorization(c.dir, id);
    },
  };
}

function canManageAuthorization(p: Principal, row: AuthorizationRow): boolean {
  const project = { id: row.projectId, orgId: row.project.orgId };
  return row.projectGrant ? canManageGrantAuthorizations(p, project, row.projectGrant) : canManageProject(p, project);
}

/** What a caller may see: everything (instance owners); otherwise what its memberships reach, and its own. */
function visibilityOf(p: Principal): authorizations.AuthorizationVisibility | undefined {
  const scope = scopeOf(p);
  if (scope.all) return undefined;
  return { userId: p.userId, userOrgIds: scope.userOrgIds, orgIds: scope.orgIds, projectIds: scope.projectIds, grantIds: scope.grantIds };
}
