// IDs as ZITADEL makes them: decimal strings of a 64-bit, time-ordered number (17–19 digits).
// Layout: 41 bits of milliseconds since 2020-01-01, 10 random node bits chosen per process
// (so several instances rarely collide), 12 bits of sequence within one millisecond.
import { randomInt } from "node:crypto";

const EPOCH = 1577836800000n; // 2020-01-01T00:00:00Z
const NODE = BigInt(randomInt(1024));

let lastMs = 0n;
let sequence = 0n;

export function newId(): string {
  let now = BigInt(Date.now());
  if (now < lastMs) now = lastMs; // clock moved back: stay monotonic
  if (now === lastMs) {
    sequence = (sequence + 1n) & 0xfffn;
    if (sequence === 0n) now = lastMs + 1n; // 4096 ids in one ms: borrow the next ms
  } else {
    sequence = 0n;
  }
  lastMs = now;
  return (((now - EPOCH) << 22n) | (NODE << 12n) | sequence).toString();
}

export function isId(value: string): boolean {
  return /^[0-9]{1,20}$/.test(value);
}
