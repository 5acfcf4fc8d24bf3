// Two instances behind a round-robin proxy: any instance serves any request.
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import { WebKeyService } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import { decodeProtectedHeader } from "jose";
import * as oidc from "openid-client";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { createApiClient, type ApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { useCluster } from "../support/cluster.js";
import { discover, signInWithCode } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";
import { unique } from "../support/directory.js";
import { eventually } from "../support/eventually.js";

const cluster = useCluster(2);
const browser = useBrowser();

function apiOf(): ApiServer {
  const c = cluster();
  return {
    url: c.url,
    databaseUrl: c.databaseUrl,
    adminToken: c.adminToken,
    get db(): never {
      throw new Error("the cluster test does not open the database");
    },
    logs: () => [],
    client: (service, transport, token = c.adminToken) => createApiClient(c.url, service, transport, token),
  };
}

describe("several instances", () => {
  it("bootstrap once, and share logins, tokens, refreshes, revocations and directory changes", async () => {
    const c = cluster();
    const firstStarts = c.instances.flatMap((i) => i.logs().filter((l) => String(l.msg).startsWith("first start")));
    expect(firstStarts).toHaveLength(1);

    const seed = seeder(apiOf());
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true }, ["viewer"]);
    const user = await seed.human(orgId);
    const authorizationId = await seed.authorize(user.id, projectId, ["viewer"]);
    const created = await seed.apps.createApplication({
      projectId,
      name: unique("mobile"),
      creationRequestType: {
        case: "oidcRequest",
        value: {
          redirectUris: [(await import("../support/relying-party.js")).CALLBACK],
          responseTypes: [1],
          grantTypes: [0, 2],
          appType: 2,
          authMethodType: 2,
        },
      },
    } as never);
    const clientId = (created.creationResponseType.value as { clientId: string }).clientId;

    // The login runs through the proxy: its requests alternate between the instances.
    const before = c.served.length;
    const config = await discover(c.url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, user, "openid offline_access");
    expect(new Set(c.served.slice(before))).toEqual(new Set([0, 1]));

    // The token works at userinfo on both instances, and refreshes on either.
    for (let i = 0; i < 2; i++) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
      expect(info[`urn:zitadel:iam:org:project:${projectId}:roles`]).toBeDefined();
    }
    // Introspected on each instance (straight to it, past the proxy) by the project's API app.
    const introspector = await seed.basicApiApp(projectId);
    for (const instance of c.instances) {
      const res = await fetch(`${instance.url}/oauth/v2/introspect`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${introspector.clientId}:${introspector.clientSecret}`).toString("base64")}` },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ active: true, sub: user.id });
      expect(body[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({ viewer: expect.any(Object) });
    }
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // A role removed through one instance's API is gone from the next token of the other.
    await seed.authorizations.updateAuthorization({ id: authorizationId, roleKeys: [] });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // Revocation on one instance is seen by the other.
    await seed.authorizations.updateAuthorization({ id: authorizationId, roleKeys: ["viewer"] });
    const again = await signInWithCode(page, config, undefined, "openid");
    await oidc.tokenRevocation(config, again.tokens.access_token);
    for (let i = 0; i < 2; i++) {
      await expect(oidc.fetchUserInfo(config, again.tokens.access_token, user.id)).rejects.toThrow();
    }
    await page.close();
  });
});

describe("directory changes and keys across instances", () => {
  it("a change through one instance's API is seen by the other at once, a change in the database within a second, a new key by both", async () => {
    const c = cluster();
    const seed = seeder(apiOf());
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true }, ["viewer"]);
    const { id: machineId, username } = await seed.machine(orgId);
    const { clientSecret } = await seed.users.addSecret({ userId: machineId });
    const authorizationId = await seed.authorize(machineId, projectId, ["viewer"]);
    const db = await openDatabase({ databaseUrl: c.databaseUrl, dataDir: "/nonexistent" });
    await db.prisma.user.update({ where: { id: machineId }, data: { accessTokenType: "JWT" } });
    // Straight to one instance, past the proxy.
    const tokenFrom = async (instance: number) => {
      const res = await fetch(`${c.instances[instance]!.url}/oauth/v2/token`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${username}:${clientSecret}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: `openid urn:zitadel:iam:org:project:id:${projectId}:aud` }),
      });
      return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
    };
    try {
      // Both instances have the client and the machine user's access in their caches now.
      for (const i of [0, 1]) expect((await tokenFrom(i)).status).toBe(200);

      // Through instance 0's API: instance 1 refuses the next token at once.
      const authorizations = createApiClient(c.instances[0]!.url, AuthorizationService, "connect", c.adminToken);
      await authorizations.deleteAuthorization({ id: authorizationId });
      for (const i of [1, 0]) expect(await tokenFrom(i)).toMatchObject({ status: 400, body: { error: "invalid_scope" } });

      // Written to the database by something else: both instances see it within a second.
      await seed.authorize(machineId, projectId, ["viewer"]);
      for (const i of [0, 1]) expect((await tokenFrom(i)).status).toBe(200);
      await db.prisma.user.update({ where: { id: machineId }, data: { state: "INACTIVE" } });
      const changedAt = Date.now();
      await eventually(async () => {
        for (const i of [0, 1]) expect(await tokenFrom(i)).toMatchObject({ status: 401, body: { error: "invalid_client" } });
      }, 3000);
      expect(Date.now() - changedAt).toBeLessThan(1500);
      await db.prisma.user.update({ where: { id: machineId }, data: { state: "ACTIVE" } });

      // A JWT revoked at instance 0 is inactive at instance 1 (its record lives in Redis).
      const introspector = await seed.basicApiApp(projectId);
      const introspect = async (instance: number, token: string) => {
        const res = await fetch(`${c.instances[instance]!.url}/oauth/v2/introspect`, {
          method: "POST",
          headers: { authorization: `Basic ${Buffer.from(`${introspector.clientId}:${introspector.clientSecret}`).toString("base64")}` },
          body: new URLSearchParams({ token }),
        });
        return ((await res.json()) as { active: boolean }).active;
      };
      const jwt = (await tokenFrom(1)).body.access_token!;
      expect(await introspect(1, jwt)).toBe(true);
      const revoked = await fetch(`${c.instances[0]!.url}/oauth/v2/revoke`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${username}:${clientSecret}`).toString("base64")}` },
        body: new URLSearchParams({ token: jwt }),
      });
      expect(revoked.status).toBe(200);
      for (const i of [1, 0]) expect(await introspect(i, jwt)).toBe(false);

      // A key created and activated through instance 0 signs the tokens of both.
      const keys = createApiClient(c.instances[0]!.url, WebKeyService, "connect", c.adminToken);
      const { id } = await keys.createWebKey({});
      await keys.activateWebKey({ id });
      await eventually(async () => {
        for (const i of [0, 1]) {
          const { body } = await tokenFrom(i);
          expect(decodeProtectedHeader(body.access_token!).kid).toBe(id);
          const jwks = (await (await fetch(`${c.instances[i]!.url}/oauth/v2/keys`)).json()) as { keys: { kid: string }[] };
          expect(jwks.keys.map((k) => k.kid)).toContain(id);
        }
      });
    } finally {
      await db.close();
    }
  });
});
