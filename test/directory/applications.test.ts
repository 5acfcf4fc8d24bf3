import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createApplication,
  createApplicationKey,
  deactivateApplication,
  deleteApplication,
  deleteApplicationKey,
  findApplicationByClientId,
  getApplication,
  getApplicationKey,
  listApplicationKeys,
  listApplications,
  reactivateApplication,
  regenerateClientSecret,
  updateApplication,
  type CreateApplicationInput,
} from "../../src/directory/applications.js";
import type { OidcConfigInput } from "../../src/directory/oidc-config.js";
import { createOrganization } from "../../src/directory/organizations.js";
import { verifySecret } from "../../src/directory/secrets.js";
import { newId } from "../../src/ids.js";
import { expectDomainError, unique, useDirectory } from "../support/directory.js";

const { ctx } = useDirectory();

async function newProject(): Promise<{ projectId: string; orgId: string }> {
  const org = await createOrganization(ctx(), { name: unique("App Org") });
  const project = await ctx().prisma.project.create({ data: { id: newId(), orgId: org.id, name: unique("project") } });
  return { projectId: project.id, orgId: org.id };
}

const WEB = { redirectUris: ["https://app.example.com/callback"] } satisfies OidcConfigInput;

async function createOidc(projectId: string, oidc: OidcConfigInput = WEB, name = unique("app")) {
  return createApplication(ctx(), { projectId, name, oidc });
}

/** Expects creating an OIDC app with `oidc` to fail with invalid_argument on `field`. */
async function expectOidcRejected(projectId: string, oidc: OidcConfigInput, field: string) {
  await expectDomainError(createOidc(projectId, oidc), "invalid_argument", field);
}

