// zitadel.management.v1 applications and their keys, as existing automation calls them:
// @zitadel/node's createManagementClient over gRPC, and ZITADEL's REST gateway paths with plain
// fetch; within one organization, the x-zitadel-orgid header's or the caller's own. An app and a
// secret or key file made through v1 authenticate at rolegate's introspection endpoint.
import { createPrivateKey } from "node:crypto";
import { Code } from "@connectrpc/connect";
import type { ManagementServiceClient } from "@zitadel/node/dist/api/generated/zitadel/management.js";
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import { importPKCS8, SignJWT } from "jose";
import { ClientError, Metadata } from "nice-grpc";
import * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { useApiServer } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { discover } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const newOrg = () => createOrganization(dir(), { name: unique("Org") });

let adminOrgId: string;
beforeAll(async () => {
  const admin = await api().db.prisma.personalAccessToken.findFirstOrThrow({ include: { user: true } });
  adminOrgId = admin.user.orgId;
});

function management(token = api().adminToken): ManagementServiceClient {
  return createManagementClient(api().url, createAccessTokenInterceptor(token));
}
const inOrg = (orgId: string) => ({ metadata: Metadata({ "x-zitadel-orgid": orgId }) });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return "OK";
  if (error instanceof ClientError) return Code[error.code as number as Code];
  throw error;
}

