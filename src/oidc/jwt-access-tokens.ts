// JWT access tokens are self-contained: oidc-provider keeps no record of them and cannot revoke
// them. rolegate records each one's id (jti) with its grant for as long as the token lives, under
// a model of its own (a jti is no bearer token: APIs log it). Revoking the token, or its grant
// (end session, refresh-token reuse, revoking another token of the grant), removes the record;
// rolegate's own endpoints (introspection, userinfo, the management API) accept a JWT only while
// its record exists. Offline validators see the signature and `exp` only (README, Security).
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Adapter } from "oidc-provider";
import { unlessUnavailable } from "../http/unavailable.js";

/** The state-store model of the records (a grant's member: revokeByGrantId removes them). */
export const JWT_RECORD_MODEL = "JwtAccessToken";

export interface IssuedJwt {
  jti: string;
  grantId?: string | undefined;
  clientId?: string | undefined;
}

export interface JwtAccessTokens {
  /** Records a token being issued; `expiresIn` in seconds. */
  record(token: IssuedJwt, expiresIn: number): Promise<void>;
  /** The payload of a valid, unrevoked JWT access token of ours; undefined otherwise. */
  verify(token: string): Promise<JWTPayload | undefined>;
  /** Removes the token's record; returns its grant, if it had one. */
  revoke(jti: string): Promise<string | undefined>;
}

export function createJwtAccessTokens(records: Adapter, jwks: JWTVerifyGetKey, issuer: string): JwtAccessTokens {
  return {
    async record(token, expiresIn) {
      await records.upsert(token.jti, { jti: token.jti, grantId: token.grantId, clientId: token.clientId }, Math.max(1, Math.ceil(expiresIn)));
    },
    async verify(token) {
      if (token.length > 8192 || token.split(".").length !== 3) return undefined;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer, typ: "at+jwt" }));
      } catch {
        return undefined;
      }
      if (typeof payload.jti !== "string") return undefined;
      // An unreachable store is an outage (503), not a revoked token.
      const recorded = await records.find(payload.jti).catch(unlessUnavailable);
      return recorded ? payload : undefined;
    },
    async revoke(jti) {
      const recorded = await records.find(jti);
      if (!recorded) return undefined;
      await records.destroy(jti);
      return typeof recorded.grantId === "string" ? recorded.grantId : undefined;
    },
  };
}
