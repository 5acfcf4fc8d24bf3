import { describe, expect, it } from "vitest";
import { createCsrfToken, verifyCsrfToken } from "../../src/login/csrf.js";

const KEY = "a-test-key-of-some-length";
const UID = "Hx3kV0p6r6wQ2mQ9";

describe("CSRF tokens", () => {
  it("are base64url HMAC-SHA256 and stable for one interaction", () => {
    const token = createCsrfToken(KEY, UID);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createCsrfToken(KEY, UID)).toBe(token);
  });

  it("verify for the same interaction", () => {
    expect(verifyCsrfToken(KEY, UID, createCsrfToken(KEY, UID))).toBe(true);
  });

  it("fail for another interaction or another key", () => {
    expect(verifyCsrfToken(KEY, "another-uid", createCsrfToken(KEY, UID))).toBe(false);
    expect(verifyCsrfToken("another-key", UID, createCsrfToken(KEY, UID))).toBe(false);
  });

  it("fail when tampered with, shortened or lengthened", () => {
    const token = createCsrfToken(KEY, UID);
    const flipped = (token[0] === "A" ? "B" : "A") + token.slice(1);
    expect(verifyCsrfToken(KEY, UID, flipped)).toBe(false);
    expect(verifyCsrfToken(KEY, UID, token.slice(0, -1))).toBe(false);
    expect(verifyCsrfToken(KEY, UID, `${token}A`)).toBe(false);
    expect(verifyCsrfToken(KEY, UID, "")).toBe(false);
  });

  it("fail for anything that is not a string", () => {
    const token = createCsrfToken(KEY, UID);
    for (const value of [undefined, null, 42, [token], { token }, Buffer.from(token)]) {
      expect(verifyCsrfToken(KEY, UID, value)).toBe(false);
    }
  });

  it("refuse an empty key", () => {
    expect(() => createCsrfToken("", UID)).toThrow();
    expect(() => verifyCsrfToken("", UID, "x")).toThrow();
  });
});
