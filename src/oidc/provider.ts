// The oidc-provider instance: ZITADEL's endpoint paths, clients from the directory, the access
// checks in the interaction policy, and ZITADEL's claims in tokens.
import type Koa from "koa";
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import type { Logger } from "../log.js";
import { DEFAULT_BRANDING } from "../pages/branding.js";
import { renderErrorPage, renderLoggedOut } from "../pages/render.js";
import { createPolicy } from "./access-prompt.js";
import { createFindAccount } from "./account.js";
import { audienceFor } from "../access/audience.js";
import { managementConsented, narrowGrant } from "./audience-checks.js";
import { EMAIL_CLAIMS, PROFILE_CLAIMS } from "../access/claims.js";
import { claimsFor } from "../access/policy.js";
import { clientFacts, decidePath, type FactSources, loadFacts, refusal } from "./policy-facts.js";
import { accessTokenTypeOf, machineUserIdOf, projectIdOf } from "./client-info.js";
import { CLIENT_PROPERTIES } from "./clients.js";
import type { DirectoryReads } from "./reads.js";
import { allowedOrigins } from "./cors.js";
import { logoutSource } from "./end-session.js";
import { adaptProvider, refusedAsStructuredToken, revokeGrant } from "./internals.js";
import { answerOutages, answerUnconverted, guardOutages } from "./unavailable.js";
import { isUnavailable, UNAVAILABLE_PAGE } from "../http/unavailable.js";
import { createIntrospectionClaims, mayIntrospect } from "./introspection.js";
import { consumeDeferred, deferConsume } from "./refresh-rotation.js";
import type { JwtAccessTokens } from "./jwt-access-tokens.js";
import { JWT_BEARER } from "./jwt-profile.js";
import type { KeyMaterial } from "../keys/store.js";
import type { StateStore } from "./store.js";

export const ROUTES = {
  authorization: "/oauth/v2/authorize",
  token: "/oauth/v2/token",
  introspection: "/oauth/v2/introspect",
  revocation: "/oauth/v2/revoke",
  userinfo: "/oidc/v1/userinfo",
  end_session: "/oidc/v1/end_session",
  jwks: "/oauth/v2/keys",
} as const;

export interface ProviderDeps {
  issuer: string;
  /** Records of the JWT access tokens issued (for revocation), and their verification. */
  jwtAccessTokens: JwtAccessTokens;
  /** The directory, through the request-path cache. */
  reads: DirectoryReads;
  keys: KeyMaterial;
  store: StateStore;
  log: Logger;
  trustProxy: boolean;
}

/** Every access token is issued for the client's "resource": its project (and aud-scope projects). */
export const resourceFor = (clientId: string) => `urn:rolegate:client:${clientId}`;

/** All scopes of the request or of the artifact being exchanged. */
function scopesInPlay(ctx: KoaContextWithOIDC): string[] {
  const { params, entities } = ctx.oidc;
  const sources = [
    typeof params?.scope === "string" ? params.scope : undefined,
    entities.AuthorizationCode?.scope,
    entities.RefreshToken?.scope,
  ];
  return [...new Set(sources.flatMap((s) => (s ? s.split(" ") : [])))];
}

/** A grant lives 30 days from its last save; tokens outlive neither it nor their own TTL. */
const GRANT_TTL = 30 * 24 * 3600;

/** What a grant covers, to tell whether adding this request's scopes changed it. */
function grantedScopes(grant: InstanceType<Provider["Grant"]>): string {
  return JSON.stringify([grant.openid ?? null, grant.resources ?? null, grant.rejected ?? null]);
}

/**
 * Whether an existing grant is saved again: when it is new or changed, or past half its life
 * (saving renews its lifetime). An unchanged grant is otherwise left alone: one write less per sign-in.
 */
export function grantNeedsSave(grant: { jti?: string | undefined; exp?: number | undefined }, changed: boolean, nowS: number): boolean {
  if (!grant.jti || changed || !grant.exp) return true;
  return grant.exp - nowS < GRANT_TTL / 2;
}

