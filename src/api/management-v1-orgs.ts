// zitadel.management.v1 organizations and their metadata, mapped onto the OrganizationService's
// operations (organization-operations.ts). "My org" is the request's organization
// (x-zitadel-orgid, else the caller's own; docs/rules.md#r-admin-6). AddOrg makes the caller the
// new organization's ORG_OWNER, as ZITADEL does.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import type { MetadataQuery } from "@zitadel/proto/zitadel/metadata_pb.js";
import type { OrgMetadata } from "../directory/org-metadata.js";
import type { Organization } from "../directory/organizations.js";
import { callOf, type ApiDeps, contextOrganization } from "./context.js";
import { textFilter } from "./convert.js";
import { organizationOperations } from "./organization-operations.js";

import { changed, details, listDetails, listQuery } from "./v1-messages.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;

const STATE = { ACTIVE: 1, INACTIVE: 2 } as const;

function toOrg(o: Organization) {
  return { id: o.id, details: details(o, o.id), state: STATE[o.state], name: o.name, primaryDomain: o.primaryDomain };
}

function toMetadata(m: OrgMetadata) {
  return { details: details(m, m.orgId), key: m.key, value: m.value };
}

function readMetadataQueries(queries: MetadataQuery[]) {
  let key: ReturnType<typeof textFilter> | undefined;
  for (const { query } of queries) {
    if (query.case === "keyQuery") key = textFilter("keyQuery", query.value.key, query.value.method);
  }
  return { key };
}

export function managementV1Orgs(deps: ApiDeps): Impl {
  const ops = organizationOperations(deps);
  const orgOf = (ctx: HandlerContext) => contextOrganization(callOf(deps, ctx));

  return {
    async getMyOrg(_req, ctx) {
      return { org: toOrg(await ops.getOrganization(ctx, orgOf(ctx))) };
    },
    async getOrgByDomainGlobal(req, ctx) {
      return { org: toOrg(await ops.getOrganizationByDomain(ctx, req.domain)) };
    },
    async addOrg(req, ctx) {
      const creator = callOf(deps, ctx).principal.userId;
      const { org } = await ops.createOrganization(ctx, {
        name: req.name,
        admins: [{ userType: { case: "userId", value: creator }, roles: ["ORG_OWNER"] }],
      });
      return { id: org.id, details: details(org, org.id) };
    },
    async updateOrg(req, ctx) {
      const org = await ops.updateOrganization(ctx, { id: orgOf(ctx), name: req.name });
      return { details: details(org, org.id) };
    },
    async deactivateOrg(_req, ctx) {
      const org = await ops.deactivateOrganization(ctx, orgOf(ctx));
      return { details: details(org, org.id) };
    },
    async reactivateOrg(_req, ctx) {
      const org = await ops.activateOrganization(ctx, orgOf(ctx));
      return { details: details(org, org.id) };
    },
    async removeOrg(_req, ctx) {
      const id = orgOf(ctx);
      await ops.deleteOrganization(ctx, id);
      return { details: changed(id) };
    },

    async setOrgMetadata(req, ctx) {
      const [row] = await ops.setMetadata(ctx, { orgId: orgOf(ctx), metadata: [{ key: req.key, value: req.value }] });
      return { details: row ? details(row, row.orgId) : changed(orgOf(ctx)) };
    },
    async bulkSetOrgMetadata(req, ctx) {
      await ops.setMetadata(ctx, { orgId: orgOf(ctx), metadata: req.metadata.map((m) => ({ key: m.key, value: m.value })) });
      return { details: changed(orgOf(ctx)) };
    },
    async listOrgMetadata(req, ctx) {
      const page = await ops.listMetadata(ctx, {
        orgId: orgOf(ctx),
        ...readMetadataQueries(req.queries),
        pagination: listQuery(req.query),
      });
      return { details: listDetails(page), result: page.items.map(toMetadata) };
    },
    async getOrgMetadata(req, ctx) {
      return { metadata: toMetadata(await ops.getMetadata(ctx, { orgId: orgOf(ctx), key: req.key })) };
    },
    /** Idempotent, like every delete: a key the organization does not have is no error. */
    async removeOrgMetadata(req, ctx) {
      await ops.deleteMetadata(ctx, { orgId: orgOf(ctx), keys: [req.key] });
      return { details: changed(orgOf(ctx)) };
    },
    async bulkRemoveOrgMetadata(req, ctx) {
      await ops.deleteMetadata(ctx, { orgId: orgOf(ctx), keys: req.keys });
      return { details: changed(orgOf(ctx)) };
    },
  };
}
