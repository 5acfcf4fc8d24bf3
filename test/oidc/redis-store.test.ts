// The Redis store against a real Redis (the test run's), through oidc-provider's adapter interface.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { RedisStore } from "../../src/oidc/redis-store.js";

let redis: Redis;
let store: RedisStore;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
  store = new RedisStore(redis, `test-${process.pid}-${Date.now()}:`);
});
afterAll(async () => {
  await redis.quit();
});

describe("Redis store", () => {
  it("stores, finds and destroys artifacts with their TTL", async () => {
    const codes = store.adapterFor("AuthorizationCode");
    await codes.upsert("c1", { accountId: "u1", grantId: "g1", jti: "c1" }, 60);
    expect(await codes.find("c1")).toMatchObject({ accountId: "u1", grantId: "g1" });
    await codes.destroy("c1");
    expect(await codes.find("c1")).toBeUndefined();
  });

  it("expires artifacts", async () => {
    const interactions = store.adapterFor("Interaction");
    await interactions.upsert("i1", { uid: "x" }, 1);
    expect(await interactions.find("i1")).toBeDefined();
    await new Promise((r) => setTimeout(r, 1200));
    expect(await interactions.find("i1")).toBeUndefined();
  });

  it("consumes atomically and never resurrects an expired artifact", async () => {
    const codes = store.adapterFor("AuthorizationCode");
    await codes.upsert("c2", { jti: "c2" }, 60);
    await codes.consume("c2");
    const consumed = await codes.find("c2");
    expect(typeof consumed?.consumed).toBe("number");
    await codes.consume("never-there");
    expect(await codes.find("never-there")).toBeUndefined();
  });

  it("finds sessions by uid", async () => {
    const sessions = store.adapterFor("Session");
    await sessions.upsert("s1", { uid: "uid-1", accountId: "u1" }, 60);
    expect(await sessions.findByUid("uid-1")).toMatchObject({ accountId: "u1" });
    expect(await sessions.findByUid("uid-2")).toBeUndefined();
  });

  it("revokes everything of a grant, and nothing else", async () => {
    const access = store.adapterFor("AccessToken");
    const refresh = store.adapterFor("RefreshToken");
    await access.upsert("a1", { grantId: "g9" }, 60);
    await refresh.upsert("r1", { grantId: "g9" }, 600);
    await access.upsert("a2", { grantId: "other" }, 60);
    await access.revokeByGrantId("g9");
    expect(await access.find("a1")).toBeUndefined();
    expect(await refresh.find("r1")).toBeUndefined();
    expect(await access.find("a2")).toBeDefined();
  });
});
