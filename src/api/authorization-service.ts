// zitadel.authorization.v2beta.AuthorizationService: message mapping onto the shared operations
// (authorization-operations.ts).
import type { ServiceImpl } from "@connectrpc/connect";
import type { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import { type AuthorizationView, authorizationOperations } from "./authorization-operations.js";
import { authorizationChangeMethods, readFilter, SORT, STATE, userOf } from "./authorization-messages.js";
import type { ApiDeps } from "./context.js";
import { optionalFromEnum, pagination, paginationResponse, toEnum, ts } from "./convert.js";

export function authorizationService(deps: ApiDeps): ServiceImpl<typeof AuthorizationService> {
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
    projectId: row.projectId,
    projectName: row.project.name,
    projectOrganizationId: row.project.orgId,
    projectGrantId: row.projectGrant?.id,
    grantedOrganizationId: row.projectGrant?.grantedOrgId,
    organizationId: row.orgId,
    creationDate: ts(row.createdAt),
    changeDate: ts(row.updatedAt),
    state: toEnum(STATE, row.state),
    user: userOf(row),
    roles: row.roleKeys,
  };
}
