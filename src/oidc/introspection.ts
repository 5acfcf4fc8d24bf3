// Introspection as ZITADEL answers it: an app of project P learns, for an active token, the roles
// of P read now (both role claims), and a token whose user or machine user no longer passes P's
// access checks is reported inactive. Runs after oidc-provider's own introspection (which
// authenticated the caller and found the token).
import type { Client, KoaContextWithOIDC } from "oidc-provider";
import type Provider from "oidc-provider";
import { parseScopes } from "../access/scopes.js";
import type { JwtAccessTokens } from "./jwt-access-tokens.js";
import { audienceFor } from "../access/audience.js";
import { refusedAsStructuredToken } from "./internals.js";
import { kindOf, machineUserIdOf, projectIdOf } from "./client-info.js";
import { claimsFor } from "../access/policy.js";
import { clientFacts, decidePath, type FactSources } from "./policy-facts.js";

type IntrospectionBody = { active: boolean; sub?: string; client_id?: string; scope?: string; [claim: string]: unknown };

interface IntrospectedToken {
  clientId?: string | undefined;
  aud?: string | string[] | undefined;
  scope?: string | undefined;
}

/**
 * Whether an app of project P may introspect a token: tokens issued to P's apps, tokens whose
 * audience is P, and tokens (machine ones) that asked for P by aud scope.
 */
export async function mayIntrospect(provider: Provider, caller: Client, token: IntrospectedToken): Promise<boolean> {
  const projectId = projectIdOf(caller);
  if (!projectId) return false;
  if (token.clientId === caller.clientId) return true;
  const audiences = Array.isArray(token.aud) ? token.aud : token.aud ? [token.aud] : [];
  if (audiences.includes(projectId)) return true;
  if (parseScopes(String(token.scope ?? "").split(" ")).audienceProjects.includes(projectId)) return true;
  const tokenClient = token.clientId ? await provider.Client.find(token.clientId) : undefined;
  return projectIdOf(tokenClient) === projectId;
}

/**
 * oidc-provider keeps no record of JWT access tokens and reports them inactive; ZITADEL
 * introspects them. A JWT that verifies (signature, issuer, type, expiry, not revoked) is
 * described from its own claims.
 */
async function introspectJwt(ctx: KoaContextWithOIDC, jwts: JwtAccessTokens): Promise<IntrospectionBody | undefined> {
  const token = ctx.oidc.params?.token;
  if (typeof token !== "string" || token.split(".").length !== 3 || !ctx.oidc.client) return undefined;
  const payload = await jwts.verify(token);
  if (!payload) return undefined;
  const clientId = typeof payload.client_id === "string" ? payload.client_id : undefined;
  const scope = typeof payload.scope === "string" ? payload.scope : undefined;
  if (!(await mayIntrospect(ctx.oidc.provider, ctx.oidc.client, { clientId, aud: payload.aud, scope }))) return undefined;
  return {
    active: true,
    iss: payload.iss,
    sub: payload.sub,
    client_id: clientId,
    aud: payload.aud,
    scope,
    exp: payload.exp,
    iat: payload.iat,
    jti: payload.jti,
    token_type: "Bearer",
  };
}

export function createIntrospectionClaims(sources: FactSources, jwts: JwtAccessTokens) {
  return async function introspectionClaims(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    if (ctx.oidc?.route !== "introspection" || !ctx.body || typeof ctx.body !== "object") return;
    // oidc-provider refuses JWT access tokens.
    const refused = refusedAsStructuredToken(ctx);
    if (refused || (ctx.body as IntrospectionBody).active === false) {
      const jwt = await introspectJwt(ctx, jwts);
      if (jwt || refused) {
        ctx.status = 200;
        ctx.body = jwt ?? { active: false };
      }
    }
    const body = ctx.body as IntrospectionBody;
    const callerProject = projectIdOf(ctx.oidc.client);
    if (!body.active || !callerProject) return;

    // Whose token: a user's (sub) or a machine user's (its client is the machine user).
    const tokenClient = body.client_id ? await ctx.oidc.provider.Client.find(body.client_id) : undefined;
    // oidc-provider knows an opaque token's audience as its client id only; it has the audience
    // its JWT form would carry (the scope it was issued with was narrowed then).
    if (tokenClient) body.aud = audienceFor(tokenClient.clientId, projectIdOf(tokenClient), String(body.scope ?? "").split(" "));
    const machineUserId = kindOf(tokenClient) === "machine" ? machineUserIdOf(tokenClient) : undefined;
    const userId = machineUserId ?? (tokenClient && body.sub !== body.client_id ? body.sub : undefined);
    if (!userId) return;
    if (machineUserId) body.sub = machineUserId;

    // Users and machine users alike: a token of someone who no longer passes P's checks is inactive.
    const { facts, outcome } = await decidePath(sources, {
      path: "introspection",
      client: clientFacts(tokenClient!),
      subjectId: userId,
      scopes: String(body.scope ?? "")
        .split(" ")
        .filter(Boolean),
      projectId: callerProject,
      claims: ["introspection"],
    });
    if (!outcome.allowed) {
      ctx.body = { active: false };
      return;
    }
    Object.assign(body, claimsFor("introspection", facts));
  };
}
