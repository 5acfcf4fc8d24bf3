// What zitadel.internal_permission.v2beta and zitadel.internal_permission.v2 messages share: the
// same sort numbers, the same Administrator message, and the same search filters but for the
// resource filter (v2beta names a grant by its id, v2 by its project and granted organization),
// which each version reads itself.
import type { HandlerContext } from "@connectrpc/connect";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import * as administrators from "../directory/administrators.js";
import { invalidArgument } from "../directory/errors.js";
import { MAX_FILTER_DEPTH, type DateFilter } from "../directory/list.js";
import { requireEnum, requireId, requireList } from "../directory/validate.js";
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
import type { InternalPermissionOperations } from "./internal-permission-operations.js";

const SORT: Record<number, administrators.AdministratorSort> = { 0: "creationDate", 1: "userId", 2: "creationDate", 3: "changeDate" };

/** AdministratorSearchFilter in either version; R is its ResourceFilter. */
export interface AdministratorSearchFilter<R> {
  filter:
    | { case: "creationDate" | "changeDate"; value: { timestamp?: Timestamp | undefined; method: number } }
    | { case: "inUserIdsFilter"; value: { ids: string[] } }
    | { case: "userOrganizationId"; value: { id: string } }
    | { case: "userPreferredLoginName"; value: { preferredLoginName: string; method: number } }
    | { case: "userDisplayName"; value: { displayName: string; method: number } }
    | { case: "resource"; value: R }
    | { case: "role"; value: { roleKey: string } }
    | { case: "and" | "or"; value: { queries: AdministratorSearchFilter<R>[] } }
    | { case: "not"; value: { query?: AdministratorSearchFilter<R> | undefined } }
    | { case: undefined; value?: undefined };
}

/** A version's ResourceFilter as a directory condition; `field` names it in errors. */
export type ResourceFilterReader<R> = (resource: R, field: string) => administrators.AdministratorFilter;

/** The four methods, given how a version names resources in requests and in the resource filter. */
export function administratorMethods<T, R>(
  ops: InternalPermissionOperations,
  resourceOf: (resource: T | undefined) => administrators.ResourceRef,
  readResource: ResourceFilterReader<R>,
) {
  type Change = { userId: string; resource?: T | undefined; roles: string[] };
  return {
    async listAdministrators(
      req: {
        pagination?: { offset: bigint; limit: number; asc: boolean } | undefined;
        sortingColumn?: number | undefined;
        filters: AdministratorSearchFilter<R>[];
      },
      ctx: HandlerContext,
    ) {
      const page = await ops.listAdministrators(ctx, {
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, SORT),
        filters: req.filters.map((f, i) => readFilter(f, `filters[${i}]`, 0, readResource)),
      });
      return { pagination: paginationResponse(page), administrators: page.items.map(toAdministrator) };
    },
    async createAdministrator(req: Change, ctx: HandlerContext) {
      const admin = await ops.createAdministrator(ctx, { userId: req.userId, resource: resourceOf(req.resource), roles: req.roles });
      return { creationDate: ts(admin.createdAt) };
    },
    async updateAdministrator(req: Change, ctx: HandlerContext) {
      const admin = await ops.updateAdministrator(ctx, { userId: req.userId, resource: resourceOf(req.resource), roles: req.roles });
      return { changeDate: ts(admin.updatedAt) };
    },
    async deleteAdministrator(req: Omit<Change, "roles">, ctx: HandlerContext) {
      const deleted = await ops.deleteAdministrator(ctx, { userId: req.userId, resource: resourceOf(req.resource) });
      // The deletion date is set when this request deleted the roles.
      return deleted ? { deletionDate: now() } : {};
    },
  };
}

/** One search filter (and/or/not nest) as a directory condition; the request's filters are ANDed. */
function readFilter<R>(
  { filter }: AdministratorSearchFilter<R>,
  field: string,
  depth: number,
  readResource: ResourceFilterReader<R>,
): administrators.AdministratorFilter {
  if (depth > MAX_FILTER_DEPTH) throw invalidArgument(field, `filters nest at most ${MAX_FILTER_DEPTH} levels deep`);
  const nested = (q: AdministratorSearchFilter<R>, name: string) => readFilter(q, `${field}.${name}`, depth + 1, readResource);
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
    case "resource":
      return readResource(filter.value, `${field}.resource`);
    case "role":
      return { role: requireEnum(`${field}.role.roleKey`, filter.value.roleKey, administrators.ADMIN_ROLES) };
    case "and":
      return { and: filter.value.queries.map((q, i) => nested(q, `and.queries[${i}]`)) };
    case "or":
      return { or: filter.value.queries.map((q, i) => nested(q, `or.queries[${i}]`)) };
    case "not": {
      if (!filter.value.query) throw invalidArgument(`${field}.not.query`, "is required");
      return { not: nested(filter.value.query, "not.query") };
    }
    default:
      return {};
  }
}

function dateFilter(field: string, f: { timestamp?: Timestamp | undefined; method: number }): DateFilter {
  if (!f.timestamp) throw invalidArgument(`${field}.timestamp`, "is required");
  return { method: fromEnum(`${field}.method`, f.method, TIMESTAMP_METHOD), value: timestampDate(f.timestamp) };
}

function toAdministrator(row: administrators.AdministratorRow) {
  return {
    creationDate: ts(row.createdAt),
    changeDate: ts(row.updatedAt),
    user: { id: row.user.id, preferredLoginName: row.user.username, displayName: displayNameOf(row.user), organizationId: row.user.orgId },
    resource: resourceOfRow(row),
    roles: row.roles,
  };
}

function resourceOfRow(row: administrators.AdministratorRow) {
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
