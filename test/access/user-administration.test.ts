// The rule against credential takeover: a caller changes another user only when its administrator
// roles cover every role that user holds. Caller roles × target roles × operation.
import { describe, expect, it } from "vitest";
import type { Membership, Principal } from "../../src/access/permissions.js";
import { coversRole, decideUserOperation, USER_OPERATIONS, type HeldRole } from "../../src/access/user-administration.js";

const O = "org-o"; // the target users' organization
const O2 = "org-o2";
const P = { id: "project-p", orgId: O };
const P2 = { id: "project-p2", orgId: O2 };
const G = { id: "grant-g", grantedOrgId: O }; // P2 granted to O

const caller = (memberships: Membership[]): Principal => ({ userId: "caller", orgId: O, memberships });
const CALLERS: Record<string, Principal> = {
  iamOwner: caller([{ resource: "INSTANCE", resourceId: "", roles: ["IAM_OWNER"] }]),
  orgOwnerO: caller([{ resource: "ORGANIZATION", resourceId: O, roles: ["ORG_OWNER"] }]),
  userManagerO: caller([{ resource: "ORGANIZATION", resourceId: O, roles: ["ORG_USER_MANAGER"] }]),
  projectOwnerP: caller([{ resource: "PROJECT", resourceId: P.id, roles: ["PROJECT_OWNER"] }]),
  orgOwnerO2: caller([{ resource: "ORGANIZATION", resourceId: O2, roles: ["ORG_OWNER"] }]),
  userManagerOAndProjectOwnerP: caller([
    { resource: "ORGANIZATION", resourceId: O, roles: ["ORG_USER_MANAGER"] },
    { resource: "PROJECT", resourceId: P.id, roles: ["PROJECT_OWNER"] },
  ]),
};

const TARGETS: Record<string, HeldRole[]> = {
  plain: [],
  iamOwner: [{ role: "IAM_OWNER" }],
  orgOwnerO: [{ role: "ORG_OWNER", orgId: O }],
  userManagerO: [{ role: "ORG_USER_MANAGER", orgId: O }],
  projectOwnerP: [{ role: "PROJECT_OWNER", project: P }],
  projectOwnerP2: [{ role: "PROJECT_OWNER", project: P2 }],
  grantOwnerG: [{ role: "PROJECT_GRANT_OWNER", project: P2, grant: G }],
  orgOwnerO2: [{ role: "ORG_OWNER", orgId: O2 }],
  userManagerOAndIamOwner: [{ role: "ORG_USER_MANAGER", orgId: O }, { role: "IAM_OWNER" }],
};

// Which targets each caller may change (every operation but read). Targets not listed: refused.
const MAY_CHANGE: Record<string, string[]> = {
  iamOwner: Object.keys(TARGETS),
  // An organization's owner holds the powers of a grant owner of a grant to its organization.
  orgOwnerO: ["plain", "orgOwnerO", "userManagerO", "projectOwnerP", "grantOwnerG"],
  userManagerO: ["plain", "userManagerO"],
  projectOwnerP: [],
  orgOwnerO2: [],
  userManagerOAndProjectOwnerP: ["plain", "userManagerO", "projectOwnerP"],
};

// Reading needs only the user-manager half.
const MAY_READ = ["iamOwner", "orgOwnerO", "userManagerO", "userManagerOAndProjectOwnerP"];

const cases = Object.keys(CALLERS).flatMap((c) => Object.keys(TARGETS).flatMap((t) => USER_OPERATIONS.map((op) => [c, t, op] as const)));

describe("decideUserOperation", () => {
  it.each(cases)("%s → user holding %s: %s", (c, t, op) => {
    const decision = decideUserOperation(CALLERS[c]!, { userId: "target", orgId: O, roles: TARGETS[t]! }, op);
    const expected = op === "read" ? MAY_READ.includes(c) : MAY_CHANGE[c]!.includes(t);
    expect(decision.allowed).toBe(expected);
  });

  it("names the first role the caller does not cover", () => {
    const decision = decideUserOperation(
      CALLERS.userManagerO!,
      { userId: "target", orgId: O, roles: TARGETS.userManagerOAndIamOwner! },
      "credentials",
    );
    expect(decision).toEqual({ allowed: false, reason: "holds_uncovered_role", role: { role: "IAM_OWNER" } });
  });

  it("refuses callers outside the user's organization as not user managers, even for reading", () => {
    for (const op of USER_OPERATIONS) {
      expect(decideUserOperation(CALLERS.orgOwnerO2!, { userId: "target", orgId: O, roles: [] }, op)).toEqual({
        allowed: false,
        reason: "not_user_manager",
      });
    }
  });

  it("lets any user read itself but change itself only as a user manager covering its own roles", () => {
    const self = { ...CALLERS.projectOwnerP!, userId: "target" };
    const target = { userId: "target", orgId: O, roles: TARGETS.projectOwnerP! };
    expect(decideUserOperation(self, target, "read").allowed).toBe(true);
    expect(decideUserOperation(self, target, "credentials")).toEqual({ allowed: false, reason: "not_user_manager" });
    const manager = { ...CALLERS.userManagerOAndProjectOwnerP!, userId: "target" };
    expect(decideUserOperation(manager, target, "credentials").allowed).toBe(true);
  });
});

describe("coversRole", () => {
  it("covers a grant owner's role by the project's owners, the granted organization's owners and the grant's owners", () => {
    const held: HeldRole = { role: "PROJECT_GRANT_OWNER", project: P2, grant: G };
    const holders: [Membership, boolean][] = [
      [{ resource: "ORGANIZATION", resourceId: O2, roles: ["ORG_OWNER"] }, true],
      [{ resource: "PROJECT", resourceId: P2.id, roles: ["PROJECT_OWNER"] }, true],
      [{ resource: "ORGANIZATION", resourceId: O, roles: ["ORG_OWNER"] }, true],
      [{ resource: "PROJECT_GRANT", resourceId: G.id, roles: ["PROJECT_GRANT_OWNER"] }, true],
      [{ resource: "ORGANIZATION", resourceId: O, roles: ["ORG_USER_MANAGER"] }, false],
      [{ resource: "PROJECT", resourceId: P.id, roles: ["PROJECT_OWNER"] }, false],
      [{ resource: "PROJECT_GRANT", resourceId: "other-grant", roles: ["PROJECT_GRANT_OWNER"] }, false],
    ];
    for (const [membership, expected] of holders) expect(coversRole(caller([membership]), held), JSON.stringify(membership)).toBe(expected);
  });

  it("covers IAM_OWNER only by IAM_OWNER", () => {
    const everythingButInstance = caller([
      { resource: "ORGANIZATION", resourceId: O, roles: ["ORG_OWNER", "ORG_USER_MANAGER"] },
      { resource: "PROJECT", resourceId: P.id, roles: ["PROJECT_OWNER"] },
    ]);
    expect(coversRole(everythingButInstance, { role: "IAM_OWNER" })).toBe(false);
    expect(coversRole(CALLERS.iamOwner!, { role: "IAM_OWNER" })).toBe(true);
  });
});
