// When the sign-in path saves an existing grant again (src/oidc/provider.ts, loadExistingGrant).
import { describe, expect, it } from "vitest";
import { grantNeedsSave } from "../../src/oidc/provider.js";

const DAY = 24 * 3600;
const NOW = 1_800_000_000;

describe("grantNeedsSave", () => {
  it("saves a new grant and a changed one", () => {
    expect(grantNeedsSave({}, false, NOW)).toBe(true);
    expect(grantNeedsSave({ jti: "g", exp: NOW + 29 * DAY }, true, NOW)).toBe(true);
  });

  it("leaves an unchanged grant alone while more than half of its 30 days remain", () => {
    expect(grantNeedsSave({ jti: "g", exp: NOW + 29 * DAY }, false, NOW)).toBe(false);
    expect(grantNeedsSave({ jti: "g", exp: NOW + 15 * DAY + 60 }, false, NOW)).toBe(false);
  });

  it("renews an unchanged grant past half its life, or one without an expiry", () => {
    expect(grantNeedsSave({ jti: "g", exp: NOW + 15 * DAY - 60 }, false, NOW)).toBe(true);
    expect(grantNeedsSave({ jti: "g", exp: NOW + 60 }, false, NOW)).toBe(true);
    expect(grantNeedsSave({ jti: "g" }, false, NOW)).toBe(true);
  });
});
