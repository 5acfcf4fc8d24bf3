// zitadel.org.v2.OrganizationService (add, list) and zitadel.org.v2beta.OrganizationService
// (create, update, list, deactivate, activate, delete).
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { OrganizationService as OrganizationServiceV2 } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import type { SearchQuery } from "@zitadel/proto/zitadel/org/v2/query_pb.js";
import type { OrganizationService as OrganizationServiceV2beta } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import type { OrganizationSearchFilter } from "@zitadel/proto/zitadel/org/v2beta/org_pb.js";
import { canManageOrganization, isIamOwner, scopeOf, type Principal } from "../access/permissions.js";
import { decideUserOperation, describeRole } from "../access/user-administration.js";
import { createAdministrator, findHeldRolesOfOrganizationUsers } from "../directory/administrators.js";
import { assertThat, failedPrecondition, invalidArgument, notFound, permissionDenied } from "../directory/errors.js";
import * as orgs from "../directory/organizations.js";
import { requireId } from "../directory/validate.js";
import type { OrgState } from "../generated/prisma/client.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, ts } from "./convert.js";

const STATE: Record<number, OrgState | undefined> = { 1: "ACTIVE", 2: "INACTIVE" };
const STATE_NUMBER = { ACTIVE: 1, INACTIVE: 2 } as const;

interface AdminRequest {
  userType: { case: "userId"; value: string } | { case: "human"; value: unknown } | { case: undefined; value?: undefined };
  roles: string[];
}

/** Creates the organization and makes the named existing users its administrators. */
async function createWithAdmins(c: Call, input: { name: string; id?: string | undefined; admins: AdminRequest[] }) {
  requireThat(isIamOwner(c.principal), "create organizations");
  const admins = input.admins.map((admin, i) => {
    if (admin.userType.case !== "userId") {
      throw invalidArgument(`admins[${i}]`, "only existing users (userId) can be made administrators of a new organization");
    }
    return { userId: admin.userType.value, roles: admin.roles.length ? admin.roles : ["ORG_OWNER"] };
  });
  const org = await orgs.createOrganization(c.dir, { name: input.name, id: input.id });
  try {
    for (const admin of admins) {
      await createAdministrator(c.dir, { userId: admin.userId, resource: { organizationId: org.id }, roles: admin.roles });
    }
  } catch (error) {
    // No half-created organization: take it back when an administrator cannot be added.
    await orgs.deleteOrganization(c.dir, org.id);
    throw error;
  }
  return { org, adminIds: admins.map((a) => a.userId) };
}

/** Instance owners see every organization; others those they administer, and their own. */
function visibleIds(p: Principal): string[] | undefined {
  if (isIamOwner(p)) return undefined;
  const scope = scopeOf(p);
  return [...new Set([...scope.userOrgIds, p.orgId])];
}

async function manageableOrg(c: Call, id: string) {
  const org = await orgs.getOrganization(c.dir, id);
  if (!canManageOrganization(c.principal, org.id)) {
    if (org.id !== c.principal.orgId) throw notFound("organization", id);
    requireThat(false, `change organization ${id}`);
  }
  return org;
}

/**
 * Deactivating or deleting an organization does that to its users: the caller's roles must cover
 * every administrator role they hold, as for changing each of them (an ORG_OWNER cannot take the
 * instance owner down with its organization).
 */
async function assertCoversMembers(c: Call, orgId: string, operation: "state" | "delete", what: string): Promise<void> {
  for (const [userId, roles] of await findHeldRolesOfOrganizationUsers(c.dir, orgId)) {
    const decision = decideUserOperation(c.principal, { userId, orgId, roles }, operation);
    if (decision.allowed) continue;
    const why =
      decision.reason === "holds_uncovered_role"
        ? `: its user ${userId} holds ${describeRole(decision.role)}, which your roles do not cover`
        : "";
    throw permissionDenied(`not allowed to ${what} organization ${orgId}${why}`);
  }
}

export function organizationServiceV2(deps: ApiDeps): ServiceImpl<typeof OrganizationServiceV2> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async addOrganization(req, ctx) {
      const { org, adminIds } = await createWithAdmins(call(ctx), { name: req.name, id: req.orgId, admins: req.admins });
      return {
        details: { sequence: 0n, creationDate: ts(org.createdAt), changeDate: ts(org.updatedAt), resourceOwner: org.id },
        organizationId: org.id,
        createdAdmins: adminIds.map((userId) => ({ userId })),
      };
    },

    async listOrganizations(req, ctx) {
      const c = call(ctx);
      const input = readV2Queries(req.queries);
      if (input.defaultOnly) {
        const first = await orgs.findDefaultOrganizationId(c.dir);
        input.ids = intersect(input.ids, first ? [first] : []);
      }
      const page = await orgs.listOrganizations(c.dir, {
        ...input,
        ids: intersect(input.ids, visibleIds(c.principal)),
        pagination: pagination(req.query && { offset: req.query.offset, limit: req.query.limit, asc: req.query.asc }),
        sortBy: req.sortingColumn === 1 ? "name" : undefined,
      });
      return {
        details: { totalResult: BigInt(page.totalResult), processedSequence: 0n, timestamp: now() },
        sortingColumn: req.sortingColumn,
        result: page.items.map((o) => ({
          id: o.id,
          name: o.name,
          primaryDomain: o.primaryDomain,
          state: STATE_NUMBER[o.state],
          details: { sequence: 0n, creationDate: ts(o.createdAt), changeDate: ts(o.updatedAt), resourceOwner: o.id },
        })),
      };
    },
  };
}

