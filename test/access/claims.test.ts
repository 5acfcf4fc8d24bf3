// Table-driven tests of docs/rules.md#claims and docs/rules.md#scopes (R-CLAIM-1 to R-CLAIM-6,
// R-SCOPE-1 to R-SCOPE-9).
import { describe, expect, it } from "vitest";
import { buildRoleClaim, flatRoles, GENERIC_ROLES_CLAIM, projectRolesClaim, roleClaims } from "../../src/access/claims.js";
import type { SnapshotAuthorization } from "../../src/access/decide.js";
import { parseScopes } from "../../src/access/scopes.js";

const ACME = "178204173316174381";
const PARTNER = "209358103284843523";
const P = "170000000000000001";
const Q = "170000000000000002";

const auth = (orgId: string, domain: string, roleKeys: string[], extra: Partial<SnapshotAuthorization> = {}): SnapshotAuthorization => ({
  orgId,
  orgPrimaryDomain: domain,
  roleKeys,
  state: "ACTIVE",
  grantState: null,
  ...extra,
});

const twoOrgs = [
  auth(ACME, "acme.localhost", ["admin", "viewer"]),
  auth(PARTNER, "partner.localhost", ["viewer"], { grantState: "ACTIVE" }),
];

describe("the claim value", () => {
  it("maps each role to every holding org and its primary domain (docs/rules.md#r-claim-1)", () => {
    expect(buildRoleClaim(twoOrgs, { roleKeys: [], roleOrgIds: [] })).toEqual({
      admin: { [ACME]: "acme.localhost" },
      viewer: { [ACME]: "acme.localhost", [PARTNER]: "partner.localhost" },
    });
  });

  it("leaves out inactive authorizations and those of inactive grants", () => {
    const claim = buildRoleClaim(
      [
        auth(ACME, "acme.localhost", ["admin"], { state: "INACTIVE" }),
        auth(PARTNER, "partner.localhost", ["viewer"], { grantState: "INACTIVE" }),
      ],
      { roleKeys: [], roleOrgIds: [] },
    );
    expect(claim).toEqual({});
  });

  it("keeps only requested role keys, and drops requested keys unknown to the project", () => {
    expect(buildRoleClaim(twoOrgs, { roleKeys: ["viewer", "ghost"], roleOrgIds: [], projectRoleKeys: ["admin", "viewer"] })).toEqual({
      viewer: { [ACME]: "acme.localhost", [PARTNER]: "partner.localhost" },
    });
  });

  it("keeps only roles held by the orgs of urn:zitadel:iam:org:roles:id scopes", () => {
    expect(buildRoleClaim(twoOrgs, { roleKeys: [], roleOrgIds: [PARTNER] })).toEqual({ viewer: { [PARTNER]: "partner.localhost" } });
  });
});

describe("which projects get claims", () => {
  const client = (assert: boolean) => ({ projectId: P, projectRoleAssertion: assert, authorizations: twoOrgs });
  const other = { projectId: Q, projectRoleAssertion: false, authorizations: [auth(ACME, "acme.localhost", ["reader"])] };

  it("the client's project when it asserts roles, under the project claim and the generic one", () => {
    const claims = roleClaims(client(true), [], parseScopes(["openid"]));
    expect(Object.keys(claims).sort()).toEqual([GENERIC_ROLES_CLAIM, projectRolesClaim(P)].sort());
    expect(claims[GENERIC_ROLES_CLAIM]).toEqual(claims[projectRolesClaim(P)]);
  });

  it("nothing without projectRoleAssertion and without a roles scope", () => {
    expect(roleClaims(client(false), [other], parseScopes(["openid", `urn:zitadel:iam:org:project:id:${Q}:aud`]))).toEqual({});
  });

  it.each([
    ["a role scope", "urn:zitadel:iam:org:project:role:viewer"],
    ["the claim name as scope", "urn:zitadel:iam:org:project:roles"],
    ["the flat roles scope", "roles"],
  ])("the client's project when roles are asked for by %s", (_name, scope) => {
    expect(Object.keys(roleClaims(client(false), [], parseScopes(["openid", scope])))).toContain(projectRolesClaim(P));
  });

  it("aud-scope projects with urn:zitadel:iam:org:projects:roles, without the generic claim", () => {
    const claims = roleClaims(
      client(false),
      [other],
      parseScopes([`urn:zitadel:iam:org:project:id:${Q}:aud`, "urn:zitadel:iam:org:projects:roles"]),
    );
    expect(claims).toEqual({ [projectRolesClaim(Q)]: { reader: { [ACME]: "acme.localhost" } } });
  });

  it("aud-scope projects when a role scope is present", () => {
    const claims = roleClaims(
      client(false),
      [other],
      parseScopes([`urn:zitadel:iam:org:project:id:${Q}:aud`, "urn:zitadel:iam:org:project:role:viewer"]),
    );
    expect(Object.keys(claims).sort()).toEqual([GENERIC_ROLES_CLAIM, projectRolesClaim(P), projectRolesClaim(Q)].sort());
    expect(claims[projectRolesClaim(P)]).toEqual({ viewer: { [ACME]: "acme.localhost", [PARTNER]: "partner.localhost" } });
  });

  it("no claim for a project where the user holds nothing", () => {
    expect(roleClaims({ projectId: P, projectRoleAssertion: true, authorizations: [] }, [], parseScopes([]))).toEqual({});
  });

  it("the flat roles claim lists the client project's keys", () => {
    expect(flatRoles(buildRoleClaim(twoOrgs, { roleKeys: [], roleOrgIds: [] }))).toEqual(["admin", "viewer"]);
    expect(flatRoles(undefined)).toEqual([]);
  });
});

describe("reserved scopes", () => {
  it("reads every reserved scope and ignores unknown ones", () => {
    const s = parseScopes([
      "openid",
      "profile",
      "urn:zitadel:iam:org:project:role:admin",
      "urn:zitadel:iam:org:project:role:admin",
      "urn:zitadel:iam:org:projects:roles",
      `urn:zitadel:iam:org:project:id:${Q}:aud`,
      "urn:zitadel:iam:org:project:id:zitadel:aud",
      `urn:zitadel:iam:org:id:${ACME}`,
      "urn:zitadel:iam:org:domain:primary:Acme.localhost",
      `urn:zitadel:iam:org:roles:id:${ACME}`,
      `urn:zitadel:iam:org:roles:id:${PARTNER}`,
      "urn:zitadel:iam:user:resourceowner",
      "urn:zitadel:iam:user:metadata",
      "urn:zitadel:iam:something:else",
      "urn:zitadel:iam:org:project:id:not-an-id:aud",
    ]);
    expect(s).toEqual({
      roleKeys: ["admin"],
      rolesRequested: true,
      allAudienceRoles: true,
      audienceProjects: [Q],
      managementAudience: true,
      orgId: ACME,
      orgDomain: "acme.localhost",
      roleOrgIds: [ACME, PARTNER],
      resourceOwner: true,
      metadata: true,
      flatRoles: false,
    });
  });

  it("asks for nothing with plain OIDC scopes", () => {
    expect(parseScopes(["openid", "profile", "email", "offline_access"])).toMatchObject({
      roleKeys: [],
      rolesRequested: false,
      allAudienceRoles: false,
      audienceProjects: [],
      managementAudience: false,
    });
  });
});
