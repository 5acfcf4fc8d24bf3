// The one place that reaches into oidc-provider's internals: its private modules (lib/...), private
// fields and prototypes of its classes, and undocumented behaviour rolegate depends on. Each function
// says why the public configuration cannot do it. oidc-provider is pinned to its minor version
// (package.json), and test/oidc/internals.test.ts checks every shape relied on here: when an
// upgrade fails it, the test names the function below to revisit.
import type { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Client, Grant, KoaContextWithOIDC } from "oidc-provider";
import type Provider from "oidc-provider";
import { errors } from "oidc-provider";
import { verifySecret } from "../directory/secrets.js";
import { audienceFor } from "../access/audience.js";
import { projectIdOf } from "./client-info.js";

/** The oidc-provider release line the reach-ins below were written against (package.json pins it). */
export const PINNED_MINOR = "9.13";

/**
 * The private modules used here, loaded by path: they ship without typings, so each is typed
 * locally with the shape relied on (test/oidc/internals.test.ts checks it at run time).
 */
export const PRIVATE_MODULES = {
  initializeKeystore: "oidc-provider/lib/helpers/initialize_keystore.js",
  als: "oidc-provider/lib/helpers/als.js",
  revoke: "oidc-provider/lib/helpers/revoke.js",
} as const;

async function privateDefault<T>(specifier: string): Promise<T> {
  return ((await import(specifier)) as { default: T }).default;
}

/** Replaces the provider's signing keystore and published JWKS (called with the provider as `this`). */
type InitializeKeystore = (this: Provider, jwks: { keys: object[] }) => void;
/** The async local storage that holds the request being served (what Provider.ctx reads). */
type RequestStorage = AsyncLocalStorage<KoaContextWithOIDC>;
/** Revokes every artifact of a grant, as oidc-provider's revocation endpoint does. */
type RevokeGrant = (ctx: KoaContextWithOIDC, grantId: string) => Promise<void>;

const [initializeKeystore, als, revoke] = await Promise.all([
  privateDefault<InitializeKeystore>(PRIVATE_MODULES.initializeKeystore),
  privateDefault<RequestStorage>(PRIVATE_MODULES.als),
  privateDefault<RevokeGrant>(PRIVATE_MODULES.revoke),
]);

/**
 * Replaces the signing keys of a running provider: oidc-provider reads `jwks` once, at
 * construction; its own keystore initialiser swaps keystore and published JWKS together.
 * Here as at construction, oidc-provider signs with the first configured key of an algorithm
 * (KeyStore#selectForSign in lib/helpers/keystore.js keeps the configured order among keys that
 * declare `alg` and `use`): src/keys/jwk.ts lists each algorithm's current key first for that.
 */
export function reloadSigningKeys(provider: Provider, jwks: { keys: object[] }): void {
  initializeKeystore.call(provider, structuredClone(jwks));
}

/**
 * Runs `work` as inside one of oidc-provider's requests (its context, Provider.ctx, is set), for
 * callers outside one, such as tests of the Redis store's read-ahead.
 */
export function withinProviderRequest<T>(work: () => T): T {
  return als.run({} as never, work);
}

/**
 * Revokes a grant and every artifact of it, as oidc-provider does when one of its tokens is
 * revoked (its helper; the public API revokes only tokens it parsed itself).
 */
export function revokeGrant(ctx: KoaContextWithOIDC, grantId: string): Promise<void> {
  return revoke(ctx, grantId);
}

/**
 * The user signed in with this browser's rolegate session, outside oidc-provider's own routes
 * (the public API reads sessions only inside them; Session.get is not part of it). Never saves or
 * changes the session.
 */
export async function sessionOf(
  provider: Provider,
  ctx: { req: IncomingMessage; res: ServerResponse },
): Promise<{ accountId: string; uid: string } | undefined> {
  const Session = provider.Session as unknown as { get(ctx: object): Promise<{ accountId?: string; uid?: string } | undefined> };
  const session = await Session.get({ req: ctx.req, res: ctx.res, secure: false });
  return session?.accountId && session.uid ? { accountId: session.accountId, uid: session.uid } : undefined;
}

/** What oidc-provider's end_session endpoint asked for, as logoutSource sees it. */
export interface PendingLogout {
  postLogoutRedirectUri?: string | undefined;
  state?: string | undefined;
}

/**
 * The post_logout_redirect_uri and state of the logout being confirmed. oidc-provider validates
 * them and keeps them in the session's `state` (lib/actions/end_session.js) before it calls
 * logoutSource, which receives only the form; the documented API does not hand them over.
 */
export function pendingLogout(ctx: KoaContextWithOIDC): PendingLogout | undefined {
  const state = ctx.oidc.session?.state as { postLogoutRedirectUri?: unknown; state?: unknown } | undefined;
  if (!state) return undefined;
  return {
    postLogoutRedirectUri: typeof state.postLogoutRedirectUri === "string" ? state.postLogoutRedirectUri : undefined,
    state: typeof state.state === "string" ? state.state : undefined,
  };
}

/**
 * Drops every access token, authorization code and refresh token of a grant, whichever client it
 * belongs to, through each model's adapter (one call per model: each model's store drops its
 * artifacts of the grant). The public API revokes tokens one by one, and `revokeGrant` above
 * only for the request's own client.
 */
export async function dropGrantArtifacts(provider: Provider, grantId: string): Promise<void> {
  const models = [provider.AccessToken, provider.AuthorizationCode, provider.RefreshToken] as unknown as {
    adapter: { revokeByGrantId(id: string): Promise<void> };
  }[];
  await Promise.all(models.map((model) => model.adapter.revokeByGrantId(grantId)));
}

