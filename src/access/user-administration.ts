// Who may change another user: a user manager of the user's organization whose administrator
// roles cover every administrator role the user holds, resource by resource. Without the second
// half, an ORG_USER_MANAGER could set the password of (or add a token to) the instance owner and
// then act as them. Pure: the caller's memberships and the target's roles come in as data.
import {
  canManageGrantAuthorizations,
  canManageOrganization,
  canManageProject,
  canManageUsers,
  isIamOwner,
  type GrantRef,
  type Principal,
  type ProjectRef,
} from "./permissions.js";

/** One administrator role a user holds, with the resource it is on and that resource's owners. */
export type HeldRole =
  | { role: "IAM_OWNER" }
  | { role: "ORG_OWNER" | "ORG_USER_MANAGER"; orgId: string }
  | { role: "PROJECT_OWNER"; project: ProjectRef }
  | { role: "PROJECT_GRANT_OWNER"; project: ProjectRef; grant: GrantRef };

/**
 * True when the caller holds the powers of `held` (or more) on the same resource, so acting as its
 * holder, or handing it out, gives the caller nothing it does not already have.
 */
export function coversRole(caller: Principal, held: HeldRole): boolean {
  switch (held.role) {
    case "IAM_OWNER":
      return isIamOwner(caller);
    case "ORG_OWNER":
      return canManageOrganization(caller, held.orgId);
    case "ORG_USER_MANAGER":
      return canManageUsers(caller, held.orgId);
    case "PROJECT_OWNER":
      return canManageProject(caller, held.project);
    case "PROJECT_GRANT_OWNER":
      return canManageGrantAuthorizations(caller, held.project, held.grant);
  }
}

/** What a caller does to another user. Everything but reading changes who can act as that user. */
export type UserOperation = "read" | "profile" | "state" | "credentials" | "metadata" | "delete";

export const USER_OPERATIONS: readonly UserOperation[] = ["read", "profile", "state", "credentials", "metadata", "delete"];

export interface TargetUser {
  userId: string;
  orgId: string;
  /** Every administrator role the user holds (read only for changes). */
  roles: readonly HeldRole[];
}

export type UserDecision =
  | { allowed: true }
  | { allowed: false; reason: "not_user_manager" }
  | { allowed: false; reason: "holds_uncovered_role"; role: HeldRole };

export function decideUserOperation(caller: Principal, target: TargetUser, operation: UserOperation): UserDecision {
  if (operation === "read" && target.userId === caller.userId) return { allowed: true };
  if (!canManageUsers(caller, target.orgId)) return { allowed: false, reason: "not_user_manager" };
  if (operation === "read") return { allowed: true };
  const uncovered = target.roles.find((role) => !coversRole(caller, role));
  return uncovered ? { allowed: false, reason: "holds_uncovered_role", role: uncovered } : { allowed: true };
}

/** "IAM_OWNER", "ORG_OWNER of organization 1", …: for error messages to the caller. */
export function describeRole(held: HeldRole): string {
  switch (held.role) {
    case "IAM_OWNER":
      return "IAM_OWNER";
    case "ORG_OWNER":
    case "ORG_USER_MANAGER":
      return `${held.role} of organization ${held.orgId}`;
    case "PROJECT_OWNER":
      return `PROJECT_OWNER of project ${held.project.id}`;
    case "PROJECT_GRANT_OWNER":
      return `PROJECT_GRANT_OWNER of project grant ${held.grant.id}`;
  }
}
