// The console's session: a sealed cookie (AES-256-GCM) holding the signed-in user's access token
// for the management API and when it expires. Nothing is stored server-side, so every instance
// reads it; the token itself is revoked at sign-out. The same key seals the short-lived state of
// a sign-in in progress (state, PKCE verifier, where to go back), and keys the forms' CSRF tokens.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

export interface ConsoleSession {
  /** The access token (management audience) the console calls the API with. */
  token: string;
  userId: string;
  /** Shown in the header. */
  name: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** Random per session: the forms' CSRF tokens are bound to it. */
  nonce: string;
}

export interface PendingSignIn {
  state: string;
  verifier: string;
  /** A console path to go back to after the sign-in. */
  returnTo: string;
  expiresAt: number;
}

/** What a sealed value is for: one cannot be used as the other (it is the cipher's associated data). */
export type Purpose = "session" | "sign-in";

export interface Sealer {
  seal(purpose: Purpose, value: { expiresAt: number }): string;
  unseal<T>(purpose: Purpose, sealed: string | undefined): T | undefined;
  csrfToken(session: ConsoleSession): string;
  verifyCsrf(session: ConsoleSession, token: unknown): boolean;
}

/** `secret` is the cookie key of KEYS_DIR (shared by every instance); separate keys derive from it. */
export function createSealer(secret: string): Sealer {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", secret, "rolegate-console", info, 32));
  const sealKey = derive("session seal");
  const csrfKey = derive("csrf");
  const csrfOf = (session: ConsoleSession) =>
    createHmac("sha256", csrfKey).update(`${session.userId}\n${session.nonce}`).digest("base64url");
  return {
    seal(purpose, value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", sealKey, iv);
      cipher.setAAD(Buffer.from(purpose));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
    },
    unseal<T>(purpose: Purpose, sealed: string | undefined): T | undefined {
      if (!sealed || sealed.length > 8192) return undefined;
      const bytes = Buffer.from(sealed, "base64url");
      if (bytes.length < 29) return undefined;
      try {
        const decipher = createDecipheriv("aes-256-gcm", sealKey, bytes.subarray(0, 12));
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(bytes.subarray(12, 28));
        const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
        const value = JSON.parse(text) as { expiresAt?: unknown };
        // Every sealed value carries its expiry: a copied cookie is good only until then.
        if (typeof value.expiresAt !== "number" || value.expiresAt * 1000 <= Date.now()) return undefined;
        return value as T;
      } catch {
        return undefined; // tampered, from another key, or not ours
      }
    },
    csrfToken: csrfOf,
    verifyCsrf(session, token) {
      if (typeof token !== "string") return false;
      const expected = Buffer.from(csrfOf(session));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export const newNonce = () => randomBytes(16).toString("base64url");

/** The session cookie's name (path /ui/console). */
export const SESSION_COOKIE = "rolegate_console";
