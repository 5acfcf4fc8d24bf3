// The management API: ZITADEL's services (and rolegate's own, rolegate.*), served with connect-node (Connect, gRPC, gRPC-Web).
// Methods a service does not implement answer `unimplemented`.
import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { AdminService } from "@zitadel/proto/zitadel/admin_pb.js";
import { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import { InternalPermissionService } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import { OrganizationService as OrganizationServiceV2 } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import { OrganizationService as OrganizationServiceV2beta } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { SettingsService } from "@zitadel/proto/zitadel/settings/v2/settings_service_pb.js";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import { WebKeyService } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import { ApplicationService } from "../generated/proto/zitadel/application/v2/application_service_pb.js";
import { ProjectService as ProjectServiceV2 } from "../generated/proto/zitadel/project/v2/project_service_pb.js";
import { AuthorizationService as AuthorizationServiceV2 } from "../generated/proto/zitadel/authorization/v2/authorization_service_pb.js";
import { InternalPermissionService as InternalPermissionServiceV2 } from "../generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import { AccessService } from "../generated/proto/rolegate/access/v1/access_service_pb.js";
import type { Logger } from "../log.js";
import { accessService } from "./access-service.js";
import { adminService } from "./admin-service.js";
import { appService } from "./app-service.js";
import { appServiceV2 } from "./app-service-v2.js";
import { authorizationService } from "./authorization-service.js";
import { authorizationServiceV2 } from "./authorization-service-v2.js";
import type { ApiDeps } from "./context.js";
import { authInterceptor, changeInterceptor, errorInterceptor } from "./interceptors.js";
import { requestTextInterceptor } from "./request-text.js";
import { requestTextDecoder } from "./utf8.js";
import { internalPermissionService } from "./internal-permission-service.js";
import { internalPermissionServiceV2 } from "./internal-permission-service-v2.js";
import { managementServiceV1 } from "./management-v1.js";
import { organizationServiceV2, organizationServiceV2beta } from "./organization-service.js";
import { reclassifyParseErrors } from "./parse-errors.js";
import { projectService } from "./project-service.js";
import { projectServiceV2 } from "./project-service-v2.js";
import { settingsService } from "./settings-service.js";
import { userService } from "./user-service.js";
import { webKeyService } from "./webkey-service.js";

/** Every service rolegate serves, with the implementation of the methods it serves. */
export function servedServices(deps: ApiDeps): [DescService, Partial<ServiceImpl<DescService>>][] {
  const served = <S extends DescService>(service: S, impl: Partial<ServiceImpl<S>>): [DescService, Partial<ServiceImpl<DescService>>] => [
    service,
    impl as Partial<ServiceImpl<DescService>>,
  ];
  return [
    served(ProjectServiceV2, projectServiceV2(deps)),
    served(ProjectService, projectService(deps)),
    served(AuthorizationServiceV2, authorizationServiceV2(deps)),
    served(AuthorizationService, authorizationService(deps)),
    served(ApplicationService, appServiceV2(deps)),
    served(AppService, appService(deps)),
    served(InternalPermissionServiceV2, internalPermissionServiceV2(deps)),
    served(InternalPermissionService, internalPermissionService(deps)),
    served(OrganizationServiceV2, organizationServiceV2(deps)),
    served(OrganizationServiceV2beta, organizationServiceV2beta(deps)),
    served(UserService, userService(deps)),
    served(WebKeyService, webKeyService(deps)),
    served(SettingsService, settingsService(deps)),
    served(ManagementService, managementServiceV1(deps)),
    served(AdminService, adminService(deps)),
    served(AccessService, accessService(deps)),
  ];
}

export function apiRoutes(deps: ApiDeps) {
  reclassifyParseErrors();
  return (router: ConnectRouter) => {
    for (const [service, impl] of servedServices(deps)) router.service(service, impl);
  };
}

/** The services ZITADEL's REST gateway maps, below the prefix it mounts each at. */
export const REST_MOUNTS = [
  { service: ManagementService, prefix: "/management/v1" },
  { service: AdminService, prefix: "/admin/v1" },
];

export function apiInterceptors(deps: ApiDeps, log: Logger, countCall?: (code: string) => void) {
  // The error mapper wraps everything, authentication included; text is checked once the caller is known.
  return [errorInterceptor(log, countCall), authInterceptor(deps), requestTextInterceptor(), changeInterceptor(deps)];
}

/**
 * How request JSON is read: a field the request message does not have is invalid_argument naming
 * it (connect-es drops unknown fields by default, so a misspelled filter listed everything), and
 * invalid UTF-8 is refused (see utf8.ts) instead of read as U+FFFD.
 */
export const API_JSON_OPTIONS = { ignoreUnknownFields: false, textDecoder: requestTextDecoder };

/** Request bodies above this size are refused before they are parsed. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
