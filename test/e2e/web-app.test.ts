// A confidential web app signs a user in through the real login page (headless Chromium), with
// openid-client v6 as the relying party.
import * as oidc from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { CALLBACK, discover, signInWithCode, visit } from "../support/relying-party.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer();
const browser = useBrowser();
describe("web app (code flow, client_secret_basic)", () => {
  let seed: ReturnType<typeof seeder>;
  beforeAll(() => {
    seed = seeder(api());
  });

  it("signs in, gets ZITADEL's role claims in the ID token and userinfo", async () => {
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true }, ["admin", "viewer"]);
    const user = await seed.human(orgId);
    await seed.authorize(user.id, projectId, ["viewer"]);
    const app = await seed.webApp(projectId, CALLBACK, { idTokenRoleAssertion: true, idTokenUserinfoAssertion: true });

    const issuer = new URL(api().url);
    const config = await oidc.discovery(issuer, app.clientId, app.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: "openid profile email",
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const page = await browser().newPage();
    const callback = await visit(page, url, user);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.aud).toEqual(expect.arrayContaining([app.clientId, projectId]));
    expect(claims.azp).toBe(app.clientId);
    expect(claims.email).toBe(`${user.username}@example.com`);
    const org = (await seed.orgs.listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: orgId } } }] })).organizations[0]!;
    const roles = { viewer: { [orgId]: org.primaryDomain } };
    expect(claims[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual(roles);
    expect(claims["urn:zitadel:iam:org:project:roles"]).toEqual(roles);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    expect(userinfo[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual(roles);
    expect(userinfo.preferred_username).toBe(user.username);

    const jwks = createRemoteJWKSet(new URL("/oauth/v2/keys", issuer));
    const { protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: issuer.href.replace(/\/$/, ""), audience: app.clientId });
    expect(protectedHeader.kid).toBeTruthy();
    await page.close();
  });

  it("shows the access-denied page to a user without a role, and the client gets access_denied", async () => {
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true }, ["viewer"]);
    const user = await seed.human(orgId);
    const app = await seed.webApp(projectId, CALLBACK);
    const config = await oidc.discovery(new URL(api().url), app.clientId, app.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: "s1" });
    const page = await browser().newPage();
    await page.goto(url.href);
    await page.getByLabel(/login name/i).fill(user.username);
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole("button", { name: /sign in|log in|continue/i }).click();
    await page.getByText("You are not authorized to use this application").waitFor();
    await page.getByRole("button", { name: /back to/i }).click();
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const callback = new URL(page.url());
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe("s1");
    await page.close();
  });
});

describe("single sign-on and sign-out", () => {
  it("reuses the session for a second app, checking access again, and ends it with id_token_hint at once", async () => {
    const seed = seeder(api());
    const orgId = await seed.org();
    const allowed = await seed.project(orgId, { authorizationRequired: true }, ["viewer"]);
    const denied = await seed.project(orgId, { authorizationRequired: true }, ["viewer"]);
    const user = await seed.human(orgId);
    await seed.authorize(user.id, allowed, ["viewer"]);
    const first = await seed.webApp(allowed, CALLBACK);
    const second = await seed.webApp(allowed, CALLBACK);
    const third = await seed.webApp(denied, CALLBACK);

    const page = await browser().newPage();
    const config1 = await discover(api().url, first.clientId, first.clientSecret);
    const { tokens } = await signInWithCode(page, config1, user);

    // SSO: the second app of the same project gets a code without the login form.
    const config2 = await discover(api().url, second.clientId, second.clientSecret);
    const sso = await signInWithCode(page, config2, undefined);
    expect(sso.tokens.claims()!.sub).toBe(user.id);

    // SSO into a project the user may not use: the checks run again, the page says why.
    const config3 = await discover(api().url, third.clientId, third.clientSecret);
    await page.goto(oidc.buildAuthorizationUrl(config3, { redirect_uri: CALLBACK, scope: "openid", state: "s" }).href);
    await page.getByText("You are not authorized to use this application").waitFor();

    // End session with the ID token: back to the app's post-logout URI at once, with state.
    const bye = CALLBACK.replace(/\/cb$/, "/bye");
    await page.goto(
      oidc.buildEndSessionUrl(config1, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: bye, state: "later" }).href,
    );
    await page.waitForURL((u) => u.href.startsWith(bye));
    expect(new URL(page.url()).searchParams.get("state")).toBe("later");
    // The session is gone: the next sign-in shows the login form again.
    await page.goto(oidc.buildAuthorizationUrl(config1, { redirect_uri: CALLBACK, scope: "openid", state: "again" }).href);
    await page.getByLabel(/login name/i).waitFor();
    // And the tokens of the ended session are revoked.
    await expect(oidc.fetchUserInfo(config1, tokens.access_token, user.id)).rejects.toThrow();
    await page.close();
  });
});

