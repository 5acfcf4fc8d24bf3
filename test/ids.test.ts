import { describe, expect, it } from "vitest";
import { isId, newId } from "../src/ids.js";

describe("ids", () => {
  it("are decimal strings of a 64-bit number with 17–19 digits, as ZITADEL's", () => {
    const id = newId();
    expect(id).toMatch(/^[0-9]{17,19}$/);
    expect(BigInt(id) < 2n ** 63n).toBe(true);
    expect(isId(id)).toBe(true);
  });

  it("are unique and time-ordered, even thousands within one millisecond", () => {
    const ids = Array.from({ length: 10_000 }, () => BigInt(newId()));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it("recognises what is not an id", () => {
    for (const bad of ["", "abc", "12a", "-1", "1".repeat(21), " 1"]) expect(isId(bad)).toBe(false);
  });
});
