// What the authorization and administrator forms offer to choose from, read through the API as
// the signed-in user (so only what the user may see): a user by login name, the projects an
// authorization can be on with the organization that would hold it, organizations, and the
// resources an administrator can be added to. Lists are capped: a select is no place for more.
import { organizationNames } from "../lookups.js";
import { Code, ConnectError } from "@connectrpc/connect";
import { TextQueryMethod } from "@zitadel/proto/zitadel/object/v2/object_pb.js";
import { OrganizationFieldName } from "@zitadel/proto/zitadel/org/v2/query_pb.js";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import { ProjectFieldName } from "../../generated/proto/zitadel/project/v2/query_pb.js";
import type { ConsoleApi } from "../api.js";

/** At most this many options of each kind in a select. */
export const CHOICES_LIMIT = 200;

const ID = /^\d{1,20}$/;

export interface FoundUser {
  id: string;
  /** Empty when the caller may not see the user (an id typed for an external user grant). */
  loginName: string;
  organizationId: string;
}

/**
 * The user a login name names (login names are unique across the instance), among the users the
 * API shows the caller. A text that is an id and names no such user is passed on as a user id,
 * for the API to decide: the user of an organization the caller does not administer (an external
 * user grant) is found by nobody's search but their own organization's.
 */
export async function findUser(api: ConsoleApi, text: string): Promise<FoundUser | undefined> {
  const wanted = text.trim();
  if (!wanted || wanted.length > 200) return undefined;
  const byLoginName = await api.users.listUsers({
    query: { limit: 1 },
    queries: [{ query: { case: "loginNameQuery", value: { loginName: wanted, method: TextQueryMethod.EQUALS_IGNORE_CASE } } }],
  });
  const found =
    byLoginName.result[0] ??
    (ID.test(wanted)
      ? (await api.users.listUsers({ query: { limit: 1 }, queries: [{ query: { case: "inUserIdsQuery", value: { userIds: [wanted] } } }] }))
          .result[0]
      : undefined);
  if (found) return { id: found.userId, loginName: found.preferredLoginName, organizationId: found.details?.resourceOwner ?? "" };
  return ID.test(wanted) ? { id: wanted, loginName: "", organizationId: "" } : undefined;
}

export interface NamedOrganization {
  id: string;
  name: string;
}

/** The organizations the caller sees, by name (the first CHOICES_LIMIT). */
export async function listOrganizationChoices(api: ConsoleApi): Promise<{ organizations: NamedOrganization[]; more: boolean }> {
  const response = await api.organizations.listOrganizations({
    query: { limit: CHOICES_LIMIT, asc: true },
    sortingColumn: OrganizationFieldName.NAME,
    queries: [],
  });
  const organizations = response.result.map((org) => ({ id: org.id, name: org.name }));
  return { organizations, more: Number(response.details?.totalResult ?? 0) > organizations.length };
}

/** A project an authorization can be on, with the organization that would hold it. */
export interface ProjectTarget {
  projectId: string;
  projectName: string;
  /** The project's owner. */
  ownerId: string;
  /** The holding organization: the owner, or the organization the project is granted to. */
  holderId: string;
  holderName: string;
  /** The grant's role keys when the holder is a granted organization. */
  grantedRoleKeys?: string[];
  grantActive?: boolean;
}

export const targetValue = (t: { projectId: string; holderId: string }) => `${t.projectId}/${t.holderId}`;

/** "projectId/holderId" as the select sends it; anything else is undefined. */
export function readTargetValue(value: string): { projectId: string; holderId: string } | undefined {
  const [projectId, holderId, ...rest] = value.split("/");
  if (rest.length || !projectId || !holderId || !ID.test(projectId) || !ID.test(holderId)) return undefined;
  return { projectId, holderId };
}

/**
 * The projects the caller sees, owned (held by the owner) and granted (held by the granted
 * organization, limited to the grant's keys), by project name; `name` narrows by part of it.
 * `knownNames` (organization names by id) spares looking up the owners' names.
 */
