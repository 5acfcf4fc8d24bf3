// Mobile apps (public + PKCE), APIs (JWT access tokens with jose, introspection), refresh
// rotation and reuse detection, prompt=none, and service accounts (client credentials).
import * as oidc from "openid-client";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { CALLBACK, discover, signInWithCode, visit } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";
import { unique } from "../support/directory.js";

const api = useApiServer({ redis: true }); // sessions, codes and tokens in Redis
const browser = useBrowser();
let seed: ReturnType<typeof seeder>;
beforeAll(async () => {
  seed = seeder(api());
});

const rolesClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;

async function scene(settings = { authorizationRequired: true, projectRoleAssertion: true }) {
  const orgId = await seed.org();
  const projectId = await seed.project(orgId, settings, ["admin", "viewer"]);
  const user = await seed.human(orgId);
  const authorizationId = await seed.authorize(user.id, projectId, ["viewer"]);
  const domain = (await seed.orgs.listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: orgId } } }] })).organizations[0]!
    .primaryDomain;
  return { orgId, projectId, user, authorizationId, roles: { viewer: { [orgId]: domain } } };
}

async function nativeApp(projectId: string, oidcSettings: Record<string, unknown> = {}) {
  const res = await seed.apps.createApplication({
    projectId,
    name: unique("mobile"),
    creationRequestType: {
      case: "oidcRequest",
      value: {
        redirectUris: [CALLBACK, "com.example.app:/callback"],
        responseTypes: [1],
        grantTypes: [0, 2],
        appType: 2,
        authMethodType: 2,
        ...oidcSettings,
      },
    },
  } as never);
  return (res.creationResponseType.value as { clientId: string }).clientId;
}

describe("mobile app: public client with PKCE", () => {
  it("signs in with PKCE and refreshes with rotation; a reused refresh token revokes the grant", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid offline_access");
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.claims()!.sub).toBe(s.user.id);

    const first = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(first.refresh_token).toBeTruthy();
    expect(first.refresh_token).not.toBe(tokens.refresh_token);
    // Reuse of the rotated-out token: refused, and the whole grant goes with it.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(oidc.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await page.close();
  });

  it("hands out at most one successor when one refresh token is used by several requests at once", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid offline_access");
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => oidc.refreshTokenGrant(config, tokens.refresh_token!)));
    const succeeded = results.filter((r) => r.status === "fulfilled");
    expect(succeeded).toHaveLength(1);
    // The others were told to try again (still under way) or met a consumed token (reuse).
    for (const r of results) {
      if (r.status !== "rejected") continue;
      const reason = r.reason as { error?: string; cause?: { status?: number } };
      expect(reason.error === "invalid_grant" || reason.cause?.status === 503, JSON.stringify(reason)).toBe(true);
    }
    await page.close();
  });

  it("refuses an authorization request without PKCE", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const page = await browser().newPage();
    const callback = await visit(page, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: "x" }));
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("error_description")).toMatch(/PKCE/i);
    await page.close();
  });

  it("refuses the refresh once the user has lost access (invalid_grant), with roles read fresh before", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid offline_access");
    await seed.authorizations.deleteAuthorization({ id: s.authorizationId });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await page.close();
  });

  it("answers prompt=none with access_denied when the checks fail, even with a session", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const { page } = await signInWithCode(browser(), config, s.user, "openid");
    await seed.authorizations.deactivateAuthorization({ id: s.authorizationId });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: "openid",
      prompt: "none",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const callback = await visit(page, url);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("error_description")).toBe("You are not authorized to use this application");
    await page.close();
  });
});

