// The `Authorization: Bearer <token>` header (RFC 6750, section 2.1), as the management API and
// userinfo read it: the scheme in any case, then one token without white space.
const BEARER = /^Bearer\s+(\S+)$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when the header is missing or of another shape. */
export function bearerToken(header: string | null | undefined): string | undefined {
  return BEARER.exec(header ?? "")?.[1];
}
