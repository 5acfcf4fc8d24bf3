// Stateless CSRF tokens for the login forms: an HMAC of the interaction id, so a token is good
// only for the interaction it was issued in and nothing has to be stored.
import { createHmac, timingSafeEqual } from "node:crypto";

export function createCsrfToken(key: string, interactionUid: string): string {
  // An empty key would make every token computable by anyone.
  if (!key) throw new Error("CSRF key must not be empty");
  return createHmac("sha256", key).update(`csrf:${interactionUid}`).digest("base64url");
}

export function verifyCsrfToken(key: string, interactionUid: string, token: unknown): boolean {
  if (typeof token !== "string") return false;
  const expected = Buffer.from(createCsrfToken(key, interactionUid));
  const given = Buffer.from(token);
  // timingSafeEqual throws on different lengths; the length of a valid token is no secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
