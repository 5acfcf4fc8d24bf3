// The sign-in policy's table test (docs/rules.md#sign-in-paths). The cases come from the table in
// docs/rules.md: the policy's PATHS must say the same, and every path × client kind × check
// outcome runs on facts built here, each check failing once while the others pass.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ProjectAccess, SnapshotAuthorization } from "../../src/access/decide.js";
import {
  CLIENT_KINDS,
  type CheckName,
  type ClientFacts,
  type ClientKind,
  claimsFor,
  type Denial,
  decideSignIn,
  factsNeeded,
  PATHS,
  type PolicyFacts,
  SIGN_IN_PATHS,
  type SignInPath,
  type SubjectFacts,
} from "../../src/access/policy.js";

// ---- The table, as docs/rules.md writes it. ----
interface Row {
  path: SignInPath;
  kind: ClientKind;
  checks: { check: CheckName; answer?: Denial | undefined }[];
  audience: string;
  consent: string;
  otherwise: Denial;
}

function readTable(): Row[] {
  const doc = readFileSync(new URL("../../docs/rules.md", import.meta.url), "utf8");
  const table = /<!-- policy-table:[^>]*-->\n([\s\S]*?)<!-- \/policy-table -->/.exec(doc)?.[1];
  if (!table) throw new Error("docs/rules.md has no policy table");
  const rows = table
    .trim()
    .split("\n")
    .slice(2)
    .map((line) => line.split("|").map((cell) => cell.trim()));
  return rows.map(([, path, kind, checks, audience, consent, otherwise]) => ({
    path: path as SignInPath,
    kind: kind as ClientKind,
    checks: checks!.split(",").map((entry) => {
      const [check, answer] = entry.split(":").map((part) => part.trim());
      return { check: check as CheckName, answer: answer as Denial | undefined };
    }),
    audience: audience!,
    consent: consent!,
    otherwise: otherwise as Denial,
  }));
}

const ROWS = readTable();
const rowOf = (path: SignInPath, kind: ClientKind) => ROWS.find((r) => r.path === path && r.kind === kind);

// ---- Facts in which every check passes. ----
const ORG = "100";
const PROJECT = "200";
const AUD_PROJECT = "300";
const aud = (id: string) => `urn:zitadel:iam:org:project:id:${id}:aud`;
const MANAGEMENT = "urn:zitadel:iam:org:project:id:zitadel:aud";
const SCOPES = ["openid", "profile", "email", `urn:zitadel:iam:org:id:${ORG}`, aud(AUD_PROJECT), MANAGEMENT];

const authorization = (roleKeys: string[]): SnapshotAuthorization => ({
  orgId: ORG,
  orgPrimaryDomain: "acme.localhost",
  roleKeys,
  state: "ACTIVE",
  grantState: null,
});

function access(projectId: string, roleKeys = ["reader"]): ProjectAccess {
  return {
    snapshot: {
      user: { id: "1", orgId: ORG, state: "ACTIVE" },
      userOrg: { id: ORG, state: "ACTIVE" },
      project: { id: projectId, orgId: ORG, state: "ACTIVE", authorizationRequired: true, projectAccessRequired: true },
      projectOrg: { id: ORG, state: "ACTIVE" },
      userOrgGrant: null,
      authorizations: [authorization(roleKeys)],
    },
    projectRoleAssertion: true,
    projectRoleKeys: ["reader", "writer"],
  };
}

const subject = (): SubjectFacts => ({
  id: "1",
  state: "ACTIVE",
  username: "ada",
  name: null,
  displayName: "Ada Lovelace",
  givenName: "Ada",
  familyName: "Lovelace",
  nickName: null,
  preferredLanguage: null,
  email: "ada@acme.test",
  emailVerified: true,
  updatedAt: new Date(1_700_000_000_000),
  org: { id: ORG, name: "Acme", primaryDomain: "acme.localhost", state: "ACTIVE" },
  metadata: [],
});

function client(kind: ClientKind, flags: Partial<ClientFacts> = {}): ClientFacts {
  return {
    id: `${kind}-client`,
    kind,
    projectId: kind === "machine" || kind === "console" ? undefined : PROJECT,
    accessTokenType: "JWT",
    accessTokenRoleAssertion: false,
    idTokenRoleAssertion: false,
    idTokenUserinfoAssertion: false,
    ...flags,
  };
}

