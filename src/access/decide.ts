// The sign-in checks of one user on one project (docs/rules.md#sign-in-checks), in one pure
// function: the project_access check of every path of the sign-in policy (policy.ts).
import type { ActiveState, OrgState, UserState } from "./states.js";

/** Everything the checks need about one user and one project, loaded in one directory call. */
export interface AccessSnapshot {
  user: { id: string; orgId: string; state: UserState };
  userOrg: { id: string; state: OrgState };
  project: {
    id: string;
    orgId: string;
    state: ActiveState;
    authorizationRequired: boolean;
    projectAccessRequired: boolean;
  };
  projectOrg: { id: string; state: OrgState };
  /** The grant of the project to the user's own organization, if any. */
  userOrgGrant: { id: string; state: ActiveState } | null;
  /** The user's authorizations on the project, held by any organization. */
  authorizations: SnapshotAuthorization[];
}

/** A snapshot with what the role claims need of the project besides it. */
export interface ProjectAccess {
  snapshot: AccessSnapshot;
  projectRoleAssertion: boolean;
  projectRoleKeys: string[];
}

export interface SnapshotAuthorization {
  orgId: string;
  orgPrimaryDomain: string;
  roleKeys: string[];
  state: ActiveState;
  /** The state of the project grant the authorization belongs to (null: held by the owner). */
  grantState: ActiveState | null;
}

export type DenyReason =
  | "project_unavailable"
  | "user_inactive"
  | "user_locked"
  | "user_org_inactive"
  | "project_access_required"
  | "authorization_required";

export type AccessDecision = { allowed: true } | { allowed: false; reason: DenyReason; message: string };

export const DENY_MESSAGES: Record<DenyReason, string> = {
  project_unavailable: "This application is not available",
  user_inactive: "This user is not active",
  user_locked: "This user is locked",
  user_org_inactive: "Your organization is not active",
  project_access_required: "Your organization has no access to this application",
  authorization_required: "You are not authorized to use this application",
};

const deny = (reason: DenyReason): AccessDecision => ({ allowed: false, reason, message: DENY_MESSAGES[reason] });

/** An authorization counts when it and its grant (if any) are active. */
export function isEffective(a: SnapshotAuthorization): boolean {
  return a.state === "ACTIVE" && (a.grantState === null || a.grantState === "ACTIVE");
}

export function decideAccess(s: AccessSnapshot): AccessDecision {
  // An inactive project or owner organization makes its apps unknown (checked first: nothing
  // about the user should be revealed for an app that does not exist to the outside).
  if (s.project.state !== "ACTIVE" || s.projectOrg.state !== "ACTIVE") return deny("project_unavailable");
  if (s.user.state === "LOCKED") return deny("user_locked");
  if (s.user.state !== "ACTIVE") return deny("user_inactive");
  if (s.userOrg.state !== "ACTIVE") return deny("user_org_inactive");

  if (s.project.projectAccessRequired) {
    // The user's own organization only (as ZITADEL): external user grants do not open the project.
    const ownsProject = s.user.orgId === s.project.orgId;
    const grantActive = s.userOrgGrant?.state === "ACTIVE";
    if (!ownsProject && !grantActive) return deny("project_access_required");
  }
  if (s.project.authorizationRequired) {
    // Better than ZITADEL: an authorization without any role does not count.
    if (!s.authorizations.some((a) => isEffective(a) && a.roleKeys.length > 0)) return deny("authorization_required");
  }
  return { allowed: true };
}
