// zitadel.app.v2beta.AppService: placeholder until implemented; unimplemented methods answer `unimplemented`.
import type { ServiceImpl } from "@connectrpc/connect";
import type { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import type { ApiDeps } from "./context.js";

export function appService(_deps: ApiDeps): Partial<ServiceImpl<typeof AppService>> {
  return {};
}