function passingFacts(kind: ClientKind): PolicyFacts {
  return {
    client: client(kind),
    scopes: SCOPES,
    subjectId: "1",
    subject: subject(),
    project: { id: PROJECT, access: access(PROJECT) },
    audienceProjects: new Map([[AUD_PROJECT, access(AUD_PROJECT)]]),
    managementConsent: "given",
  };
}

/** Ways to fail each check, each with the reason it must give. */
const FAILURES: Record<Exclude<CheckName, "client_kind">, [string, (f: PolicyFacts) => void, string][]> = {
  subject_active: [
    ["unknown user", (f) => (f.subject = null), "user_unknown"],
    ["locked user", (f) => (f.subject!.state = "LOCKED"), "user_locked"],
    ["inactive user", (f) => (f.subject!.state = "INACTIVE"), "user_inactive"],
    ["initial user", (f) => (f.subject!.state = "INITIAL"), "user_inactive"],
    ["inactive organization", (f) => (f.subject!.org.state = "INACTIVE"), "user_org_inactive"],
  ],
  organization_scope: [
    ["another organization by id", (f) => (f.subject!.org.id = "999"), "other_organization"],
    [
      "another organization by domain",
      (f) => (f.scopes = [...f.scopes, "urn:zitadel:iam:org:domain:primary:other.localhost"]),
      "other_organization",
    ],
  ],
  project_access: [
    ["unknown project or user", (f) => (f.project = { id: PROJECT, access: null }), "project_unavailable"],
    ["inactive project", (f) => (f.project!.access!.snapshot.project.state = "INACTIVE"), "project_unavailable"],
    ["locked user", (f) => (f.project!.access!.snapshot.user.state = "LOCKED"), "user_locked"],
    ["inactive user", (f) => (f.project!.access!.snapshot.user.state = "INACTIVE"), "user_inactive"],
    ["inactive organization", (f) => (f.project!.access!.snapshot.userOrg.state = "INACTIVE"), "user_org_inactive"],
    ["organization without access", (f) => (f.project!.access!.snapshot.user.orgId = "999"), "project_access_required"],
    ["no role", (f) => (f.project!.access!.snapshot.authorizations = []), "authorization_required"],
  ],
  audience_projects: [
    ["aud project without a role", (f) => f.audienceProjects!.get(AUD_PROJECT)!.snapshot.authorizations.splice(0), "audience_denied"],
    ["unknown aud project", (f) => (f.audienceProjects = new Map([[AUD_PROJECT, null]])), "audience_denied"],
  ],
  management_consent: [["no consent", (f) => (f.managementConsent = "missing"), "consent_missing"]],
};

describe("the sign-in paths table (docs/rules.md#sign-in-paths)", () => {
  it("is the policy's own: PATHS lists the same checks, answers and modes for every path and client kind", () => {
    expect(new Set(ROWS.map((r) => r.path))).toEqual(new Set(SIGN_IN_PATHS));
    for (const path of SIGN_IN_PATHS) {
      const rule = PATHS[path];
      for (const kind of CLIENT_KINDS) {
        const row = rowOf(path, kind);
        const checks = rule.checks[kind];
        expect(checks, `${path} × ${kind}`).toEqual(row?.checks.map((c) => c.check));
        for (const c of row?.checks ?? []) expect(rule.denials[c.check], `${path} × ${kind}: ${c.check}`).toEqual(c.answer);
      }
      for (const row of ROWS.filter((r) => r.path === path)) {
        expect(rule.otherwise, path).toBe(row.otherwise);
        expect(rule.audience ?? "-", path).toBe(row.audience);
        expect(rule.consent ?? "-", path).toBe(row.consent);
      }
    }
  });

  it("lists every path's checks in an order the policy runs (the first failure refuses)", () => {
    // The row order is what decideSignIn walks: a subject failing two checks gets the first.
    const facts = passingFacts("oidc");
    facts.subject!.org.id = "999";
    facts.project!.access!.snapshot.authorizations = [];
    expect(decideSignIn("login", facts).denial?.check).toBe("organization_scope");
    expect(decideSignIn("code_exchange", facts).denial?.check).toBe("project_access");
  });
});