export async function listProjectTargets(
  api: ConsoleApi,
  { name = "", knownNames = new Map<string, string>() }: { name?: string; knownNames?: Map<string, string> } = {},
): Promise<{ targets: ProjectTarget[]; more: boolean }> {
  const nameFilter = name
    ? [{ filter: { case: "projectNameFilter" as const, value: { projectName: name, method: TextFilterMethod.CONTAINS_IGNORE_CASE } } }]
    : [];
  const [projects, grants] = await Promise.all([
    api.projects.listProjects({
      pagination: { limit: CHOICES_LIMIT, asc: true },
      sortingColumn: ProjectFieldName.NAME,
      filters: nameFilter,
    }),
    api.projects.listProjectGrants({ pagination: { limit: CHOICES_LIMIT, asc: true }, filters: nameFilter }),
  ]);
  const targets = new Map<string, ProjectTarget>();
  for (const p of projects.projects) {
    // A granted row (callers who are no instance owner) is listed below from the grant, with its keys.
    if (p.grantedOrganizationId) continue;
    const target = { projectId: p.projectId, projectName: p.name, ownerId: p.organizationId, holderId: p.organizationId, holderName: "" };
    targets.set(targetValue(target), target);
  }
  for (const g of grants.projectGrants) {
    const target = {
      projectId: g.projectId,
      projectName: g.projectName,
      ownerId: g.organizationId,
      holderId: g.grantedOrganizationId,
      holderName: g.grantedOrganizationName,
      grantedRoleKeys: g.grantedRoleKeys,
      grantActive: g.state === 1,
    };
    targets.set(targetValue(target), target);
  }
  const owners = await organizationNames(
    api,
    [...targets.values()].filter((t) => !t.holderName).map((t) => t.ownerId),
    knownNames,
  );
  const list = [...targets.values()].map((t) => (t.holderName ? t : { ...t, holderName: owners.get(t.holderId) ?? t.holderId }));
  list.sort((a, b) => a.projectName.localeCompare(b.projectName) || a.holderName.localeCompare(b.holderName));
  const more =
    Number(projects.pagination?.totalResult ?? 0) > projects.projects.length ||
    Number(grants.pagination?.totalResult ?? 0) > grants.projectGrants.length;
  return { targets: list, more };
}

/**
 * The project and holder an authorization would have, as the caller sees them; undefined when the
 * caller sees no such project, or no grant of it to that organization.
 */
export async function findProjectTarget(api: ConsoleApi, projectId: string, holderId: string): Promise<ProjectTarget | undefined> {
  const [{ projects }, { projectGrants }] = await Promise.all([
    // The project's own row (if the caller sees it as its own) and rows of its grants.
    api.projects.listProjects({
      pagination: { limit: 100 },
      filters: [{ filter: { case: "inProjectIdsFilter", value: { ids: [projectId] } } }],
    }),
    api.projects.listProjectGrants({
      pagination: { limit: 1 },
      filters: [
        { filter: { case: "inProjectIdsFilter", value: { ids: [projectId] } } },
        { filter: { case: "grantedOrganizationIdFilter", value: { id: holderId } } },
      ],
    }),
  ]);
  const grant = projectGrants[0];
  if (grant) {
    return {
      projectId,
      projectName: grant.projectName,
      ownerId: grant.organizationId,
      holderId,
      holderName: grant.grantedOrganizationName,
      grantedRoleKeys: grant.grantedRoleKeys,
      grantActive: grant.state === 1,
    };
  }
  // Held by the owner: only for a caller who sees the project as such, not only through a grant.
  const project = projects.find((p) => !p.grantedOrganizationId);
  if (!project || project.organizationId !== holderId) return undefined;
  const names = await organizationNames(api, [holderId], new Map());
  return { projectId, projectName: project.name, ownerId: holderId, holderId, holderName: names.get(holderId) ?? holderId };
}

/** A role the holder may give. */
export interface RoleChoice {
  key: string;
  displayName: string;
}

/**
 * The roles a holder may give on a project: the project's roles (held by the owner) or the grant's
 * keys, with the project's display names where the caller may read them. Undefined when the
 * caller may not read the project's roles and there is no grant to go by.
 */
export async function roleChoices(api: ConsoleApi, target: ProjectTarget): Promise<RoleChoice[] | undefined> {
  const projectRoles = await api.projects
    .listProjectRoles({ projectId: target.projectId, pagination: { limit: 1000, asc: true }, filters: [] })
    .then((r) => r.projectRoles.map((role) => ({ key: role.key, displayName: role.displayName })))
    .catch((error: unknown) => {
      // A granted organization's owner may not read the owner's roles: the grant's keys will do.
      if (error instanceof ConnectError && (error.code === Code.PermissionDenied || error.code === Code.NotFound)) return undefined;
      throw error;
    });
  if (!target.grantedRoleKeys) return projectRoles;
  const names = new Map(projectRoles?.map((r) => [r.key, r.displayName]));
  return target.grantedRoleKeys.map((key) => ({ key, displayName: names.get(key) ?? "" }));
}
