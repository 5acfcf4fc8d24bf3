// The explanation of a sign-in (docs/rules.md#r-check-16): decideAccess's steps and
// explainSignIn, which only describes what decideSignIn decided.
import { describe, expect, it } from "vitest";
import { type AccessSnapshot, accessSteps, decideAccess, type SnapshotAuthorization } from "../../src/access/decide.js";
import { type AppFacts, type ClientFacts, decideSignIn, explainSignIn, type PolicyFacts } from "../../src/access/policy.js";

const OWNER = "100";
const PARTNER = "200";

function snapshot(change: (s: AccessSnapshot) => void = () => {}): AccessSnapshot {
  const s: AccessSnapshot = {
    user: { id: "u", orgId: PARTNER, state: "ACTIVE" },
    userOrg: { id: PARTNER, state: "ACTIVE" },
    project: { id: "p", orgId: OWNER, state: "ACTIVE", authorizationRequired: true, projectAccessRequired: true },
    projectOrg: { id: OWNER, state: "ACTIVE" },
    userOrgGrant: { id: "g", state: "ACTIVE" },
    authorizations: [auth(["viewer"], "ACTIVE")],
  };
  change(s);
  return s;
}

function auth(
  roleKeys: string[],
  grantState: "ACTIVE" | "INACTIVE" | null,
  state: "ACTIVE" | "INACTIVE" = "ACTIVE",
): SnapshotAuthorization {
  return { orgId: PARTNER, orgPrimaryDomain: "partner.localhost", roleKeys, state, grantState };
}

const outcomes = (s: AccessSnapshot) => accessSteps(s).map((x) => `${x.step}:${x.outcome}${x.reason ? `:${x.reason}` : ""}`);

describe("accessSteps", () => {
  it("runs every step in order and passes them all for a granted organization's user with a role", () => {
    expect(outcomes(snapshot())).toEqual([
      "project_active:passed",
      "user_active:passed",
      "user_organization_active:passed",
      "project_grant:passed",
      "authorization:passed",
    ]);
    expect(accessSteps(snapshot()).find((x) => x.step === "project_grant")!.detail).toContain("project grant g");
  });

  it("stops at the first failure: the later steps are skipped, and the decision gives the same reason", () => {
    const cases: [string, (s: AccessSnapshot) => void, string][] = [
      ["inactive project", (s) => (s.project.state = "INACTIVE"), "project_active:failed:project_unavailable"],
      ["inactive owner", (s) => (s.projectOrg.state = "INACTIVE"), "project_active:failed:project_unavailable"],
      ["locked user", (s) => (s.user.state = "LOCKED"), "user_active:failed:user_locked"],
      ["initial user", (s) => (s.user.state = "INITIAL"), "user_active:failed:user_inactive"],
      ["inactive user org", (s) => (s.userOrg.state = "INACTIVE"), "user_organization_active:failed:user_org_inactive"],
      ["inactive grant", (s) => (s.userOrgGrant!.state = "INACTIVE"), "project_grant:failed:project_access_required"],
      ["no grant", (s) => (s.userOrgGrant = null), "project_grant:failed:project_access_required"],
      ["no role", (s) => (s.authorizations = [auth([], "ACTIVE")]), "authorization:failed:authorization_required"],
      [
        "inactive authorization",
        (s) => (s.authorizations = [auth(["viewer"], null, "INACTIVE")]),
        "authorization:failed:authorization_required",
      ],
    ];
    for (const [name, change, failure] of cases) {
      const s = snapshot(change);
      const list = outcomes(s);
      const at = list.indexOf(failure);
      expect(at, name).toBeGreaterThanOrEqual(0);
      expect(
        list.slice(at + 1).every((x) => x.endsWith(":skipped")),
        name,
      ).toBe(true);
      const decision = decideAccess(s);
      expect(decision.allowed ? "allowed" : decision.reason, name).toBe(failure.split(":")[2]);
    }
  });

  it("skips the settings that are off and names the owner, the grant and each authorization", () => {
    const off = snapshot((s) => {
      s.project.projectAccessRequired = false;
      s.project.authorizationRequired = false;
    });
    expect(outcomes(off).slice(3)).toEqual(["project_grant:skipped", "authorization:skipped"]);
    const own = accessSteps(snapshot((s) => (s.user.orgId = OWNER)));
    expect(own.find((x) => x.step === "project_grant")!.detail).toBe(`the user's organization ${OWNER} owns the project`);
    const several = accessSteps(
      snapshot((s) => (s.authorizations = [auth(["viewer"], "INACTIVE"), auth([], "ACTIVE"), auth(["editor"], "ACTIVE")])),
    );
    const detail = several.find((x) => x.step === "authorization")!.detail;
    expect(detail).toContain("roles [viewer]: does not count (its grant is inactive)");
    expect(detail).toContain("roles []: does not count (no role)");
    expect(detail).toContain("roles [editor]: counts");
  });
});

