// The memory rate limiter (one instance) with the behaviours the Redis one shows in
// test/oidc/redis-store.test.ts, and the bound on concurrent password verifications.
import { describe, expect, it } from "vitest";
import { addressKeyOf, createMemoryRateLimiter } from "../../src/login/rate-limit.js";
import { createVerificationGate, VerificationBusyError } from "../../src/login/verification-gate.js";
import { limiterBehaviours } from "../support/limiter-behaviours.js";

describe("memory rate limiter", () => {
  limiterBehaviours((limits) => createMemoryRateLimiter(limits));

  it("counts an IPv6 client by its /64 and an IPv4-mapped one as IPv4", async () => {
    expect(addressKeyOf("192.0.2.1")).toBe("192.0.2.1");
    expect(addressKeyOf("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKeyOf("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(addressKeyOf("2001:0db8:0000:0001:ffff:0:0:2")).toBe("2001:db8:0:1::/64");
    expect(addressKeyOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKeyOf("::1")).toBe("0:0:0:0::/64");
    const limiter = createMemoryRateLimiter({ perNameAndAddress: 2 });
    const name = `ipv6-${Date.now()}`;
    expect(await limiter.reserve({ loginName: name, address: "2001:db8:0:1::a" })).toBe(true);
    expect(await limiter.reserve({ loginName: name, address: "2001:db8:0:1::b" })).toBe(true);
    expect(await limiter.reserve({ loginName: name, address: "2001:db8:0:1:ffff::c" })).toBe(false);
    expect(await limiter.reserve({ loginName: name, address: "2001:db8:0:2::a" })).toBe(true);
  });
});

/** A piece of work that finishes when the test says so. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done, finish };
}

describe("verification gate", () => {
  it("runs at most `concurrency` at once and refuses at once without a queue", async () => {
    const gate = createVerificationGate({ concurrency: 2, queueMs: 0 });
    const [one, two] = [held(), held()];
    const running = [gate.run(one.work), gate.run(two.work)];
    expect(gate.running).toBe(2);
    await expect(gate.run(async () => "never")).rejects.toBeInstanceOf(VerificationBusyError);
    one.finish();
    two.finish();
    await Promise.all(running);
    expect(gate.running).toBe(0);
    expect(await gate.run(async () => "ran")).toBe("ran");
  });

  it("lets a waiting login in when a slot frees within the queue time, in order", async () => {
    const gate = createVerificationGate({ concurrency: 1, queueMs: 60_000 });
    const first = held();
    const order: string[] = [];
    const running = gate.run(async () => {
      await first.work();
      order.push("first");
    });
    const second = gate.run(async () => order.push("second"));
    const third = gate.run(async () => order.push("third"));
    expect(gate.waiting).toBe(2);
    first.finish();
    await Promise.all([running, second, third]);
    expect(order).toEqual(["first", "second", "third"]);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it("refuses a login that waited the whole queue time, and frees its place in line", async () => {
    const gate = createVerificationGate({ concurrency: 1, queueMs: 20 });
    const first = held();
    const running = gate.run(first.work);
    await expect(gate.run(async () => "late")).rejects.toBeInstanceOf(VerificationBusyError);
    expect(gate.waiting).toBe(0);
    first.finish();
    await running;
    expect(gate.running).toBe(0);
  });

  it("releases the slot when the work fails", async () => {
    const gate = createVerificationGate({ concurrency: 1, queueMs: 0 });
    await expect(gate.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(gate.running).toBe(0);
  });
});