describe("applications: creation", () => {
  it("creates an OIDC web app with ZITADEL's defaults, a client id and a one-time secret", async () => {
    const { projectId } = await newProject();
    const { app, clientId, clientSecret } = await createOidc(projectId);
    expect(app.id).toMatch(/^[0-9]{17,19}$/);
    expect(clientId).toMatch(/^[0-9]{17,19}$/);
    expect(clientId).not.toBe(app.id);
    expect(app).toMatchObject({
      projectId,
      kind: "OIDC",
      clientId,
      state: "ACTIVE",
      appType: "WEB",
      authMethod: "BASIC",
      accessTokenType: "BEARER",
      responseTypes: ["CODE"],
      grantTypes: ["AUTHORIZATION_CODE"],
      redirectUris: ["https://app.example.com/callback"],
      clockSkewMs: 0,
    });
    expect(app).not.toHaveProperty("clientSecretHash");

    expect(clientSecret).toMatch(/^[A-Za-z0-9]{32,}$/);
    const stored = await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } });
    expect(stored.clientSecretHash).toBeTruthy();
    expect(stored.clientSecretHash).not.toBe(clientSecret);
    expect(verifySecret(clientSecret!, stored.clientSecretHash)).toBe(true);
    expect(verifySecret(`${clientSecret}x`, stored.clientSecretHash)).toBe(false);
  });

  it("stores every OIDC setting", async () => {
    const { projectId } = await newProject();
    const { app } = await createOidc(projectId, {
      redirectUris: ["https://a.example.com/cb", "https://a.example.com/cb"],
      postLogoutRedirectUris: ["https://a.example.com/bye"],
      responseTypes: ["CODE", "ID_TOKEN"],
      grantTypes: ["AUTHORIZATION_CODE", "IMPLICIT", "REFRESH_TOKEN"],
      authMethod: "POST",
      accessTokenType: "JWT",
      accessTokenRoleAssertion: true,
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      clockSkewMs: 5000,
      additionalOrigins: ["HTTPS://Spa.Example.com:443", "http://localhost:5173"],
    });
    expect(app).toMatchObject({
      redirectUris: ["https://a.example.com/cb"],
      postLogoutRedirectUris: ["https://a.example.com/bye"],
      responseTypes: ["CODE", "ID_TOKEN"],
      grantTypes: ["AUTHORIZATION_CODE", "IMPLICIT", "REFRESH_TOKEN"],
      authMethod: "POST",
      accessTokenType: "JWT",
      accessTokenRoleAssertion: true,
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      clockSkewMs: 5000,
      additionalOrigins: ["https://spa.example.com", "http://localhost:5173"],
    });
  });

  it("generates a secret only for auth methods that use one", async () => {
    const { projectId } = await newProject();
    const cases: [CreateApplicationInput["oidc"] | undefined, CreateApplicationInput["api"] | undefined, boolean][] = [
      [{ ...WEB, authMethod: "BASIC" }, undefined, true],
      [{ ...WEB, authMethod: "POST" }, undefined, true],
      [{ ...WEB, authMethod: "NONE" }, undefined, false],
      [{ ...WEB, authMethod: "PRIVATE_KEY_JWT" }, undefined, false],
      [undefined, { authMethod: "BASIC" }, true],
      [undefined, {}, true],
      [undefined, { authMethod: "PRIVATE_KEY_JWT" }, false],
    ];
    for (const [oidc, api, hasSecret] of cases) {
      const created = await createApplication(ctx(), { projectId, name: unique("secret"), oidc, api });
      const stored = await ctx().prisma.application.findUniqueOrThrow({ where: { id: created.app.id } });
      expect(created.clientSecret !== undefined, JSON.stringify({ oidc, api })).toBe(hasSecret);
      expect(stored.clientSecretHash !== null).toBe(hasSecret);
    }
  });

  it("creates API apps without OIDC settings", async () => {
    const { projectId } = await newProject();
    const { app } = await createApplication(ctx(), { projectId, name: "api", api: { authMethod: "PRIVATE_KEY_JWT" } });
    expect(app).toMatchObject({
      kind: "API",
      authMethod: "PRIVATE_KEY_JWT",
      appType: null,
      redirectUris: [],
      grantTypes: [],
      responseTypes: [],
    });
    await expectDomainError(
      createApplication(ctx(), { projectId, name: "api", api: { authMethod: "POST" as "BASIC" } }),
      "invalid_argument",
      "authMethod",
    );
  });

  it("requires an existing project, a unique id, a name and exactly one of oidc and api", async () => {
    const { projectId } = await newProject();
    await expectDomainError(createApplication(ctx(), { projectId: newId(), name: "x", oidc: WEB }), "not_found");
    await expectDomainError(createApplication(ctx(), { projectId: "abc", name: "x", oidc: WEB }), "invalid_argument", "projectId");
    await expectDomainError(createApplication(ctx(), { projectId, name: "x" }), "invalid_argument", "oidc");
    await expectDomainError(createApplication(ctx(), { projectId, name: "x", oidc: WEB, api: {} }), "invalid_argument", "oidc");
    await expectDomainError(createOidc(projectId, WEB, ""), "invalid_argument", "name");
    await expectDomainError(createOidc(projectId, WEB, "x".repeat(201)), "invalid_argument", "name");
    expect((await createOidc(projectId, WEB, "x".repeat(200))).app.name).toHaveLength(200);

    const id = newId();
    await createApplication(ctx(), { projectId, id, name: "mine", oidc: WEB });
    await expectDomainError(createApplication(ctx(), { projectId, id, name: "again", oidc: WEB }), "already_exists", "id");
  });
});