/** The provider, and the sources of its sign-in policy's facts (for the paths served beside it). */
export function createProvider(deps: ProviderDeps): { provider: Provider; sources: FactSources } {
  // Directory reads and state-store calls: an outage answers 503 temporarily_unavailable.
  const reads = guardOutages(deps.reads, deps.log);
  const jwts = guardOutages(deps.jwtAccessTokens, deps.log);
  // The sign-in policy's facts come from here (policy-facts.ts).
  const sources: FactSources = guardOutages<FactSources>(
    { reads, managementConsented: (userId, clientId) => managementConsented(deps.reads, userId, clientId) },
    deps.log,
  );
  // Browsers reach an https issuer over TLS, always: its cookies are Secure (see below).
  const httpsIssuer = new URL(deps.issuer).protocol === "https:";
  const secureCookies = httpsIssuer ? { secure: true } : {};
  const configuration: Configuration = {
    adapter: (name: string) =>
      name === "Client"
        ? {
            find: (id: string) => reads.client(id),
            upsert: async () => undefined,
            findByUid: async () => undefined,
            findByUserCode: async () => undefined,
            consume: async () => undefined,
            destroy: async () => undefined,
            revokeByGrantId: async () => undefined,
          }
        : name === "RefreshToken"
          ? deferConsume(guardOutages(deps.store.adapterFor(name), deps.log), guardOutages(deps.store, deps.log))
          : guardOutages(deps.store.adapterFor(name), deps.log),
    jwks: deps.keys.jwks as Configuration["jwks"],
    cookies: {
      keys: deps.keys.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: "lax", ...secureCookies },
      short: { signed: true, httpOnly: true, sameSite: "lax", ...secureCookies },
    },
    routes: ROUTES,
    scopes: ["openid", "offline_access", "profile", "email"],
    claims: {
      openid: ["sub"],
      profile: [...PROFILE_CLAIMS],
      email: [...EMAIL_CLAIMS],
    },
    // The account decides what the ID token carries (ZITADEL's idTokenUserinfoAssertion).
    conformIdTokenClaims: false,
    extraClientMetadata: { properties: [...CLIENT_PROPERTIES] },
    findAccount: createFindAccount(sources),
    interactions: {
      url: (_ctx, interaction) => `/ui/login/${interaction.uid}`,
      policy: createPolicy(sources),
    },
    // First-party apps: no consent screen (as ZITADEL). The grant covers what was asked.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const grant =
        (grantId && (await ctx.oidc.provider.Grant.find(grantId))) ||
        new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const scopes = [
        ...new Set(
          String(ctx.oidc.params?.scope ?? "")
            .split(" ")
            .filter(Boolean),
        ),
      ];
      const before = grantedScopes(grant);
      grant.addOIDCScope(scopes.join(" "));
      for (const resource of Object.keys(ctx.oidc.resourceServers ?? {})) grant.addResourceScope(resource, scopes.join(" "));
      // Aud scopes of projects the user fails are rejected: the code and tokens are narrowed.
      await narrowGrant(sources, grant, client);
      if (grantNeedsSave(grant, grantedScopes(grant) !== before, Date.now() / 1000)) await grant.save();
      return grant;
    },
    pkce: { required: (_ctx, client) => client.clientAuthMethod === "none" },
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        // An API app (or any app) of project P may introspect tokens issued to P's apps or for P.
        allowedPolicy: async (ctx, caller, token) =>
          mayIntrospect(ctx.oidc.provider, caller, {
            clientId: token.clientId,
            aud: (token as { aud?: string | string[] }).aud,
            scope: token.scope,
          }),
      },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource,
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = "html";
          ctx.body = renderLoggedOut({ branding: DEFAULT_BRANDING });
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, client, oneOf) => oneOf ?? resourceFor(client.clientId),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource, client) => {
          if (resource !== resourceFor(client.clientId)) throw new errors.InvalidTarget("unknown resource");
          const scopes = scopesInPlay(ctx);
          // Client credentials: the machine user must pass the checks of every project it asks for.
          const machineUserId = machineUserIdOf(client);
          if (machineUserId && ctx.oidc.route === "token") {
            const { outcome } = await decidePath(sources, {
              path: "client_credentials",
              client: clientFacts(client),
              subjectId: machineUserId,
              scopes,
            });
            if (!outcome.allowed) throw refusal(outcome);
          }
          const jwt = accessTokenTypeOf(client) === "JWT";
          return {
            scope: scopes.join(" "),
            audience: client.clientId,
            accessTokenFormat: jwt ? "jwt" : "opaque",
            ...(jwt ? { jwt: { sign: { alg: "RS256" } } } : {}),
          };
        },
      },
    },
    formats: {
      customizers: {
        // The JWT access token's aud: client id, project id and aud-scope projects (RFC 9068 + ZITADEL).
        jwt: async (_ctx, token, jwt) => {
          const client = token.client;
          if (!client) return;
          // A user's token is recorded while it lives, so it can be revoked (jwt-access-tokens.ts).
          const { jti, exp, iat } = jwt.payload as { jti?: string; exp?: number; iat?: number };
          if (jti && exp)
            await jwts.record(
              { jti, grantId: "grantId" in token ? token.grantId : undefined, clientId: client.clientId },
              exp - (iat ?? Math.floor(Date.now() / 1000)),
            );
          jwt.payload.aud = audienceFor(client.clientId, projectIdOf(client), String(token.scope ?? "").split(" "));
          // A machine user's token is about the machine user (as ZITADEL), not its client id.
          const machineUserId = machineUserIdOf(client);
          if (machineUserId) jwt.payload.sub = machineUserId;
        },
      },
    },
    extraTokenClaims: async (ctx, token) => {
      const client = token.client ?? ctx.oidc.client;
      if (!client || accessTokenTypeOf(client) !== "JWT") return undefined;
      const scopes = String(token.scope ?? "").split(" ");
      const machineUserId = machineUserIdOf(client);
      const userId = machineUserId ?? (token as { accountId?: string }).accountId;
      if (!userId) return undefined;
      const facts = await loadFacts(sources, { client: clientFacts(client), subjectId: userId, scopes, claims: ["access_token"] });
      return claimsFor("access_token", facts);
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed("refresh_token") && (code.scopes.has("offline_access") || code.scopes.has(OFFLINE_MARKER)),
    // Rotation on every use; a reused refresh token revokes the whole grant (oidc-provider).
    rotateRefreshToken: true,
    clientBasedCORS: (_ctx, origin, client) => allowedOrigins(client).has(origin),
    renderError: async (ctx, out, error) => {
      ctx.type = "html";
      if (isUnavailable(error)) {
        ctx.status = 503;
        ctx.body = renderErrorPage({ ...UNAVAILABLE_PAGE, branding: DEFAULT_BRANDING });
        return;
      }
      ctx.body = renderErrorPage({
        title: "Something went wrong",
        message: String(out.error_description ?? out.error ?? "The request could not be completed."),
        branding: DEFAULT_BRANDING,
      });
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 3600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 30 * 24 * 3600,
      Session: 14 * 24 * 3600,
      Grant: GRANT_TTL,
    },
    enabledJWA: {
      idTokenSigningAlgValues: ["RS256", "ES256"],
    },
    responseTypes: ["code", "id_token", "id_token token", "none"],
  };

  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.trustProxy;
  if (httpsIssuer) connectionsAreSecure(provider);
  adaptProvider(provider, {
    // Grants belong to users' sign-ins: their aud scopes are re-decided whenever one is used.
    grantLoaded: async (grant) => {
      const client = grant.clientId ? await provider.Client.find(grant.clientId) : undefined;
      if (client) await narrowGrant(sources, grant, client);
    },
  });
  provider.use(answerOutages(deps.log)); // first: around everything below
  provider.use(consumeDeferred); // a failed consume answers 503 through answerOutages
  provider.use(keepOfflineAccess);
  provider.use(advertiseJwtProfile);
  provider.use(createIntrospectionClaims(sources, jwts));
  provider.use(revokeJwtAccessTokens(jwts));
  provider.on("server_error", (ctx, error) => {
    if (!answerUnconverted(ctx, error, deps.log)) deps.log.error({ err: error }, "oidc-provider server error");
  });
  return { provider, sources };
}

