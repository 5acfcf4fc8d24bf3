// The console's sealed cookies and CSRF tokens (docs/rules.md#r-console-3).
import { describe, expect, it } from "vitest";
import { type ConsoleSession, createSealer } from "../../src/console/session.js";

const later = () => Math.floor(Date.now() / 1000) + 600;
const session = (): ConsoleSession => ({ token: "token-1", userId: "100", name: "Ada", expiresAt: later(), nonce: "n1" });

describe("the console's sealer", () => {
  const sealer = createSealer("cookie-key-1");

  it("opens what it sealed, for the same purpose only", () => {
    const sealed = sealer.seal("session", session());
    expect(sealer.unseal<ConsoleSession>("session", sealed)).toEqual(session());
    expect(sealer.unseal("sign-in", sealed)).toBeUndefined();
    expect(sealed).not.toContain("token-1");
  });

  it("refuses a changed byte, another key's seal, an expired value and garbage", () => {
    const sealed = sealer.seal("session", session());
    const bytes = Buffer.from(sealed, "base64url");
    for (const i of [0, 13, bytes.length - 1]) {
      const changed = Buffer.from(bytes);
      changed[i]! ^= 1;
      expect(sealer.unseal("session", changed.toString("base64url"))).toBeUndefined();
    }
    expect(createSealer("cookie-key-2").unseal("session", sealed)).toBeUndefined();
    expect(
      sealer.unseal("session", sealer.seal("session", { ...session(), expiresAt: Math.floor(Date.now() / 1000) - 1 })),
    ).toBeUndefined();
    for (const junk of [undefined, "", "abc", "x".repeat(9000)]) expect(sealer.unseal("session", junk)).toBeUndefined();
  });

  it("gives CSRF tokens bound to the session's user and nonce, checked in constant time", () => {
    const token = sealer.csrfToken(session());
    expect(sealer.verifyCsrf(session(), token)).toBe(true);
    expect(sealer.verifyCsrf({ ...session(), nonce: "n2" }, token)).toBe(false);
    expect(sealer.verifyCsrf({ ...session(), userId: "101" }, token)).toBe(false);
    expect(createSealer("cookie-key-2").verifyCsrf(session(), token)).toBe(false);
    for (const bad of [undefined, null, "", token.slice(1), `${token}x`]) expect(sealer.verifyCsrf(session(), bad)).toBe(false);
  });
});