const APP: AppFacts = { id: "a", state: "ACTIVE", projectId: "p", projectState: "ACTIVE", orgId: OWNER, orgState: "ACTIVE" };
const CLIENT: ClientFacts = {
  id: "c",
  kind: "oidc",
  projectId: "p",
  accessTokenType: "JWT",
  accessTokenRoleAssertion: true,
  idTokenRoleAssertion: true,
  idTokenUserinfoAssertion: false,
};

function facts(s: AccessSnapshot, scopes = ["openid"]): PolicyFacts {
  return {
    client: CLIENT,
    scopes,
    subjectId: "u",
    project: { id: "p", access: { snapshot: s, projectRoleAssertion: true, projectRoleKeys: ["viewer"] } },
  };
}

describe("explainSignIn", () => {
  it("says what decideSignIn decides, with every check of the login path and project_access in steps", () => {
    for (const s of [snapshot(), snapshot((x) => (x.userOrgGrant!.state = "INACTIVE")), snapshot((x) => (x.authorizations = []))]) {
      const f = facts(s);
      const explanation = explainSignIn("login", f, APP);
      const outcome = decideSignIn("login", f);
      expect(explanation.allowed).toBe(outcome.allowed);
      expect(explanation.outcome).toEqual(outcome);
      expect(explanation.denial?.reason).toBe(outcome.denial?.reason);
      expect(explanation.checks.map((c) => (c.step ? `${c.check}.${c.step}` : c.check))).toEqual([
        "client_available",
        "client_kind",
        "organization_scope",
        "project_access.project_active",
        "project_access.user_active",
        "project_access.user_organization_active",
        "project_access.project_grant",
        "project_access.authorization",
        "audience_projects",
        "management_consent",
      ]);
    }
  });

  it("skips the checks after the first failure", () => {
    const explanation = explainSignIn("login", facts(snapshot((x) => (x.userOrgGrant = null))), APP);
    expect(explanation.denial).toMatchObject({ check: "project_access", reason: "project_access_required", answer: "access_denied_page" });
    expect(explanation.checks.slice(-3).map((c) => c.outcome)).toEqual(["skipped", "skipped", "skipped"]);
  });

  it("denies an app that is not a client (inactive app, project or organization) before any path check", () => {
    for (const app of [
      { ...APP, state: "INACTIVE" },
      { ...APP, projectState: "INACTIVE" },
      { ...APP, orgState: "INACTIVE" },
    ]) {
      const explanation = explainSignIn("login", facts(snapshot()), app);
      expect(explanation.allowed).toBe(false);
      expect(explanation.outcome).toBeUndefined();
      expect(explanation.denial).toMatchObject({ check: "client_available", reason: "project_unavailable", answer: "unknown_client" });
      expect(explanation.checks[0]!.detail).toContain("INACTIVE");
      expect(explanation.checks.slice(1).every((c) => c.outcome === "skipped")).toBe(true);
    }
  });

  it("names an unknown user or project instead of steps", () => {
    const f: PolicyFacts = { ...facts(snapshot()), project: { id: "p", access: null } };
    const explanation = explainSignIn("login", f, APP);
    expect(explanation.denial?.reason).toBe("project_unavailable");
    const check = explanation.checks.find((c) => c.check === "project_access")!;
    expect(check).toMatchObject({ outcome: "failed", reason: "project_unavailable" });
    expect(check.step).toBeUndefined();
    expect(check.detail).toBe("user u or project p does not exist");
  });

  it("explains the organization scope and the aud scopes left out", () => {
    const f = facts(snapshot(), ["openid", "urn:zitadel:iam:org:project:id:900:aud"]);
    f.audienceProjects = new Map([["900", null]]);
    const explanation = explainSignIn("login", f, APP);
    expect(explanation.allowed).toBe(true);
    expect(explanation.checks.find((c) => c.check === "organization_scope")!.detail).toBe("the scopes name no organization");
    expect(explanation.checks.find((c) => c.check === "audience_projects")!.detail).toBe(
      "left out of the token: urn:zitadel:iam:org:project:id:900:aud",
    );
  });
});