/**
 * rolegate speaks plain HTTP only, so an https issuer means a proxy terminates TLS in front of it.
 * Koa thinks a request secure only when TRUST_PROXY is on and the proxy's X-Forwarded-Proto says
 * https, and its cookie jar refuses to set a Secure cookie otherwise ("Cannot send secure cookie
 * over unencrypted connection"). The browser's connection is the one that counts: for an https
 * issuer the provider's requests count as secure (Koa's documented app.request extension point;
 * oidc-provider reads `ctx.secure` for its cookies only). X-Forwarded-Proto then decides nothing.
 */
function connectionsAreSecure(provider: Provider): void {
  Object.defineProperty(provider.request, "secure", { get: () => true, configurable: true });
}

/**
 * oidc-provider drops offline_access unless prompt=consent (OIDC Core 11); ZITADEL issues a
 * refresh token whenever it is asked for. Before oidc-provider reads the authorization request,
 * offline_access gains a companion scope that survives; token responses show offline_access.
 */
export const OFFLINE_MARKER = "urn:rolegate:offline_access";

export async function keepOfflineAccess(ctx: Koa.Context, next: () => Promise<void>): Promise<void> {
  if (ctx.path === ROUTES.authorization && ctx.method === "GET" && typeof ctx.query.scope === "string") {
    const scopes = ctx.query.scope.split(" ");
    if (scopes.includes("offline_access") && !scopes.includes(OFFLINE_MARKER)) {
      ctx.query = { ...ctx.query, scope: [...scopes, OFFLINE_MARKER].join(" ") };
    }
  }
  await next();
  if (ctx.path === ROUTES.token && ctx.body && typeof ctx.body === "object") {
    const body = ctx.body as { scope?: unknown };
    if (typeof body.scope === "string" && body.scope.includes(OFFLINE_MARKER)) {
      body.scope = body.scope
        .split(" ")
        .map((s) => (s === OFFLINE_MARKER ? "offline_access" : s))
        .join(" ");
    }
  }
}

