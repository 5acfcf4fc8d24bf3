// zitadel.internal_permission.v2beta.InternalPermissionService on the directory: administrators.
// Who may grant administrator roles on a resource: only instance owners on the instance; an
// organization's owners on it, its projects and their grants; a project's owners on the project
// and its grants. On top, nobody hands out a role its own roles do not cover (coversRole).
// Lists show what the caller administers, plus the caller's own roles.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { InternalPermissionService } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import type { ResourceType } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import type { AdministratorSearchFilter } from "@zitadel/proto/zitadel/internal_permission/v2beta/query_pb.js";
import type { TimestampFilter } from "@zitadel/proto/zitadel/filter/v2beta/filter_pb.js";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { canManageOrganization, canManageProject, isIamOwner, scopeOf, type Principal } from "../access/permissions.js";
import { coversRole, describeRole, type HeldRole } from "../access/user-administration.js";
import * as administrators from "../directory/administrators.js";
import { invalidArgument, permissionDenied } from "../directory/errors.js";
import { MAX_FILTER_DEPTH, type DateFilter } from "../directory/list.js";
import { requireEnum, requireId, requireList } from "../directory/validate.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";
import {
  displayNameOf,
  fromEnum,
  now,
  optionalFromEnum,
  pagination,
  paginationResponse,
  textFilter,
  TIMESTAMP_METHOD,
  ts,
} from "./convert.js";

const SORT: Record<number, administrators.AdministratorSort> = { 0: "creationDate", 1: "userId", 2: "creationDate", 3: "changeDate" };
const { ADMIN_ROLES } = administrators;

type AdministratorRow = administrators.AdministratorRow;

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
 * Refuses (permission_denied) a change of administrators on a resource the caller does not manage,
 * or one that hands out a role the caller's roles do not cover. Unknown projects and grants pass:
 * the directory answers for them (not found, or an idempotent delete). Roles that do not belong on
 * the resource are left to the directory too (invalid_argument).
 */
async function requireAdministratorRights(c: Call, ref: administrators.ResourceRef, what: string, roles: string[] = []): Promise<void> {
  const p = c.principal;
  let held: (role: string) => HeldRole | undefined;
  if (ref.instance) {
    requireThat(isIamOwner(p), `${what} instance administrators`);
    held = (role) => (role === "IAM_OWNER" ? { role } : undefined);
  } else if (ref.organizationId !== undefined) {
    const orgId = requireId("resource.organizationId", ref.organizationId);
    requireThat(canManageOrganization(p, orgId), `${what} administrators of organization ${orgId}`);
    held = (role) => (role === "ORG_OWNER" || role === "ORG_USER_MANAGER" ? { role, orgId } : undefined);
  } else {
    // A project, or a grant of one: its administrators decide.
    const owners = await administrators.findResourceOwners(c.dir, ref);
    if (!owners) return;
    const { project, grant } = owners;
    requireThat(canManageProject(p, project), `${what} administrators of ${grant ? `project grant ${grant.id}` : `project ${project.id}`}`);
    held = (role) =>
      role === "PROJECT_OWNER" && !grant
        ? { role, project }
        : role === "PROJECT_GRANT_OWNER" && grant
          ? { role, project, grant }
          : undefined;
  }
  // The resource checks above are stricter than coverage today; this keeps the rule explicit
  // should they ever widen.
  for (const role of roles) {
    const h = held(role);
    if (h && !coversRole(p, h)) throw permissionDenied(`not allowed to hand out ${describeRole(h)}: your roles do not cover it`);
  }
}

export function internalPermissionService(deps: ApiDeps): ServiceImpl<typeof InternalPermissionService> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async listAdministrators(req, ctx) {
      const c = call(ctx);
      const page = await administrators.listAdministrators(c.dir, {
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, SORT),
        filters: req.filters.map((f, i) => readFilter(f, `filters[${i}]`, 0)),
        visibleTo: visibilityOf(c.principal),
      });
      return { pagination: paginationResponse(page), administrators: page.items.map(toAdministrator) };
    },

    async createAdministrator(req, ctx) {
      const c = call(ctx);
      const resource = resourceOf(req.resource);
      await requireAdministratorRights(c, resource, "create", req.roles);
      const admin = await administrators.createAdministrator(c.dir, { userId: req.userId, resource, roles: req.roles });
      return { creationDate: ts(admin.createdAt) };
    },

    async updateAdministrator(req, ctx) {
      const c = call(ctx);
      const resource = resourceOf(req.resource);
      await requireAdministratorRights(c, resource, "update", req.roles);
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

/** What a caller may see: everything (instance owners); otherwise what its memberships reach, and its own roles. */
function visibilityOf(p: Principal): administrators.AdministratorVisibility | undefined {
  const scope = scopeOf(p);
  if (scope.all) return undefined;
  return { userId: p.userId, orgIds: scope.orgIds, projectIds: scope.projectIds, grantIds: scope.grantIds };
}

/** One search filter (and/or/not nest) as a directory condition; the request's filters are ANDed. */
function readFilter({ filter }: AdministratorSearchFilter, field: string, depth: number): administrators.AdministratorFilter {
  if (depth > MAX_FILTER_DEPTH) throw invalidArgument(field, `filters nest at most ${MAX_FILTER_DEPTH} levels deep`);
  switch (filter.case) {
    case "creationDate":
      return { createdAt: dateFilter(`${field}.creationDate`, filter.value) };
    case "changeDate":
      return { updatedAt: dateFilter(`${field}.changeDate`, filter.value) };
    case "inUserIdsFilter":
      return { userIds: requireList(`${field}.inUserIdsFilter.ids`, filter.value.ids, requireId) };
    case "userOrganizationId":
      return { userOrganizationId: requireId(`${field}.userOrganizationId.id`, filter.value.id) };
    case "userPreferredLoginName":
      return {
        userPreferredLoginName: textFilter(`${field}.userPreferredLoginName`, filter.value.preferredLoginName, filter.value.method),
      };
    case "userDisplayName":
      return { userDisplayName: textFilter(`${field}.userDisplayName`, filter.value.displayName, filter.value.method) };
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
      return { role: requireEnum(`${field}.role.roleKey`, filter.value.roleKey, ADMIN_ROLES) };
    case "and":
      return { and: filter.value.queries.map((q, i) => readFilter(q, `${field}.and.queries[${i}]`, depth + 1)) };
    case "or":
      return { or: filter.value.queries.map((q, i) => readFilter(q, `${field}.or.queries[${i}]`, depth + 1)) };
    case "not": {
      if (!filter.value.query) throw invalidArgument(`${field}.not.query`, "is required");
      return { not: readFilter(filter.value.query, `${field}.not.query`, depth + 1) };
    }
    default:
      return {};
  }
}

function dateFilter(field: string, f: TimestampFilter): DateFilter {
  if (!f.timestamp) throw invalidArgument(`${field}.timestamp`, "is required");
  return { method: fromEnum(`${field}.method`, f.method, TIMESTAMP_METHOD), value: timestampDate(f.timestamp) };
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
  if (row.project)
    return { case: "project" as const, value: { id: row.project.id, name: row.project.name, organizationId: row.project.orgId } };
  if (row.projectGrant) {
    const g = row.projectGrant;
    return {
      case: "projectGrant" as const,
      value: {
        id: g.id,
        projectId: g.projectId,
        projectName: g.project.name,
        organizationId: g.project.orgId,
        grantedOrganizationId: g.grantedOrgId,
      },
    };
  }
  return { case: "instance" as const, value: true };
}
