// The decoder of Connect JSON request bodies. Connect's default (a TextDecoder without `fatal`)
// turns invalid UTF-8 into U+FFFD, and the directory would store that instead of refusing it.
// Valid UTF-8 is decoded as usual. In a body that is not, each byte that starts no valid sequence
// becomes a lone surrogate (U+DC80–U+DCFF, as Python's "surrogateescape"): in a string
// protobuf-es refuses it naming the field ("…AddOrganizationRequest.name from JSON: expected
// string: invalid UTF8"; request-text.ts would otherwise), in a key the field is unknown, between
// tokens the JSON does not parse — invalid_argument in each case.
const strict = new TextDecoder("utf-8", { fatal: true });

export const requestTextDecoder = {
  decode(input?: Uint8Array): string {
    if (!input) return "";
    try {
      return strict.decode(input);
    } catch {
      return decodeEscaped(input);
    }
  },
};

/** UTF-8 as the WHATWG decoder reads it, with every invalid byte escaped to a lone surrogate. */
export function decodeEscaped(bytes: Uint8Array): string {
  const out: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (length === 0) {
      out.push(String.fromCharCode(b));
      i += 1;
      continue;
    }
    let codePoint = length === 1 ? b & 0x1f : length === 2 ? b & 0x0f : b & 0x07;
    let valid = length > 0 && i + length < bytes.length;
    for (let k = 1; valid && k <= length; k++) {
      const next = bytes[i + k]!;
      if ((next & 0xc0) !== 0x80) valid = false;
      else codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const min = length === 1 ? 0x80 : length === 2 ? 0x800 : 0x10000;
    if (valid && codePoint >= min && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      out.push(String.fromCodePoint(codePoint));
      i += length + 1;
    } else {
      out.push(String.fromCharCode(0xdc00 + b));
      i += 1;
    }
  }
  return out.join("");
}
