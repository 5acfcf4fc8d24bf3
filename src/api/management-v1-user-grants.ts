// zitadel.management.v1 user grants (authorizations), mapped onto the AuthorizationService's
// operations (authorization-operations.ts). v1 works within the request's organization
// (docs/rules.md#r-admin-6): a user grant added there is held by it, and only grants it holds (or,
// with `withGranted`, grants on projects it owns) are seen and changed. An external user grant is
// one whose user belongs to another organization (docs/rules.md#r-authz-3).
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import type { UserGrantQuery } from "@zitadel/proto/zitadel/user_pb.js";
import type * as authorizations from "../directory/authorizations.js";
import { invalidArgument, notFound } from "../directory/errors.js";
import { findGrantById } from "../directory/project-grants.js";
import { type AuthorizationView, authorizationOperations } from "./authorization-operations.js";
import { callOf, type ApiDeps, contextOrganization } from "./context.js";
import { displayNameOf, textFilter } from "./convert.js";

import { changed, details, listDetails, listQuery } from "./v1-messages.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;

const STATE = { ACTIVE: 1, INACTIVE: 2 } as const;
const USER_TYPE = { HUMAN: 1, MACHINE: 2 } as const;

/** v1's UserGrant: `org*` is the holding organization, `grantedOrg*` the user's own. */
function toUserGrant(a: AuthorizationView) {
  return {
    id: a.id,
    details: details(a, a.orgId),
    roleKeys: a.roleKeys,
    state: STATE[a.state],
    userId: a.userId,
    userName: a.user.username,
    firstName: a.user.givenName ?? "",
    lastName: a.user.familyName ?? "",
    email: a.user.email ?? "",
    displayName: displayNameOf(a.user),
    orgId: a.orgId,
    orgName: a.org.name,
    orgDomain: a.org.primaryDomain,
    projectId: a.projectId,
    projectName: a.project.name,
    projectGrantId: a.projectGrantId ?? "",
    avatarUrl: "",
    preferredLoginName: a.user.username,
    userType: USER_TYPE[a.user.type],
    grantedOrgId: a.user.orgId,
    grantedOrgName: a.user.org.name,
    grantedOrgDomain: a.user.org.primaryDomain,
  };
}

function readQueries(queries: UserGrantQuery[], org: string): Omit<authorizations.ListAuthorizationsInput, "visibleTo"> {
  const input: Omit<authorizations.ListAuthorizationsInput, "visibleTo"> = {};
  let withGranted = false;
  for (const { query } of queries) {
    switch (query.case) {
      case "projectIdQuery":
        input.projectId = query.value.projectId;
        break;
      case "userIdQuery":
        input.userId = query.value.userId;
        break;
      case "withGrantedQuery":
        withGranted = query.value.withGranted;
        break;
      case "roleKeyQuery":
        input.roleKey = textFilter("roleKeyQuery", query.value.roleKey, query.value.method);
        break;
      case "projectGrantIdQuery":
        input.projectGrantId = query.value.projectGrantId;
        break;
      case "userNameQuery":
        input.userPreferredLoginName = textFilter("userNameQuery", query.value.userName, query.value.method);
        break;
      case "firstNameQuery":
        input.userGivenName = textFilter("firstNameQuery", query.value.firstName, query.value.method);
        break;
      case "lastNameQuery":
        input.userFamilyName = textFilter("lastNameQuery", query.value.lastName, query.value.method);
        break;
      case "emailQuery":
        input.userEmail = textFilter("emailQuery", query.value.email, query.value.method);
        break;
      case "orgNameQuery":
        input.organizationName = textFilter("orgNameQuery", query.value.orgName, query.value.method);
        break;
      case "orgDomainQuery":
        input.organizationDomain = textFilter("orgDomainQuery", query.value.orgDomain, query.value.method);
        break;
      case "projectNameQuery":
        input.projectName = textFilter("projectNameQuery", query.value.projectName, query.value.method);
        break;
      case "displayNameQuery":
        input.userDisplayName = textFilter("displayNameQuery", query.value.displayName, query.value.method);
        break;
      case "userTypeQuery":
        if (query.value.type === 1) input.userType = "HUMAN";
        else if (query.value.type === 2) input.userType = "MACHINE";
        else throw invalidArgument("userTypeQuery.type", "must be TYPE_HUMAN or TYPE_MACHINE");
        break;
    }
  }
  return withGranted ? { ...input, heldByOrProjectOf: org } : { ...input, organizationId: org };
}

