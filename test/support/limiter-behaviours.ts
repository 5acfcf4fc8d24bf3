// The login rate limiter's behaviours, for the memory limiter (test/login/rate-limit.test.ts) and
// the Redis one (redis-behaviours.ts: a server, a Sentinel set, a Cluster).
import { describe, expect, it } from "vitest";
import type { LoginLimits, RateLimiter } from "../../src/login/rate-limit.js";

let names = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function limiterBehaviours(make: (limits: Partial<LoginLimits>) => RateLimiter): void {
  // Fresh names and addresses per test: runs sharing a Redis never meet.
  const fresh = () => {
    const n = `${process.pid}-${Date.now()}-${++names}`;
    return { name: `Alice-${n}`, other: `bob-${n}`, a: `192.0.2.${names % 250}-${n}`, b: `198.51.100.7-${n}` };
  };
  const allowedOf = async (limiter: RateLimiter, attempts: { loginName: string; address: string }[]) =>
    (await Promise.all(attempts.map((attempt) => limiter.reserve(attempt)))).filter(Boolean).length;

  describe("login rate limiter", () => {
    it("reserves atomically: of 40 concurrent attempts for one name from one address, exactly the limit pass", async () => {
      const limiter = make({ perNameAndAddress: 5, perName: 100, perAddress: 100 });
      const { name, a } = fresh();
      expect(
        await allowedOf(
          limiter,
          Array.from({ length: 40 }, () => ({ loginName: name, address: a })),
        ),
      ).toBe(5);
      // The name in another case is the same name.
      expect(await limiter.reserve({ loginName: name.toUpperCase(), address: a })).toBe(false);
    });

    it("lets the name sign in from another address while one address is throttled", async () => {
      const limiter = make({ perNameAndAddress: 3, perName: 20, perAddress: 100 });
      const { name, a, b } = fresh();
      expect(
        await allowedOf(
          limiter,
          Array.from({ length: 30 }, () => ({ loginName: name, address: a })),
        ),
      ).toBe(3);
      expect(await limiter.reserve({ loginName: name, address: b })).toBe(true);
    });

    it("slows a guess spread over many addresses (per name), and spraying from one address (per address)", async () => {
      const limiter = make({ perNameAndAddress: 3, perName: 10, perAddress: 8 });
      const { name, other, a } = fresh();
      const spread = Array.from({ length: 20 }, (_, i) => ({ loginName: name, address: `${a}-${i}` }));
      expect(await allowedOf(limiter, spread)).toBe(10);
      const sprayed = Array.from({ length: 20 }, (_, i) => ({ loginName: `${other}-${i}`, address: a }));
      expect(await allowedOf(limiter, sprayed)).toBe(8);
    });

    it("a guess spread over many addresses cannot lock the user out of an address they signed in from", async () => {
      const limiter = make({ perNameAndAddress: 3, perName: 10, perAddress: 100 });
      const { name, a, b } = fresh();
      // The user signed in from `a` before.
      expect(await limiter.reserve({ loginName: name, address: a })).toBe(true);
      await limiter.succeeded({ loginName: name, address: a });
      // Then 20 guesses from 20 other addresses fill the name-wide counter.
      const spread = Array.from({ length: 20 }, (_, i) => ({ loginName: name, address: `${b}-${i}` }));
      expect(await allowedOf(limiter, spread)).toBe(10);
      expect(await limiter.reserve({ loginName: name, address: `${b}-new` })).toBe(false);
      // From `a` the user still gets in (the name-and-address counter still applies there).
      expect(await limiter.reserve({ loginName: name, address: a })).toBe(true);
      await limiter.succeeded({ loginName: name, address: a });
      expect(
        await allowedOf(
          limiter,
          Array.from({ length: 5 }, () => ({ loginName: name, address: a })),
        ),
      ).toBe(3);
    });

    it("an attempt refused for its name and address counts nowhere else (no lock-out from other addresses)", async () => {
      const limiter = make({ perNameAndAddress: 2, perName: 5, perAddress: 100 });
      const { name, a, b } = fresh();
      // 50 attempts from one address: 2 reach the per-name counter, 48 are refused before it.
      expect(
        await allowedOf(
          limiter,
          Array.from({ length: 50 }, () => ({ loginName: name, address: a })),
        ),
      ).toBe(2);
      expect(
        await allowedOf(limiter, [
          { loginName: name, address: b },
          { loginName: name, address: b },
        ]),
      ).toBe(2);
    });

    it("a success clears the name-and-address counter and gives the attempt back; a cancel gives it back too", async () => {
      const limiter = make({ perNameAndAddress: 2, perName: 100, perAddress: 3 });
      const { name, other, a } = fresh();
      const attempt = { loginName: name, address: a };
      expect(await limiter.reserve(attempt)).toBe(true);
      expect(await limiter.reserve(attempt)).toBe(true);
      expect(await limiter.reserve(attempt)).toBe(false);
      await limiter.succeeded(attempt);
      expect(await limiter.reserve(attempt)).toBe(true);
      await limiter.cancel(attempt);
      // Per address: 3 reserved so far (the refused one never reached it), 2 given back.
      expect(
        await allowedOf(
          limiter,
          [1, 2, 3].map((i) => ({ loginName: `${other}-${i}`, address: a })),
        ),
      ).toBe(2);
    });

    it("forgets attempts after the window, counted from the first", async () => {
      const limiter = make({ perNameAndAddress: 2, perName: 100, perAddress: 100, windowMs: 2000 });
      const { name, a } = fresh();
      const attempt = { loginName: name, address: a };
      expect(await limiter.reserve(attempt)).toBe(true);
      await sleep(300);
      expect(await limiter.reserve(attempt)).toBe(true);
      expect(await limiter.reserve(attempt)).toBe(false);
      // A later attempt does not extend the window: 2.1 s after the first, it is over.
      await sleep(1800);
      expect(await limiter.reserve(attempt)).toBe(true);
    });
  });
}
