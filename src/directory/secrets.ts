// Generated secrets (client secrets, machine secrets, personal access tokens) and their storage.
// They are long random strings, so a SHA-256 hash at rest is as strong as a slow hash and keeps
// every token request at one index lookup; comparisons are constant-time.
import { createHash, randomInt, timingSafeEqual } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Only [A-Za-z0-9]: some clients put secrets into Basic auth without URL-encoding them. */
export function generateSecret(length = 64): string {
  let secret = "";
  for (let i = 0; i < length; i++) secret += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return secret;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function verifySecret(secret: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const actual = Buffer.from(hashSecret(secret), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
