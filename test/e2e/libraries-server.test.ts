// Server-side libraries ZITADEL users already run, against a running rolegate with nothing changed
// but the issuer URL and the credentials: passport-zitadel's introspection strategy,
// @zitadel/node's ServiceAccount, and express-oauth2-jwt-bearer in strict (RFC 9068) mode.
import { OrganizationService } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { ServiceAccount } from "@zitadel/node/dist/credentials/index.js";
import express from "express";
import { auth } from "express-oauth2-jwt-bearer";
import * as oidc from "openid-client";
import passport from "passport";
import { ZitadelIntrospectionStrategy } from "passport-zitadel";
import { beforeAll, describe, expect, it } from "vitest";
import { createAdministrator } from "../../src/directory/administrators.js";
import { createApiClient, useApiServer } from "../support/api.js";
import { useExpress } from "../support/express.js";
import { discover } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer({ redis: true }); // sessions, codes and tokens in Redis
const listen = useExpress();
let seed: ReturnType<typeof seeder>;
beforeAll(async () => {
  seed = seeder(api());
});

const rolesClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
/** The same token with another payload and the original signature. */
const tamper = (jwt: string, change: Record<string, unknown>) => {
  const [header, payload, signature] = jwt.split(".");
  const claims = { ...JSON.parse(Buffer.from(payload!, "base64url").toString()), ...change };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
};

/** An organization, a project with roles, and a machine user authorized on it with `reader`. */
async function scene() {
  const orgId = await seed.org();
  const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true }, ["reader", "writer"]);
  const { id: machineId, username } = await seed.machine(orgId);
  await seed.authorize(machineId, projectId, ["reader"]);
  const domain = (await seed.orgs.listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: orgId } } }] })).organizations[0]!
    .primaryDomain;
  return { orgId, projectId, machineId, username, roles: { reader: { [orgId]: domain } } };
}

/** A client-credentials token of the scene's machine user, with the project's aud scope. */
async function machineToken(s: Awaited<ReturnType<typeof scene>>, extraScope = "") {
  const { clientSecret } = await seed.users.addSecret({ userId: s.machineId });
  const config = await discover(api().url, s.username, clientSecret);
  const tokens = await oidc.clientCredentialsGrant(config, {
    scope: `openid urn:zitadel:iam:org:project:id:${s.projectId}:aud ${extraScope}`.trim(),
  });
  return tokens.access_token;
}

describe("passport-zitadel: the introspection strategy protects an Express route", () => {
  it("answers 200 with the caller's roles for a valid token and 401 for a bad one, with basic auth and with a key file", async () => {
    const s = await scene();
    const token = await machineToken(s);
    const { clientId, clientSecret } = await seed.basicApiApp(s.projectId);
    const profile = await seed.keyFileApiApp(s.projectId);
    expect(profile).toMatchObject({ type: "application", clientId: expect.any(String), keyId: expect.any(String) });

    // As its README shows, with rolegate's URL as the authority.
    passport.use(
      "zitadel-basic",
      new ZitadelIntrospectionStrategy({ authority: api().url, authorization: { type: "basic", clientId, clientSecret } }),
    );
    passport.use(
      "zitadel-key",
      new ZitadelIntrospectionStrategy({ authority: api().url, authorization: { type: "jwt-profile", profile } }),
    );
    const app = express();
    app.use(passport.initialize());
    for (const strategy of ["zitadel-basic", "zitadel-key"]) {
      app.get(`/${strategy}`, passport.authenticate(strategy, { session: false }), (req, res) => {
        const user = req.user as Record<string, unknown>;
        res.json({ sub: user.sub, roles: user[rolesClaim(s.projectId)] });
      });
    }
    const base = await listen(app);

    for (const strategy of ["zitadel-basic", "zitadel-key"]) {
      // The key-file strategy signs one assertion and reuses it for an hour: call it several times.
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/${strategy}`, bearer(token));
        expect(res.status, strategy).toBe(200);
        expect(await res.json()).toEqual({ sub: s.machineId, roles: s.roles });
      }
      expect((await fetch(`${base}/${strategy}`, bearer("not-a-token"))).status, strategy).toBe(401);
      expect((await fetch(`${base}/${strategy}`)).status, strategy).toBe(401);
    }
  });
});

describe("@zitadel/node: a service account key file", () => {
  it("authenticates to a token the management API accepts over gRPC and introspection reports active with its roles", async () => {
    const s = await scene();
    await createAdministrator(
      { prisma: api().db.prisma, actor: { id: "test" } },
      { userId: s.machineId, resource: { organizationId: s.orgId }, roles: ["ORG_OWNER"] },
    );
    const { keyId, keyContent } = await seed.users.addKey({ userId: s.machineId, expirationDate: undefined } as never);
    const keyFile = Buffer.from(keyContent).toString("utf8");
    expect(JSON.parse(keyFile)).toMatchObject({ type: "serviceaccount", userId: s.machineId, keyId });

    const account = ServiceAccount.fromJsonString(keyFile);
    const token = await account.authenticate(api().url, { apiAccess: true, projectAudiences: [s.projectId], roles: ["reader"] });

    const orgs = createApiClient(api().url, OrganizationService, "grpc", token);
    expect((await orgs.listOrganizations({})).organizations.map((o) => o.id)).toContain(s.orgId);

    const { clientId, clientSecret } = await seed.basicApiApp(s.projectId);
    const introspected = await oidc.tokenIntrospection(await discover(api().url, clientId, clientSecret), token);
    expect(introspected).toMatchObject({ active: true, sub: s.machineId });
    expect(introspected[rolesClaim(s.projectId)]).toEqual(s.roles);

    // Without API access the management API refuses the token; a removed key no longer signs in.
    const withoutApi = await account.authenticate(api().url, { projectAudiences: [s.projectId] });
    await expect(createApiClient(api().url, OrganizationService, "grpc", withoutApi).listOrganizations({})).rejects.toMatchObject({
      code: 16,
    });
    await seed.users.removeKey({ userId: s.machineId, keyId });
    await expect(account.authenticate(api().url, { apiAccess: true })).rejects.toMatchObject({ response: { status: 400 } });
  });
});

describe("express-oauth2-jwt-bearer (strict, RFC 9068)", () => {
  it("accepts a rolegate JWT access token for the project audience and rejects a tampered one", async () => {
    const s = await scene();
    await api().db.prisma.user.update({ where: { id: s.machineId }, data: { accessTokenType: "JWT" } });
    // Role claims in a JWT access token are asked for by scope, as with ZITADEL.
    const token = await machineToken(s, "urn:zitadel:iam:org:projects:roles");

    const app = express();
    app.get("/project", auth({ issuerBaseURL: api().url, audience: s.projectId, strict: true }), (req, res) => {
      res.json({ sub: req.auth!.payload.sub, roles: req.auth!.payload[rolesClaim(s.projectId)] });
    });
    app.get("/elsewhere", auth({ issuerBaseURL: api().url, audience: "another-api", strict: true }), (_req, res) => {
      res.json({});
    });
    const base = await listen(app);

    const ok = await fetch(`${base}/project`, bearer(token));
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await ok.json()).toEqual({ sub: s.machineId, roles: s.roles });
    expect((await fetch(`${base}/project`, bearer(tamper(token, { sub: "1" })))).status).toBe(401);
    expect((await fetch(`${base}/project`, bearer(tamper(token, { exp: Math.floor(Date.now() / 1000) + 86_400 })))).status).toBe(401);
    expect((await fetch(`${base}/project`)).status).toBe(401);
    expect((await fetch(`${base}/elsewhere`, bearer(token))).status).toBe(401);
  });
});
