// Tripwire for the reach-ins into libraries' private code: src/oidc/internals.ts (oidc-provider)
// and src/api/parse-errors.ts (connect-es). Each test checks a shape or behaviour a patch relies on,
// against the installed library, and its message names the function to revisit. When an upgrade
// fails here, read that function's comment, not the failing assertion's line.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { createMethodSerializationLookup } from "@connectrpc/connect/protocol";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { decodeProtectedHeader } from "jose";
import Provider, { errors } from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reclassifyParseErrors } from "../../src/api/parse-errors.js";
import { generateKey, type SigningAlg, signingJwks, type StoredKey } from "../../src/keys/jwk.js";
import {
  handOverBody,
  PINNED_MINOR,
  PRIVATE_MODULES,
  refusedAsStructuredToken,
  reloadSigningKeys,
  unavailableError,
  withinProviderRequest,
} from "../../src/oidc/internals.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const revisit = (fn: string) => `oidc-provider changed what src/oidc/internals.ts ${fn} relies on: revisit ${fn}`;
const packageJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8")) as Record<string, unknown>;
/** The text of one of oidc-provider's files, for behaviour that no public shape shows. */
const providerSource = (file: string) => readFileSync(path.join(ROOT, "node_modules/oidc-provider", file), "utf8");

const CLIENT = {
  client_id: "app",
  client_secret: "secret",
  redirect_uris: ["https://app.example/cb"],
  grant_types: ["client_credentials"],
};
const newProvider = (keys: StoredKey[], alg: SigningAlg = "RS256") =>
  new Provider("http://localhost:3000", {
    jwks: signingJwks(keys),
    cookies: { keys: ["a-cookie-key-of-some-length"] },
    ttl: { IdToken: 60, ClientCredentials: 60 },
    features: { devInteractions: { enabled: false }, introspection: { enabled: true }, clientCredentials: { enabled: true } },
    clients: [{ ...CLIENT, response_types: [], id_token_signed_response_alg: alg }],
  });

/** Signs an ID token through oidc-provider itself, to see which key it picks. */
async function kidSignedBy(provider: Provider): Promise<string | undefined> {
  const client = await provider.Client.find("app");
  const token = await new provider.IdToken({ sub: "user" }, { client }).issue({ use: "idtoken" });
  return decodeProtectedHeader(token).kid;
}

