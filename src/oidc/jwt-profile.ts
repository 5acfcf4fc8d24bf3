// The JWT-profile grant (RFC 7523, urn:ietf:params:oauth:grant-type:jwt-bearer) as ZITADEL offers
// it to service accounts: the assertion alone authenticates — no client authentication, no
// client_id (what @zitadel/node's ServiceAccount sends). The assertion is signed with a key of
// the machine user (its key file): kid = key id, iss = sub = user id, aud = the issuer, and it
// must expire within an hour. oidc-provider requires client authentication before any grant, so
// this grant is answered here, and the token is minted with oidc-provider's own model.
import { importSPKI, decodeProtectedHeader, decodeJwt, jwtVerify } from "jose";
import type { Context } from "koa";
import type Provider from "oidc-provider";
import { errors } from "oidc-provider";
import { findUserKey } from "../directory/user-credentials.js";
import { textProblem } from "../directory/validate.js";
import { accessTokenTypeOf } from "./client-info.js";
import { clientFacts, decidePath, type FactSources, refusal } from "./policy-facts.js";
import { ASSERTION_CLOCK_SKEW_S, assertionAudiences, MAX_TOKEN_LENGTH, outlivesAssertionLifetime } from "./token-limits.js";

export const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

class GrantError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export function createJwtProfileGrant(provider: Provider, sources: FactSources, resourceFor: (clientId: string) => string) {
  const audiences = new Set(assertionAudiences(provider.issuer));

  async function verifyAssertion(assertion: string) {
    let kid: string | undefined;
    let sub: unknown;
    try {
      kid = decodeProtectedHeader(assertion).kid;
      sub = decodeJwt(assertion).sub;
    } catch {
      throw new GrantError("invalid_grant", "the assertion is not a JWT");
    }
    if (!kid || typeof sub !== "string") throw new GrantError("invalid_grant", "the assertion needs a kid header and a sub claim");
    // No key has such an id or user (and PostgreSQL refuses NUL): not a lookup.
    if (textProblem(kid) || textProblem(sub)) throw new GrantError("invalid_grant", "unknown key");
    const key = await findUserKey({ prisma: sources.reads.prisma, actor: { id: sub } }, sub, kid);
    if (key?.user.type !== "MACHINE") throw new GrantError("invalid_grant", "unknown key");
    try {
      const { payload } = await jwtVerify(assertion, await importSPKI(key.publicKeyPem, "RS256"), {
        issuer: sub,
        subject: sub,
        algorithms: ["RS256"],
        clockTolerance: ASSERTION_CLOCK_SKEW_S,
        requiredClaims: ["exp", "aud"],
      });
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!aud.some((a) => typeof a === "string" && audiences.has(a))) throw new Error("audience");
      if (outlivesAssertionLifetime(payload.exp!)) throw new Error("lifetime");
    } catch {
      throw new GrantError("invalid_grant", "the assertion could not be verified (signature, issuer, audience or expiry)");
    }
    return key.user;
  }

  return async function jwtProfileGrant(ctx: Context, form: URLSearchParams): Promise<void> {
    try {
      const assertion = form.get("assertion");
      if (!assertion || assertion.length > MAX_TOKEN_LENGTH) throw new GrantError("invalid_request", "missing assertion");
      const user = await verifyAssertion(assertion);
      const scopes = [...new Set((form.get("scope") ?? "openid").split(" ").filter(Boolean))];
      // No client for a machine user that is inactive or whose organization is (clients.ts).
      const client = await provider.Client.find(user.id);
      if (!client) throw new GrantError("invalid_grant", "the user is not active");
      const { outcome } = await decidePath(sources, { path: "jwt_profile", client: clientFacts(client), subjectId: user.id, scopes });
      if (!outcome.allowed) throw refusal(outcome);
      const token = new provider.ClientCredentials({ client, scope: scopes.join(" ") });
      const jwt = accessTokenTypeOf(client) === "JWT";
      token.resourceServer = new provider.ResourceServer(resourceFor(client.clientId), {
        scope: scopes.join(" "),
        audience: client.clientId,
        accessTokenFormat: jwt ? "jwt" : "opaque",
        ...(jwt ? { jwt: { sign: { alg: "RS256" } } } : {}),
      });
      const value = await token.save();
      ctx.set("Cache-Control", "no-store");
      ctx.body = { access_token: value, token_type: "Bearer", expires_in: token.expiration, scope: token.scope };
    } catch (error) {
      const e =
        error instanceof GrantError
          ? error
          : error instanceof errors.InvalidScope || error instanceof errors.InvalidGrant
            ? new GrantError(error.error, error.error_description ?? "invalid grant")
            : undefined;
      if (!e) throw error;
      ctx.status = 400;
      ctx.set("Cache-Control", "no-store");
      ctx.body = { error: e.error, error_description: e.description };
    }
  };
}
