// Assembles the OIDC side of sign-in: keys, the state store, the provider and userinfo, as one
// Koa middleware; and the sign-in policy's port for the login UI (src/sign-in.ts joins the two).
import { stat } from "node:fs/promises";
import path from "node:path";
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { RedisClient } from "../redis.js";
import type Koa from "koa";
import type Provider from "oidc-provider";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log.js";
import { publicJwks } from "../keys/jwk.js";
import { loadKeys, SIGNING_KEYS_FILE } from "../keys/store.js";
import { reloadSigningKeys } from "./internals.js";
import { createManagementTokenResolver } from "./management-tokens.js";
import { answerPreflight } from "./cors.js";
import { findControlParameter } from "../http/form.js";
import { createFormRequests } from "./form-requests.js";
import { kindOfMetadata } from "./client-info.js";
import { createJwtAccessTokens, JWT_RECORD_MODEL, JWT_REVOKED_MODEL } from "./jwt-access-tokens.js";
import { createJwtProfileGrant } from "./jwt-profile.js";
import { createLoginPolicy } from "./access-prompt.js";
import { createProvider, resourceFor, ROUTES } from "./provider.js";
import { RedisStore } from "./redis-store.js";
import { MemoryStore, type StateStore } from "./store.js";
import { createUserinfo } from "./userinfo.js";
import { watchDirectoryChanges } from "./directory-changes.js";
import { cachedReads } from "./reads.js";
import { type ConsoleClient, withConsoleClient } from "./console-client.js";

const KEYS_POLL_MS = 2000;

/** Changes whenever the signing keys file is replaced (it is written atomically). */
async function keysVersion(keysDir: string): Promise<string> {
  const info = await stat(path.join(keysDir, SIGNING_KEYS_FILE)).catch(() => undefined);
  return info ? `${info.ino}:${info.mtimeMs}:${info.size}` : "";
}

export interface OidcDeps {
  issuer: string;
  /** Redis for sessions, codes, tokens and rate limits; absent: in memory (one instance). */
  redis?: RedisClient | undefined;
  keysDir: string;
  prisma: PrismaClient;
  log: Logger;
  trustProxy: boolean;
  /** The console's built-in client (absent: no console). */
  console?: ConsoleClient | undefined;
}

export interface Oidc {
  provider: Provider;
  /** What the login UI asks of the sign-in policy. */
  loginPolicy: ReturnType<typeof createLoginPolicy>;
  /** The key of the login UI's CSRF tokens. */
  csrfKey: string;
  /** Everything but the login UI's routes. */
  middleware: Koa.Middleware;
  /** Re-reads KEYS_DIR into the running provider (after a key was created, activated or removed). */
  reloadKeys(): Promise<void>;
  /** The user behind an access token issued for the management API, if it is one. */
  resolveAccessToken(token: string): Promise<string | undefined>;
  /** Clears the directory caches of every instance (after a change through the management API). */
  directoryChanged(): Promise<void>;
  close(): void;
}

export async function createOidc(deps: OidcDeps): Promise<Oidc> {
  const keys = await loadKeys(deps.keysDir);
  const store: StateStore = deps.redis ? new RedisStore(deps.redis) : new MemoryStore();
  // Clients, access snapshots and profiles are read through a cache of at most a second.
  const changes = watchDirectoryChanges(deps.redis, deps.log);
  const reads = withConsoleClient(cachedReads(deps.prisma, changes.cache), deps.console);
  // Verifies rolegate's own JWTs against the keys published now (they change on rotation).
  let verifyKeys = createLocalJWKSet(publicJwks(keys) as JSONWebKeySet);
  const jwks: JWTVerifyGetKey = (header, token) => verifyKeys(header, token);
  // A token is a user's when its client is an app (machine users' tokens have their own clients).
  const inSignIn = async (payload: JWTPayload) => {
    if (typeof payload.client_id !== "string") return false;
    const kind = kindOfMetadata(await reads.client(payload.client_id));
    return kind === "oidc" || kind === "console";
  };
  const jwtAccessTokens = createJwtAccessTokens(
    { records: store.adapterFor(JWT_RECORD_MODEL), revoked: store.adapterFor(JWT_REVOKED_MODEL) },
    jwks,
    deps.issuer,
    inSignIn,
  );
  const { provider, sources } = createProvider({ ...deps, reads, keys, store, jwtAccessTokens });
  const userinfo = createUserinfo(provider, sources, jwtAccessTokens);
  const providerCallback = provider.callback();
  const formRequest = createFormRequests(provider, createJwtProfileGrant(provider, sources, resourceFor), ROUTES.token);
  const formPaths = new Set<string>([ROUTES.token, ROUTES.introspection, ROUTES.revocation]);

  const middleware: Koa.Middleware = async (ctx) => {
    if (ctx.path === ROUTES.userinfo) {
      if (ctx.method === "GET" || ctx.method === "POST") return userinfo(ctx);
      if (ctx.method === "OPTIONS") return answerPreflight(ctx, reads, "GET, POST");
    }
    // oidc-provider answers its own preflights for any origin: unknown origins get none.
    if (ctx.method === "OPTIONS" && ctx.get("origin") && !(await reads.knownOrigin(ctx.get("origin")))) {
      ctx.status = 204;
      return;
    }
    // No OIDC parameter has control characters (NUL would reach PostgreSQL): invalid_request.
    const badParameter = ctx.querystring ? findControlParameter(new URLSearchParams(ctx.querystring)) : undefined;
    if (badParameter) {
      ctx.status = 400;
      ctx.set("Cache-Control", "no-store");
      ctx.body = { error: "invalid_request", error_description: `parameter ${badParameter} must not contain control characters` };
      return;
    }
    if (ctx.method === "POST" && (await formRequest(ctx, formPaths.has(ctx.path)))) return;
    ctx.respond = false; // oidc-provider answers everything else itself
    await providerCallback(ctx.req, ctx.res);
  };
  // Keys change through the WebKeyService of any instance: each instance notices the file.
  let keysFile = await keysVersion(deps.keysDir);
  const reloadKeys = async () => {
    keysFile = await keysVersion(deps.keysDir);
    const reloaded = await loadKeys(deps.keysDir);
    reloadSigningKeys(provider, reloaded.jwks as { keys: object[] });
    verifyKeys = createLocalJWKSet(publicJwks(reloaded) as JSONWebKeySet);
  };
  const keysWatch = setInterval(() => {
    void keysVersion(deps.keysDir).then(async (version) => {
      if (version !== keysFile)
        await reloadKeys().catch((error: unknown) => deps.log.error({ err: error }, "reloading signing keys failed"));
    });
  }, KEYS_POLL_MS);
  keysWatch.unref();

  return {
    provider,
    loginPolicy: createLoginPolicy(provider, sources),
    csrfKey: keys.cookieKeys[0]!,
    middleware,
    reloadKeys,
    resolveAccessToken: createManagementTokenResolver(provider, jwtAccessTokens, sources),
    directoryChanged: changes.changed,
    close: () => {
      clearInterval(keysWatch);
      changes.close();
      store.close();
    },
  };
}
