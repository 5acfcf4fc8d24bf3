// zitadel.authorization.v2beta.AuthorizationService on the directory.
// Who manages an authorization: the project's administrators for those the owner holds; for those
// a granted organization holds, also that organization's owners and the grant's PROJECT_GRANT_OWNERs
// (the directory limits them to the grant's role keys). Callers also see their own authorizations,
// and an organization's user managers those their organization holds (read-only).
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import type { AuthorizationsSearchFilter } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_pb.js";
import { canManageGrantAuthorizations, canManageOrganization, canManageProject, scopeOf, type Principal } from "../access/permissions.js";
import * as authorizations from "../directory/authorizations.js";
import { notFound } from "../directory/errors.js";
import { requireId, requireList } from "../directory/validate.js";
import type { ActiveState } from "../generated/prisma/client.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";
import { displayNameOf, fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, toEnum, ts } from "./convert.js";

const STATE: Record<number, ActiveState> = { 1: "ACTIVE", 2: "INACTIVE" };

const SORT: Record<number, authorizations.AuthorizationSort> = {
  0: "creationDate",
  1: "creationDate",
  2: "changeDate",
  3: "id",
  4: "userId",
  5: "projectId",
  6: "organizationId",
  7: "userOrganizationId",
};

type AuthorizationRow = authorizations.AuthorizationRow;

function canManageAuthorization(p: Principal, row: AuthorizationRow): boolean {
  const project = { id: row.projectId, orgId: row.project.orgId };
  return row.projectGrant ? canManageGrantAuthorizations(p, project, row.projectGrant) : canManageProject(p, project);
}

/** An authorization the caller manages; another tenant's is a write refused (permission_denied). */
async function manageableAuthorization(c: Call, id: string, what: string): Promise<AuthorizationRow> {
  const row = await authorizations.findAuthorization(c.dir, id);
  if (!row) throw notFound("authorization", id);
  requireThat(canManageAuthorization(c.principal, row), `${what} authorization ${id}`);
  return row;
}

export function authorizationService(deps: ApiDeps): ServiceImpl<typeof AuthorizationService> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async listAuthorizations(req, ctx) {
      const c = call(ctx);
      const page = await authorizations.listAuthorizations(c.dir, {
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, SORT),
        filters: req.filters.map(readFilter),
        visibleTo: visibilityOf(c.principal),
      });
      return { pagination: paginationResponse(page), authorizations: page.items.map(toAuthorization) };
    },

    async createAuthorization(req, ctx) {
      const c = call(ctx);
      requireId("userId", req.userId);
      const projectId = requireId("projectId", req.projectId);
      // The holding organization: the one named, or else the project's owner (as the directory).
      const {
        project,
        orgId: holder,
        grant,
      } = await authorizations.authorizationHolder(c.dir, {
        projectId,
        organizationId: req.organizationId,
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
      const authorization = await authorizations.createAuthorization(c.dir, {
        userId: req.userId,
        projectId,
        organizationId: req.organizationId,
        roleKeys: req.roleKeys,
      });
      return { id: authorization.id, creationDate: ts(authorization.createdAt) };
    },

    async updateAuthorization(req, ctx) {
      const c = call(ctx);
      await manageableAuthorization(c, req.id, "update");
      const authorization = await authorizations.updateAuthorization(c.dir, { id: req.id, roleKeys: req.roleKeys });
      return { changeDate: ts(authorization.updatedAt) };
    },

    async deleteAuthorization(req, ctx) {
      const c = call(ctx);
      const row = await authorizations.findAuthorization(c.dir, req.id);
      if (!row) return {}; // the desired state is reached; no deletion date: this request deleted nothing
      requireThat(canManageAuthorization(c.principal, row), `delete authorization ${req.id}`);
      const deleted = await authorizations.deleteAuthorization(c.dir, req.id);
      return deleted ? { deletionDate: now() } : {};
    },

    async activateAuthorization(req, ctx) {
      const c = call(ctx);
      await manageableAuthorization(c, req.id, "activate");
      const authorization = await authorizations.activateAuthorization(c.dir, req.id);
      return { changeDate: ts(authorization.updatedAt) };
    },

    async deactivateAuthorization(req, ctx) {
      const c = call(ctx);
      await manageableAuthorization(c, req.id, "deactivate");
      const authorization = await authorizations.deactivateAuthorization(c.dir, req.id);
      return { changeDate: ts(authorization.updatedAt) };
    },
  };
}

/** What a caller may see: everything (instance owners); otherwise what its memberships reach, and its own. */
function visibilityOf(p: Principal): authorizations.AuthorizationVisibility | undefined {
  const scope = scopeOf(p);
  if (scope.all) return undefined;
  return { userId: p.userId, userOrgIds: scope.userOrgIds, orgIds: scope.orgIds, projectIds: scope.projectIds, grantIds: scope.grantIds };
}

/** One search filter as a directory condition; the request's filters are ANDed. */
function readFilter({ filter }: AuthorizationsSearchFilter): authorizations.AuthorizationFilter {
  switch (filter.case) {
    case "authorizationIds":
      return { ids: requireList("authorizationIds.ids", filter.value.ids, requireId) };
    case "organizationId":
      return { organizationId: requireId("organizationId.id", filter.value.id) };
    case "state":
      return { state: fromEnum("state.state", filter.value.state, STATE) };
    case "userId":
      return { userId: requireId("userId.id", filter.value.id) };
    case "userOrganizationId":
      return { userOrganizationId: requireId("userOrganizationId.id", filter.value.id) };
    case "userPreferredLoginName":
      return { userPreferredLoginName: textFilter("userPreferredLoginName", filter.value.loginName, filter.value.method) };
    case "userDisplayName":
      return { userDisplayName: textFilter("userDisplayName", filter.value.displayName, filter.value.method) };
    case "projectId":
      return { projectId: requireId("projectId.id", filter.value.id) };
    case "projectName":
      return { projectName: textFilter("projectName", filter.value.name, filter.value.method) };
    case "projectGrantId":
      return { projectGrantId: requireId("projectGrantId.id", filter.value.id) };
    case "roleKey":
      return { roleKey: textFilter("roleKey", filter.value.key, filter.value.method) };
    default:
      return {};
  }
}

function toAuthorization(row: AuthorizationRow) {
  return {
    id: row.id,
    projectId: row.projectId,
    projectName: row.project.name,
    projectOrganizationId: row.project.orgId,
    projectGrantId: row.projectGrant?.id,
    grantedOrganizationId: row.projectGrant?.grantedOrgId,
    organizationId: row.orgId,
    creationDate: ts(row.createdAt),
    changeDate: ts(row.updatedAt),
    state: toEnum(STATE, row.state),
    user: {
      id: row.user.id,
      preferredLoginName: row.user.username,
      displayName: displayNameOf(row.user),
      avatarUrl: "",
      organizationId: row.user.orgId,
    },
    roles: row.roleKeys,
  };
}