export function managementV1UserGrants(deps: ApiDeps): Impl {
  const ops = authorizationOperations(deps);
  const orgOf = (ctx: HandlerContext) => contextOrganization(callOf(deps, ctx));

  /** The user grant named by user and id, held by the request's organization or on one of its projects. */
  async function userGrant(ctx: HandlerContext, userId: string, grantId: string): Promise<AuthorizationView | undefined> {
    const org = orgOf(ctx);
    const [row] = (await ops.listAuthorizations(ctx, { ids: [grantId], userId, heldByOrProjectOf: org })).items;
    return row;
  }
  const existing = async (ctx: HandlerContext, userId: string, grantId: string) => {
    const row = await userGrant(ctx, userId, grantId);
    if (!row) throw notFound("user grant", grantId);
    return row;
  };

  return {
    async getUserGrantByID(req, ctx) {
      return { userGrant: toUserGrant(await existing(ctx, req.userId, req.grantId)) };
    },
    async listUserGrants(req, ctx) {
      const page = await ops.listAuthorizations(ctx, { ...readQueries(req.queries, orgOf(ctx)), pagination: listQuery(req.query) });
      return { details: listDetails(page), result: page.items.map(toUserGrant) };
    },
    async addUserGrant(req, ctx) {
      const org = orgOf(ctx);
      if (req.projectGrantId) {
        // The grant named must be the request organization's grant of the project.
        const grant = await findGrantById(callOf(deps, ctx).dir, req.projectId, req.projectGrantId);
        if (!grant || grant.grantedOrgId !== org) {
          throw invalidArgument("projectGrantId", `is not organization ${org}'s grant of project ${req.projectId}`);
        }
      }
      const created = await ops.createAuthorization(ctx, {
        userId: req.userId,
        projectId: req.projectId,
        organizationId: org,
        roleKeys: req.roleKeys,
      });
      return { userGrantId: created.id, details: details(created, org) };
    },
    async updateUserGrant(req, ctx) {
      await existing(ctx, req.userId, req.grantId);
      const updated = await ops.updateAuthorization(ctx, { id: req.grantId, roleKeys: req.roleKeys });
      return { details: details(updated, updated.orgId) };
    },
    async deactivateUserGrant(req, ctx) {
      await existing(ctx, req.userId, req.grantId);
      const updated = await ops.deactivateAuthorization(ctx, req.grantId);
      return { details: details(updated, updated.orgId) };
    },
    async reactivateUserGrant(req, ctx) {
      await existing(ctx, req.userId, req.grantId);
      const updated = await ops.activateAuthorization(ctx, req.grantId);
      return { details: details(updated, updated.orgId) };
    },
    /** Idempotent: a grant already gone is no error. */
    async removeUserGrant(req, ctx) {
      if (await userGrant(ctx, req.userId, req.grantId)) await ops.deleteAuthorization(ctx, req.grantId);
      return { details: changed(orgOf(ctx)) };
    },
    /** Every grant named is checked before any is removed: all or none. */
    async bulkRemoveUserGrant(req, ctx) {
      const org = orgOf(ctx);
      const ids = [...new Set(req.grantId)];
      if (ids.length === 0) return {};
      const { items } = await ops.listAuthorizations(ctx, { ids, heldByOrProjectOf: org, pagination: { limit: ids.length } });
      // Those the caller may only see (its own, say) are refused by the delete's own check, before the first delete runs.
      await ops.assertManageable(ctx, items);
      for (const row of items) await ops.deleteAuthorization(ctx, row.id);
      return {};
    },
  };
}
