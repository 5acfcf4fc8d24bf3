// The request-path cache: bounded age, cleared on change, failed loads not kept, bounded size.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ReadCache } from "../../src/directory/read-cache.js";

afterEach(() => vi.useRealTimers());

describe("ReadCache", () => {
  it("serves a value until it is maxAge old, then loads it again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = new ReadCache(1000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("k", load)).toBe(1);
    vi.advanceTimersByTime(999);
    expect(await cache.get("k", load)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await cache.get("k", load)).toBe(2);
  });

  it("shares one load between concurrent misses, and forgets everything on clear", async () => {
    const cache = new ReadCache();
    let loads = 0;
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 5));
    expect(await Promise.all([cache.get("k", load), cache.get("k", load)])).toEqual([1, 1]);
    cache.clear();
    expect(await cache.get("k", load)).toBe(2);
  });

  it("does not keep a failed load", async () => {
    const cache = new ReadCache();
    await expect(cache.get("k", () => Promise.reject(new Error("database away")))).rejects.toThrow("database away");
    expect(await cache.get("k", async () => "back")).toBe("back");
  });

  it("drops the oldest entries beyond its size", async () => {
    const cache = new ReadCache(1000, 2);
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => key);
    expect(cache.size).toBe(2);
    expect(await cache.get("a", async () => "reloaded")).toBe("reloaded");
    expect(await cache.get("c", async () => "reloaded")).toBe("c");
  });
});
