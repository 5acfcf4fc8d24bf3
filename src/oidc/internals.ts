// The one place that reaches into oidc-provider internals. Each change says why the public
// configuration cannot do it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Client, Grant, KoaContextWithOIDC } from "oidc-provider";
import type Provider from "oidc-provider";
import als from "oidc-provider/lib/helpers/als.js";
import initializeKeystore from "oidc-provider/lib/helpers/initialize_keystore.js";
import revoke from "oidc-provider/lib/helpers/revoke.js";
import { audienceFor } from "../access/audience.js";
import { projectIdOf } from "./client-info.js";
import { verifySecret } from "../directory/secrets.js";

/**
 * Replaces the signing keys of a running provider: oidc-provider reads `jwks` once, at
 * construction; its own keystore initialiser swaps keystore and published JWKS together.
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
 * (the public API reads sessions only inside them). Never saves or changes the session.
 */
export async function sessionOf(
  provider: Provider,
  ctx: { req: IncomingMessage; res: ServerResponse },
): Promise<{ accountId: string; uid: string } | undefined> {
  const Session = provider.Session as unknown as { get(ctx: object): Promise<{ accountId?: string; uid?: string } | undefined> };
  const session = await Session.get({ req: ctx.req, res: ctx.res, secure: false });
  return session?.accountId && session.uid ? { accountId: session.accountId, uid: session.uid } : undefined;
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

  // For clients that come from the adapter, oidc-provider hashes the metadata's JSON on every
  // find to reuse the Client it built from equal metadata. rolegate's client reads hand back the
  // same object for as long as they cache it, so the Client built from that object is kept beside
  // it (an object read again after a change is new, and gets a new Client).
  const Clients = provider.Client as unknown as {
    find(id: string): Promise<Client | undefined>;
    adapter: { find(id: string): Promise<object | undefined> };
  };
  const findClient = Clients.find.bind(Clients);
  const built = new WeakMap<object, Client>();
  Clients.find = async (id) => {
    const metadata = typeof id === "string" && id ? await Clients.adapter.find(id) : undefined;
    const known = metadata && built.get(metadata);
    if (known) return known;
    const client = await findClient(id);
    if (client && metadata) built.set(metadata, client);
    return client;
  };

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