/**
 * Hands a form body rolegate has read already to oidc-provider: its body parser takes an
 * already-read body from `req.body` when the request stream is consumed
 * (lib/shared/selective_body.js); there is no option to pass one.
 */
export function handOverBody(req: IncomingMessage, body: URLSearchParams): void {
  (req as IncomingMessage & { body?: string }).body = body.toString();
}

/**
 * oidc-provider's temporarily_unavailable with HTTP status 503, shown on the error page rather
 * than redirected to the client. Its error classes fix their status (400 here) and whether the
 * authorization endpoint may redirect them (`allow_redirect`, lib/helpers/errors.js,
 * lib/shared/authorization_error_handler.js); neither is a constructor option.
 */
export function unavailableError(description: string): Error {
  const error = new errors.TemporarilyUnavailable(description) as InstanceType<typeof errors.TemporarilyUnavailable> & {
    status: number;
    statusCode: number;
    allow_redirect: boolean;
  };
  error.status = 503;
  error.statusCode = 503;
  error.allow_redirect = false;
  return error;
}

/**
 * Whether oidc-provider refused the token of this introspection or revocation request as a
 * structured (JWT) token: it answers those unsupported_token_type
 * (lib/shared/reject_structured_tokens.js) and keeps no record of them; rolegate answers them
 * itself after it (introspection.ts, provider.ts). No option changes that answer.
 */
export function refusedAsStructuredToken(ctx: KoaContextWithOIDC): boolean {
  return (ctx.body as { error?: unknown } | undefined)?.error === "unsupported_token_type";
}

/** Key in the claims an account returns, holding claims with dynamic names (see below). */
export const DYNAMIC_CLAIMS = "rolegate:dynamic";

export interface ProviderHooks {
  /** Runs on every grant oidc-provider loads (token, userinfo, authorization), before it is used. */
  grantLoaded?: ((grant: Grant) => Promise<void>) | undefined;
}

export function adaptProvider(provider: Provider, hooks: ProviderHooks = {}): void {
  // Every token, ID token and userinfo answer takes its scopes through the grant of its request,
  // loaded by Grant.find; the public configuration has no hook between loading and using it
  // (loadExistingGrant covers the authorization endpoint only).
  const grantLoaded = hooks.grantLoaded;
  if (grantLoaded) {
    const Grants = provider.Grant as unknown as { find(...args: unknown[]): Promise<Grant | undefined> };
    const findGrant = Grants.find.bind(Grants);
    Grants.find = async (...args) => {
      const grant = await findGrant(...args);
      if (grant) await grantLoaded(grant);
      return grant;
    };
  }

  // Client secrets are stored hashed (SHA-256 of a high-entropy secret); the client metadata
  // carries the hash, so the comparison hashes what the client sent (constant-time).
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return verifySecret(actual, this.clientSecret);
  };

  // oidc-provider only puts claims registered by name into ID tokens, but ZITADEL's role claims
  // are named per project (urn:zitadel:iam:org:project:{id}:roles). Accounts hand them over under
  // DYNAMIC_CLAIMS (an unregistered name, so never emitted itself); they join the token's extras.
  const IdToken = provider.IdToken as unknown as { prototype: { payload(): Promise<Record<string, unknown>> } };
  const payload = IdToken.prototype.payload;
  IdToken.prototype.payload = async function payloadWithDynamicClaims(this: {
    available: Record<string, unknown>;
    extra: Record<string, unknown>;
  }) {
    const dynamic = this.available[DYNAMIC_CLAIMS];
    if (dynamic && typeof dynamic === "object") Object.assign(this.extra, dynamic);
    return payload.call(this);
  };

  // End session reads the client from the id_token_hint's `aud`, which for ZITADEL-shaped ID
  // tokens is a list (client id, project id); the client is the token's azp.
  const Context = provider.OIDCContext as unknown as { prototype: { entity(key: string, value: unknown): void } };
  const entity = Context.prototype.entity;
  Context.prototype.entity = function entityWithAzp(key, value) {
    const hint = value as { payload?: { aud?: unknown; azp?: unknown } } | undefined;
    if (key === "IdTokenHint" && Array.isArray(hint?.payload?.aud) && typeof hint.payload.azp === "string") {
      value = { ...hint, payload: { ...hint.payload, aud: hint.payload.azp } };
    }
    entity.call(this, key, value);
  };

  // ZITADEL's ID tokens are for the client and its project (and aud-scope projects), with azp.
  // oidc-provider signs ID tokens with `audience: client.clientId`; for the duration of issue()
  // the token sees a view of its client whose clientId is that list.
  const Token = provider.IdToken as unknown as {
    prototype: { issue(this: IssuingToken, options?: { use?: string }): Promise<string> };
  };
  const issue = Token.prototype.issue;
  Token.prototype.issue = async function issueWithAudience(this: IssuingToken, options) {
    const client = this.client;
    const aud = audienceFor(client.clientId, projectIdOf(client), String(this.scope ?? "").split(" "));
    if (options?.use !== "idtoken" || aud.length < 2) return issue.call(this, options);
    this.extra.azp = client.clientId;
    this.client = new Proxy(client, { get: (target, prop) => (prop === "clientId" ? aud : Reflect.get(target, prop, target)) });
    try {
      return await issue.call(this, options);
    } finally {
      this.client = client;
    }
  };
}

interface IssuingToken {
  client: Client;
  scope?: string;
  extra: Record<string, unknown>;
}