describe("decideSignIn, every path × client kind × check outcome", () => {
  for (const path of SIGN_IN_PATHS) {
    for (const kind of CLIENT_KINDS) {
      const row = rowOf(path, kind);
      if (!row) {
        it(`${path} × ${kind}: refused as a client kind the path does not serve`, () => {
          const outcome = decideSignIn(path, passingFacts(kind));
          expect(outcome.allowed).toBe(false);
          expect(outcome.denial).toMatchObject({
            check: "client_kind",
            reason: "client_kind",
            answer: ROWS.find((r) => r.path === path)!.otherwise,
          });
          expect(outcome.scopes.granted).toEqual([]);
        });
        continue;
      }
      it(`${path} × ${kind}: allowed when every check passes, with every scope and ZITADEL's audience`, () => {
        const outcome = decideSignIn(path, passingFacts(kind));
        expect(outcome.allowed).toBe(true);
        expect(outcome.checks.map((c) => c.check)).toEqual(row.checks.map((c) => c.check));
        expect(outcome.scopes).toEqual({ granted: SCOPES, denied: [] });
        const audience = [`${kind}-client`, ...(kind === "machine" || kind === "console" ? [] : [PROJECT]), AUD_PROJECT, "zitadel"];
        expect(outcome.audience).toEqual(audience);
      });
      for (const { check, answer } of row.checks) {
        for (const [name, fail, reason] of FAILURES[check as keyof typeof FAILURES]) {
          it(`${path} × ${kind}: ${check} fails (${name})`, () => {
            const facts = passingFacts(kind);
            fail(facts);
            const outcome = decideSignIn(path, facts);
            const narrowsAudience = check === "audience_projects" && row.audience === "narrow";
            const narrowsConsent = check === "management_consent" && row.consent === "narrow";
            if (narrowsAudience || narrowsConsent) {
              // Never refused: the failing scope is left out of the token, and of its audience.
              const scope = narrowsAudience ? aud(AUD_PROJECT) : MANAGEMENT;
              expect(outcome.allowed).toBe(true);
              expect(outcome.scopes.denied).toEqual([scope]);
              expect(outcome.scopes.granted).toEqual(SCOPES.filter((s) => s !== scope));
              expect(outcome.audience).not.toContain(narrowsAudience ? AUD_PROJECT : "zitadel");
              return;
            }
            expect(answer, "a refusing check has an answer in the table").toBeDefined();
            expect(outcome.allowed).toBe(false);
            expect(outcome.denial).toMatchObject({ check, reason, answer });
            expect(outcome.denial!.message.length).toBeGreaterThan(0);
            if (check === "audience_projects") expect(outcome.denial!.scope).toBe(aud(AUD_PROJECT));
            expect(outcome.checks.at(-1)).toMatchObject({ check, passed: false, reason });
          });
        }
      }
    }
  }

  it("ask: a user who declined the management audience in this sign-in goes on without it", () => {
    const facts = { ...passingFacts("oidc"), managementConsent: "declined" as const };
    for (const path of ["login", "sso", "prompt_none"] as const) {
      const outcome = decideSignIn(path, facts);
      expect(outcome.allowed).toBe(true);
      expect(outcome.scopes.denied).toEqual([MANAGEMENT]);
    }
    expect(decideSignIn("management_token", facts).denial?.reason).toBe("consent_missing");
  });

  it("asks nothing of the organization or the consent when the scopes do not name them", () => {
    const facts = { ...passingFacts("oidc"), scopes: ["openid"], subject: undefined, managementConsent: undefined };
    expect(decideSignIn("login", facts).allowed).toBe(true);
    expect(factsNeeded("login", "oidc", ["openid"], PROJECT)).toEqual({
      subject: false,
      project: true,
      audienceProjects: [],
      managementConsent: false,
    });
  });

  it("reads only the facts a path's checks need", () => {
    expect(factsNeeded("login", "oidc", SCOPES, PROJECT)).toEqual({
      subject: true,
      project: true,
      audienceProjects: [AUD_PROJECT],
      managementConsent: true,
    });
    expect(factsNeeded("client_credentials", "machine", SCOPES, undefined)).toEqual({
      subject: true,
      project: false,
      audienceProjects: [AUD_PROJECT],
      managementConsent: false,
    });
    expect(factsNeeded("introspection", "oidc", SCOPES, PROJECT)).toEqual({
      subject: false,
      project: true,
      audienceProjects: [],
      managementConsent: false,
    });
    // A path that does not serve the kind needs nothing.
    expect(factsNeeded("client_credentials", "oidc", SCOPES, PROJECT)).toEqual({
      subject: false,
      project: false,
      audienceProjects: [],
      managementConsent: false,
    });
  });
});