/** A REST call as a script makes it: JSON in, JSON out, the token as a bearer. */
async function rest(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = api().adminToken) {
  const res = await fetch(new URL(path, api().url), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON came back
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** An organization with a project, made through v1 in that organization's context. */
async function scene() {
  const org = await newOrg();
  const mgmt = management();
  const { id: projectId } = await mgmt.addProject({ name: unique("Project") }, inOrg(org.id));
  return { org, orgId: org.id, projectId, mgmt };
}

const WEB_APP = {
  redirectUris: ["https://app.example.com/cb"],
  postLogoutRedirectUris: ["https://app.example.com/bye"],
  responseTypes: [0], // v1 CODE
  grantTypes: [0, 2], // AUTHORIZATION_CODE, REFRESH_TOKEN
  appType: 0, // WEB
  authMethodType: 0, // BASIC
};

interface KeyFile {
  type: string;
  keyId: string;
  key: string;
  appId: string;
  clientId: string;
}

describe("zitadel.management.v1 applications over gRPC (@zitadel/node createManagementClient)", () => {
  it("adds OIDC and API apps in the context organization's project, reads and lists them", async () => {
    const { orgId, projectId, mgmt } = await scene();
    const web = await mgmt.addOIDCApp(
      { projectId, name: "Web", ...WEB_APP, responseTypes: [0, 1], grantTypes: [0, 1], accessTokenType: 1, idTokenRoleAssertion: true },
      inOrg(orgId),
    );
    expect(web).toMatchObject({ appId: expect.stringMatching(/^[0-9]+$/), clientId: expect.any(String), noneCompliant: false });
    expect(web.clientSecret).not.toBe("");
    expect(web.details?.resourceOwner).toBe(orgId);
    // v1 counts response types from 0: CODE and ID_TOKEN are stored as such.
    expect(await api().db.prisma.application.findUniqueOrThrow({ where: { id: web.appId } })).toMatchObject({
      projectId,
      kind: "OIDC",
      responseTypes: ["CODE", "ID_TOKEN"],
      grantTypes: ["AUTHORIZATION_CODE", "IMPLICIT"],
      accessTokenType: "JWT",
      idTokenRoleAssertion: true,
    });
    const api1 = await mgmt.addAPIApp({ projectId, name: "Api", authMethodType: 0 }, inOrg(orgId));
    expect(api1.clientSecret).not.toBe("");

    const { app } = await mgmt.getAppByID({ projectId, appId: web.appId }, inOrg(orgId));
    expect(app).toMatchObject({ id: web.appId, name: "Web", state: 1, details: { resourceOwner: orgId } });
    expect(app?.oidcConfig).toMatchObject({
      clientId: web.clientId,
      redirectUris: WEB_APP.redirectUris,
      postLogoutRedirectUris: WEB_APP.postLogoutRedirectUris,
      responseTypes: [0, 1],
      grantTypes: [0, 1],
      appType: 0,
      authMethodType: 0,
      accessTokenType: 1,
      idTokenRoleAssertion: true,
      allowedOrigins: ["https://app.example.com"],
    });
    expect((await mgmt.getAppByID({ projectId, appId: api1.appId }, inOrg(orgId))).app?.apiConfig).toEqual({
      clientId: api1.clientId,
      authMethodType: 0,
    });

    const all = await mgmt.listApps({ projectId, queries: [] }, inOrg(orgId));
    expect(all.result.map((a) => a.name).sort()).toEqual(["Api", "Web"]);
    expect(all.details?.totalResult.toNumber()).toBe(2);
    const named = await mgmt.listApps({ projectId, queries: [{ nameQuery: { name: "we", method: 3 } }] }, inOrg(orgId));
    expect(named.result.map((a) => a.id)).toEqual([web.appId]);
    const paged = await mgmt.listApps({ projectId, query: { limit: 1, asc: true }, queries: [] }, inOrg(orgId));
    expect(paged.result).toHaveLength(1);

    // The app is found only with its own project.
    const { id: otherProject } = await mgmt.addProject({ name: "Other" }, inOrg(orgId));
    expect(await codeOf(mgmt.getAppByID({ projectId: otherProject, appId: web.appId }, inOrg(orgId)))).toBe("NotFound");
    expect(await codeOf(mgmt.getAppByID({ projectId, appId: "123" }, inOrg(orgId)))).toBe("NotFound");
  });

  it("refuses invalid apps with InvalidArgument and SAML apps as unimplemented", async () => {
    const { orgId, projectId, mgmt } = await scene();
    const bad = [
      { projectId, name: "", ...WEB_APP },
      { projectId, name: "W", ...WEB_APP, responseTypes: [7] },
      { projectId, name: "W", ...WEB_APP, redirectUris: ["http://app.example.com/cb"] },
      { projectId, name: "W", ...WEB_APP, appType: 2 }, // NATIVE with BASIC
      { projectId, name: "W", ...WEB_APP, backChannelLogoutUri: "https://app.example.com/bc" },
    ];
    for (const request of bad) expect(await codeOf(mgmt.addOIDCApp(request, inOrg(orgId)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.addAPIApp({ projectId, name: "A", authMethodType: 5 as never }, inOrg(orgId)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.addAPIApp({ projectId: "", name: "A" }, inOrg(orgId)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.addAPIApp({ projectId: "123", name: "A" }, inOrg(orgId)))).toBe("NotFound");
    expect(await codeOf(mgmt.addSAMLApp({ projectId, name: "S", metadataUrl: "https://sp.example.com" }, inOrg(orgId)))).toBe(
      "Unimplemented",
    );
    expect(await api().db.prisma.application.count({ where: { projectId } })).toBe(0);
  });

  it("updates the OIDC configuration as a whole, keeping lists sent empty", async () => {
    const { orgId, projectId, mgmt } = await scene();
    const { appId } = await mgmt.addOIDCApp(
      { projectId, name: "Web", ...WEB_APP, devMode: true, accessTokenType: 1, additionalOrigins: ["https://extra.example.com"] },
      inOrg(orgId),
    );
    await mgmt.updateApp({ projectId, appId, name: "Renamed" }, inOrg(orgId));
    await mgmt.updateOIDCAppConfig(
      { projectId, appId, redirectUris: [], grantTypes: [0], responseTypes: [], postLogoutRedirectUris: ["https://app.example.com/out"] },
      inOrg(orgId),
    );
    const { app } = await mgmt.getAppByID({ projectId, appId }, inOrg(orgId));
    expect(app?.name).toBe("Renamed");
    expect(app?.oidcConfig).toMatchObject({
      redirectUris: WEB_APP.redirectUris, // empty: kept
      responseTypes: [0],
      grantTypes: [0],
      postLogoutRedirectUris: ["https://app.example.com/out"],
      additionalOrigins: ["https://extra.example.com"],
      devMode: false, // proto3's default is a value in v1
      accessTokenType: 0,
    });

    expect(await codeOf(mgmt.updateApp({ projectId, appId, name: "" }, inOrg(orgId)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.updateOIDCAppConfig({ projectId, appId, grantTypes: [2] }, inOrg(orgId)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.updateAPIAppConfig({ projectId, appId, authMethodType: 1 }, inOrg(orgId)))).toBe("FailedPrecondition");
    expect(await codeOf(mgmt.updateSAMLAppConfig({ projectId, appId, metadataUrl: "https://sp.example.com" }, inOrg(orgId)))).toBe(
      "Unimplemented",
    );

    const { appId: apiId, clientSecret } = await mgmt.addAPIApp({ projectId, name: "Api", authMethodType: 0 }, inOrg(orgId));
    expect(clientSecret).not.toBe("");
    await mgmt.updateAPIAppConfig({ projectId, appId: apiId, authMethodType: 1 }, inOrg(orgId));
    expect((await mgmt.getAppByID({ projectId, appId: apiId }, inOrg(orgId))).app?.apiConfig?.authMethodType).toBe(1);
    expect((await api().db.prisma.application.findUniqueOrThrow({ where: { id: apiId } })).clientSecretHash).toBeNull();
    expect(await codeOf(mgmt.updateOIDCAppConfig({ projectId, appId: apiId, ...WEB_APP }, inOrg(orgId)))).toBe("FailedPrecondition");
  });

  it("deactivates, reactivates, regenerates secrets of the right kind, and removes apps idempotently", async () => {
    const { orgId, projectId, mgmt } = await scene();
    const web = await mgmt.addOIDCApp({ projectId, name: "Web", ...WEB_APP }, inOrg(orgId));
    const apiApp = await mgmt.addAPIApp({ projectId, name: "Api" }, inOrg(orgId));

    await mgmt.deactivateApp({ projectId, appId: web.appId }, inOrg(orgId));
    expect((await mgmt.getAppByID({ projectId, appId: web.appId }, inOrg(orgId))).app?.state).toBe(2);
    expect(await codeOf(mgmt.deactivateApp({ projectId, appId: web.appId }, inOrg(orgId)))).toBe("FailedPrecondition");
    await mgmt.reactivateApp({ projectId, appId: web.appId }, inOrg(orgId));
    expect((await mgmt.getAppByID({ projectId, appId: web.appId }, inOrg(orgId))).app?.state).toBe(1);
    expect(await codeOf(mgmt.reactivateApp({ projectId, appId: web.appId }, inOrg(orgId)))).toBe("FailedPrecondition");

    const oidcSecret = await mgmt.regenerateOIDCClientSecret({ projectId, appId: web.appId }, inOrg(orgId));
    expect(oidcSecret.clientSecret).not.toBe(web.clientSecret);
    expect(oidcSecret.details?.resourceOwner).toBe(orgId);
    const apiSecret = await mgmt.regenerateAPIClientSecret({ projectId, appId: apiApp.appId }, inOrg(orgId));
    expect(apiSecret.clientSecret).not.toBe(apiApp.clientSecret);
    expect(await codeOf(mgmt.regenerateOIDCClientSecret({ projectId, appId: apiApp.appId }, inOrg(orgId)))).toBe("FailedPrecondition");
    expect(await codeOf(mgmt.regenerateAPIClientSecret({ projectId, appId: web.appId }, inOrg(orgId)))).toBe("FailedPrecondition");
    expect(await codeOf(mgmt.regenerateAPIClientSecret({ projectId, appId: "123" }, inOrg(orgId)))).toBe("NotFound");

    await mgmt.removeApp({ projectId, appId: web.appId }, inOrg(orgId));
    await mgmt.removeApp({ projectId, appId: web.appId }, inOrg(orgId)); // idempotent
    expect(await codeOf(mgmt.getAppByID({ projectId, appId: web.appId }, inOrg(orgId)))).toBe("NotFound");
    expect((await mgmt.listApps({ projectId, queries: [] }, inOrg(orgId))).result.map((a) => a.id)).toEqual([apiApp.appId]);
  });

  it("adds, reads, lists and removes app keys; the key file is ZITADEL's", async () => {
    const { orgId, projectId, mgmt } = await scene();
    const { appId, clientId } = await mgmt.addAPIApp({ projectId, name: "Keyed", authMethodType: 1 }, inOrg(orgId));
    const expirationDate = new Date("2040-01-01T00:00:00Z");
    const added = await mgmt.addAppKey({ projectId, appId, type: 1, expirationDate }, inOrg(orgId));
    const file = JSON.parse(Buffer.from(added.keyDetails).toString("utf8")) as KeyFile;
    expect(file).toEqual({ type: "application", keyId: added.id, key: expect.stringContaining("PRIVATE KEY"), appId, clientId });
    expect(added.details?.resourceOwner).toBe(orgId);
    const second = await mgmt.addAppKey({ projectId, appId, type: 1 }, inOrg(orgId));

    const { key } = await mgmt.getAppKey({ projectId, appId, keyId: added.id }, inOrg(orgId));
    expect(key).toMatchObject({ id: added.id, type: 1, expirationDate, details: { resourceOwner: orgId } });
    const listed = await mgmt.listAppKeys({ projectId, appId }, inOrg(orgId));
    expect(listed.result.map((k) => k.id).sort()).toEqual([added.id, second.id].sort());
    expect(listed.details?.totalResult.toNumber()).toBe(2);

    expect(await codeOf(mgmt.addAppKey({ projectId, appId, type: 0 }, inOrg(orgId)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.addAppKey({ projectId, appId, type: 1, expirationDate: new Date(Date.now() - 60_000) }, inOrg(orgId)))).toBe(
      "InvalidArgument",
    );
    const basic = await mgmt.addAPIApp({ projectId, name: "Basic" }, inOrg(orgId));
    expect(await codeOf(mgmt.addAppKey({ projectId, appId: basic.appId, type: 1 }, inOrg(orgId)))).toBe("FailedPrecondition");
    // A key is found only under its own app.
    expect(await codeOf(mgmt.getAppKey({ projectId, appId: basic.appId, keyId: added.id }, inOrg(orgId)))).toBe("NotFound");
    expect(await codeOf(mgmt.listAppKeys({ projectId, appId: "123" }, inOrg(orgId)))).toBe("NotFound");

    await mgmt.removeAppKey({ projectId, appId, keyId: added.id }, inOrg(orgId));
    await mgmt.removeAppKey({ projectId, appId, keyId: added.id }, inOrg(orgId)); // idempotent
    expect(await codeOf(mgmt.getAppKey({ projectId, appId, keyId: added.id }, inOrg(orgId)))).toBe("NotFound");
    expect((await mgmt.listAppKeys({ projectId, appId }, inOrg(orgId))).result.map((k) => k.id)).toEqual([second.id]);
  });

  it("keeps another tenant's administrator out, and works within the context organization", async () => {
    const { orgId, projectId, mgmt } = await scene();
    const { appId } = await mgmt.addAPIApp({ projectId, name: "Mine", authMethodType: 1 }, inOrg(orgId));
    const { id: keyId } = await mgmt.addAppKey({ projectId, appId, type: 1 }, inOrg(orgId));

    // Even the instance owner finds nothing of it in another organization's context (its own here).
    expect(await codeOf(mgmt.getAppByID({ projectId, appId }))).toBe("NotFound");
    expect(await codeOf(mgmt.listApps({ projectId, queries: [] }))).toBe("NotFound");
    expect(await codeOf(mgmt.addAPIApp({ projectId, name: "X" }))).toBe("NotFound");
    expect(await codeOf(mgmt.updateApp({ projectId, appId, name: "X" }))).toBe("NotFound");
    expect(await codeOf(mgmt.getAppKey({ projectId, appId, keyId }))).toBe("NotFound");
    await mgmt.removeAppKey({ projectId, appId, keyId }); // the wrong organization: nothing happens
    await mgmt.removeApp({ projectId, appId });
    expect((await mgmt.getAppByID({ projectId, appId }, inOrg(orgId))).app?.id).toBe(appId);
    expect((await mgmt.listAppKeys({ projectId, appId }, inOrg(orgId))).result).toHaveLength(1);
    expect(adminOrgId).not.toBe(orgId);

    const other = await newOrg();
    const { token } = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const intruder = management(token);
    expect(await codeOf(intruder.addAPIApp({ projectId, name: "In" }, inOrg(orgId)))).toBe("PermissionDenied");
    expect(await codeOf(intruder.addAppKey({ projectId, appId, type: 1 }, inOrg(orgId)))).toBe("PermissionDenied");
    expect(await codeOf(intruder.regenerateAPIClientSecret({ projectId, appId }, inOrg(orgId)))).toBe("PermissionDenied");
    expect(await codeOf(intruder.getAppByID({ projectId, appId }, inOrg(orgId)))).toBe("NotFound");
    expect(await codeOf(intruder.listApps({ projectId, queries: [] }, inOrg(orgId)))).toBe("NotFound");
    expect(await codeOf(intruder.getAppKey({ projectId, appId, keyId }, inOrg(orgId)))).toBe("NotFound");
    expect(await codeOf(intruder.listAppKeys({ projectId, appId }, inOrg(orgId)))).toBe("NotFound");
    // In its own context the project is another organization's: not found.
    expect(await codeOf(intruder.addAPIApp({ projectId, name: "In" }))).toBe("NotFound");
    await intruder.removeAppKey({ projectId, appId, keyId }, inOrg(orgId)).catch(() => undefined);
    await intruder.removeApp({ projectId, appId }, inOrg(orgId)).catch(() => undefined);
    expect(await api().db.prisma.application.count({ where: { id: appId } })).toBe(1);
    expect(await api().db.prisma.applicationKey.count({ where: { id: keyId } })).toBe(1);

    // The organization's own owner works in its own organization without the header.
    const { token: ownerToken } = await makeCaller(dir(), orgId, [{ resource: { organizationId: orgId }, roles: ["ORG_OWNER"] }]);
    expect((await management(ownerToken).getAppByID({ projectId, appId })).app?.name).toBe("Mine");
    expect(await codeOf(management("not-a-token").getAppByID({ projectId, appId }))).toBe("Unauthenticated");
  });
});

describe("an app made through v1 authenticates at rolegate", () => {
  it("introspects with the API app's secret (basic auth) and with its key file", async () => {
    const { orgId, projectId, mgmt } = await scene();
    const seed = seeder(api());
    const { id: machineId, username } = await seed.machine(orgId);
    const { clientSecret: machineSecret } = await seed.users.addSecret({ userId: machineId });
    const config = await discover(api().url, username, machineSecret);
    const { access_token: token } = await oidc.clientCredentialsGrant(config, {
      scope: `openid urn:zitadel:iam:org:project:id:${projectId}:aud`,
    });

    const introspect = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${api().url}/oauth/v2/introspect`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ token, ...body }),
      });
    const basic = (id: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`,
    });

    const app = await mgmt.addAPIApp({ projectId, name: "Resource server", authMethodType: 0 }, inOrg(orgId));
    const ok = await introspect({}, basic(app.clientId, app.clientSecret));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ active: true, sub: machineId });
    // A regenerated secret replaces the old one at once.
    const { clientSecret } = await mgmt.regenerateAPIClientSecret({ projectId, appId: app.appId }, inOrg(orgId));
    expect((await introspect({}, basic(app.clientId, app.clientSecret))).status).toBe(401);
    expect((await introspect({}, basic(app.clientId, clientSecret))).status).toBe(200);

    const keyed = await mgmt.addAPIApp({ projectId, name: "Keyed", authMethodType: 1 }, inOrg(orgId));
    const added = await mgmt.addAppKey({ projectId, appId: keyed.appId, type: 1 }, inOrg(orgId));
    const file = JSON.parse(Buffer.from(added.keyDetails).toString("utf8")) as KeyFile;
    const key = await importPKCS8(createPrivateKey(file.key).export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: file.keyId })
      .setIssuer(file.clientId)
      .setSubject(file.clientId)
      .setAudience(api().url)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key);
    const viaKey = await introspect({
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
    });
    expect(viaKey.status).toBe(200);
    expect(await viaKey.json()).toMatchObject({ active: true, sub: machineId });
    // Once the key is removed, its assertions no longer authenticate.
    await mgmt.removeAppKey({ projectId, appId: keyed.appId, keyId: added.id }, inOrg(orgId));
    const after = await introspect({
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
    });
    expect(after.status).toBe(401);
  });
});

describe("zitadel.management.v1 applications over ZITADEL's REST gateway (/management/v1)", () => {
  it("maps paths and bodies onto the same methods, the key file in base64", async () => {
    const { orgId, projectId } = await scene();
    const header = { "x-zitadel-orgid": orgId };
    const base = `/management/v1/projects/${projectId}/apps`;
    const web = await rest(
      "POST",
      `${base}/oidc`,
      {
        name: "Rest web",
        redirectUris: WEB_APP.redirectUris,
        responseTypes: ["OIDC_RESPONSE_TYPE_CODE"],
        grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE"],
        appType: "OIDC_APP_TYPE_WEB",
        authMethodType: "OIDC_AUTH_METHOD_TYPE_BASIC",
      },
      header,
    );
    expect(web).toMatchObject({ status: 200, json: { appId: expect.any(String), clientSecret: expect.any(String) } });
    const got = await rest("GET", `${base}/${web.json.appId}`, undefined, header);
    expect(got.json.app).toMatchObject({
      name: "Rest web",
      state: "APP_STATE_ACTIVE",
      oidcConfig: { responseTypes: ["OIDC_RESPONSE_TYPE_CODE"], redirectUris: WEB_APP.redirectUris },
    });
    const put = await rest(
      "PUT",
      `${base}/${web.json.appId}/oidc_config`,
      { grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE", "OIDC_GRANT_TYPE_REFRESH_TOKEN"], devMode: true },
      header,
    );
    expect(put.status).toBe(200);
    const secret = await rest("POST", `${base}/${web.json.appId}/oidc_config/_generate_client_secret`, {}, header);
    expect(secret.json.clientSecret).toEqual(expect.any(String));

    const apiApp = await rest("POST", `${base}/api`, { name: "Rest api", authMethodType: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" }, header);
    const appId = apiApp.json.appId as string;
    const key = await rest("POST", `${base}/${appId}/keys`, { type: "KEY_TYPE_JSON" }, header);
    expect(key.status).toBe(200);
    expect(JSON.parse(Buffer.from(key.json.keyDetails as string, "base64").toString("utf8"))).toMatchObject({
      type: "application",
      keyId: key.json.id,
      appId,
      clientId: apiApp.json.clientId,
    });
    const keys = await rest("POST", `${base}/${appId}/keys/_search`, {}, header);
    expect(keys.json.result).toEqual([expect.objectContaining({ id: key.json.id, type: "KEY_TYPE_JSON" })]);
    expect((await rest("DELETE", `${base}/${appId}/keys/${key.json.id}`, undefined, header)).status).toBe(200);

    const search = await rest("POST", `${base}/_search`, { queries: [{ nameQuery: { name: "Rest api" } }] }, header);
    expect(search.json.result).toEqual([expect.objectContaining({ id: appId, apiConfig: expect.any(Object) })]);
    expect((await rest("POST", `${base}/${appId}/_deactivate`, {}, header)).status).toBe(200);
    expect((await rest("DELETE", `${base}/${appId}`, undefined, header)).status).toBe(200);
    expect(await rest("GET", `${base}/${appId}`, undefined, header)).toMatchObject({ status: 404, json: { code: Code.NotFound } });
    expect(await rest("POST", `${base}/api`, { name: "" }, header)).toMatchObject({ status: 400, json: { code: Code.InvalidArgument } });
    expect(await rest("GET", `${base}/${appId}`, undefined, header, "bad-token")).toMatchObject({
      status: 401,
      json: { code: Code.Unauthenticated },
    });
  });
});