describe("oidc-provider, as src/oidc/internals.ts relies on it", () => {
  it("is the pinned minor version", () => {
    const installed = String(packageJson("node_modules/oidc-provider/package.json").version);
    const range = (packageJson("package.json").dependencies as Record<string, string>)["oidc-provider"];
    expect(range, "package.json pins oidc-provider to the minor version internals.ts was written for").toMatch(
      new RegExp(`^~${PINNED_MINOR.replace(".", "\\.")}\\.\\d+$`),
    );
    expect(
      installed.startsWith(`${PINNED_MINOR}.`),
      `oidc-provider ${installed} is installed, internals.ts was checked against ${PINNED_MINOR}.x: revisit every function in it, then PINNED_MINOR`,
    ).toBe(true);
  });

  it("has the private modules internals.ts loads, with the exports it calls", async () => {
    const load = async (specifier: string) => ((await import(specifier)) as { default: unknown }).default;
    expect(typeof (await load(PRIVATE_MODULES.initializeKeystore)), revisit("reloadSigningKeys")).toBe("function");
    expect(typeof (await load(PRIVATE_MODULES.revoke)), revisit("revokeGrant")).toBe("function");
    expect((await load(PRIVATE_MODULES.revoke)) as () => unknown, revisit("revokeGrant")).toHaveLength(2);
    const als = (await load(PRIVATE_MODULES.als)) as { run?: unknown };
    expect(typeof als.run, revisit("withinProviderRequest")).toBe("function");
  });

  it("reads Provider.ctx from the storage withinProviderRequest fills", () => {
    expect(Provider.ctx, revisit("withinProviderRequest")).toBeUndefined();
    expect(
      withinProviderRequest(() => Provider.ctx),
      revisit("withinProviderRequest"),
    ).toBeDefined();
  });

  it("signs with the first configured key of an algorithm, and with the reloaded keys after reloadSigningKeys", async () => {
    const [rsCurrent, rsNext, es] = await Promise.all([
      generateKey("RS256", "current"),
      generateKey("RS256", "next"),
      generateKey("ES256", "current"),
    ]);
    const provider = newProvider([rsNext, es, rsCurrent]); // signingJwks puts the current key first
    expect(await kidSignedBy(provider), revisit("reloadSigningKeys (and signingJwks' order in src/keys/jwk.ts)")).toBe(rsCurrent.kid);
    reloadSigningKeys(provider, signingJwks([{ ...rsCurrent, state: "retired" }, { ...rsNext, state: "current" }, es]));
    expect(await kidSignedBy(provider), revisit("reloadSigningKeys")).toBe(rsNext.kid);
  });

  it("has the classes, methods and fields adaptProvider patches or reads", async () => {
    const [key, es] = await Promise.all([generateKey("RS256", "current"), generateKey("ES256", "current")]);
    const provider = newProvider([key, es]);
    expect(typeof (provider.Grant as unknown as { find?: unknown }).find, revisit("adaptProvider (grantLoaded)")).toBe("function");
    expect(typeof provider.Client.prototype.compareClientSecret, revisit("adaptProvider (compareClientSecret)")).toBe("function");
    const IdToken = provider.IdToken as unknown as { prototype: Record<string, unknown> };
    expect(typeof IdToken.prototype.payload, revisit("adaptProvider (IdToken payload)")).toBe("function");
    expect(typeof IdToken.prototype.issue, revisit("adaptProvider (IdToken issue)")).toBe("function");
    const Context = provider.OIDCContext as unknown as { prototype: Record<string, unknown> };
    expect(typeof Context.prototype.entity, revisit("adaptProvider (OIDCContext entity)")).toBe("function");
    const token = new provider.IdToken({ sub: "user" }, { client: await provider.Client.find("app") }) as unknown as Record<
      string,
      unknown
    >;
    expect(token.available, revisit("adaptProvider (IdToken payload reads `available`)")).toEqual({ sub: "user" });
    expect(token.extra, revisit("adaptProvider (IdToken payload and issue write `extra`)")).toEqual({});
    expect(token.client, revisit("adaptProvider (IdToken issue swaps `client`)")).toBeDefined();
    // End session's id_token_hint goes through OIDCContext#entity("IdTokenHint", …).
    expect(providerSource("lib/actions/end_session.js"), revisit("adaptProvider (OIDCContext entity)")).toMatch(/entity\(\s*'IdTokenHint'/);
  });

  it("has Session.get and the adapters sessionOf and dropGrantArtifacts call", async () => {
    const [key, es] = await Promise.all([generateKey("RS256", "current"), generateKey("ES256", "current")]);
    const provider = newProvider([key, es]);
    expect(typeof (provider.Session as unknown as { get?: unknown }).get, revisit("sessionOf")).toBe("function");
    for (const model of [provider.AccessToken, provider.AuthorizationCode, provider.RefreshToken]) {
      const adapter = (model as unknown as { adapter?: { revokeByGrantId?: unknown } }).adapter;
      expect(typeof adapter?.revokeByGrantId, revisit("dropGrantArtifacts")).toBe("function");
    }
  });

  it("keeps end_session's post_logout_redirect_uri and state in the session's state before logoutSource", () => {
    const source = providerSource("lib/actions/end_session.js");
    expect(source, revisit("pendingLogout")).toMatch(/session\.state\.postLogoutRedirectUri\s*=/);
    expect(source, revisit("pendingLogout")).toMatch(/session\.state\.state\s*=/);
  });

  it("lets errors choose their status and whether the authorization endpoint redirects them", () => {
    const plain = new errors.TemporarilyUnavailable("x") as unknown as Record<string, unknown>;
    expect(typeof plain.allow_redirect, revisit("unavailableError")).toBe("boolean");
    expect(typeof plain.statusCode, revisit("unavailableError")).toBe("number");
    const error = unavailableError("down") as unknown as Record<string, unknown>;
    expect([error.error, error.status, error.statusCode, error.allow_redirect], revisit("unavailableError")).toEqual([
      "temporarily_unavailable",
      503,
      503,
      false,
    ]);
    expect(providerSource("lib/shared/authorization_error_handler.js"), revisit("unavailableError")).toMatch(/allow_redirect/);
  });

  describe("over HTTP", () => {
    let server: Server;
    let base: string;
    let lastRefused: boolean | undefined;

    beforeAll(async () => {
      const [key, es] = await Promise.all([generateKey("RS256", "current"), generateKey("ES256", "current")]);
      const provider = newProvider([key, es]);
      provider.use(async (ctx, next) => {
        await next();
        if (ctx.oidc?.route === "introspection") lastRefused = refusedAsStructuredToken(ctx as never);
      });
      const callback = provider.callback();
      server = createServer(async (req, res) => {
        if (req.headers["x-read-first"]) {
          // As form-requests.ts does: the body is read here, then handed over.
          const chunks: Buffer[] = [];
          for await (const chunk of req as IncomingMessage) chunks.push(chunk as Buffer);
          handOverBody(req, new URLSearchParams(Buffer.concat(chunks).toString()));
        }
        await callback(req, res);
      });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => server?.close());

    const post = (route: string, form: Record<string, string>, readFirst: boolean) =>
      fetch(`${base}${route}`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from("app:secret").toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
          ...(readFirst ? { "x-read-first": "1" } : {}),
        },
        body: new URLSearchParams(form),
      });

    it("reads a body handed over after the request stream was consumed", async () => {
      const answer = await post("/token", { grant_type: "client_credentials" }, true);
      expect(answer.status, revisit("handOverBody")).toBe(200);
      expect(((await answer.json()) as { access_token?: unknown }).access_token, revisit("handOverBody")).toBeTypeOf("string");
    });

    it("refuses a structured (JWT) token at introspection with unsupported_token_type", async () => {
      const jwt = `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.e30.c2ln`;
      const answer = await post("/token/introspection", { token: jwt }, false);
      expect(((await answer.json()) as { error?: unknown }).error, revisit("refusedAsStructuredToken")).toBe("unsupported_token_type");
      expect(lastRefused, revisit("refusedAsStructuredToken")).toBe(true);
    });
  });
});

