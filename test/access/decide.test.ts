// Table-driven tests of the sign-in checks in docs/rules.md#sign-in-checks (R-CHECK-1 to
// R-CHECK-7) and of what counts as an authorization (R-AUTHZ-4).
import { describe, expect, it } from "vitest";
import { decideAccess, type AccessSnapshot, type DenyReason, type SnapshotAuthorization } from "../../src/access/decide.js";

const OWNER = "100000000000000001";
const PARTNER = "100000000000000002";
const OTHER = "100000000000000003";

type Membership = "own org" | "granted org" | "external user grant" | "no access";

/** A user of `membership`'s org on project P (owned by OWNER), with one authorization holding `roles`. */
function snapshot(
  membership: Membership,
  settings: { authorizationRequired: boolean; projectAccessRequired: boolean },
  roles = ["viewer"],
): AccessSnapshot {
  const userOrgId = membership === "own org" ? OWNER : membership === "granted org" ? PARTNER : OTHER;
  const authorizations: SnapshotAuthorization[] = [];
  if (membership === "own org") authorizations.push(auth(OWNER, roles, null));
  if (membership === "granted org") authorizations.push(auth(PARTNER, roles, "ACTIVE"));
  if (membership === "external user grant") authorizations.push(auth(PARTNER, roles, "ACTIVE")); // held by PARTNER for a user of OTHER
  return {
    user: { id: "u", orgId: userOrgId, state: "ACTIVE" },
    userOrg: { id: userOrgId, state: "ACTIVE" },
    project: { id: "p", orgId: OWNER, state: "ACTIVE", ...settings },
    projectOrg: { id: OWNER, state: "ACTIVE" },
    userOrgGrant: membership === "granted org" ? { id: "g", state: "ACTIVE" } : null,
    authorizations,
  };
}

function auth(orgId: string, roleKeys: string[], grantState: "ACTIVE" | "INACTIVE" | null): SnapshotAuthorization {
  return { orgId, orgPrimaryDomain: `${orgId}.localhost`, roleKeys, state: "ACTIVE", grantState };
}

const reason = (s: AccessSnapshot): DenyReason | "allowed" => {
  const d = decideAccess(s);
  return d.allowed ? "allowed" : d.reason;
};

describe("the two checks × how the user relates to the project", () => {
  // [membership, authorizationRequired, projectAccessRequired, expected]
  const table: [Membership, boolean, boolean, DenyReason | "allowed"][] = [
    ["own org", false, false, "allowed"],
    ["own org", true, false, "allowed"],
    ["own org", false, true, "allowed"],
    ["own org", true, true, "allowed"],
    ["granted org", false, false, "allowed"],
    ["granted org", true, false, "allowed"],
    ["granted org", false, true, "allowed"],
    ["granted org", true, true, "allowed"],
    // External user grants: check 1 looks at the user's own org only.
    ["external user grant", false, false, "allowed"],
    ["external user grant", true, false, "allowed"],
    ["external user grant", false, true, "project_access_required"],
    ["external user grant", true, true, "project_access_required"],
    ["no access", false, false, "allowed"],
    ["no access", true, false, "authorization_required"],
    ["no access", false, true, "project_access_required"],
    ["no access", true, true, "project_access_required"],
  ];
  it.each(table)(
    "%s, authorizationRequired=%s, projectAccessRequired=%s → %s",
    (membership, authorizationRequired, projectAccessRequired, expected) => {
      expect(reason(snapshot(membership, { authorizationRequired, projectAccessRequired }))).toBe(expected);
    },
  );
});

describe("what counts as an authorization", () => {
  const both = { authorizationRequired: true, projectAccessRequired: false };

  it("an authorization without roles does not count (better than ZITADEL)", () => {
    expect(reason(snapshot("own org", both, []))).toBe("authorization_required");
  });

  it("an inactive authorization does not count", () => {
    const s = snapshot("own org", both);
    s.authorizations[0]!.state = "INACTIVE";
    expect(reason(s)).toBe("authorization_required");
  });

  it("an authorization of an inactive project grant does not count", () => {
    const s = snapshot("granted org", both);
    s.authorizations[0]!.grantState = "INACTIVE";
    expect(reason(s)).toBe("authorization_required");
  });

  it("one effective authorization among others is enough", () => {
    const s = snapshot("granted org", both);
    s.authorizations.push({ ...s.authorizations[0]!, orgId: OTHER, state: "INACTIVE" });
    expect(reason(s)).toBe("allowed");
  });
});

describe("states", () => {
  const on = { authorizationRequired: true, projectAccessRequired: true };

  it("a deactivated project grant fails check 1 for its org's users", () => {
    const s = snapshot("granted org", { authorizationRequired: false, projectAccessRequired: true });
    s.userOrgGrant = { id: "g", state: "INACTIVE" };
    expect(reason(s)).toBe("project_access_required");
  });

  const cases: [string, (s: AccessSnapshot) => void, DenyReason][] = [
    ["an inactive project", (s: AccessSnapshot) => (s.project.state = "INACTIVE"), "project_unavailable"],
    ["an inactive owner org", (s: AccessSnapshot) => (s.projectOrg.state = "INACTIVE"), "project_unavailable"],
    ["an inactive user", (s: AccessSnapshot) => (s.user.state = "INACTIVE"), "user_inactive"],
    ["an initial user", (s: AccessSnapshot) => (s.user.state = "INITIAL"), "user_inactive"],
    ["a locked user", (s: AccessSnapshot) => (s.user.state = "LOCKED"), "user_locked"],
    ["an inactive user org", (s: AccessSnapshot) => (s.userOrg.state = "INACTIVE"), "user_org_inactive"],
  ];
  it.each(cases)("%s → %s", (_name, change, expected) => {
    for (const membership of ["own org", "granted org"] as const) {
      const s = snapshot(membership, on);
      change(s);
      expect(reason(s)).toBe(expected);
    }
  });

  it("states are checked even when both settings are off", () => {
    const s = snapshot("no access", { authorizationRequired: false, projectAccessRequired: false });
    s.user.state = "LOCKED";
    expect(reason(s)).toBe("user_locked");
  });

  it("denials carry ZITADEL's messages", () => {
    expect(decideAccess(snapshot("no access", on))).toEqual({
      allowed: false,
      reason: "project_access_required",
      message: "Your organization has no access to this application",
    });
    expect(decideAccess(snapshot("no access", { authorizationRequired: true, projectAccessRequired: false }))).toMatchObject({
      message: "You are not authorized to use this application",
    });
  });
});
