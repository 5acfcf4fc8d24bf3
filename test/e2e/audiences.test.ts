// Aud-scope projects in user flows: a project enters a token's `aud` and its role claims only while
// the user passes that project's checks; otherwise the token is narrowed (its response `scope`
// says so). The same at login, SSO, prompt=none, code exchange, refresh and userinfo; and an
// opaque token introspects with the audience a JWT would carry.
import * as oidc from "openid-client";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { CALLBACK, discover, signInWithCode } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";
import { unique } from "../support/directory.js";

const api = useApiServer({ redis: true });
const browser = useBrowser();
let seed: ReturnType<typeof seeder>;
beforeAll(async () => {
  seed = seeder(api());
});

const aud = (projectId: string) => `urn:zitadel:iam:org:project:id:${projectId}:aud`;
const rolesClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;
const scopesOf = (response: { scope?: string }) => (response.scope ?? "").split(" ");

async function scene() {
  const orgId = await seed.org();
  const required = { authorizationRequired: true };
  const own = await seed.project(orgId, required, ["viewer"]);
  const q = await seed.project(orgId, required, ["reader"]);
  const r = await seed.project(orgId, required, ["reader"]);
  const user = await seed.human(orgId);
  await seed.authorize(user.id, own, ["viewer"]);
  const onQ = await seed.authorize(user.id, q, ["reader"]);
  await seed.authorize(user.id, r, ["reader"]);
  return { orgId, own, q, r, user, onQ };
}

async function nativeApp(projectId: string, oidcSettings: Record<string, unknown>) {
  const res = await seed.apps.createApplication({
    projectId,
    name: unique("mobile"),
    creationRequestType: {
      case: "oidcRequest",
      value: { redirectUris: [CALLBACK], responseTypes: [1], grantTypes: [0, 2], appType: 2, authMethodType: 2, ...oidcSettings },
    },
  } as never);
  return (res.creationResponseType.value as { clientId: string }).clientId;
}

describe("aud-scope projects in user flows", () => {
  it("leave the token while the user fails their checks, on refresh, SSO and prompt=none, and return with access", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.own, { accessTokenType: 1, accessTokenRoleAssertion: true, idTokenRoleAssertion: true });
    const config = await discover(api().url, clientId, oidc.None());
    const jwks = createRemoteJWKSet(new URL("/oauth/v2/keys", api().url));
    const scope = `openid offline_access ${aud(s.q)} ${aud(s.r)} urn:zitadel:iam:org:projects:roles`;

    // Passing every project: all of them are in.
    const { tokens, page } = await signInWithCode(browser(), config, s.user, scope);
    expect(scopesOf(tokens)).toEqual(expect.arrayContaining([aud(s.q), aud(s.r)]));
    expect(decodeJwt(tokens.access_token).aud).toEqual(expect.arrayContaining([clientId, s.own, s.q, s.r]));
    expect(decodeJwt(tokens.access_token)[rolesClaim(s.q)]).toBeDefined();

    // Q's authorization goes: a refresh drops Q and keeps the rest.
    await seed.authorizations.deleteAuthorization({ id: s.onQ });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const expectNarrowed = async (t: { access_token: string; id_token?: string | undefined; scope?: string | undefined }) => {
      expect(scopesOf(t)).toContain(aud(s.r));
      expect(scopesOf(t)).not.toContain(aud(s.q));
      const at = decodeJwt(t.access_token);
      expect(at.aud).toEqual(expect.arrayContaining([clientId, s.own, s.r]));
      expect(at.aud).not.toContain(s.q);
      expect(at[rolesClaim(s.q)]).toBeUndefined();
      expect(at[rolesClaim(s.r)]).toBeDefined();
      // An API of Q validating offline refuses the token; one of R accepts it.
      await expect(jwtVerify(t.access_token, jwks, { issuer: api().url, audience: s.q })).rejects.toThrow(/aud/);
      await jwtVerify(t.access_token, jwks, { issuer: api().url, audience: s.r });
      const id = decodeJwt(t.id_token!);
      expect(id.aud).not.toContain(s.q);
      expect(id[rolesClaim(s.q)]).toBeUndefined();
      const userinfo = await oidc.fetchUserInfo(config, t.access_token, s.user.id);
      expect(userinfo[rolesClaim(s.q)]).toBeUndefined();
      expect(userinfo[rolesClaim(s.r)]).toBeDefined();
    };
    await expectNarrowed(refreshed);

    // SSO with the session, and prompt=none: the same narrowing.
    await expectNarrowed((await signInWithCode(page, config, undefined, scope)).tokens);
    const silent = await signInWithCode(page, config, undefined, scope, { prompt: "none" });
    await expectNarrowed(silent.tokens);

    // Access back: the next refresh of the first sign-in (whose refresh token was issued for Q)
    // names Q again; the narrowed sign-ins' refresh tokens were issued without it.
    expect(scopesOf(silent.tokens)).not.toContain(aud(s.q));
    await seed.authorize(s.user.id, s.q, ["reader"]);
    const restored = await oidc.refreshTokenGrant(config, refreshed.refresh_token!);
    expect(scopesOf(restored)).toContain(aud(s.q));
    expect(decodeJwt(restored.access_token).aud).toContain(s.q);
    await page.close();
  });

  it("leaves out a project the user never passed, at the first login", async () => {
    const s = await scene();
    await seed.authorizations.deleteAuthorization({ id: s.onQ });
    const clientId = await nativeApp(s.own, { accessTokenType: 1 });
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, `openid ${aud(s.q)} ${aud(s.r)}`);
    expect(scopesOf(tokens)).not.toContain(aud(s.q));
    expect(decodeJwt(tokens.access_token).aud).not.toContain(s.q);
    expect(decodeJwt(tokens.id_token!).aud).not.toContain(s.q);
    expect(decodeJwt(tokens.access_token).aud).toContain(s.r);
    await page.close();
  });
});

describe("opaque access tokens", () => {
  it("introspect with the audience a JWT access token carries: client, project and passing aud-scope projects", async () => {
    const s = await scene();
    await seed.authorizations.deleteAuthorization({ id: s.onQ });
    const clientId = await nativeApp(s.own, {});
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, `openid ${aud(s.q)} ${aud(s.r)}`);
    expect(tokens.access_token.split(".")).toHaveLength(1);
    const { clientId: apiId, clientSecret } = await seed.basicApiApp(s.r);
    const introspected = await oidc.tokenIntrospection(await discover(api().url, apiId, clientSecret), tokens.access_token);
    expect(introspected.active).toBe(true);
    expect([introspected.aud].flat().sort()).toEqual([clientId, s.own, s.r].sort());
    await page.close();
  });
});
