// zitadel.internal_permission.v2beta.InternalPermissionService on the directory: administrators.
// Who may grant administrator roles on a resource: only instance owners on the instance; an
// organization's owners on it, its projects and their grants; a project's owners on the project
// and its grants. Lists show what the caller administers, plus the caller's own roles.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { InternalPermissionService } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import type { ResourceType } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import type { AdministratorSearchFilter } from "@zitadel/proto/zitadel/internal_permission/v2beta/query_pb.js";
import type { TimestampFilter } from "@zitadel/proto/zitadel/filter/v2beta/filter_pb.js";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { canManageOrganization, canManageProject, isIamOwner, scopeOf, type Principal } from "../access/permissions.js";
import * as administrators from "../directory/administrators.js";
import { invalidArgument } from "../directory/errors.js";
import { readPagination, textWhere } from "../directory/list.js";
import { requireEnum, requireId, requireList } from "../directory/validate.js";
import type { AdminRole, Prisma } from "../generated/prisma/client.js";
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
  ts,
  USER_NAMES,
} from "./convert.js";

const SORT: Record<number, "createdAt" | "updatedAt" | "userId"> = { 0: "createdAt", 1: "userId", 2: "createdAt", 3: "updatedAt" };
const TIMESTAMP_METHOD: Record<number, "equals" | "gt" | "gte" | "lt" | "lte"> = { 0: "equals", 1: "gt", 2: "gte", 3: "lt", 4: "lte" };
const ALL_ROLES = [...new Set(Object.values(administrators.ROLES_BY_RESOURCE).flat())] as AdminRole[];
/** and/or/not filters nest; deeper trees than this are refused. */
const MAX_FILTER_DEPTH = 10;

const INCLUDE = {
  user: { select: USER_NAMES },
  org: { select: { id: true, name: true } },
  project: { select: { id: true, name: true, orgId: true } },
  projectGrant: { select: { id: true, projectId: true, grantedOrgId: true, project: { select: { name: true, orgId: true } } } },
} satisfies Prisma.AdministratorInclude;

type AdministratorRow = Prisma.AdministratorGetPayload<{ include: typeof INCLUDE }>;

/** The proto's resource as the directory names it (which checks that exactly one is set). */
function resourceOf(r: ResourceType | undefined): administrators.ResourceRef {
  const resource = r?.resource;
  switch (resource?.case) {
    case "instance":
      return { instance: resource.value };
    case "organizationId":
      return { organizationId: resource.value };
    case "projectId":
      return { projectId: resource.value };
    case "projectGrant":
      return {
        projectGrant: {
          projectId: resource.value.projectId,
          projectGrantId: requireId("resource.projectGrant.projectGrantId", resource.value.projectGrantId),
        },
      };
    default:
      throw invalidArgument("resource", "is required");
  }
}

/**
 * Refuses (permission_denied) a change of administrators on a resource the caller does not manage.
 * Unknown projects and grants pass: the directory answers for them (not found, or an idempotent delete).
 */
async function requireAdministratorRights(c: Call, ref: administrators.ResourceRef, what: string): Promise<void> {
  const p = c.principal;
  if (ref.instance) return requireThat(isIamOwner(p), `${what} instance administrators`);
  if (ref.organizationId !== undefined) {
    const orgId = requireId("resource.organizationId", ref.organizationId);
    return requireThat(canManageOrganization(p, orgId), `${what} administrators of organization ${orgId}`);
  }
  if (ref.projectId !== undefined) {
    const projectId = requireId("resource.projectId", ref.projectId);
    const project = await c.dir.prisma.project.findUnique({ where: { id: projectId } });
    if (project) requireThat(canManageProject(p, project), `${what} administrators of project ${projectId}`);
    return;
  }
  if (ref.projectGrant) {
    const projectId = requireId("resource.projectGrant.projectId", ref.projectGrant.projectId);
    const grant = await c.dir.prisma.projectGrant.findFirst({
      where: { id: ref.projectGrant.projectGrantId, projectId },
      include: { project: true },
    });
    if (grant) requireThat(canManageProject(p, grant.project), `${what} administrators of project grant ${grant.id}`);
  }
}

export function internalPermissionService(deps: ApiDeps): ServiceImpl<typeof InternalPermissionService> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async listAdministrators(req, ctx) {
      const c = call(ctx);
      const { skip, take, asc } = readPagination(pagination(req.pagination));
      const column = optionalFromEnum("sortingColumn", req.sortingColumn, SORT) ?? "createdAt";
      const where: Prisma.AdministratorWhereInput = {
        AND: [visibleTo(c.principal), ...req.filters.map((f, i) => filterWhere(f, `filters[${i}]`, 0))],
      };
      const direction = asc ? "asc" : "desc";
      const [rows, total] = await Promise.all([
        c.dir.prisma.administrator.findMany({ where, include: INCLUDE, orderBy: [{ [column]: direction }, { id: direction }], skip, take }),
        c.dir.prisma.administrator.count({ where }),
      ]);
      return { pagination: paginationResponse({ totalResult: total, appliedLimit: take }), administrators: rows.map(toAdministrator) };
    },

    async createAdministrator(req, ctx) {
      const c = call(ctx);
      const resource = resourceOf(req.resource);
      await requireAdministratorRights(c, resource, "create");
      const admin = await administrators.createAdministrator(c.dir, { userId: req.userId, resource, roles: req.roles });
      return { creationDate: ts(admin.createdAt) };
    },

    async updateAdministrator(req, ctx) {
      const c = call(ctx);
      const resource = resourceOf(req.resource);
      await requireAdministratorRights(c, resource, "update");
      const admin = await administrators.updateAdministrator(c.dir, { userId: req.userId, resource, roles: req.roles });
      return { changeDate: ts(admin.updatedAt) };
    },

    async deleteAdministrator(req, ctx) {
      const c = call(ctx);
      const resource = resourceOf(req.resource);
      await requireAdministratorRights(c, resource, "delete");
      const deleted = await administrators.deleteAdministrator(c.dir, { userId: req.userId, resource });
      // As the doc comment says: the deletion date is set when this request deleted the roles.
      return deleted ? { deletionDate: now() } : {};
    },
  };
}

