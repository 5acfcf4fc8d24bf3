// rolegate.access.v1.AccessService/ExplainAccess through a real server (docs/rules.md#r-check-16):
// the login path's own decision and claims, compared with a real sign-in, and who may ask.
import { Code } from "@connectrpc/connect";
import * as oidc from "openid-client";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AccessService,
  CheckOutcome,
  Decision,
  type ExplainAccessResponse,
} from "../../src/generated/proto/rolegate/access/v1/access_service_pb.js";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { makeCaller } from "../support/callers.js";
import { expectCode } from "../support/connect.js";
import { CALLBACK, discover, signInWithCode } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
const browser = useBrowser();
let seed: ReturnType<typeof seeder>;
beforeAll(() => {
  seed = seeder(api());
});

const explainer = (token?: string) => api().client(AccessService, "connect", token);
const ctx = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const domainOf = async (orgId: string) => (await api().db.prisma.organization.findUniqueOrThrow({ where: { id: orgId } })).primaryDomain;
const appIdOf = async (clientId: string) => (await api().db.prisma.application.findUniqueOrThrow({ where: { clientId } })).id;

/** The checks as "check.step:OUTCOME". */
const outcomes = (res: ExplainAccessResponse) =>
  res.checks.map((c) => `${c.step ? `${c.check}.${c.step}` : c.check}:${CheckOutcome[c.outcome]}`);
const checkOf = (res: ExplainAccessResponse, name: string) => res.checks.find((c) => (c.step ? `${c.check}.${c.step}` : c.check) === name)!;

/** The claims a token carries of its own (not the user's): left out of the explainer's. */
const PROTOCOL = [
  "iss",
  "aud",
  "exp",
  "iat",
  "nbf",
  "auth_time",
  "nonce",
  "at_hash",
  "c_hash",
  "s_hash",
  "azp",
  "sid",
  "acr",
  "amr",
  "jti",
  "client_id",
  "scope",
];
const userClaims = (claims: Record<string, unknown>) => Object.fromEntries(Object.entries(claims).filter(([k]) => !PROTOCOL.includes(k)));

/** An org owning a project with roles, and a user of it. */
async function ownScene(
  settings: { authorizationRequired?: boolean; projectAccessRequired?: boolean; projectRoleAssertion?: boolean } = {},
) {
  const orgId = await seed.org();
  const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true, ...settings }, [
    "admin",
    "viewer",
  ]);
  const user = await seed.human(orgId);
  return { orgId, projectId, user };
}

