// zitadel.internal_permission.v2beta.InternalPermissionService: message mapping onto the shared
// operations (internal-permission-operations.ts). v2beta names a project grant by its id.
import type { ServiceImpl } from "@connectrpc/connect";
import type {
  InternalPermissionService,
  ResourceType,
} from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import type { ResourceFilter } from "@zitadel/proto/zitadel/internal_permission/v2beta/query_pb.js";
import type * as administrators from "../directory/administrators.js";
import { invalidArgument } from "../directory/errors.js";
import { requireId } from "../directory/validate.js";
import type { ApiDeps } from "./context.js";
import { administratorMethods } from "./internal-permission-messages.js";
import { internalPermissionOperations } from "./internal-permission-operations.js";

export function internalPermissionService(deps: ApiDeps): ServiceImpl<typeof InternalPermissionService> {
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
      return {
        projectGrant: {
          projectId: resource.value.projectId,
          projectGrantId: requireId("resource.projectGrant.projectGrantId", resource.value.projectGrantId),
        },
      };
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
    case "projectGrantId":
      return { resource: "PROJECT_GRANT", resourceId: requireId(`${field}.projectGrantId`, resource.value) };
    default:
      return {};
  }
}
