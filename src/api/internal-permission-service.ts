// zitadel.internal_permission.v2beta.InternalPermissionService: placeholder until implemented.
import type { ServiceImpl } from "@connectrpc/connect";
import type { InternalPermissionService } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import type { ApiDeps } from "./context.js";

export function internalPermissionService(_deps: ApiDeps): Partial<ServiceImpl<typeof InternalPermissionService>> {
  return {};
}
