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

/** Whether an authorization counts for authorizationRequired: it counts (isEffective) and has a role. */
export function grantsAccess(a: SnapshotAuthorization): boolean {
  return isEffective(a) && a.roleKeys.length > 0;
}

/** The steps of decideAccess, in the order they run. */
export type AccessStepName = "project_active" | "user_active" | "user_organization_active" | "project_grant" | "authorization";
export const ACCESS_STEPS: readonly AccessStepName[] = [
  "project_active",
  "user_active",
  "user_organization_active",
  "project_grant",
  "authorization",
];

export type StepOutcome = "passed" | "failed" | "skipped";

/** One step of the checks on one user and one project, with what it looked at. */
export interface AccessStep {
  step: AccessStepName;
  outcome: StepOutcome;
  /** Failed: the reason the decision gives. */
  reason?: DenyReason | undefined;
  /** What the step saw, for an administrator (ids, states, role keys). */
  detail: string;
}

const describeAuthorization = (a: SnapshotAuthorization) =>
  `held by organization ${a.orgId} (${a.orgPrimaryDomain})${a.grantState === null ? " as the project's owner" : ` through a grant (${a.grantState})`}, ` +
  `${a.state}, roles [${a.roleKeys.join(", ")}]: ${
    grantsAccess(a)
      ? "counts"
      : a.state !== "ACTIVE"
        ? "does not count (inactive)"
        : !isEffective(a)
          ? "does not count (its grant is inactive)"
          : "does not count (no role)"
  }`;

/**
 * Every step of decideAccess in order, each with what it saw: the steps after the first failure
 * are skipped (the decision stops there), as are the settings that are off.
 */
export function accessSteps(s: AccessSnapshot): AccessStep[] {
  const steps: AccessStep[] = [];
  const step = (name: AccessStepName, outcome: "passed" | "failed" | "skipped", detail: string, reason?: DenyReason) =>
    steps.push({ step: name, outcome, detail, ...(reason ? { reason } : {}) });
  const run = (name: AccessStepName, evaluate: () => { ok: boolean | "skipped"; detail: string; reason?: DenyReason }) => {
    if (steps.some((x) => x.outcome === "failed")) return step(name, "skipped", "not checked: an earlier check failed");
    const r = evaluate();
    step(
      name,
      r.ok === "skipped" ? "skipped" : r.ok ? "passed" : "failed",
      r.detail,
      r.ok === true || r.ok === "skipped" ? undefined : r.reason,
    );
  };

  // An inactive project or owner organization makes its apps unknown (checked first: nothing
  // about the user should be revealed for an app that does not exist to the outside).
  run("project_active", () => ({
    ok: s.project.state === "ACTIVE" && s.projectOrg.state === "ACTIVE",
    detail: `project ${s.project.id} is ${s.project.state}, its owner organization ${s.projectOrg.id} is ${s.projectOrg.state}`,
    reason: "project_unavailable",
  }));
  run("user_active", () => ({
    ok: s.user.state === "ACTIVE",
    detail: `user ${s.user.id} is ${s.user.state}`,
    reason: s.user.state === "LOCKED" ? "user_locked" : "user_inactive",
  }));
  run("user_organization_active", () => ({
    ok: s.userOrg.state === "ACTIVE",
    detail: `the user's organization ${s.userOrg.id} is ${s.userOrg.state}`,
    reason: "user_org_inactive",
  }));
  run("project_grant", () => {
    if (!s.project.projectAccessRequired) return { ok: "skipped", detail: "projectAccessRequired is off" };
    // The user's own organization only (as ZITADEL): external user grants do not open the project.
    if (s.user.orgId === s.project.orgId) return { ok: true, detail: `the user's organization ${s.user.orgId} owns the project` };
    const grant = s.userOrgGrant;
    return {
      ok: grant?.state === "ACTIVE",
      detail: grant
        ? `project grant ${grant.id} to the user's organization ${s.user.orgId} is ${grant.state}`
        : `the user's organization ${s.user.orgId} neither owns the project nor holds a grant of it (grants to other organizations do not count)`,
      reason: "project_access_required",
    };
  });
  run("authorization", () => {
    if (!s.project.authorizationRequired) return { ok: "skipped", detail: "authorizationRequired is off" };
    // Better than ZITADEL: an authorization without any role does not count.
    const listed = s.authorizations.map(describeAuthorization);
    return {
      ok: s.authorizations.some(grantsAccess),
      detail: listed.length ? `authorizations: ${listed.join("; ")}` : "the user holds no authorization on the project",
      reason: "authorization_required",
    };
  });
  return steps;
}

/** The decision of the steps: the first that failed is the reason. */
export function decisionOf(steps: readonly AccessStep[]): AccessDecision {
  const failed = steps.find((step) => step.outcome === "failed");
  return failed ? deny(failed.reason!) : { allowed: true };
}

export function decideAccess(s: AccessSnapshot): AccessDecision {
  return decisionOf(accessSteps(s));
}
