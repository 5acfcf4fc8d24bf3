// zitadel.management.v1.ManagementService: the parts of ZITADEL's v1 management API that rolegate's
// model holds, each a thin mapping onto the behaviour the v2 services share. Methods left out
// answer `unimplemented` (connect-es does so for every method an implementation lacks).
import type { ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import type { ApiDeps } from "./context.js";
import { managementV1Apps } from "./management-v1-apps.js";
import { managementV1Changes } from "./management-v1-changes.js";
import { managementV1LabelPolicy } from "./management-v1-label-policy.js";
import { managementV1Members } from "./management-v1-members.js";
import { managementV1Orgs } from "./management-v1-orgs.js";
import { managementV1Projects } from "./management-v1-projects.js";
import { managementV1UserGrants } from "./management-v1-user-grants.js";
import { managementV1Users } from "./management-v1-users.js";

export function managementServiceV1(deps: ApiDeps): Partial<ServiceImpl<typeof ManagementService>> {
  return {
    ...managementV1Projects(deps),
    ...managementV1UserGrants(deps),
    ...managementV1LabelPolicy(deps),
    ...managementV1Changes(deps),
    ...managementV1Apps(deps),
    ...managementV1Users(deps),
    ...managementV1Members(deps),
    ...managementV1Orgs(deps),
  };
}
