// zitadel.org.v2.OrganizationService and zitadel.org.v2beta.OrganizationService.
import type { ServiceImpl } from "@connectrpc/connect";
import type { OrganizationService as OrganizationServiceV2 } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import type { OrganizationService as OrganizationServiceV2beta } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import type { ApiDeps } from "./context.js";

export function organizationServiceV2(_deps: ApiDeps): Partial<ServiceImpl<typeof OrganizationServiceV2>> {
  return {};
}

export function organizationServiceV2beta(_deps: ApiDeps): Partial<ServiceImpl<typeof OrganizationServiceV2beta>> {
  return {};
}
