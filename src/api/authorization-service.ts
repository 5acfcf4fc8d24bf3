// zitadel.authorization.v2beta.AuthorizationService on the directory.
// Who manages an authorization: the project's administrators for those the owner holds; for those
// a granted organization holds, also that organization's owners and the grant's PROJECT_GRANT_OWNERs
// (the directory limits them to the grant's role keys). Callers also see their own authorizations,
// and an organization's user managers those their organization holds (read-only).
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import type { AuthorizationsSearchFilter } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_pb.js";
import { canManageGrantAuthorizations, canManageOrganization, canManageProject, scopeOf, type Principal } from "../access/permissions.js";
import * as authorizations from "../directory/authorizations.js";
import { notFound } from "../directory/errors.js";
import { readPagination, textWhere } from "../directory/list.js";
import { findGrant } from "../directory/project-grants.js";
import { requireId, requireList } from "../directory/validate.js";
import type { ActiveState, Prisma } from "../generated/prisma/client.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";
import {
  displayNameOf,
  displayNameWhere,
  fromEnum,
  now,
  optionalFromEnum,
  pagination,
  paginationResponse,
  textFilter,
  toEnum,
  ts,
  USER_NAMES,
} from "./convert.js";

const STATE: Record<number, ActiveState> = { 1: "ACTIVE", 2: "INACTIVE" };

type SortColumn = "createdAt" | "updatedAt" | "id" | "userId" | "projectId" | "orgId" | "userOrgId";
const SORT: Record<number, SortColumn> = {
  0: "createdAt",
  1: "createdAt",
  2: "updatedAt",
  3: "id",
  4: "userId",
  5: "projectId",
  6: "orgId",
  7: "userOrgId",
};

const INCLUDE = {
  user: { select: USER_NAMES },
  project: { select: { name: true, orgId: true } },
  projectGrant: { select: { id: true, grantedOrgId: true } },
} satisfies Prisma.AuthorizationInclude;

type AuthorizationRow = Prisma.AuthorizationGetPayload<{ include: typeof INCLUDE }>;

function canManageAuthorization(p: Principal, row: AuthorizationRow): boolean {
  const project = { id: row.projectId, orgId: row.project.orgId };
  return row.projectGrant ? canManageGrantAuthorizations(p, project, row.projectGrant) : canManageProject(p, project);
}

function findRow(c: Call, id: string): Promise<AuthorizationRow | null> {
  return c.dir.prisma.authorization.findUnique({ where: { id: requireId("id", id) }, include: INCLUDE });
}

/** An authorization the caller manages; another tenant's is a write refused (permission_denied). */
async function manageableAuthorization(c: Call, id: string, what: string): Promise<AuthorizationRow> {
  const row = await findRow(c, id);
  if (!row) throw notFound("authorization", id);
  requireThat(canManageAuthorization(c.principal, row), `${what} authorization ${id}`);
  return row;
}

export function authorizationService(deps: ApiDeps): ServiceImpl<typeof AuthorizationService> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async listAuthorizations(req, ctx) {
      const c = call(ctx);
      const { skip, take, asc } = readPagination(pagination(req.pagination));
      const column = optionalFromEnum("sortingColumn", req.sortingColumn, SORT) ?? "createdAt";
      const filters = await Promise.all(req.filters.map((f) => filterWhere(c, f)));
      const where: Prisma.AuthorizationWhereInput = { AND: [visibleTo(c.principal), ...filters] };
      const direction = asc ? "asc" : "desc";
      const orderBy: Prisma.AuthorizationOrderByWithRelationInput[] = [
        column === "userOrgId" ? { user: { orgId: direction } } : { [column]: direction },
        { id: direction },
      ];
      const [rows, total] = await Promise.all([
        c.dir.prisma.authorization.findMany({ where, include: INCLUDE, orderBy, skip, take }),
        c.dir.prisma.authorization.count({ where }),
      ]);
      return { pagination: paginationResponse({ totalResult: total, appliedLimit: take }), authorizations: rows.map(toAuthorization) };
    },

    async createAuthorization(req, ctx) {
      const c = call(ctx);
      requireId("userId", req.userId);
      const projectId = requireId("projectId", req.projectId);
      const project = await c.dir.prisma.project.findUnique({ where: { id: projectId } });
      if (!project) throw notFound("project", projectId);
      // The holding organization: the one named, or else the project's owner (as the directory).
      const holder = req.organizationId ? requireId("organizationId", req.organizationId) : project.orgId;
      if (holder === project.orgId) {
        requireThat(canManageProject(c.principal, project), `create authorizations on project ${projectId}`);
      } else {
        const grant = await findGrant(c.dir.prisma, projectId, holder);
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
      const row = await findRow(c, req.id);
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

/**
 * What a caller may see: everything (instance owners); otherwise its own authorizations, those
 * its organizations hold, those on projects it administers, and those of grants it owns.
 */
function visibleTo(p: Principal): Prisma.AuthorizationWhereInput {
  const scope = scopeOf(p);
  if (scope.all) return {};
  return {
    OR: [
      { userId: p.userId },
      { orgId: { in: scope.userOrgIds } },
      { project: { orgId: { in: scope.orgIds } } },
      { projectId: { in: scope.projectIds } },
      { projectGrantId: { in: scope.grantIds } },
    ],
  };
}

async function filterWhere(c: Call, { filter }: AuthorizationsSearchFilter): Promise<Prisma.AuthorizationWhereInput> {
  switch (filter.case) {
    case "authorizationIds":
      return { id: { in: requireList("authorizationIds.ids", filter.value.ids, requireId) } };
    case "organizationId":
      return { orgId: requireId("organizationId.id", filter.value.id) };
    case "state":
      return { state: fromEnum("state.state", filter.value.state, STATE) };
    case "userId":
      return { userId: requireId("userId.id", filter.value.id) };
    case "userOrganizationId":
      return { user: { orgId: requireId("userOrganizationId.id", filter.value.id) } };
    case "userPreferredLoginName": {
      const text = textFilter("userPreferredLoginName", filter.value.loginName, filter.value.method);
      return { user: { username: textWhere("userPreferredLoginName.loginName", text) } };
    }
    case "userDisplayName": {
      const text = textFilter("userDisplayName", filter.value.displayName, filter.value.method);
      return { user: displayNameWhere("userDisplayName.displayName", text) };
    }
    case "projectId":
      return { projectId: requireId("projectId.id", filter.value.id) };
    case "projectName": {
      const text = textFilter("projectName", filter.value.name, filter.value.method);
      return { project: { name: textWhere("projectName.name", text) } };
    }
    case "projectGrantId":
      return { projectGrantId: requireId("projectGrantId.id", filter.value.id) };
    case "roleKey": {
      const text = textFilter("roleKey", filter.value.key, filter.value.method);
      const match = textWhere("roleKey.key", text);
      if (match.equals !== undefined && !match.mode) return { roleKeys: { has: match.equals } };
      // Every key an authorization holds is a role of its project: match the keys there.
      const roles = await c.dir.prisma.projectRole.findMany({ where: { key: match }, select: { key: true }, distinct: ["key"] });
      return { roleKeys: { hasSome: roles.map((r) => r.key) } };
    }
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
