// The userinfo endpoint, served here rather than by oidc-provider: ZITADEL accepts every access
// token it issued to an app there, opaque or JWT (oidc-provider refuses tokens that carry a
// resource audience, and every rolegate token does). The access checks run again, and role
// claims are read now.
import type { Context } from "koa";
import type Provider from "oidc-provider";
import { claimsFor } from "../access/policy.js";
import type { JwtAccessTokens } from "./jwt-access-tokens.js";
import { allowClientOrigin } from "./cors.js";
import { clientFacts, decidePath, type FactSources } from "./policy-facts.js";
import { bearerToken } from "../http/bearer.js";
import { unlessUnavailable } from "../http/unavailable.js";
import { MAX_TOKEN_LENGTH } from "./token-limits.js";

function fail(ctx: Context, status: number, error: string, description: string) {
  ctx.status = status;
  ctx.set("WWW-Authenticate", `Bearer error="${error}", error_description="${description}"`);
  ctx.set("Cache-Control", "no-store");
  ctx.body = { error, error_description: description };
}

interface TokenInfo {
  accountId: string;
  clientId: string;
  scope: string;
}

/**
 * The token's subject, client and scope. Opaque tokens are looked up in the store; JWT access
 * tokens by signature, issuer, type, expiry and their record (not revoked).
 */
async function readToken(provider: Provider, jwts: JwtAccessTokens, token: string): Promise<TokenInfo | undefined> {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  if (token.split(".").length === 3) {
    const payload = await jwts.verify(token);
    if (typeof payload?.sub !== "string" || typeof payload.client_id !== "string") return undefined;
    return { accountId: payload.sub, clientId: payload.client_id, scope: String(payload.scope ?? "") };
  }
  // An unreadable token is invalid; an unreachable store is an outage (503), not a bad token.
  const stored = await provider.AccessToken.find(token).catch(unlessUnavailable);
  if (!stored || stored.isExpired || !stored.accountId || !stored.clientId) return undefined;
  return { accountId: stored.accountId, clientId: stored.clientId, scope: String(stored.scope ?? "") };
}

export function createUserinfo(provider: Provider, sources: FactSources, jwts: JwtAccessTokens) {
  return async function userinfo(ctx: Context): Promise<void> {
    const token = bearerToken(ctx.get("authorization"));
    if (!token) return fail(ctx, 401, "invalid_token", "no access token provided");
    const accessToken = await readToken(provider, jwts, token);
    if (!accessToken) return fail(ctx, 401, "invalid_token", "invalid token provided");
    const scopes = String(accessToken.scope ?? "").split(" ");
    if (!scopes.includes("openid")) return fail(ctx, 403, "insufficient_scope", "the openid scope was not granted");
    const client = await provider.Client.find(accessToken.clientId);
    allowClientOrigin(ctx, client);
    if (!client) return fail(ctx, 401, "invalid_token", "the token's client is not available");
    const { facts, outcome } = await decidePath(sources, {
      path: "userinfo",
      client: clientFacts(client),
      subjectId: accessToken.accountId,
      scopes,
      claims: ["userinfo"],
    });
    if (!outcome.allowed) {
      const gone = outcome.denial?.reason === "user_unknown";
      // The policy's answer for userinfo (invalid_token); the description says no more than that.
      return fail(ctx, 401, outcome.denial!.answer, gone ? "the user no longer exists" : "the user may no longer use this application");
    }
    ctx.set("Cache-Control", "no-store");
    ctx.body = { sub: accessToken.accountId, ...claimsFor("userinfo", facts) };
  };
}
