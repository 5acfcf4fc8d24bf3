// zitadel.internal_permission.v2.InternalPermissionService: message mapping onto the shared
// operations (internal-permission-operations.ts). Differs from v2beta in naming a project grant by
// its project and the organization it is granted to, in requests and in the resource filter.
import type { ServiceImpl } from "@connectrpc/connect";
import type * as administrators from "../directory/administrators.js";
import { invalidArgument } from "../directory/errors.js";
import { requireId } from "../directory/validate.js";
import type {
  InternalPermissionService,
  ResourceType,
} from "../generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import type { ResourceFilter } from "../generated/proto/zitadel/internal_permission/v2/query_pb.js";
import type { ApiDeps } from "./context.js";
import { administratorMethods } from "./internal-permission-messages.js";
import { internalPermissionOperations } from "./internal-permission-operations.js";

export function internalPermissionServiceV2(deps: ApiDeps): ServiceImpl<typeof InternalPermissionService> {
  return administratorMethods(internalPermissionOperations(deps), resourceOf, readResourceFilter);
}

/** The proto's resource as the directory names it (which checks that exactly one is set). */
function resourceOf(r: ResourceType | undefined): administrators.ResourceRef {
  const resource = r?.resource;
  switch (resource?.case) {
    case "instance":
      return { instance: resource.value };
    case "organizationId":
      return { organizationId: resource.value };
    case "projectId":
      return { projectId: resource.value };
    case "projectGrant":
      // The directory checks both ids and finds the grant of that project to that organization.
      return { projectGrant: { projectId: resource.value.projectId, organizationId: resource.value.organizationId } };
    default:
      throw invalidArgument("resource", "is required");
  }
}

function readResourceFilter({ resource }: ResourceFilter, field: string): administrators.AdministratorFilter {
  switch (resource.case) {
    case "instance":
      return resource.value ? { resource: "INSTANCE" } : {};
    case "organizationId":
      return { resource: "ORGANIZATION", resourceId: requireId(`${field}.organizationId`, resource.value) };
    case "projectId":
      return { resource: "PROJECT", resourceId: requireId(`${field}.projectId`, resource.value) };
    case "projectGrant":
      return { projectGrant: { projectId: resource.value.projectId, grantedOrganizationId: resource.value.organizationId } };
    default:
      return {};
  }
}