describe("ExplainAccess", () => {
  it("allows an own-organization user with a role, with the claims a real sign-in puts in the ID token, JWT and userinfo", async () => {
    const { orgId, projectId, user } = await ownScene({ projectAccessRequired: true });
    await seed.authorize(user.id, projectId, ["viewer"]);
    const app = await seed.webApp(projectId, CALLBACK, {
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      accessTokenType: 1,
      accessTokenRoleAssertion: true,
    });

    const res = await explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: app.clientId } });
    expect(res.decision).toBe(Decision.ALLOWED);
    expect(res.reason).toBe("");
    expect(outcomes(res)).toEqual([
      "client_available:PASSED",
      "client_kind:PASSED",
      "organization_scope:PASSED",
      "project_access.project_active:PASSED",
      "project_access.user_active:PASSED",
      "project_access.user_organization_active:PASSED",
      "project_access.project_grant:PASSED",
      "project_access.authorization:PASSED",
      "audience_projects:PASSED",
      "management_consent:PASSED",
    ]);
    expect(checkOf(res, "project_access.project_grant").detail).toBe(`the user's organization ${orgId} owns the project`);
    expect(checkOf(res, "project_access.authorization").detail).toContain("roles [viewer]: counts");
    const roles = { viewer: { [orgId]: await domainOf(orgId) } };
    expect(res.claims?.idToken?.[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual(roles);
    expect(res.claims?.idToken?.["urn:zitadel:iam:org:project:roles"]).toEqual(roles);
    expect(res.claims?.accessToken?.[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual(roles);
    expect(res.grantedScopes).toEqual(["openid", "profile", "email"]);
    expect(res.audience).toEqual(expect.arrayContaining([app.clientId, projectId]));
    expect(res.accessTokenType).toBe("JWT");

    // A real sign-in with the same scopes carries exactly these claims.
    const config = await discover(api().url, app.clientId, app.clientSecret);
    const { tokens, page } = await signInWithCode(browser(), config, user, "openid profile email");
    expect(userClaims(tokens.claims()! as Record<string, unknown>)).toEqual(res.claims?.idToken);
    expect(userClaims(decodeJwt(tokens.access_token))).toEqual(res.claims?.accessToken);
    expect(await oidc.fetchUserInfo(config, tokens.access_token, user.id)).toEqual(res.claims?.userinfo);
    await page.close();
  });

  it("finds the app by application id too, answers over gRPC, and leaves the claims of an opaque token out", async () => {
    const { projectId, user } = await ownScene();
    await seed.authorize(user.id, projectId, ["admin"]);
    const app = await seed.webApp(projectId, CALLBACK);
    const grpc = api().client(AccessService, "grpc");
    const res = await grpc.explainAccess({
      userId: user.id,
      app: { case: "applicationId", value: await appIdOf(app.clientId) },
      scopes: ["openid"],
    });
    expect(res.decision).toBe(Decision.ALLOWED);
    expect(res.clientId).toBe(app.clientId);
    expect(res.accessTokenType).toBe("BEARER");
    expect(res.claims?.accessToken).toBeUndefined();
    // No idTokenRoleAssertion: the ID token has no role claim; userinfo always has.
    expect(res.claims?.idToken).toEqual({ sub: user.id });
    expect(Object.keys(res.claims?.userinfo ?? {})).toContain(`urn:zitadel:iam:org:project:${projectId}:roles`);
  });

  it("leaves out an aud scope whose project the user fails, as a sign-in narrows it, and keeps the organization scope's claim", async () => {
    const { orgId, projectId, user } = await ownScene();
    await seed.authorize(user.id, projectId, ["viewer"]);
    const closed = await seed.project(orgId, { authorizationRequired: true }, ["viewer"]);
    const app = await seed.webApp(projectId, CALLBACK);
    const aud = `urn:zitadel:iam:org:project:id:${closed}:aud`;
    const res = await explainer().explainAccess({
      userId: user.id,
      app: { case: "clientId", value: app.clientId },
      scopes: ["openid", aud, `urn:zitadel:iam:org:id:${orgId}`],
    });
    expect(res.decision).toBe(Decision.ALLOWED);
    expect(res.grantedScopes).toEqual(["openid", `urn:zitadel:iam:org:id:${orgId}`]);
    expect(res.deniedScopes).toEqual([aud]);
    expect(res.audience).not.toContain(closed);
    expect(checkOf(res, "audience_projects").detail).toBe(`left out of the token: ${aud}`);
    expect(checkOf(res, "organization_scope").detail).toContain(`the user belongs to organization ${orgId}`);
    expect(res.claims?.idToken?.["urn:zitadel:iam:org:id"]).toBe(orgId);
  });

  it("denies a granted organization's user while its grant is inactive, naming the grant", async () => {
    const ownerId = await seed.org();
    const customerId = await seed.org();
    const projectId = await seed.project(ownerId, { authorizationRequired: true, projectAccessRequired: true }, ["viewer"]);
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: customerId, roleKeys: ["viewer"] });
    const user = await seed.human(customerId);
    await seed.authorize(user.id, projectId, ["viewer"], customerId);
    const app = await seed.webApp(projectId, CALLBACK);
    const ask = () => explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: app.clientId } });
    expect((await ask()).decision).toBe(Decision.ALLOWED);

    await seed.projects.deactivateProjectGrant({ projectId, grantedOrganizationId: customerId });
    const grant = await api().db.prisma.projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: customerId } });
    const res = await ask();
    expect(res.decision).toBe(Decision.DENIED);
    expect(res.reason).toBe("project_access_required");
    expect(res.message).toBe("Your organization has no access to this application");
    expect(checkOf(res, "project_access.project_grant")).toMatchObject({
      outcome: CheckOutcome.FAILED,
      reason: "project_access_required",
      detail: `project grant ${grant.id} to the user's organization ${customerId} is INACTIVE`,
    });
    expect(checkOf(res, "project_access.authorization").outcome).toBe(CheckOutcome.SKIPPED);
    expect(res.authorizations).toEqual([
      expect.objectContaining({ organizationId: customerId, roleKeys: ["viewer"], state: "ACTIVE", grantState: "INACTIVE", counts: false }),
    ]);
    expect(res.claims).toBeUndefined();
  });

  it("denies an external user grant while projectAccessRequired is on, though the authorization counts", async () => {
    const ownerId = await seed.org();
    const customerId = await seed.org();
    const outsiderOrg = await seed.org();
    const projectId = await seed.project(ownerId, { authorizationRequired: true, projectAccessRequired: true }, ["viewer"]);
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: customerId, roleKeys: ["viewer"] });
    const outsider = await seed.human(outsiderOrg);
    await seed.authorize(outsider.id, projectId, ["viewer"], customerId);
    const app = await seed.webApp(projectId, CALLBACK);
    const res = await explainer().explainAccess({ userId: outsider.id, app: { case: "clientId", value: app.clientId } });
    expect(res.decision).toBe(Decision.DENIED);
    expect(res.reason).toBe("project_access_required");
    expect(checkOf(res, "project_access.project_grant").detail).toContain(
      `organization ${outsiderOrg} neither owns the project nor holds a grant`,
    );
    expect(res.authorizations).toEqual([expect.objectContaining({ organizationId: customerId, counts: true })]);
  });

  it("denies a user without a role (authorization_required), listing what it holds", async () => {
    const { projectId, user } = await ownScene();
    const app = await seed.webApp(projectId, CALLBACK);
    const res = await explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: app.clientId } });
    expect(res.decision).toBe(Decision.DENIED);
    expect(res.reason).toBe("authorization_required");
    expect(res.message).toBe("You are not authorized to use this application");
    expect(checkOf(res, "project_access.authorization")).toMatchObject({
      outcome: CheckOutcome.FAILED,
      detail: "the user holds no authorization on the project",
    });
    expect(checkOf(res, "project_access.project_grant")).toMatchObject({
      outcome: CheckOutcome.SKIPPED,
      detail: "projectAccessRequired is off",
    });
    expect(outcomes(res).slice(-2)).toEqual(["audience_projects:SKIPPED", "management_consent:SKIPPED"]);
  });

  it("denies every user while the app, its project or the project's organization is inactive", async () => {
    const cases: [string, (s: { orgId: string; projectId: string; clientId: string }) => Promise<unknown>][] = [
      ["app", async (s) => seed.apps.deactivateApplication({ projectId: s.projectId, id: await appIdOf(s.clientId) })],
      ["project", (s) => seed.projects.deactivateProject({ id: s.projectId })],
      ["organization", (s) => seed.orgs.deactivateOrganization({ id: s.orgId })],
    ];
    for (const [what, deactivate] of cases) {
      const { orgId, projectId, user } = await ownScene();
      await seed.authorize(user.id, projectId, ["viewer"]);
      const { clientId } = await seed.webApp(projectId, CALLBACK);
      await deactivate({ orgId, projectId, clientId });
      const res = await explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: clientId } });
      expect(res.decision, what).toBe(Decision.DENIED);
      expect(res.reason, what).toBe("project_unavailable");
      expect(res.message, what).toBe("This application is not available");
      expect(res.checks[0], what).toMatchObject({ check: "client_available", outcome: CheckOutcome.FAILED });
      expect(res.checks[0]!.detail, what).toContain("INACTIVE");
      expect(
        outcomes(res)
          .slice(1)
          .every((c) => c.endsWith(":SKIPPED")),
        what,
      ).toBe(true);
    }
  });

  it("answers not_found for a deleted user", async () => {
    const { projectId, user } = await ownScene();
    const app = await seed.webApp(projectId, CALLBACK);
    await seed.users.deleteUser({ userId: user.id });
    await expectCode(explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: app.clientId } }), Code.NotFound);
  });

  it("requires the app and a well-formed user id, and authentication", async () => {
    await expectCode(explainer().explainAccess({ userId: "1" }), Code.InvalidArgument);
    await expectCode(explainer().explainAccess({ userId: "x", app: { case: "clientId", value: "1" } }), Code.InvalidArgument);
    await expectCode(explainer("nope").explainAccess({ userId: "1", app: { case: "clientId", value: "1" } }), Code.Unauthenticated);
  });
});

