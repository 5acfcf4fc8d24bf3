// Limits on what rolegate reads of the tokens and assertions presented to it, written once for
// every reader: access tokens (management-tokens.ts, jwt-access-tokens.ts, userinfo) and
// assertions signed with a ZITADEL key file (client authentication in client-assertions.ts, the
// JWT-profile grant in jwt-profile.ts).

/** The longest token or assertion read; a longer one is refused unread. */
export const MAX_TOKEN_LENGTH = 8192;

/** An assertion must expire within an hour, as ZITADEL's key files sign them... */
export const ASSERTION_MAX_LIFETIME_S = 3600;
/** ...give or take this much clock skew (also the tolerance for its exp, nbf and iat). */
export const ASSERTION_CLOCK_SKEW_S = 60;

/** The audiences an assertion may name: the issuer, with or without a trailing slash, and the token endpoint. */
export function assertionAudiences(issuer: string): string[] {
  return [issuer, `${issuer}/`, `${issuer}/oauth/v2/token`];
}

/** Whether an assertion's exp (seconds) lies further ahead than its longest lifetime allows. */
export function outlivesAssertionLifetime(exp: number): boolean {
  return exp - Math.floor(Date.now() / 1000) > ASSERTION_MAX_LIFETIME_S + ASSERTION_CLOCK_SKEW_S;
}