describe("claimsFor: which destination carries which claims (docs/rules.md#r-path-3)", () => {
  const ROLES = `urn:zitadel:iam:org:project:${PROJECT}:roles`;
  const facts = (flags: Partial<ClientFacts>, scopes = ["openid", "profile", "email", "urn:zitadel:iam:user:resourceowner"]) => ({
    ...passingFacts("oidc"),
    client: client("oidc", flags),
    scopes,
  });

  it("ID token: profile and email only with idTokenUserinfoAssertion, roles only with idTokenRoleAssertion, reserved always", () => {
    const bare = claimsFor("id_token", facts({}));
    expect(bare).toEqual({
      "urn:zitadel:iam:user:resourceowner:id": ORG,
      "urn:zitadel:iam:user:resourceowner:name": "Acme",
      "urn:zitadel:iam:user:resourceowner:primary_domain": "acme.localhost",
    });
    const full = claimsFor("id_token", facts({ idTokenUserinfoAssertion: true, idTokenRoleAssertion: true }));
    expect(full).toMatchObject({ name: "Ada Lovelace", email: "ada@acme.test", [ROLES]: { reader: { [ORG]: "acme.localhost" } } });
    // The project asserts roles (projectRoleAssertion), so both role claims are there.
    expect(full["urn:zitadel:iam:org:project:roles"]).toEqual(full[ROLES]);
  });

  it("JWT access token: role claims only, for users with accessTokenRoleAssertion; opaque tokens carry none", () => {
    expect(claimsFor("access_token", facts({}))).toEqual({});
    const asserted = claimsFor("access_token", facts({ accessTokenRoleAssertion: true }));
    expect(Object.keys(asserted).sort()).toEqual(["urn:zitadel:iam:org:project:roles", ROLES].sort());
    expect(claimsFor("access_token", facts({ accessTokenRoleAssertion: true, accessTokenType: "BEARER" }))).toEqual({});
  });

  it("JWT access token of a machine user: the roles its scopes ask for, on the aud-scope projects it passes", () => {
    const machine = {
      ...passingFacts("machine"),
      project: undefined,
      scopes: ["openid", aud(AUD_PROJECT), "urn:zitadel:iam:org:projects:roles"],
    };
    expect(claimsFor("access_token", machine)).toEqual({
      [`urn:zitadel:iam:org:project:${AUD_PROJECT}:roles`]: { reader: { [ORG]: "acme.localhost" } },
    });
    expect(claimsFor("access_token", { ...machine, scopes: ["openid", aud(AUD_PROJECT)] })).toEqual({});
  });

  it("userinfo: profile and email by scope, roles and reserved claims", () => {
    const withoutProfile = claimsFor("userinfo", facts({}, ["openid", "email"]));
    expect(withoutProfile).toMatchObject({ email: "ada@acme.test", [ROLES]: { reader: { [ORG]: "acme.localhost" } } });
    expect(withoutProfile).not.toHaveProperty("name");
  });

  it("introspection: the decided project's roles in both claims, even when the project does not assert them", () => {
    const f = facts({}, ["openid"]);
    f.project!.access!.projectRoleAssertion = false;
    expect(claimsFor("introspection", f)).toEqual({
      [ROLES]: { reader: { [ORG]: "acme.localhost" } },
      "urn:zitadel:iam:org:project:roles": { reader: { [ORG]: "acme.localhost" } },
    });
    expect(claimsFor("userinfo", f)).toEqual({});
  });

  it("role claims of an aud-scope project only while the subject passes its checks", () => {
    const f = facts({}, ["openid", aud(AUD_PROJECT), "urn:zitadel:iam:org:projects:roles"]);
    expect(claimsFor("userinfo", f)).toHaveProperty(`urn:zitadel:iam:org:project:${AUD_PROJECT}:roles`);
    f.audienceProjects!.get(AUD_PROJECT)!.snapshot.userOrg.state = "INACTIVE";
    expect(claimsFor("userinfo", f)).not.toHaveProperty(`urn:zitadel:iam:org:project:${AUD_PROJECT}:roles`);
  });
});
