// zitadel.authorization.v2.AuthorizationService: message mapping onto the shared operations
// (authorization-operations.ts). Differs from v2beta in the Authorization message (project, holding
// organization and roles as messages) and the user filter (`inUserIds`, several users).
import type { ServiceImpl } from "@connectrpc/connect";
import type { AuthorizationService } from "../generated/proto/zitadel/authorization/v2/authorization_service_pb.js";
import { type AuthorizationView, authorizationOperations } from "./authorization-operations.js";
import { authorizationChangeMethods, readFilter, SORT, STATE, userOf } from "./authorization-messages.js";
import type { ApiDeps } from "./context.js";
import { optionalFromEnum, pagination, paginationResponse, toEnum, ts } from "./convert.js";

export function authorizationServiceV2(deps: ApiDeps): ServiceImpl<typeof AuthorizationService> {
  const ops = authorizationOperations(deps);
  return {
    async listAuthorizations(req, ctx) {
      const page = await ops.listAuthorizations(ctx, {
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, SORT),
        filters: req.filters.map(readFilter),
      });
      return { pagination: paginationResponse(page), authorizations: page.items.map(toAuthorization) };
    },
    ...authorizationChangeMethods(ops),
  };
}

function toAuthorization(row: AuthorizationView) {
  return {
    id: row.id,
    creationDate: ts(row.createdAt),
    changeDate: ts(row.updatedAt),
    project: { id: row.projectId, name: row.project.name, organizationId: row.project.orgId },
    organization: { id: row.orgId, name: row.org.name },
    user: userOf(row),
    state: toEnum(STATE, row.state),
    roles: row.roles,
  };
}