describe("APIs", () => {
  it("verify a JWT access token offline with the JWKS (RFC 9068, roles, project audience)", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId, { accessTokenType: 1, accessTokenRoleAssertion: true });
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid");
    const jwks = createRemoteJWKSet(new URL("/oauth/v2/keys", api().url));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: api().url,
      audience: s.projectId,
      typ: "at+jwt",
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ sub: s.user.id, client_id: clientId });
    expect(payload.aud).toEqual(expect.arrayContaining([clientId, s.projectId]));
    expect(payload.jti).toBeTruthy();
    expect(payload[rolesClaim(s.projectId)]).toEqual(s.roles);
    // The same token works at userinfo, as with ZITADEL.
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, s.user.id);
    expect(userinfo[rolesClaim(s.projectId)]).toEqual(s.roles);
    // A tampered token fails.
    const [h, , sig] = tokens.access_token.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: "1" })).toString("base64url")}.${sig}`;
    await expect(jwtVerify(forged, jwks, { issuer: api().url })).rejects.toThrow();
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe("at+jwt");

    // An API app of the project introspects the JWT too (active, with roles), not a forged one.
    const { clientId: apiId, clientSecret } = await seed.basicApiApp(s.projectId);
    const apiConfig = await discover(api().url, apiId, clientSecret);
    const introspected = await oidc.tokenIntrospection(apiConfig, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, sub: s.user.id, client_id: clientId });
    expect(introspected[rolesClaim(s.projectId)]).toEqual(s.roles);
    expect((await oidc.tokenIntrospection(apiConfig, forged)).active).toBe(false);
    await page.close();
  });

  it("introspect opaque tokens of their project with basic auth, with roles read now", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid");
    const { clientId: apiId, clientSecret } = await seed.basicApiApp(s.projectId);
    const apiConfig = await discover(api().url, apiId, clientSecret);
    const active = await oidc.tokenIntrospection(apiConfig, tokens.access_token);
    expect(active).toMatchObject({ active: true, sub: s.user.id, client_id: clientId });
    expect(active[rolesClaim(s.projectId)]).toEqual(s.roles);
    expect(active["urn:zitadel:iam:org:project:roles"]).toEqual(s.roles);

    // Roles are read at introspection time, and losing access makes the token inactive.
    await seed.authorizations.updateAuthorization({ id: s.authorizationId, roleKeys: ["admin"] });
    const changed = await oidc.tokenIntrospection(apiConfig, tokens.access_token);
    expect(Object.keys(changed[rolesClaim(s.projectId)] as object)).toEqual(["admin"]);
    await seed.authorizations.deleteAuthorization({ id: s.authorizationId });
    expect(await oidc.tokenIntrospection(apiConfig, tokens.access_token)).toEqual({ active: false });

    // A revoked token is inactive too.
    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await oidc.tokenIntrospection(apiConfig, tokens.access_token)).active).toBe(false);
    await page.close();
  });
});

describe("service accounts: client credentials", () => {
  it("issue tokens to a machine user by user name, with roles for aud-scope projects, and refuse projects it may not use", async () => {
    const s = await scene();
    const { id: machineId, username } = await seed.machine(s.orgId);
    const { clientSecret } = await seed.users.addSecret({ userId: machineId });
    await seed.authorize(machineId, s.projectId, ["admin"]);
    await api().db.prisma.user.update({ where: { id: machineId }, data: { accessTokenType: "JWT" } });

    const config = await discover(api().url, username, clientSecret);
    const scope = `openid urn:zitadel:iam:org:project:id:${s.projectId}:aud urn:zitadel:iam:org:projects:roles`;
    const tokens = await oidc.clientCredentialsGrant(config, { scope });
    const claims = decodeJwt(tokens.access_token);
    expect(claims.sub).toBe(machineId);
    expect(claims.aud).toEqual(expect.arrayContaining([s.projectId]));
    expect(Object.keys(claims[rolesClaim(s.projectId)] as object)).toEqual(["admin"]);

    // A project whose checks the machine user fails: invalid_scope naming the project.
    const other = await seed.project(await seed.org(), { authorizationRequired: true }, ["x"]);
    await expect(
      oidc.clientCredentialsGrant(config, { scope: `openid urn:zitadel:iam:org:project:id:${other}:aud` }),
    ).rejects.toMatchObject({
      error: "invalid_scope",
    });
    // A wrong secret is invalid_client.
    const wrong = await discover(api().url, username, "nope");
    await expect(oidc.clientCredentialsGrant(wrong, { scope: "openid" })).rejects.toMatchObject({ error: "invalid_client" });
  });

  it("introspect a machine user's token inactive once it fails the project's checks, opaque or JWT", async () => {
    const s = await scene();
    const { clientId: apiId, clientSecret: apiSecret } = await seed.basicApiApp(s.projectId);
    const apiConfig = await discover(api().url, apiId, apiSecret);
    for (const type of ["BEARER", "JWT"] as const) {
      const { id: machineId, username } = await seed.machine(s.orgId);
      const { clientSecret } = await seed.users.addSecret({ userId: machineId });
      await api().db.prisma.user.update({ where: { id: machineId }, data: { accessTokenType: type } });
      const authorizationId = await seed.authorize(machineId, s.projectId, ["admin"]);
      const config = await discover(api().url, username, clientSecret);
      const { access_token } = await oidc.clientCredentialsGrant(config, {
        scope: `openid urn:zitadel:iam:org:project:id:${s.projectId}:aud`,
      });
      expect(await oidc.tokenIntrospection(apiConfig, access_token), type).toMatchObject({ active: true, sub: machineId });
      await seed.authorizations.deleteAuthorization({ id: authorizationId });
      expect(await oidc.tokenIntrospection(apiConfig, access_token), type).toEqual({ active: false });
    }
  });
});

describe("the management API with issued tokens", () => {
  it("accepts a machine user's client-credentials token with the management audience, over gRPC and Connect", async () => {
    const { createApiClient } = await import("../support/api.js");
    const { OrganizationService } = await import("@zitadel/proto/zitadel/org/v2beta/org_service_pb.js");
    const orgId = await seed.org();
    const { id: machineId, username } = await seed.machine(orgId);
    const { clientSecret } = await seed.users.addSecret({ userId: machineId });
    const { createAdministrator } = await import("../../src/directory/administrators.js");
    await createAdministrator(
      { prisma: api().db.prisma, actor: { id: "test" } },
      { userId: machineId, resource: { organizationId: orgId }, roles: ["ORG_OWNER"] },
    );

    const config = await discover(api().url, username, clientSecret);
    const withAudience = await oidc.clientCredentialsGrant(config, { scope: "openid urn:zitadel:iam:org:project:id:zitadel:aud" });
    for (const transport of ["grpc", "connect"] as const) {
      const orgs = createApiClient(api().url, OrganizationService, transport, withAudience.access_token);
      const listed = await orgs.listOrganizations({});
      expect(listed.organizations.map((o) => o.id)).toContain(orgId);
    }
    // Without the management audience the token is refused.
    const without = await oidc.clientCredentialsGrant(config, { scope: "openid" });
    const orgs = createApiClient(api().url, OrganizationService, "connect", without.access_token);
    await expect(orgs.listOrganizations({})).rejects.toMatchObject({ code: 16 });
  });
});

describe("JWT access tokens: revocation", () => {
  it("revokes a user's JWT at /revoke: introspection, userinfo and its grant's refresh token all stop", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId, { accessTokenType: 1 });
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid offline_access");
    const { clientId: apiId, clientSecret } = await seed.basicApiApp(s.projectId);
    const apiConfig = await discover(api().url, apiId, clientSecret);
    expect((await oidc.tokenIntrospection(apiConfig, tokens.access_token)).active).toBe(true);

    // Another client cannot revoke it: 200, and nothing changes (RFC 7009).
    const otherId = await nativeApp(s.projectId, { accessTokenType: 1 });
    await oidc.tokenRevocation(await discover(api().url, otherId, oidc.None()), tokens.access_token);
    expect((await oidc.tokenIntrospection(apiConfig, tokens.access_token)).active).toBe(true);

    await oidc.tokenRevocation(config, tokens.access_token);
    expect(await oidc.tokenIntrospection(apiConfig, tokens.access_token)).toEqual({ active: false });
    await expect(oidc.fetchUserInfo(config, tokens.access_token, s.user.id)).rejects.toThrow();
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    // Revoking it again, or a garbage JWT, is still 200.
    await oidc.tokenRevocation(config, tokens.access_token);
    await page.close();
  });

  it("ends a session's JWT access tokens with the session", async () => {
    const s = await scene();
    const { clientId, clientSecret: secret } = await seed.webApp(s.projectId, CALLBACK, { accessTokenType: 1 });
    const config = await discover(api().url, clientId, secret);
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid");
    expect((await oidc.fetchUserInfo(config, tokens.access_token, s.user.id)).sub).toBe(s.user.id);
    const bye = CALLBACK.replace(/\/cb$/, "/bye");
    await page.goto(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: bye }).href);
    await page.waitForURL((u) => u.href.startsWith(bye));
    await expect(oidc.fetchUserInfo(config, tokens.access_token, s.user.id)).rejects.toThrow();
    const { clientId: apiId, clientSecret } = await seed.basicApiApp(s.projectId);
    expect(await oidc.tokenIntrospection(await discover(api().url, apiId, clientSecret), tokens.access_token)).toEqual({ active: false });
    await page.close();
  });

  it("revokes a machine user's JWT for the management API", async () => {
    const { createApiClient } = await import("../support/api.js");
    const { OrganizationService } = await import("@zitadel/proto/zitadel/org/v2beta/org_service_pb.js");
    const { createAdministrator } = await import("../../src/directory/administrators.js");
    const orgId = await seed.org();
    const { id: machineId, username } = await seed.machine(orgId);
    const { clientSecret } = await seed.users.addSecret({ userId: machineId });
    await api().db.prisma.user.update({ where: { id: machineId }, data: { accessTokenType: "JWT" } });
    await createAdministrator(
      { prisma: api().db.prisma, actor: { id: "test" } },
      { userId: machineId, resource: { organizationId: orgId }, roles: ["ORG_OWNER"] },
    );
    const config = await discover(api().url, username, clientSecret);
    const { access_token } = await oidc.clientCredentialsGrant(config, { scope: "openid urn:zitadel:iam:org:project:id:zitadel:aud" });
    expect(access_token.split(".")).toHaveLength(3);
    const orgs = createApiClient(api().url, OrganizationService, "connect", access_token);
    expect((await orgs.listOrganizations({})).organizations.map((o) => o.id)).toContain(orgId);
    await oidc.tokenRevocation(config, access_token);
    await expect(orgs.listOrganizations({})).rejects.toMatchObject({ code: 16 });
  });
});

describe("service accounts: JWT profile", () => {
  it("exchanges an assertion signed with the machine user's key file for a token, without client authentication", async () => {
    const { SignJWT, importPKCS8 } = await import("jose");
    const { createPrivateKey } = await import("node:crypto");
    const s = await scene();
    const { id: machineId } = await seed.machine(s.orgId);
    await seed.authorize(machineId, s.projectId, ["admin"]);
    const { keyContent } = await seed.users.addKey({ userId: machineId, expirationDate: undefined } as never);
    const keyFile = JSON.parse(Buffer.from(keyContent).toString("utf8")) as { type: string; keyId: string; key: string; userId: string };
    expect(keyFile).toMatchObject({ type: "serviceaccount", userId: machineId });

    // As @zitadel/node builds it: RS256, kid = keyId, iss = sub = userId, aud = issuer, 1 h, no jti.
    const pkcs8 = createPrivateKey(keyFile.key).export({ type: "pkcs8", format: "pem" }).toString();
    const sign = async (kid = keyFile.keyId, lifetime = "1h") =>
      new SignJWT({})
        .setProtectedHeader({ alg: "RS256", kid })
        .setIssuer(keyFile.userId)
        .setSubject(keyFile.userId)
        .setAudience(api().url)
        .setIssuedAt()
        .setExpirationTime(lifetime)
        .sign(await importPKCS8(pkcs8, "RS256"));
    const grant = (assertion: string, scope: string) =>
      fetch(`${api().url}/oauth/v2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion, scope }),
      });

    const discovery = (await (await fetch(`${api().url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.grant_types_supported).toContain("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(discovery).toMatchObject({
      token_endpoint: `${api().url}/oauth/v2/token`,
      introspection_endpoint: `${api().url}/oauth/v2/introspect`,
      revocation_endpoint: `${api().url}/oauth/v2/revoke`,
      userinfo_endpoint: `${api().url}/oidc/v1/userinfo`,
      end_session_endpoint: `${api().url}/oidc/v1/end_session`,
      jwks_uri: `${api().url}/oauth/v2/keys`,
    });

    const scope = `openid urn:zitadel:iam:org:project:id:${s.projectId}:aud`;
    const ok = await grant(await sign(), scope);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBeGreaterThan(0);

    // The token is introspected as the machine user by an API app of the project, with its roles.
    const { clientId: apiId, clientSecret } = await seed.basicApiApp(s.projectId);
    const introspected = await oidc.tokenIntrospection(await discover(api().url, apiId, clientSecret), body.access_token);
    expect(introspected).toMatchObject({ active: true, sub: machineId });
    expect(Object.keys(introspected[rolesClaim(s.projectId)] as object)).toEqual(["admin"]);

    // Refused: an unknown key, a wrong audience, a lifetime over an hour, a project it may not use.
    expect((await grant(await sign("123"), scope)).status).toBe(400);
    const wrongAud = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: keyFile.keyId })
      .setIssuer(machineId)
      .setSubject(machineId)
      .setAudience("https://elsewhere.example")
      .setExpirationTime("1h")
      .sign(await importPKCS8(pkcs8, "RS256"));
    expect(await (await grant(wrongAud, scope)).json()).toMatchObject({ error: "invalid_grant" });
    expect(await (await grant(await sign(keyFile.keyId, "3h"), scope)).json()).toMatchObject({
      error: "invalid_grant",
    });
    const other = await seed.project(await seed.org(), { authorizationRequired: true }, ["x"]);
    expect(await (await grant(await sign(), `openid urn:zitadel:iam:org:project:id:${other}:aud`)).json()).toMatchObject({
      error: "invalid_scope",
    });
    // Other grants still reach oidc-provider with their body intact.
    const cc = await fetch(`${api().url}/oauth/v2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "nobody", client_secret: "x" }),
    });
    expect(await cc.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("CORS for browser apps", () => {
  it("lets a browser app read userinfo from its own origins only", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId, { additionalOrigins: ["https://spa.example.com"] });
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid");
    const callbackOrigin = new URL(CALLBACK).origin;
    // An additional origin of the app is allowed like its redirect URIs' origins.
    expect(
      (
        await fetch(`${api().url}/oidc/v1/userinfo`, {
          headers: { authorization: `Bearer ${tokens.access_token}`, origin: "https://spa.example.com" },
        })
      ).headers.get("access-control-allow-origin"),
    ).toBe("https://spa.example.com");
    const ask = (origin: string) =>
      fetch(`${api().url}/oidc/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}`, origin } });
    const own = await ask(callbackOrigin);
    expect(own.status).toBe(200);
    expect(own.headers.get("access-control-allow-origin")).toBe(callbackOrigin);
    const foreign = await ask("https://evil.example.com");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${api().url}/oidc/v1/userinfo`, {
      method: "OPTIONS",
      headers: { origin: callbackOrigin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    // The token endpoint (oidc-provider) answers the app's origin too.
    const tokenPreflight = await fetch(`${api().url}/oauth/v2/token`, {
      method: "OPTIONS",
      headers: { origin: callbackOrigin, "access-control-request-method": "POST" },
    });
    expect(tokenPreflight.headers.get("access-control-allow-origin")).toBe(callbackOrigin);
    // An origin no app registered gets no CORS headers, not even on a preflight.
    for (const path of ["/oidc/v1/userinfo", "/oauth/v2/token"]) {
      const stranger = await fetch(`${api().url}${path}`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example.com", "access-control-request-method": "POST" },
      });
      expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    }
    await page.close();
  });
});

describe("more client rules", () => {
  it("accepts any port on a native app's loopback redirect URI", async () => {
    const s = await scene();
    const res = await seed.apps.createApplication({
      projectId: s.projectId,
      name: unique("cli"),
      creationRequestType: {
        case: "oidcRequest",
        value: { redirectUris: ["http://127.0.0.1/cb"], responseTypes: [1], grantTypes: [0], appType: 2, authMethodType: 2 },
      },
    } as never);
    const clientId = (res.creationResponseType.value as { clientId: string }).clientId;
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid");
    expect(tokens.claims()!.sub).toBe(s.user.id);
    await page.close();
  });

  it("treats a deactivated app as unknown, and gives refreshed JWTs the roles of that moment", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId, { accessTokenType: 1, accessTokenRoleAssertion: true });
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid offline_access roles");
    expect(decodeJwt(tokens.access_token).roles).toEqual(["viewer"]);
    await seed.authorizations.updateAuthorization({ id: s.authorizationId, roleKeys: ["admin"] });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(Object.keys(decodeJwt(refreshed.access_token)[rolesClaim(s.projectId)] as object)).toEqual(["admin"]);
    expect(decodeJwt(refreshed.access_token).roles).toEqual(["admin"]);

    const app = (await api().db.prisma.application.findUniqueOrThrow({ where: { clientId } })).id;
    await seed.apps.deactivateApplication({ projectId: s.projectId, id: app });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_client" });
    await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: "x" }).href);
    expect(await page.content()).toMatch(/client is invalid|client not found|invalid_client/i);
    await page.close();
  });
});

describe("directory changes reach issued tokens", () => {
  it("deleting a user ends its tokens: userinfo, refresh and introspection refuse them", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid offline_access");
    const { clientId: apiId, clientSecret } = await seed.basicApiApp(s.projectId);
    const apiConfig = await discover(api().url, apiId, clientSecret);
    expect((await oidc.tokenIntrospection(apiConfig, tokens.access_token)).active).toBe(true);

    await seed.users.deleteUser({ userId: s.user.id });
    await expect(oidc.fetchUserInfo(config, tokens.access_token, s.user.id)).rejects.toThrow();
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect(await oidc.tokenIntrospection(apiConfig, tokens.access_token)).toEqual({ active: false });
    await page.close();
  });

  it("deactivating the owning organization makes its projects' apps unknown", async () => {
    const s = await scene();
    const clientId = await nativeApp(s.projectId);
    const config = await discover(api().url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, s.user, "openid offline_access");
    await seed.orgs.deactivateOrganization({ id: s.orgId });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_client" });
    await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: "x" }).href);
    expect(await page.content()).toMatch(/client is invalid|client not found|invalid_client/i);
    await page.close();
  });
});
