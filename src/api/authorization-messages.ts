// What zitadel.authorization.v2beta and zitadel.authorization.v2 share: the same enum numbers, the
// same change requests and responses, and but for the user filter (v2beta `userId`, v2 `inUserIds`)
// the same search filters. The Authorization message differs, and lives in authorization-service*.ts.
import type { HandlerContext } from "@connectrpc/connect";
import type * as authorizations from "../directory/authorizations.js";
import { requireId, requireList } from "../directory/validate.js";
import type { ActiveState } from "../generated/prisma/client.js";
import type { AuthorizationOperations, AuthorizationView } from "./authorization-operations.js";
import { displayNameOf, fromEnum, now, textFilter, ts } from "./convert.js";

export const STATE: Record<number, ActiveState> = { 1: "ACTIVE", 2: "INACTIVE" };

export const SORT: Record<number, authorizations.AuthorizationSort> = {
  0: "creationDate",
  1: "creationDate",
  2: "changeDate",
  3: "id",
  4: "userId",
  5: "projectId",
  6: "organizationId",
  7: "userOrganizationId",
};

/** AuthorizationsSearchFilter's oneof in either version. */
export type AuthorizationFilterCase =
  | { case: "authorizationIds" | "inUserIds"; value: { ids: string[] } }
  | { case: "organizationId" | "userId" | "userOrganizationId" | "projectId" | "projectGrantId"; value: { id: string } }
  | { case: "state"; value: { state: number } }
  | { case: "userPreferredLoginName"; value: { loginName: string; method: number } }
  | { case: "userDisplayName"; value: { displayName: string; method: number } }
  | { case: "projectName"; value: { name: string; method: number } }
  | { case: "roleKey"; value: { key: string; method: number } }
  | { case: undefined; value?: undefined };

/** One search filter as a directory condition; the request's filters are ANDed. */
export function readFilter({ filter }: { filter: AuthorizationFilterCase }): authorizations.AuthorizationFilter {
  switch (filter.case) {
    case "authorizationIds":
      return { ids: requireList("authorizationIds.ids", filter.value.ids, requireId) };
    case "inUserIds":
      return { userIds: requireList("inUserIds.ids", filter.value.ids, requireId) };
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

/** The User message, the same in both versions. */
export function userOf({ user }: AuthorizationView) {
  return {
    id: user.id,
    preferredLoginName: user.username,
    displayName: displayNameOf(user),
    avatarUrl: "",
    organizationId: user.orgId,
  };
}

/** The methods whose messages are the same in both versions: every change. */
export function authorizationChangeMethods(ops: AuthorizationOperations) {
  return {
    /** Without an organization (v2beta: absent, v2: empty) the project's owner holds it (docs/rules.md#r-authz-1). */
    async createAuthorization(req: authorizations.CreateAuthorizationInput, ctx: HandlerContext) {
      const authorization = await ops.createAuthorization(ctx, req);
      return { id: authorization.id, creationDate: ts(authorization.createdAt) };
    },
    async updateAuthorization(req: { id: string; roleKeys: string[] }, ctx: HandlerContext) {
      return { changeDate: ts((await ops.updateAuthorization(ctx, req)).updatedAt) };
    },
    async deleteAuthorization(req: { id: string }, ctx: HandlerContext) {
      // No deletion date when this request deleted nothing (already gone).
      return (await ops.deleteAuthorization(ctx, req.id)) ? { deletionDate: now() } : {};
    },
    async activateAuthorization(req: { id: string }, ctx: HandlerContext) {
      return { changeDate: ts((await ops.activateAuthorization(ctx, req.id)).updatedAt) };
    },
    async deactivateAuthorization(req: { id: string }, ctx: HandlerContext) {
      return { changeDate: ts((await ops.deactivateAuthorization(ctx, req.id)).updatedAt) };
    },
  };
}
