// Who may administer what: ZITADEL's administrator roles, decided from a principal's memberships.
// Pure functions, shared by every service of the management API.
import type { AdminResource, AdminRole } from "./states.js";

export interface Membership {
  resource: AdminResource;
  /** The organization, project or project-grant id ("" for the instance). */
  resourceId: string;
  roles: AdminRole[];
}

export interface Principal {
  userId: string;
  /** The organization the acting user belongs to. */
  orgId: string;
  memberships: Membership[];
}

function holds(p: Principal, resource: AdminResource, resourceId: string, roles: AdminRole[]): boolean {
  return p.memberships.some((m) => m.resource === resource && m.resourceId === resourceId && m.roles.some((r) => roles.includes(r)));
}

export function isIamOwner(p: Principal): boolean {
  return holds(p, "INSTANCE", "", ["IAM_OWNER"]);
}

/** Everything in an organization: its settings, users, projects, and what it holds on granted projects. */
export function canManageOrganization(p: Principal, orgId: string): boolean {
  return isIamOwner(p) || holds(p, "ORGANIZATION", orgId, ["ORG_OWNER"]);
}

export function canManageUsers(p: Principal, orgId: string): boolean {
  return canManageOrganization(p, orgId) || holds(p, "ORGANIZATION", orgId, ["ORG_USER_MANAGER"]);
}

export interface ProjectRef {
  id: string;
  orgId: string;
}

/** A project with its roles, apps, grants and the owner's authorizations. */
export function canManageProject(p: Principal, project: ProjectRef): boolean {
  return canManageOrganization(p, project.orgId) || holds(p, "PROJECT", project.id, ["PROJECT_OWNER"]);
}

export interface GrantRef {
  id: string;
  grantedOrgId: string;
}

/**
 * The authorizations a granted organization holds on a project: the project's administrators,
 * the granted organization's owners, and the grant's PROJECT_GRANT_OWNERs (customer self-service;
 * the directory limits them to the grant's role keys).
 */
export function canManageGrantAuthorizations(p: Principal, project: ProjectRef, grant: GrantRef): boolean {
  return (
    canManageProject(p, project) ||
    canManageOrganization(p, grant.grantedOrgId) ||
    holds(p, "PROJECT_GRANT", grant.id, ["PROJECT_GRANT_OWNER"])
  );
}

/** Sees the granted project (read-only) through its grant. */
export function canSeeGrantedProject(p: Principal, grant: GrantRef): boolean {
  return canManageOrganization(p, grant.grantedOrgId) || holds(p, "PROJECT_GRANT", grant.id, ["PROJECT_GRANT_OWNER"]);
}

/**
 * The organizations, projects and grants a principal administers, for narrowing list queries.
 * `all` means no narrowing (instance owner).
 */
export interface Scope {
  all: boolean;
  orgIds: string[];
  userOrgIds: string[];
  projectIds: string[];
  grantIds: string[];
}

export function scopeOf(p: Principal): Scope {
  const ids = (resource: AdminResource, roles: AdminRole[]) =>
    p.memberships.filter((m) => m.resource === resource && m.roles.some((r) => roles.includes(r))).map((m) => m.resourceId);
  return {
    all: isIamOwner(p),
    orgIds: ids("ORGANIZATION", ["ORG_OWNER"]),
    userOrgIds: ids("ORGANIZATION", ["ORG_OWNER", "ORG_USER_MANAGER"]),
    projectIds: ids("PROJECT", ["PROJECT_OWNER"]),
    grantIds: ids("PROJECT_GRANT", ["PROJECT_GRANT_OWNER"]),
  };
}
