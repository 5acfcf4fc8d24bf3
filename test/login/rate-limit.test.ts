// The memory rate limiter (one instance) with the behaviours the Redis one shows in
// test/oidc/redis-store.test.ts, and the bound on concurrent password verifications.
import { describe, expect, it } from "vitest";
import { createMemoryRateLimiter } from "../../src/login/rate-limit.js";
import { createVerificationGate, VerificationBusyError } from "../../src/login/verification-gate.js";
import { limiterBehaviours } from "../support/limiter-behaviours.js";

describe("memory rate limiter", () => {
  limiterBehaviours((limits) => createMemoryRateLimiter(limits));
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
