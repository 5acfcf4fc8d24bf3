// The management API: ZITADEL's services, served with connect-node (Connect, gRPC, gRPC-Web).
import type { ConnectRouter } from "@connectrpc/connect";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import type { Logger } from "../log.js";
import type { ApiDeps } from "./context.js";
import { authInterceptor, errorInterceptor } from "./interceptors.js";
import { projectService } from "./project-service.js";

export function apiRoutes(deps: ApiDeps) {
  return (router: ConnectRouter) => {
    router.service(ProjectService, projectService(deps));
  };
}

export function apiInterceptors(deps: ApiDeps, log: Logger) {
  // The error mapper wraps everything, authentication included.
  return [errorInterceptor(log), authInterceptor(deps)];
}

/** Request bodies above this size are refused before they are parsed. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
