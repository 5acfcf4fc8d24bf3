// zitadel.org.v2.OrganizationService (add, list) and zitadel.org.v2beta.OrganizationService
// (create, update, list, deactivate, activate, delete): message mapping onto the shared
// operations (organization-operations.ts).
import type { ServiceImpl } from "@connectrpc/connect";
import type { OrganizationService as OrganizationServiceV2 } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import type { SearchQuery } from "@zitadel/proto/zitadel/org/v2/query_pb.js";
import type { OrganizationService as OrganizationServiceV2beta } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import type { OrganizationSearchFilter } from "@zitadel/proto/zitadel/org/v2beta/org_pb.js";
import type * as orgs from "../directory/organizations.js";
import type { OrgState } from "../generated/prisma/client.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, ts } from "./convert.js";
import { intersect, organizationOperations } from "./organization-operations.js";

const STATE: Record<number, OrgState | undefined> = { 1: "ACTIVE", 2: "INACTIVE" };
const STATE_NUMBER = { ACTIVE: 1, INACTIVE: 2 } as const;

export function organizationServiceV2(deps: ApiDeps): ServiceImpl<typeof OrganizationServiceV2> {
  const ops = organizationOperations(deps);
  return {
    async addOrganization(req, ctx) {
      const { org, adminIds } = await ops.createOrganization(ctx, { name: req.name, id: req.orgId, admins: req.admins });
      return {
        details: { sequence: 0n, creationDate: ts(org.createdAt), changeDate: ts(org.updatedAt), resourceOwner: org.id },
        organizationId: org.id,
        createdAdmins: adminIds.map((userId) => ({ userId })),
      };
    },

    async listOrganizations(req, ctx) {
      const input = readV2Queries(req.queries);
      if (input.defaultOnly) {
        const first = await ops.findDefaultOrganizationId(ctx);
        input.ids = intersect(input.ids, first ? [first] : []);
      }
      const page = await ops.listOrganizations(ctx, {
        ...input,
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
  const ops = organizationOperations(deps);
  return {
    async createOrganization(req, ctx) {
      const { org, adminIds } = await ops.createOrganization(ctx, { name: req.name, id: req.id, admins: req.admins });
      return {
        id: org.id,
        creationDate: ts(org.createdAt),
        organizationAdmins: adminIds.map((userId) => ({ OrganizationAdmin: { case: "assignedAdmin" as const, value: { userId } } })),
      };
    },

    async updateOrganization(req, ctx) {
      const org = await ops.updateOrganization(ctx, { id: req.id, name: req.name });
      return { changeDate: ts(org.updatedAt) };
    },

    async listOrganizations(req, ctx) {
      const page = await ops.listOrganizations(ctx, {
        ...readV2betaFilters(req.filter),
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
      await ops.deleteOrganization(ctx, req.id);
      return { deletionDate: now() };
    },

    async deactivateOrganization(req, ctx) {
      const org = await ops.deactivateOrganization(ctx, req.id);
      return { changeDate: ts(org.updatedAt) };
    },

    async activateOrganization(req, ctx) {
      const org = await ops.activateOrganization(ctx, req.id);
      return { changeDate: ts(org.updatedAt) };
    },
  };
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
