// Client assertions as ZITADEL key files make them (passport-zitadel, @zitadel/node): RS256,
// kid = key id, iss = sub = client id, aud = the issuer, exp within an hour, and no jti —
// passport-zitadel even reuses one assertion for up to an hour. oidc-provider requires a unique
// jti. So an assertion without jti is verified here (signature with the client's own keys,
// issuer, subject, audience, expiry, lifetime ≤ 1 h: reuse is bounded by its exp, per client),
// and then handed to oidc-provider re-signed, with a fresh jti, by a key that exists only in this
// process and is added to every key-authenticated client's JWKS. Assertions with a jti go to
// oidc-provider untouched, with its usual replay protection.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createLocalJWKSet, decodeJwt, jwtVerify, SignJWT, type JSONWebKeySet, type JWK } from "jose";
import type Provider from "oidc-provider";
import { ASSERTION_CLOCK_SKEW_S, assertionAudiences, MAX_TOKEN_LENGTH, outlivesAssertionLifetime } from "./token-limits.js";

const PROXY_KID = `rolegate-assertion-${randomUUID()}`;
const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });

/** The proxy key's public half, added to the JWKS of clients that authenticate with keys. */
export const ASSERTION_PROXY_JWK: JWK = { ...publicKey.export({ format: "jwk" }), kid: PROXY_KID, alg: "ES256", use: "sig" };

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * Rewrites `form` in place when it carries a ZITADEL-shaped assertion (no jti) that verifies;
 * anything else is left for oidc-provider to judge.
 */
export async function adaptClientAssertion(provider: Provider, form: URLSearchParams, endpointUrl: string): Promise<void> {
  const assertion = form.get("client_assertion");
  if (!assertion || form.get("client_assertion_type") !== ASSERTION_TYPE || assertion.length > MAX_TOKEN_LENGTH) return;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return;
  }
  if (claims.jti !== undefined || typeof claims.sub !== "string" || claims.iss !== claims.sub) return;
  const clientId = claims.sub;
  const client = await provider.Client.find(clientId);
  const keys = ((client?.metadata() as { jwks?: JSONWebKeySet } | undefined)?.jwks?.keys ?? []).filter((k) => k.kid !== PROXY_KID);
  if (!client || keys.length === 0) return;
  try {
    const { payload } = await jwtVerify(assertion, createLocalJWKSet({ keys }), {
      issuer: clientId,
      subject: clientId,
      audience: [...assertionAudiences(provider.issuer), endpointUrl],
      algorithms: ["RS256", "PS256", "ES256"],
      requiredClaims: ["exp"],
      clockTolerance: ASSERTION_CLOCK_SKEW_S,
    });
    if (outlivesAssertionLifetime(payload.exp!)) return;
  } catch {
    return;
  }
  const resigned = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: "ES256", kid: PROXY_KID })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(provider.issuer)
    .setIssuedAt()
    .setExpirationTime("60s")
    .sign(privateKey);
  form.set("client_assertion", resigned);
}