/**
 * What a caller may see: everything (instance owners); otherwise its own administrator roles,
 * the administrators of its organizations, of projects it administers, and of grants it administers
 * or that were made to its organizations.
 */
function visibleTo(p: Principal): Prisma.AdministratorWhereInput {
  const scope = scopeOf(p);
  if (scope.all) return {};
  return {
    OR: [
      { userId: p.userId },
      { resource: "ORGANIZATION", resourceId: { in: scope.orgIds } },
      { resource: "PROJECT", resourceId: { in: scope.projectIds } },
      { resource: "PROJECT", project: { orgId: { in: scope.orgIds } } },
      {
        resource: "PROJECT_GRANT",
        projectGrant: {
          OR: [
            { id: { in: scope.grantIds } },
            { grantedOrgId: { in: scope.orgIds } },
            { projectId: { in: scope.projectIds } },
            { project: { orgId: { in: scope.orgIds } } },
          ],
        },
      },
    ],
  };
}

function filterWhere({ filter }: AdministratorSearchFilter, field: string, depth: number): Prisma.AdministratorWhereInput {
  if (depth > MAX_FILTER_DEPTH) throw invalidArgument(field, `filters nest at most ${MAX_FILTER_DEPTH} levels deep`);
  switch (filter.case) {
    case "creationDate":
      return { createdAt: timestampWhere(`${field}.creationDate`, filter.value) };
    case "changeDate":
      return { updatedAt: timestampWhere(`${field}.changeDate`, filter.value) };
    case "inUserIdsFilter":
      return { userId: { in: requireList(`${field}.inUserIdsFilter.ids`, filter.value.ids, requireId) } };
    case "userOrganizationId":
      return { user: { orgId: requireId(`${field}.userOrganizationId.id`, filter.value.id) } };
    case "userPreferredLoginName": {
      const name = `${field}.userPreferredLoginName`;
      return { user: { username: textWhere(`${name}.preferredLoginName`, textFilter(name, filter.value.preferredLoginName, filter.value.method)) } };
    }
    case "userDisplayName": {
      const name = `${field}.userDisplayName`;
      return { user: displayNameWhere(`${name}.displayName`, textFilter(name, filter.value.displayName, filter.value.method)) };
    }
    case "resource": {
      const resource = filter.value.resource;
      const name = `${field}.resource`;
      switch (resource.case) {
        case "instance":
          return resource.value ? { resource: "INSTANCE" } : {};
        case "organizationId":
          return { resource: "ORGANIZATION", resourceId: requireId(`${name}.organizationId`, resource.value) };
        case "projectId":
          return { resource: "PROJECT", resourceId: requireId(`${name}.projectId`, resource.value) };
        case "projectGrantId":
          return { resource: "PROJECT_GRANT", resourceId: requireId(`${name}.projectGrantId`, resource.value) };
        default:
          return {};
      }
    }
    case "role":
      return { roles: { has: requireEnum(`${field}.role.roleKey`, filter.value.roleKey, ALL_ROLES) } };
    case "and":
      return { AND: filter.value.queries.map((q, i) => filterWhere(q, `${field}.and.queries[${i}]`, depth + 1)) };
    case "or": {
      const queries = filter.value.queries.map((q, i) => filterWhere(q, `${field}.or.queries[${i}]`, depth + 1));
      return queries.length ? { OR: queries } : {};
    }
    case "not": {
      if (!filter.value.query) throw invalidArgument(`${field}.not.query`, "is required");
      return { NOT: filterWhere(filter.value.query, `${field}.not.query`, depth + 1) };
    }
    default:
      return {};
  }
}

function timestampWhere(field: string, f: TimestampFilter): Prisma.DateTimeFilter {
  if (!f.timestamp) throw invalidArgument(`${field}.timestamp`, "is required");
  return { [fromEnum(`${field}.method`, f.method, TIMESTAMP_METHOD)]: timestampDate(f.timestamp) };
}

function toAdministrator(row: AdministratorRow) {
  return {
    creationDate: ts(row.createdAt),
    changeDate: ts(row.updatedAt),
    user: { id: row.user.id, preferredLoginName: row.user.username, displayName: displayNameOf(row.user), organizationId: row.user.orgId },
    resource: resourceOfRow(row),
    roles: row.roles,
  };
}

function resourceOfRow(row: AdministratorRow) {
  if (row.org) return { case: "organization" as const, value: { id: row.org.id, name: row.org.name } };
  if (row.project) return { case: "project" as const, value: { id: row.project.id, name: row.project.name, organizationId: row.project.orgId } };
  if (row.projectGrant) {
    const g = row.projectGrant;
    return {
      case: "projectGrant" as const,
      value: { id: g.id, projectId: g.projectId, projectName: g.project.name, organizationId: g.project.orgId, grantedOrganizationId: g.grantedOrgId },
    };
  }
  return { case: "instance" as const, value: true };
}
