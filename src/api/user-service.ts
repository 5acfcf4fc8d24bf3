// zitadel.user.v2.UserService: placeholder until implemented.
import type { ServiceImpl } from "@connectrpc/connect";
import type { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import type { ApiDeps } from "./context.js";

export function userService(_deps: ApiDeps): Partial<ServiceImpl<typeof UserService>> {
  return {};
}