describe("connect-es, as src/api/parse-errors.ts relies on it", () => {
  const revisitConnect = "connect-es changed what src/api/parse-errors.ts reclassifyParseErrors relies on: revisit it";

  it("throws `internal` with the message 'parse binary: …' for a body that is not protobuf", () => {
    const lookup = createMethodSerializationLookup(ProjectService.method.getProject, undefined, undefined, {
      readMaxBytes: 1 << 20,
      writeMaxBytes: 1 << 20,
    });
    let thrown: unknown;
    try {
      lookup.getI(true).parse(new Uint8Array([0xff, 0xff, 0xff]));
    } catch (error) {
      thrown = error;
    }
    expect(thrown, revisitConnect).toBeInstanceOf(ConnectError);
    expect((thrown as ConnectError).rawMessage, revisitConnect).toMatch(/^parse binary:/);
  });

  it("sets `code` through the prototype, after `rawMessage`, so the accessor reclassifies exactly these errors", () => {
    reclassifyParseErrors();
    expect(new ConnectError("parse binary: premature EOF", Code.Internal).code, revisitConnect).toBe(Code.InvalidArgument);
    expect(new ConnectError("something else", Code.Internal).code, revisitConnect).toBe(Code.Internal);
    expect(new ConnectError("parse binary: x", Code.NotFound).code, revisitConnect).toBe(Code.NotFound);
  });
});