describe("organization scopes", () => {
  it("lets only the named organization's users sign in, and adds the organization claims", async () => {
    const seed = seeder(api());
    const orgId = await seed.org();
    const otherOrg = await seed.org();
    const projectId = await seed.project(orgId, {}, []);
    const user = await seed.human(orgId);
    const app = await seed.webApp(projectId, CALLBACK, { idTokenUserinfoAssertion: true });
    const config = await discover(api().url, app.clientId, app.clientSecret);
    const page = await browser().newPage();

    // Another organization's scope: the login form refuses this user.
    await page.goto(
      oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: `openid urn:zitadel:iam:org:id:${otherOrg}`, state: "s" }).href,
    );
    await page.getByLabel(/login name/i).fill(user.username);
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.getByText("This user cannot sign in to this organization.").waitFor();

    // The user's own organization: signed in, with the organization and resource-owner claims.
    const { tokens } = await signInWithCode(
      page,
      config,
      user,
      `openid urn:zitadel:iam:org:id:${orgId} urn:zitadel:iam:user:resourceowner`,
    );
    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info["urn:zitadel:iam:org:id"]).toBe(orgId);
    expect(info["urn:zitadel:iam:user:resourceowner:id"]).toBe(orgId);
    expect(info["urn:zitadel:iam:user:resourceowner:primary_domain"]).toMatch(/\.localhost$/);

    // With that session, prompt=none for another organization needs a new login.
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: `openid urn:zitadel:iam:org:id:${otherOrg}`,
      prompt: "none",
      state: "n",
    });
    await page.goto(url.href);
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    expect(new URL(page.url()).searchParams.get("error")).toBe("login_required");
    await page.close();
  });
});

describe("private labeling", () => {
  it("shows the project owner's branding, or the user's organization's when the project allows it", async () => {
    const { openDatabase } = await import("../../src/db/database.js");
    const db = await openDatabase({ databaseUrl: api().databaseUrl, dataDir: "/nonexistent" });
    try {
      const seed = seeder(api());
      const owner = await seed.org();
      const partner = await seed.org();
      await api().db.prisma.branding.create({ data: { orgId: owner, displayName: "Owner Login", primaryColor: "#112233" } });
      await api().db.prisma.branding.create({ data: { orgId: partner, displayName: "Partner Login", primaryColor: "#445566" } });
      const enforce = await seed.project(owner, {}, []);
      await seed.projects.updateProject({ id: enforce, privateLabelingSetting: 1 });
      const allow = await seed.project(owner, {}, []);
      await seed.projects.updateProject({ id: allow, privateLabelingSetting: 2 });
      const page = await browser().newPage();

      const enforced = await seed.webApp(enforce, CALLBACK);
      const c1 = await discover(api().url, enforced.clientId, enforced.clientSecret);
      await page.goto(
        oidc.buildAuthorizationUrl(c1, { redirect_uri: CALLBACK, scope: `openid urn:zitadel:iam:org:id:${partner}`, state: "s" }).href,
      );
      expect(await page.locator("header").innerText()).toContain("Owner Login");
      expect(await page.content()).toContain("#112233");

      const allowed = await seed.webApp(allow, CALLBACK);
      const c2 = await discover(api().url, allowed.clientId, allowed.clientSecret);
      await page.goto(
        oidc.buildAuthorizationUrl(c2, { redirect_uri: CALLBACK, scope: `openid urn:zitadel:iam:org:id:${partner}`, state: "s" }).href,
      );
      expect(await page.locator("header").innerText()).toContain("Partner Login");
      await page.goto(oidc.buildAuthorizationUrl(c2, { redirect_uri: CALLBACK, scope: "openid", state: "s" }).href);
      expect(await page.locator("header").innerText()).toContain("Owner Login");
      await page.close();
    } finally {
      await db.close();
    }
  });
});
