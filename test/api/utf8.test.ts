// The request body decoder: valid UTF-8 as TextDecoder reads it, invalid bytes as lone
// surrogates (which the JSON reader then refuses) instead of U+FFFD.
import { describe, expect, it } from "vitest";
import { decodeEscaped, requestTextDecoder } from "../../src/api/utf8.js";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p)))));
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe("request body decoding", () => {
  it("reads valid UTF-8 as TextDecoder does, in both paths", () => {
    const text = "plain, Ärger, €, 😀, \u0000, \uffff, \u{10ffff}";
    expect(requestTextDecoder.decode(bytes(text))).toBe(text);
    expect(decodeEscaped(bytes(text))).toBe(text);
    expect(requestTextDecoder.decode(undefined)).toBe("");
  });

  it("turns each invalid byte into a lone surrogate, never U+FFFD", () => {
    const invalid = [
      [0xff],
      [0x80],
      [0xc3],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0x98],
    ];
    for (const bad of invalid) {
      const decoded = requestTextDecoder.decode(bytes("a", bad, "b"));
      expect({ bad, wellFormed: wellFormed(decoded) }).toEqual({ bad, wellFormed: false });
      expect(decoded).not.toContain("\ufffd");
      expect(decoded.startsWith("a") && decoded.endsWith("b")).toBe(true);
    }
    expect(decodeEscaped(bytes("é", [0xff], "😀"))).toBe("é\udcff😀");
    expect(decodeEscaped(bytes([0xc3]))).toBe("\udcc3");
  });
});