/** Discovery lists the JWT-profile grant, which rolegate answers beside oidc-provider (jwt-profile.ts). */
async function advertiseJwtProfile(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  const body = ctx.body as { grant_types_supported?: string[] } | undefined;
  if (ctx.oidc?.route === "discovery" && Array.isArray(body?.grant_types_supported)) body.grant_types_supported.push(JWT_BEARER);
}

/**
 * oidc-provider refuses to revoke structured tokens (unsupported_token_type); rolegate revokes a
 * JWT access token itself (jwt-access-tokens.ts), and a user's token's grant with it, as
 * oidc-provider does for opaque ones.
 * Runs after oidc-provider has authenticated the client. Tokens of other clients, unknown and
 * expired ones answer 200 and change nothing (RFC 7009 §2.2).
 */
function revokeJwtAccessTokens(jwts: JwtAccessTokens) {
  return async function revokeJwt(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    if (ctx.oidc?.route !== "revocation" || !refusedAsStructuredToken(ctx)) return;
    const token = ctx.oidc.params?.token;
    const payload = typeof token === "string" ? await jwts.verify(token) : undefined;
    if (payload?.jti && payload.client_id === ctx.oidc.client?.clientId) {
      const grantId = await jwts.revoke(payload);
      if (grantId) await revokeGrant(ctx, grantId);
    }
    ctx.status = 200;
    ctx.body = "";
  };
}