export function organizationServiceV2beta(deps: ApiDeps): Partial<ServiceImpl<typeof OrganizationServiceV2beta>> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async createOrganization(req, ctx) {
      const { org, adminIds } = await createWithAdmins(call(ctx), { name: req.name, id: req.id, admins: req.admins });
      return {
        id: org.id,
        creationDate: ts(org.createdAt),
        organizationAdmins: adminIds.map((userId) => ({ OrganizationAdmin: { case: "assignedAdmin" as const, value: { userId } } })),
      };
    },

    async updateOrganization(req, ctx) {
      const c = call(ctx);
      await manageableOrg(c, req.id);
      const org = await orgs.updateOrganization(c.dir, { id: req.id, name: req.name });
      return { changeDate: ts(org.updatedAt) };
    },

    async listOrganizations(req, ctx) {
      const c = call(ctx);
      const input = readV2betaFilters(req.filter);
      const page = await orgs.listOrganizations(c.dir, {
        ...input,
        ids: intersect(input.ids, visibleIds(c.principal)),
        pagination: pagination(req.pagination),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, { 0: undefined, 1: "name", 2: "creationDate" } as const),
      });
      return {
        pagination: paginationResponse(page),
        organizations: page.items.map((o) => ({
          id: o.id,
          name: o.name,
          primaryDomain: o.primaryDomain,
          state: STATE_NUMBER[o.state],
          creationDate: ts(o.createdAt),
          changedDate: ts(o.updatedAt),
        })),
      };
    },

    async deleteOrganization(req, ctx) {
      const c = call(ctx);
      const id = requireId("id", req.id);
      const existing = await orgs.findOrganization(c.dir, id);
      if (existing) {
        requireThat(canManageOrganization(c.principal, id), `delete organization ${id}`);
        // Deleting one's own organization would delete the caller (and, for the first
        // organization, the instance administrator) with it.
        assertThat(id !== c.principal.orgId, () => failedPrecondition("an administrator cannot delete the organization it belongs to"));
        await assertCoversMembers(c, id, "delete", "delete");
        await orgs.deleteOrganization(c.dir, id);
      }
      return { deletionDate: now() };
    },

    async deactivateOrganization(req, ctx) {
      const c = call(ctx);
      await manageableOrg(c, req.id);
      await assertCoversMembers(c, req.id, "state", "deactivate");
      const org = await orgs.deactivateOrganization(c.dir, req.id);
      return { changeDate: ts(org.updatedAt) };
    },

    async activateOrganization(req, ctx) {
      const c = call(ctx);
      await manageableOrg(c, req.id);
      const org = await orgs.activateOrganization(c.dir, req.id);
      return { changeDate: ts(org.updatedAt) };
    },
  };
}

function intersect(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.filter((id) => b.includes(id));
}

type OrgFilters = Pick<orgs.ListOrganizationsInput, "ids" | "name" | "domain" | "state"> & { defaultOnly?: boolean };

function readV2Queries(queries: SearchQuery[]): OrgFilters {
  const input: OrgFilters = {};
  for (const { query } of queries) {
    switch (query.case) {
      case "nameQuery":
        input.name = textFilter("nameQuery", query.value.name, query.value.method);
        break;
      case "domainQuery":
        input.domain = textFilter("domainQuery", query.value.domain, query.value.method);
        break;
      case "stateQuery":
        input.state = fromEnum("stateQuery.state", query.value.state, STATE);
        break;
      case "idQuery":
        input.ids = intersect(input.ids, [query.value.id]);
        break;
      case "defaultQuery":
        input.defaultOnly = true;
        break;
    }
  }
  return input;
}

function readV2betaFilters(filters: OrganizationSearchFilter[]): OrgFilters {
  const input: OrgFilters = {};
  for (const { filter } of filters) {
    switch (filter.case) {
      case "nameFilter":
        input.name = textFilter("nameFilter", filter.value.name, filter.value.method);
        break;
      case "domainFilter":
        input.domain = textFilter("domainFilter", filter.value.domain, filter.value.method);
        break;
      case "stateFilter":
        input.state = optionalFromEnum("stateFilter.state", filter.value.state, STATE);
        break;
      case "idFilter":
        input.ids = intersect(input.ids, [filter.value.id]);
        break;
    }
  }
  return input;
}
