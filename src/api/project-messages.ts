// What zitadel.project.v2beta and zitadel.project.v2 messages share: the same enum numbers and the
// same role and grant messages. Only the parts that differ live in project-service*.ts.
import type * as grants from "../directory/project-grants.js";
import type * as projects from "../directory/projects.js";
import type { PrivateLabelingSetting } from "../generated/prisma/client.js";
import { optionalFromEnum, pagination, textFilter, toEnum, ts } from "./convert.js";

export const LABELING: Record<number, PrivateLabelingSetting> = {
  0: "UNSPECIFIED",
  1: "ENFORCE_PROJECT_RESOURCE_OWNER_POLICY",
  2: "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
};
export const STATE = { ACTIVE: 1, INACTIVE: 2 } as const;
export const PROJECT_SORT: Record<number, projects.ProjectSort | undefined> = {
  0: undefined,
  1: "id",
  2: "creationDate",
  3: "changeDate",
  4: "name",
};
const ROLE_SORT: Record<number, projects.ProjectRoleSort | undefined> = { 0: undefined, 1: "key", 2: "creationDate", 3: "changeDate" };
export const GRANT_SORT: Record<number, grants.ProjectGrantSort | undefined> = {
  0: undefined,
  1: "projectId",
  2: "creationDate",
  3: "changeDate",
};

/** A Project message without its id field (`id` in v2beta, `projectId` in v2). */
export function projectFields({ project, grant }: projects.ProjectRow) {
  return {
    organizationId: project.orgId,
    creationDate: ts(project.createdAt),
    changeDate: ts(project.updatedAt),
    name: project.name,
    state: STATE[project.state],
    projectRoleAssertion: project.projectRoleAssertion,
    authorizationRequired: project.authorizationRequired,
    projectAccessRequired: project.projectAccessRequired,
    privateLabelingSetting: toEnum(LABELING, project.privateLabelingSetting),
    grantedOrganizationId: grant?.grantedOrgId,
    grantedOrganizationName: grant?.grantedOrgName,
    grantedState: grant ? STATE[grant.state] : 0,
  };
}

type TextFilterMessage<K extends string> = { [P in K]: string } & { method: number };

/** ListProjectRolesRequest, the same in both versions. */
export interface ListProjectRolesMessage {
  projectId: string;
  pagination?: { offset: bigint; limit: number; asc: boolean } | undefined;
  sortingColumn?: number | undefined;
  filters: {
    filter:
      | { case: "roleKeyFilter"; value: TextFilterMessage<"key"> }
      | { case: "displayNameFilter"; value: TextFilterMessage<"displayName"> }
      | { case: undefined; value?: undefined };
  }[];
}

export function readListProjectRoles(req: ListProjectRolesMessage): projects.ListProjectRolesInput {
  const input: projects.ListProjectRolesInput = {
    projectId: req.projectId,
    pagination: pagination(req.pagination),
    sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, ROLE_SORT),
  };
  for (const { filter } of req.filters) {
    if (filter.case === "roleKeyFilter") input.key = textFilter("roleKeyFilter", filter.value.key, filter.value.method);
    if (filter.case === "displayNameFilter") {
      input.displayName = textFilter("displayNameFilter", filter.value.displayName, filter.value.method);
    }
  }
  return input;
}

export function toProjectRole(r: projects.ProjectRole) {
  return {
    projectId: r.projectId,
    key: r.key,
    displayName: r.displayName,
    group: r.group ?? "",
    creationDate: ts(r.createdAt),
    changeDate: ts(r.updatedAt),
  };
}

export function toProjectGrant(g: grants.ProjectGrantRow) {
  return {
    organizationId: g.project.orgId,
    creationDate: ts(g.createdAt),
    changeDate: ts(g.updatedAt),
    grantedOrganizationId: g.grantedOrgId,
    grantedOrganizationName: g.grantedOrg.name,
    grantedRoleKeys: g.roleKeys,
    projectId: g.projectId,
    projectName: g.project.name,
    state: STATE[g.state],
  };
}
