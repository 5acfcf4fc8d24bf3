// The console acts only through the management API, as the signed-in user: every call goes
// through the API's own router and interceptors (authentication, permissions, validation,
// audit, cache invalidation) with the user's access token, in process. There is no second
// permission system: what the API refuses, the console shows as refused.
import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { AdminService } from "@zitadel/proto/zitadel/admin_pb.js";
import { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import { OrganizationService } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import { OrganizationService as OrganizationServiceV2beta } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { SettingsService } from "@zitadel/proto/zitadel/settings/v2/settings_service_pb.js";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import { WebKeyService } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import { ApplicationService } from "../generated/proto/zitadel/application/v2/application_service_pb.js";
import { AuthorizationService } from "../generated/proto/zitadel/authorization/v2/authorization_service_pb.js";
import { InternalPermissionService } from "../generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import { ProjectService } from "../generated/proto/zitadel/project/v2/project_service_pb.js";
import { AccessService } from "../generated/proto/rolegate/access/v1/access_service_pb.js";

const SERVICES = {
  organizations: OrganizationService,
  /** Renaming, deactivating and deleting organizations are v2beta methods. */
  organizationsBeta: OrganizationServiceV2beta,
  users: UserService,
  projects: ProjectService,
  authorizations: AuthorizationService,
  applications: ApplicationService,
  administrators: InternalPermissionService,
  webKeys: WebKeyService,
  settings: SettingsService,
  management: ManagementService,
  admin: AdminService,
  access: AccessService,
} as const;

export type ConsoleApi = { [K in keyof typeof SERVICES]: Client<(typeof SERVICES)[K]> };

/** The API's clients, each call authenticated with `token`. */
export function consoleApi(transport: Transport, token: string): ConsoleApi {
  const authenticated = withToken(transport, token);
  const clients: Partial<Record<string, Client<DescService>>> = {};
  for (const [name, service] of Object.entries(SERVICES)) clients[name] = createClient(service as DescService, authenticated);
  return clients as ConsoleApi;
}

function withToken(transport: Transport, token: string): Transport {
  // Headers' own argument type: `HeadersInit` is a DOM name that `npm run build` (src only) does not have.
  const authorized = (header: ConstructorParameters<typeof Headers>[0]) => {
    const headers = new Headers(header);
    headers.set("authorization", `Bearer ${token}`);
    return headers;
  };
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.unary(method, signal, timeoutMs, authorized(header), input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.stream(method, signal, timeoutMs, authorized(header), input, contextValues),
  };
}