describe("who may ask", () => {
  /** A tenant: an org with a project, an app, a user allowed in, and its own ORG_OWNER. */
  async function tenant() {
    const { orgId, projectId, user } = await ownScene();
    await seed.authorize(user.id, projectId, ["viewer"]);
    const app = await seed.webApp(projectId, CALLBACK);
    const owner = await makeCaller(ctx(), orgId, [{ resource: { organizationId: orgId }, roles: ["ORG_OWNER"] }]);
    return { orgId, projectId, user, app, owner };
  }
  const ask = (token: string, userId: string, clientId: string) =>
    explainer(token).explainAccess({ userId, app: { case: "clientId", value: clientId } });

  it("lets the owner of the user's organization who administers the project ask", async () => {
    const a = await tenant();
    expect((await ask(a.owner.token, a.user.id, a.app.clientId)).decision).toBe(Decision.ALLOWED);
  });

  it("gives another tenant's administrator nothing: not_found alike for what exists and what does not", async () => {
    const a = await tenant();
    const b = await tenant();
    const unknownUser = "1234567890123456789";
    const unknownClient = "9234567890123456789";
    // A's user and app, asked by B's owner: as if neither existed.
    const existing = await expectCode(ask(b.owner.token, a.user.id, a.app.clientId), Code.NotFound);
    const missing = await expectCode(ask(b.owner.token, unknownUser, a.app.clientId), Code.NotFound);
    expect(existing.rawMessage).toBe(`user ${a.user.id} not found`);
    expect(missing.rawMessage).toBe(`user ${unknownUser} not found`);
    // B's own user with A's app: the app is as unknown as one that does not exist.
    const otherApp = await expectCode(ask(b.owner.token, b.user.id, a.app.clientId), Code.NotFound);
    const noApp = await expectCode(ask(b.owner.token, b.user.id, unknownClient), Code.NotFound);
    expect(otherApp.rawMessage).toBe(`application ${a.app.clientId} not found`);
    expect(noApp.rawMessage).toBe(`application ${unknownClient} not found`);
    // A's user with B's app: the user is not B's to read, whichever app is named.
    await expectCode(ask(b.owner.token, a.user.id, b.app.clientId), Code.NotFound, `user ${a.user.id} not found`);
  });

  it("needs both: a user manager without the project, or a project owner without the user, gets not_found", async () => {
    const a = await tenant();
    const userManager = await makeCaller(ctx(), a.orgId, [{ resource: { organizationId: a.orgId }, roles: ["ORG_USER_MANAGER"] }]);
    await expectCode(ask(userManager.token, a.user.id, a.app.clientId), Code.NotFound, `application ${a.app.clientId} not found`);
    const elsewhere = await seed.org();
    const projectOwner = await makeCaller(ctx(), elsewhere, [{ resource: { projectId: a.projectId }, roles: ["PROJECT_OWNER"] }]);
    await expectCode(ask(projectOwner.token, a.user.id, a.app.clientId), Code.NotFound, `user ${a.user.id} not found`);
    // A user asking about itself still needs the project.
    const self = await makeCaller(ctx(), a.orgId);
    await expectCode(ask(self.token, self.user.id, a.app.clientId), Code.NotFound, `application ${a.app.clientId} not found`);
  });
});
