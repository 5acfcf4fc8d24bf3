// Client assertions as ZITADEL key files make them (passport-zitadel, @zitadel/node): no jti,
// reused for up to an hour, accepted at introspection; everything else stays strict.
import { createPrivateKey, randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { discover } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
let seed: ReturnType<typeof seeder>;
beforeAll(() => {
  seed = seeder(api());
});

type AppKeyFile = Awaited<ReturnType<ReturnType<typeof seeder>["keyFileApiApp"]>>;

async function scene() {
  const orgId = await seed.org();
  const projectId = await seed.project(orgId, {}, ["reader"]);
  const keyFile = await seed.keyFileApiApp(projectId);

  // A token to introspect: a machine user's, asking for the project by aud scope.
  const { id: machineId, username } = await seed.machine(orgId);
  const { clientSecret } = await seed.users.addSecret({ userId: machineId });
  const config = await discover(api().url, username, clientSecret);
  const { access_token } = await oidc.clientCredentialsGrant(config, { scope: `openid urn:zitadel:iam:org:project:id:${projectId}:aud` });
  return { keyFile, token: access_token, machineId };
}

async function assertion(keyFile: AppKeyFile, options: { lifetime?: string; jti?: boolean; kid?: string; exp?: number } = {}) {
  const key = await importPKCS8(createPrivateKey(keyFile.key).export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  const jwt = new SignJWT(options.jti ? { jti: randomUUID() } : {})
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? keyFile.keyId })
    .setIssuer(keyFile.clientId)
    .setSubject(keyFile.clientId)
    .setAudience(api().url)
    .setIssuedAt();
  return (options.exp ? jwt.setExpirationTime(options.exp) : jwt.setExpirationTime(options.lifetime ?? "1h")).sign(key);
}

function introspect(token: string, clientAssertion: string) {
  return fetch(`${api().url}/oauth/v2/introspect`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      token,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: clientAssertion,
    }),
  });
}

describe("ZITADEL-shaped client assertions (API app key files)", () => {
  it("authenticate introspection without jti and may be reused until they expire", async () => {
    const { keyFile, token, machineId } = await scene();
    expect(keyFile.type).toBe("application");
    const reused = await assertion(keyFile);
    for (let i = 0; i < 3; i++) {
      const res = await introspect(token, reused);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ active: true, sub: machineId });
    }
  });

  it("refuse expired assertions, lifetimes over an hour, and unknown keys", async () => {
    const { keyFile, token } = await scene();
    const expired = await assertion(keyFile, { exp: Math.floor(Date.now() / 1000) - 300 });
    expect((await introspect(token, expired)).status).toBe(401);
    expect((await introspect(token, await assertion(keyFile, { lifetime: "3h" }))).status).toBe(401);
    expect((await introspect(token, await assertion(keyFile, { kid: "123" }))).status).toBe(401);
    const other = await scene();
    const foreign = { ...keyFile, key: other.keyFile.key };
    expect((await introspect(token, await assertion(foreign))).status).toBe(401);
  });

  it("keep oidc-provider's replay protection for assertions with a jti", async () => {
    const { keyFile, token } = await scene();
    const once = await assertion(keyFile, { jti: true });
    expect((await introspect(token, once)).status).toBe(200);
    expect((await introspect(token, once)).status).toBe(401);
  });
});
