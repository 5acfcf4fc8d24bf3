// The impact of a change on one user's access to one project (docs/rules.md#r-impact-1): the
// holding before and after by the policy's own decision and role claim, and what is lost.
import { describe, expect, it } from "vitest";
import type { ProjectAccess, SnapshotAuthorization } from "../../src/access/decide.js";
import { holdingOf, lossBetween, NOTHING } from "../../src/access/impact.js";

const ORG = "10";
const PARTNER = "20";
const auth = (orgId: string, roleKeys: string[], extra: Partial<SnapshotAuthorization> = {}): SnapshotAuthorization => ({
  orgId,
  orgPrimaryDomain: `${orgId}.localhost`,
  roleKeys,
  state: "ACTIVE",
  grantState: orgId === ORG ? null : "ACTIVE",
  ...extra,
});

function access(authorizations: SnapshotAuthorization[], settings: { authorizationRequired?: boolean } = {}): ProjectAccess {
  return {
    snapshot: {
      user: { id: "1", orgId: ORG, state: "ACTIVE" },
      userOrg: { id: ORG, state: "ACTIVE" },
      project: {
        id: "5",
        orgId: ORG,
        state: "ACTIVE",
        authorizationRequired: settings.authorizationRequired ?? true,
        projectAccessRequired: false,
      },
      projectOrg: { id: ORG, state: "ACTIVE" },
      userOrgGrant: null,
      authorizations,
    },
    projectRoleAssertion: true,
    projectRoleKeys: ["admin", "viewer"],
  };
}

describe("holdingOf", () => {
  it("holds the role claim's roles by holder and the available apps when the checks pass", () => {
    const holding = holdingOf(access([auth(ORG, ["admin", "viewer"]), auth(PARTNER, ["viewer"])]), ["app1"]);
    expect(holding).toEqual({
      allowed: true,
      roles: [
        { roleKey: "admin", organizationId: ORG },
        { roleKey: "viewer", organizationId: ORG },
        { roleKey: "viewer", organizationId: PARTNER },
      ],
      apps: ["app1"],
    });
  });

  it("holds nothing when the checks fail, without a snapshot, or for roles the claim leaves out", () => {
    expect(holdingOf(access([]), ["app1"])).toEqual(NOTHING);
    expect(holdingOf(undefined, ["app1"])).toEqual(NOTHING);
    expect(holdingOf(access([auth(ORG, ["viewer"], { state: "INACTIVE" })]), ["app1"])).toEqual(NOTHING);
    // A key the project no longer has, or under an inactive grant, is no role of the claim.
    const held = holdingOf(access([auth(ORG, ["viewer", "gone"]), auth(PARTNER, ["admin"], { grantState: "INACTIVE" })]), []);
    expect(held.roles).toEqual([{ roleKey: "viewer", organizationId: ORG }]);
    // Without authorizationRequired a user without roles still gets in, holding no roles.
    expect(holdingOf(access([], { authorizationRequired: false }), ["app1"])).toEqual({ allowed: true, roles: [], apps: ["app1"] });
  });
});

describe("lossBetween", () => {
  const full = {
    allowed: true,
    roles: [
      { roleKey: "admin", organizationId: ORG },
      { roleKey: "viewer", organizationId: ORG },
    ],
    apps: ["a", "b"],
  };

  it("is undefined when nothing goes, also when something is gained", () => {
    expect(lossBetween(full, full)).toBeUndefined();
    expect(lossBetween(NOTHING, full)).toBeUndefined();
    expect(lossBetween(NOTHING, NOTHING)).toBeUndefined();
  });

  it("names lost access, each lost role by holder, and each lost app", () => {
    expect(lossBetween(full, NOTHING)).toEqual({ losesAccess: true, lostRoles: full.roles, lostApps: ["a", "b"] });
    expect(lossBetween(full, { ...full, roles: [full.roles[1]!] })).toEqual({
      losesAccess: false,
      lostRoles: [full.roles[0]],
      lostApps: [],
    });
    expect(lossBetween(full, { ...full, apps: ["b"] })).toEqual({ losesAccess: false, lostRoles: [], lostApps: ["a"] });
    // The same key held by another organization is another role.
    const moved = { ...full, roles: [{ roleKey: "admin", organizationId: PARTNER }, full.roles[1]!] };
    expect(lossBetween(full, moved)?.lostRoles).toEqual([full.roles[0]]);
  });
});