describe("applications: validation", () => {
  it("requires absolute redirect URIs without fragments", async () => {
    const { projectId } = await newProject();
    await expectOidcRejected(projectId, { redirectUris: ["/callback"] }, "redirectUris[0]");
    await expectOidcRejected(projectId, { redirectUris: ["https://a.example.com/cb", "https://a.example.com/cb#x"] }, "redirectUris[1]");
    await expectOidcRejected(projectId, { redirectUris: ["https://a.example.com/c b"] }, "redirectUris[0]");
    await expectOidcRejected(projectId, { redirectUris: [42 as unknown as string] }, "redirectUris[0]");
  });

  it("allows http only for loopback hosts or in dev mode", async () => {
    const { projectId } = await newProject();
    await expectOidcRejected(projectId, { redirectUris: ["http://app.example.com/cb"] }, "redirectUris[0]");
    await expectOidcRejected(projectId, { redirectUris: ["http://localhost.evil.com/cb"] }, "redirectUris[0]");
    for (const uri of ["http://localhost:3000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb"]) {
      await expect(createOidc(projectId, { redirectUris: [uri] })).resolves.toBeTruthy();
    }
    await expect(createOidc(projectId, { redirectUris: ["http://app.example.com/cb"], devMode: true })).resolves.toBeTruthy();
  });

  it("allows custom schemes only for NATIVE apps, and never script or data schemes", async () => {
    const { projectId } = await newProject();
    const custom = ["com.example.app:/callback"];
    await expectOidcRejected(projectId, { redirectUris: custom }, "redirectUris[0]");
    await expectOidcRejected(projectId, { redirectUris: custom, appType: "USER_AGENT" }, "redirectUris[0]");
    await expectOidcRejected(projectId, { redirectUris: custom, appType: "WEB", devMode: true }, "redirectUris[0]");
    const { app } = await createOidc(projectId, { redirectUris: custom, appType: "NATIVE" });
    expect(app.redirectUris).toEqual(custom);
    await expectOidcRejected(projectId, { redirectUris: ["javascript:alert(1)"], appType: "NATIVE" }, "redirectUris[0]");
    await expectOidcRejected(projectId, { redirectUris: ["data:text/html,x"], appType: "NATIVE" }, "redirectUris[0]");
  });

  it("applies the redirect rules to post-logout redirect URIs", async () => {
    const { projectId } = await newProject();
    await expectOidcRejected(projectId, { ...WEB, postLogoutRedirectUris: ["http://app.example.com/bye"] }, "postLogoutRedirectUris[0]");
    await expectOidcRejected(projectId, { ...WEB, postLogoutRedirectUris: ["https://app.example.com/bye#x"] }, "postLogoutRedirectUris[0]");
    await expectOidcRejected(projectId, { ...WEB, postLogoutRedirectUris: ["bye"] }, "postLogoutRedirectUris[0]");
  });

  it("requires a redirect URI for the code and implicit flows only", async () => {
    const { projectId } = await newProject();
    await expectOidcRejected(projectId, {}, "redirectUris");
    await expectOidcRejected(projectId, { grantTypes: ["IMPLICIT"], responseTypes: ["ID_TOKEN"] }, "redirectUris");
    const { app } = await createOidc(projectId, { grantTypes: ["DEVICE_CODE"] });
    expect(app).toMatchObject({ grantTypes: ["DEVICE_CODE"], responseTypes: [], redirectUris: [] });
  });

  it("requires additional origins to be origins", async () => {
    const { projectId } = await newProject();
    await expectOidcRejected(projectId, { ...WEB, additionalOrigins: ["https://spa.example.com/app"] }, "additionalOrigins[0]");
    await expectOidcRejected(
      projectId,
      { ...WEB, additionalOrigins: ["https://ok.example.com", "https://spa.example.com/"] },
      "additionalOrigins[1]",
    );
    await expectOidcRejected(projectId, { ...WEB, additionalOrigins: ["https://spa.example.com?x=1"] }, "additionalOrigins[0]");
    await expectOidcRejected(projectId, { ...WEB, additionalOrigins: ["spa.example.com"] }, "additionalOrigins[0]");
    await expectOidcRejected(projectId, { ...WEB, additionalOrigins: ["https://user@spa.example.com"] }, "additionalOrigins[0]");
    const { app } = await createOidc(projectId, { ...WEB, additionalOrigins: ["https://spa.example.com:8443", "capacitor://localhost"] });
    expect(app.additionalOrigins).toEqual(["https://spa.example.com:8443", "capacitor://localhost"]);
  });

  it("makes NATIVE and USER_AGENT apps public clients; WEB apps may use any method", async () => {
    const { projectId } = await newProject();
    for (const appType of ["NATIVE", "USER_AGENT"] as const) {
      for (const authMethod of ["BASIC", "POST", "PRIVATE_KEY_JWT"] as const) {
        await expectOidcRejected(projectId, { ...WEB, appType, authMethod }, "authMethod");
      }
      const explicit = await createOidc(projectId, { ...WEB, appType, authMethod: "NONE" });
      expect(explicit.clientSecret).toBeUndefined();
      // Without an auth method, public app types get NONE, the only one they may use.
      const defaulted = await createOidc(projectId, { ...WEB, appType });
      expect(defaulted.app.authMethod).toBe("NONE");
      expect(defaulted.clientSecret).toBeUndefined();
    }
    for (const authMethod of ["BASIC", "POST", "NONE", "PRIVATE_KEY_JWT"] as const) {
      expect((await createOidc(projectId, { ...WEB, appType: "WEB", authMethod })).app.authMethod).toBe(authMethod);
    }
  });

  it("keeps response types and grant types consistent", async () => {
    const { projectId } = await newProject();
    await expectOidcRejected(projectId, { ...WEB, responseTypes: ["CODE"], grantTypes: ["IMPLICIT"] }, "responseTypes");
    await expectOidcRejected(projectId, { ...WEB, responseTypes: ["ID_TOKEN"], grantTypes: ["AUTHORIZATION_CODE"] }, "responseTypes");
    await expectOidcRejected(projectId, { ...WEB, responseTypes: ["ID_TOKEN_TOKEN"], grantTypes: ["AUTHORIZATION_CODE"] }, "responseTypes");
    await expectOidcRejected(projectId, { ...WEB, responseTypes: [], grantTypes: ["DEVICE_CODE", "REFRESH_TOKEN"] }, "grantTypes");
    await expectOidcRejected(projectId, { ...WEB, responseTypes: ["CODE", "FOO" as "CODE"] }, "responseTypes[1]");
    await expectOidcRejected(projectId, { ...WEB, grantTypes: ["PASSWORD" as "IMPLICIT"] }, "grantTypes[0]");

    const implicit = await createOidc(projectId, { ...WEB, grantTypes: ["IMPLICIT"] });
    expect(implicit.app.responseTypes).toEqual(["ID_TOKEN"]);
    const refresh = await createOidc(projectId, { ...WEB, grantTypes: ["AUTHORIZATION_CODE", "REFRESH_TOKEN"] });
    expect(refresh.app.responseTypes).toEqual(["CODE"]);
  });

  it("bounds the clock skew to 0–5000 ms and checks enums and flags", async () => {
    const { projectId } = await newProject();
    for (const clockSkewMs of [-1, 5001, 1.5, "10" as unknown as number]) {
      await expectOidcRejected(projectId, { ...WEB, clockSkewMs }, "clockSkewMs");
    }
    expect((await createOidc(projectId, { ...WEB, clockSkewMs: 0 })).app.clockSkewMs).toBe(0);
    await expectOidcRejected(projectId, { ...WEB, appType: "DESKTOP" as "WEB" }, "appType");
    await expectOidcRejected(projectId, { ...WEB, authMethod: "MTLS" as "NONE" }, "authMethod");
    await expectOidcRejected(projectId, { ...WEB, accessTokenType: "OPAQUE" as "JWT" }, "accessTokenType");
    await expectOidcRejected(projectId, { ...WEB, devMode: "yes" as unknown as boolean }, "devMode");
    await expectOidcRejected(projectId, { ...WEB, idTokenRoleAssertion: 1 as unknown as boolean }, "idTokenRoleAssertion");
  });
});

