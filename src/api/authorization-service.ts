// zitadel.authorization.v2beta.AuthorizationService: placeholder until implemented.
import type { ServiceImpl } from "@connectrpc/connect";
import type { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import type { ApiDeps } from "./context.js";

export function authorizationService(_deps: ApiDeps): Partial<ServiceImpl<typeof AuthorizationService>> {
  return {};
}
