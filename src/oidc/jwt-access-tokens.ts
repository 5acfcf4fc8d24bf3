// JWT access tokens are self-contained: oidc-provider keeps no record of them and cannot revoke
// them. rolegate keeps what revoking needs, for as long as a token lives, under models of its own
// (a jti is no bearer token: APIs log it):
//   - a user's token (it has a grant) is recorded by its id (jti) with its grant when issued.
//     Revoking the token, or its grant (end session, refresh-token reuse, revoking another token
//     of the grant), removes the record; a user's JWT counts only while its record exists.
//   - a machine user's token (client credentials, JWT profile: no grant) is not recorded, so
//     issuing one writes nothing; revoking it writes its jti to a deny list until it expires.
// rolegate's own endpoints (introspection, userinfo, the management API) check both; offline
// validators see the signature and `exp` only (README, Security).
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Adapter } from "oidc-provider";
import { unlessUnavailable } from "../http/unavailable.js";
import { MAX_TOKEN_LENGTH } from "./token-limits.js";

/** The state-store model of the records (a grant's member: revokeByGrantId removes them). */
export const JWT_RECORD_MODEL = "JwtAccessToken";
/** The state-store model of revoked tokens that have no record. */
export const JWT_REVOKED_MODEL = "RevokedJwtAccessToken";

export interface IssuedJwt {
  jti: string;
  grantId?: string | undefined;
  clientId?: string | undefined;
}

export interface JwtAccessTokens {
  /** Records a user's token being issued (tokens without a grant are not recorded); `expiresIn` in seconds. */
  record(token: IssuedJwt, expiresIn: number): Promise<void>;
  /** The payload of a valid, unrevoked JWT access token of ours; undefined otherwise. */
  verify(token: string): Promise<JWTPayload | undefined>;
  /** Revokes a verified token; returns its grant, if it had one. */
  revoke(payload: JWTPayload): Promise<string | undefined>;
}

/** Whether the token was issued in a user's sign-in (so it was recorded), by its payload. */
export type IssuedInSignIn = (payload: JWTPayload) => Promise<boolean>;

export function createJwtAccessTokens(
  stores: { records: Adapter; revoked: Adapter },
  jwks: JWTVerifyGetKey,
  issuer: string,
  inSignIn: IssuedInSignIn,
): JwtAccessTokens {
  const { records, revoked } = stores;
  const secondsLeft = (exp: number | undefined) => Math.max(1, Math.ceil((exp ?? 0) - Date.now() / 1000));
  return {
    async record(token, expiresIn) {
      if (!token.grantId) return;
      await records.upsert(
        token.jti,
        { jti: token.jti, grantId: token.grantId, clientId: token.clientId },
        Math.max(1, Math.ceil(expiresIn)),
      );
    },
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH || token.split(".").length !== 3) return undefined;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer, typ: "at+jwt" }));
      } catch {
        return undefined;
      }
      if (typeof payload.jti !== "string") return undefined;
      // An unreachable store is an outage (503), not a revoked token.
      const [recorded, denied] = (await Promise.all([records.find(payload.jti), revoked.find(payload.jti)]).catch(unlessUnavailable)) ?? [];
      if (denied) return undefined;
      if (!recorded && (await inSignIn(payload))) return undefined;
      return payload;
    },
    async revoke(payload) {
      const jti = String(payload.jti);
      const recorded = await records.find(jti);
      if (recorded) {
        await records.destroy(jti);
        return typeof recorded.grantId === "string" ? recorded.grantId : undefined;
      }
      await revoked.upsert(jti, { jti }, secondsLeft(payload.exp));
      return undefined;
    },
  };
}