describe("applications: changes", () => {
  it("merges updates into the current settings and validates the result as a whole", async () => {
    const { projectId } = await newProject();
    const { app } = await createOidc(projectId, { redirectUris: ["http://dev.example.com/cb"], devMode: true });

    const renamed = await updateApplication(ctx(), { projectId, id: app.id, name: "Renamed", oidc: { idTokenRoleAssertion: true } });
    expect(renamed).toMatchObject({
      name: "Renamed",
      idTokenRoleAssertion: true,
      devMode: true,
      redirectUris: ["http://dev.example.com/cb"],
    });
    expect(renamed).not.toHaveProperty("clientSecretHash");

    // Turning dev mode off makes the stored http URI invalid.
    await expectDomainError(
      updateApplication(ctx(), { projectId, id: app.id, oidc: { devMode: false } }),
      "invalid_argument",
      "redirectUris[0]",
    );
    // A NATIVE app must be public: the stored BASIC method no longer fits.
    await expectDomainError(
      updateApplication(ctx(), { projectId, id: app.id, oidc: { appType: "NATIVE" } }),
      "invalid_argument",
      "authMethod",
    );
    await expectDomainError(
      updateApplication(ctx(), { projectId, id: app.id, oidc: { grantTypes: [] } }),
      "invalid_argument",
      "grantTypes",
    );
    await expectDomainError(updateApplication(ctx(), { projectId, id: app.id, name: "" }), "invalid_argument", "name");
    await expectDomainError(
      updateApplication(ctx(), { projectId, id: app.id, api: { authMethod: "BASIC" } }),
      "failed_precondition",
      "api",
    );
    const unchanged = await getApplication(ctx(), { id: app.id });
    expect(unchanged).toMatchObject({ name: "Renamed", devMode: true, appType: "WEB", authMethod: "BASIC" });

    await expectDomainError(updateApplication(ctx(), { projectId: newId(), id: app.id, name: "x" }), "not_found");
    await expectDomainError(updateApplication(ctx(), { projectId, id: newId(), name: "x" }), "not_found");
  });

  it("drops the secret when the auth method stops using one", async () => {
    const { projectId } = await newProject();
    const { app, clientSecret } = await createOidc(projectId);
    const updated = await updateApplication(ctx(), { projectId, id: app.id, oidc: { appType: "NATIVE", authMethod: "NONE" } });
    expect(updated).toMatchObject({ appType: "NATIVE", authMethod: "NONE" });
    const stored = await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } });
    expect(stored.clientSecretHash).toBeNull();
    expect(verifySecret(clientSecret!, stored.clientSecretHash)).toBe(false);

    // Back to a secret method: no secret until regenerated (the update response carries none).
    await updateApplication(ctx(), { projectId, id: app.id, oidc: { appType: "WEB", authMethod: "POST" } });
    expect((await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } })).clientSecretHash).toBeNull();
    const { clientSecret: fresh } = await regenerateClientSecret(ctx(), { projectId, applicationId: app.id });
    expect(verifySecret(fresh, (await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } })).clientSecretHash)).toBe(true);
  });

  it("updates API apps' auth method and refuses OIDC settings for them", async () => {
    const { projectId } = await newProject();
    const { app } = await createApplication(ctx(), { projectId, name: "api", api: { authMethod: "BASIC" } });
    await expectDomainError(updateApplication(ctx(), { projectId, id: app.id, oidc: { devMode: true } }), "failed_precondition", "oidc");
    await expectDomainError(
      updateApplication(ctx(), { projectId, id: app.id, api: { authMethod: "NONE" as "BASIC" } }),
      "invalid_argument",
      "authMethod",
    );
    const updated = await updateApplication(ctx(), { projectId, id: app.id, api: { authMethod: "PRIVATE_KEY_JWT" } });
    expect(updated).toMatchObject({ kind: "API", authMethod: "PRIVATE_KEY_JWT" });
    expect((await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } })).clientSecretHash).toBeNull();
  });

  it("regenerates secrets: the new one works, the old one stops working", async () => {
    const { projectId } = await newProject();
    const { app, clientSecret: old } = await createApplication(ctx(), { projectId, name: "api", api: {} });
    const { clientSecret } = await regenerateClientSecret(ctx(), { projectId, applicationId: app.id });
    expect(clientSecret).toMatch(/^[A-Za-z0-9]{32,}$/);
    expect(clientSecret).not.toBe(old);
    const stored = await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } });
    expect(verifySecret(clientSecret, stored.clientSecretHash)).toBe(true);
    expect(verifySecret(old!, stored.clientSecretHash)).toBe(false);

    const pkce = await createOidc(projectId, { ...WEB, authMethod: "NONE" });
    await expectDomainError(regenerateClientSecret(ctx(), { projectId, applicationId: pkce.app.id }), "failed_precondition");
    const jwt = await createOidc(projectId, { ...WEB, authMethod: "PRIVATE_KEY_JWT" });
    await expectDomainError(regenerateClientSecret(ctx(), { projectId, applicationId: jwt.app.id }), "failed_precondition");
    await expectDomainError(regenerateClientSecret(ctx(), { projectId: newId(), applicationId: app.id }), "not_found");
  });

  it("deactivates and reactivates, refusing a change to the state it already has", async () => {
    const { projectId } = await newProject();
    const { app } = await createOidc(projectId);
    await expectDomainError(reactivateApplication(ctx(), { projectId, id: app.id }), "failed_precondition");
    expect((await deactivateApplication(ctx(), { projectId, id: app.id })).state).toBe("INACTIVE");
    await expectDomainError(deactivateApplication(ctx(), { projectId, id: app.id }), "failed_precondition");
    expect((await reactivateApplication(ctx(), { projectId, id: app.id })).state).toBe("ACTIVE");
    await expectDomainError(deactivateApplication(ctx(), { projectId: newId(), id: app.id }), "not_found");
    const actions = (await ctx().prisma.auditEntry.findMany({ where: { targetId: app.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["application.created", "application.deactivated", "application.reactivated"]);
  });

  it("deletes idempotently, only within its project, and cascades to its keys", async () => {
    const { projectId } = await newProject();
    const { app } = await createOidc(projectId, { ...WEB, authMethod: "PRIVATE_KEY_JWT" });
    const { keyId } = await createApplicationKey(ctx(), { projectId, applicationId: app.id });
    expect(await deleteApplication(ctx(), { projectId: newId(), id: app.id })).toBe(false);
    expect(await deleteApplication(ctx(), { projectId, id: app.id })).toBe(true);
    expect(await deleteApplication(ctx(), { projectId, id: app.id })).toBe(false);
    await expectDomainError(getApplication(ctx(), { id: app.id }), "not_found");
    expect(await ctx().prisma.applicationKey.findUnique({ where: { id: keyId } })).toBeNull();
    const actions = (await ctx().prisma.auditEntry.findMany({ where: { targetId: app.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["application.created", "application.deleted"]);
  });

  it("gets an app, optionally checking its project", async () => {
    const { projectId } = await newProject();
    const { app } = await createOidc(projectId);
    expect((await getApplication(ctx(), { id: app.id })).id).toBe(app.id);
    expect((await getApplication(ctx(), { projectId, id: app.id })).id).toBe(app.id);
    await expectDomainError(getApplication(ctx(), { projectId: newId(), id: app.id }), "not_found");
    await expectDomainError(getApplication(ctx(), { id: "nope" }), "invalid_argument", "id");
  });

  it("finds an app by client id with its project's and org's states", async () => {
    const { projectId, orgId } = await newProject();
    const { app, clientId } = await createOidc(projectId);
    await ctx().prisma.project.update({ where: { id: projectId }, data: { state: "INACTIVE" } });
    const found = await findApplicationByClientId(ctx(), clientId);
    expect(found).toMatchObject({
      id: app.id,
      state: "ACTIVE",
      project: { id: projectId, state: "INACTIVE", org: { id: orgId, state: "ACTIVE" } },
    });
    expect(found?.clientSecretHash).toBeTruthy();
    expect(await findApplicationByClientId(ctx(), newId())).toBeNull();
    expect(await findApplicationByClientId(ctx(), "")).toBeNull();
  });
});

describe("applications: keys", () => {
  it("generates a key pair and hands out ZITADEL's key file; rolegate keeps only the public key", async () => {
    const { projectId, orgId } = await newProject();
    const { app, clientId } = await createOidc(projectId, { ...WEB, authMethod: "PRIVATE_KEY_JWT" });
    const created = await createApplicationKey(ctx(), { projectId, applicationId: app.id });
    const file = JSON.parse(created.keyContent!) as Record<string, string>;
    expect(Object.keys(file).sort()).toEqual(["appId", "clientId", "key", "keyId", "type"]);
    expect(file).toMatchObject({ type: "application", keyId: created.keyId, appId: app.id, clientId });
    expect(file.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);

    const stored = await ctx().prisma.applicationKey.findUniqueOrThrow({ where: { id: created.keyId } });
    expect(stored.publicKeyPem).not.toContain("PRIVATE");
    const data = Buffer.from("client assertion");
    const signature = sign("sha256", data, createPrivateKey(file.key!));
    expect(verify("sha256", data, createPublicKey(stored.publicKeyPem), signature)).toBe(true);
    expect(stored.expirationDate.getUTCFullYear()).toBe(9999);

    expect(created.key).toMatchObject({ id: created.keyId, applicationId: app.id, projectId, organizationId: orgId });
    expect(await getApplicationKey(ctx(), { id: created.keyId })).toEqual(created.key);
  });

  it("stores a caller's public key without a key file, and works for API apps with PRIVATE_KEY_JWT", async () => {
    const { projectId } = await newProject();
    const { app } = await createApplication(ctx(), { projectId, name: "api", api: { authMethod: "PRIVATE_KEY_JWT" } });
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const expirationDate = new Date(Date.now() + 86_400_000);
    const created = await createApplicationKey(ctx(), { projectId, applicationId: app.id, publicKey: pem, expirationDate });
    expect(created.keyContent).toBeUndefined();
    expect(created.key).toMatchObject({ publicKeyPem: pem, expirationDate });
    await expectDomainError(
      createApplicationKey(ctx(), { projectId, applicationId: app.id, publicKey: "not a key" }),
      "invalid_argument",
      "publicKey",
    );
  });

  it("refuses keys for apps that do not authenticate with PRIVATE_KEY_JWT, and past expirations", async () => {
    const { projectId } = await newProject();
    const basic = await createOidc(projectId);
    await expectDomainError(createApplicationKey(ctx(), { projectId, applicationId: basic.app.id }), "failed_precondition");
    const api = await createApplication(ctx(), { projectId, name: "api", api: { authMethod: "BASIC" } });
    await expectDomainError(createApplicationKey(ctx(), { projectId, applicationId: api.app.id }), "failed_precondition");
    const jwt = await createOidc(projectId, { ...WEB, authMethod: "PRIVATE_KEY_JWT" });
    await expectDomainError(
      createApplicationKey(ctx(), { projectId, applicationId: jwt.app.id, expirationDate: new Date(Date.now() - 1000) }),
      "invalid_argument",
      "expirationDate",
    );
    await expectDomainError(createApplicationKey(ctx(), { projectId: newId(), applicationId: jwt.app.id }), "not_found");
  });

  it("lists, gets and deletes keys (idempotently) within the given scope", async () => {
    const a = await newProject();
    const b = await newProject();
    const appA = (await createOidc(a.projectId, { ...WEB, authMethod: "PRIVATE_KEY_JWT" })).app;
    const appB = (await createApplication(ctx(), { projectId: b.projectId, name: "api", api: { authMethod: "PRIVATE_KEY_JWT" } })).app;
    const k1 = await createApplicationKey(ctx(), { projectId: a.projectId, applicationId: appA.id });
    const k2 = await createApplicationKey(ctx(), { projectId: a.projectId, applicationId: appA.id });
    const k3 = await createApplicationKey(ctx(), { projectId: b.projectId, applicationId: appB.id });

    const byApp = await listApplicationKeys(ctx(), { applicationId: appA.id, sortBy: "id", pagination: { asc: true } });
    expect(byApp.items.map((k) => k.id)).toEqual([k1.keyId, k2.keyId]);
    expect(byApp.totalResult).toBe(2);
    expect(byApp.items[0]).not.toHaveProperty("key");
    expect((await listApplicationKeys(ctx(), { projectId: b.projectId })).items.map((k) => k.id)).toEqual([k3.keyId]);
    expect((await listApplicationKeys(ctx(), { organizationId: b.orgId })).items.map((k) => k.id)).toEqual([k3.keyId]);
    const page = await listApplicationKeys(ctx(), { projectId: a.projectId, sortBy: "creationDate", pagination: { asc: false, limit: 1 } });
    expect(page).toMatchObject({ totalResult: 2, appliedLimit: 1 });
    expect(page.items.map((k) => k.id)).toEqual([k2.keyId]);

    await expectDomainError(getApplicationKey(ctx(), { id: k1.keyId, projectId: b.projectId }), "not_found");
    expect(await deleteApplicationKey(ctx(), { id: k1.keyId, applicationId: appB.id })).toBe(false);
    expect(await deleteApplicationKey(ctx(), { id: k1.keyId, projectId: a.projectId })).toBe(true);
    expect(await deleteApplicationKey(ctx(), { id: k1.keyId })).toBe(false);
    await expectDomainError(getApplicationKey(ctx(), { id: k1.keyId }), "not_found");
    const actions = (await ctx().prisma.auditEntry.findMany({ where: { targetId: k1.keyId }, orderBy: { id: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(["application.key.created", "application.key.deleted"]);
  });
});

describe("applications: listing and audit", () => {
  it("lists with filters, sorting and pagination", async () => {
    const { projectId } = await newProject();
    const other = await newProject();
    const tag = unique("list");
    const b = await createOidc(projectId, WEB, `${tag}-b`);
    const a = await createApplication(ctx(), { projectId, name: `${tag}-a`, api: {} });
    const c = await createOidc(projectId, WEB, `${tag}-c`);
    await createOidc(other.projectId, WEB, `${tag}-d`);
    await deactivateApplication(ctx(), { projectId, id: c.app.id });

    const byName = await listApplications(ctx(), { projectId, sortBy: "name", pagination: { asc: true } });
    expect(byName.items.map((x) => x.name)).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect(byName).toMatchObject({ totalResult: 3, appliedLimit: 100 });
    expect(byName.items[0]).not.toHaveProperty("clientSecretHash");

    const named = await listApplications(ctx(), { name: { value: tag.toUpperCase(), method: "STARTS_WITH_IGNORE_CASE" } });
    expect(named.totalResult).toBe(4);
    expect((await listApplications(ctx(), { projectId, type: "API" })).items.map((x) => x.id)).toEqual([a.app.id]);
    expect(
      (await listApplications(ctx(), { projectId, type: "OIDC", sortBy: "name", pagination: { asc: true } })).items.map((x) => x.id),
    ).toEqual([b.app.id, c.app.id]);
    expect((await listApplications(ctx(), { projectId, state: "INACTIVE" })).items.map((x) => x.id)).toEqual([c.app.id]);
    expect((await listApplications(ctx(), { clientId: b.clientId })).items.map((x) => x.id)).toEqual([b.app.id]);

    const page = await listApplications(ctx(), { projectId, sortBy: "name", pagination: { asc: false, offset: 1, limit: 1 } });
    expect(page.items.map((x) => x.name)).toEqual([`${tag}-b`]);
    expect(page.totalResult).toBe(3);

    await expectDomainError(listApplications(ctx(), { type: "SAML" as "API" }), "invalid_argument", "type");
    await expectDomainError(listApplications(ctx(), { pagination: { limit: 1001 } }), "invalid_argument", "pagination.limit");
  });

  it("writes one audit entry per change, never with a secret, its hash or a private key", async () => {
    const { projectId } = await newProject();
    const { app, clientSecret } = await createOidc(projectId, { ...WEB, authMethod: "BASIC" });
    const hashes = [(await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } })).clientSecretHash!];
    await updateApplication(ctx(), { projectId, id: app.id, name: "audited" });
    const { clientSecret: second } = await regenerateClientSecret(ctx(), { projectId, applicationId: app.id });
    hashes.push((await ctx().prisma.application.findUniqueOrThrow({ where: { id: app.id } })).clientSecretHash!);
    await updateApplication(ctx(), { projectId, id: app.id, oidc: { authMethod: "PRIVATE_KEY_JWT" } });
    const { keyId, keyContent } = await createApplicationKey(ctx(), { projectId, applicationId: app.id });

    const entries = await ctx().prisma.auditEntry.findMany({ where: { targetId: { in: [app.id, keyId] } }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.action)).toEqual([
      "application.created",
      "application.updated",
      "application.secret_regenerated",
      "application.updated",
      "application.key.created",
    ]);
    expect(entries.every((e) => e.actorId === "tester")).toBe(true);
    expect(entries[1]!.before).toMatchObject({ name: app.name });
    expect(entries[1]!.after).toMatchObject({ name: "audited" });
    const text = JSON.stringify(entries, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    const privateKey = (JSON.parse(keyContent!) as { key: string }).key;
    for (const secret of [clientSecret!, second, ...hashes, privateKey.split("\n")[1]!]) expect(text).not.toContain(secret);
    expect(text).not.toContain("PRIVATE KEY");
  });
});
