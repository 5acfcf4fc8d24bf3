// What rolegate keeps in Redis, checked through its public interfaces: oidc-provider's adapter
// (RedisStore) and the login rate limiter. Registered once per topology (a server, a Sentinel
// set, a Cluster) by the test files that call it, against the client `connect` returns.
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisRateLimiter } from "../../src/login/rate-limit.js";
import { limiterBehaviours } from "./limiter-behaviours.js";
import { withinProviderRequest } from "../../src/oidc/internals.js";
import { RedisStore } from "../../src/oidc/redis-store.js";
import type { RedisClient } from "../../src/redis.js";
import type { Adapter } from "oidc-provider";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let runs = 0;

export function redisStateBehaviours(connect: () => RedisClient | Promise<RedisClient>): void {
  let redis: RedisClient;
  let store: RedisStore;
  // Every run writes under its own prefix, so runs sharing a server never meet.
  const prefix = `test-${process.pid}-${Date.now()}-${++runs}:`;
  beforeAll(async () => {
    redis = await connect();
    // rolegate's clients have no offline queue: a command before `ready` would fail.
    if (redis.status !== "ready") await once(redis, "ready");
    store = new RedisStore(redis, prefix);
  });
  afterAll(async () => {
    await redis?.quit();
  });
  const ttl = (key: string) => redis.ttl(prefix + key);

  describe("Redis store", () => {
    it("stores, finds and destroys artifacts with their TTL", async () => {
      const codes = store.adapterFor("AuthorizationCode");
      await codes.upsert("c1", { accountId: "u1", grantId: "g1", jti: "c1" }, 60);
      expect(await codes.find("c1")).toMatchObject({ accountId: "u1", grantId: "g1" });
      expect(await ttl("AuthorizationCode:c1")).toBeGreaterThan(55);
      expect(await ttl("AuthorizationCode:c1")).toBeLessThanOrEqual(60);
      await codes.destroy("c1");
      expect(await codes.find("c1")).toBeUndefined();
    });

    it("keeps artifacts stored without a lifetime, and replaces them whole", async () => {
      const grants = store.adapterFor("Grant");
      await grants.upsert("gr1", { accountId: "u1", openid: { scope: "openid" } });
      expect(await ttl("Grant:gr1")).toBe(-1);
      await grants.upsert("gr1", { accountId: "u2" }, 60);
      expect(await grants.find("gr1")).toEqual({ accountId: "u2" });
      expect(await ttl("Grant:gr1")).toBeGreaterThan(55);
    });

    it("expires artifacts", async () => {
      const interactions = store.adapterFor("Interaction");
      await interactions.upsert("i1", { uid: "x" }, 1);
      expect(await interactions.find("i1")).toBeDefined();
      await sleep(1200);
      expect(await interactions.find("i1")).toBeUndefined();
    });

    it("consumes atomically, keeps the TTL, and never resurrects an expired artifact", async () => {
      const codes = store.adapterFor("AuthorizationCode");
      await codes.upsert("c2", { jti: "c2" }, 60);
      await codes.consume("c2");
      const consumed = await codes.find("c2");
      expect(typeof consumed?.consumed).toBe("number");
      expect(await ttl("AuthorizationCode:c2")).toBeGreaterThan(55);
      await codes.consume("never-there");
      expect(await codes.find("never-there")).toBeUndefined();
    });

    it("consumes an artifact stored without members, and again", async () => {
      const codes = store.adapterFor("AuthorizationCode");
      await codes.upsert("c3", {}, 60);
      await codes.consume("c3");
      const first = (await codes.find("c3"))?.consumed;
      expect(typeof first).toBe("number");
      await redis.set(`${prefix}AuthorizationCode:c3`, JSON.stringify({ jti: "c3", consumed: 1 }), "KEEPTTL");
      await codes.consume("c3");
      expect((await codes.find("c3"))?.consumed).toBeGreaterThanOrEqual(first!);
      // Storing it again replaces it whole, the consumption with it.
      await codes.upsert("c3", { jti: "c3" }, 60);
      expect(await codes.find("c3")).toEqual({ jti: "c3" });
    });

    it("runs its scripts again after the server forgot them (SCRIPT FLUSH, a restart, a failover)", async () => {
      const codes = store.adapterFor("AuthorizationCode");
      await codes.upsert("c4", { jti: "c4", grantId: "g4" }, 60);
      const servers = "nodes" in redis ? redis.nodes("master") : [redis];
      await Promise.all(servers.map((server) => server.script("FLUSH")));
      await codes.consume("c4");
      await codes.upsert("c5", { jti: "c5", grantId: "g4" }, 60);
      expect(typeof (await codes.find("c4"))?.consumed).toBe("number");
      await codes.revokeByGrantId("g4");
      expect(await codes.find("c5")).toBeUndefined();
    });

    it("reads and consumes entries of the earlier format (a hash {payload, consumed?}), and replaces them", async () => {
      const codes = store.adapterFor("AuthorizationCode");
      const k = `${prefix}AuthorizationCode:old`;
      await redis
        .multi()
        .hset(k, "payload", JSON.stringify({ jti: "old", accountId: "u1" }))
        .expire(k, 60)
        .exec();
      expect(await codes.find("old")).toEqual({ jti: "old", accountId: "u1" });
      await codes.consume("old");
      expect(typeof (await codes.find("old"))?.consumed).toBe("number");
      expect(await ttl("AuthorizationCode:old")).toBeGreaterThan(55);
      const sessions = store.adapterFor("Session");
      const s = `${prefix}Session:old`;
      await redis.hset(s, "payload", JSON.stringify({ uid: "uid-old", accountId: "u2" }));
      await redis.set(`${prefix}uid:uid-old`, "old");
      expect(await sessions.findByUid("uid-old")).toMatchObject({ accountId: "u2" });
      await sessions.upsert("old", { uid: "uid-old", accountId: "u3" }, 60);
      expect(await redis.type(s)).toBe("string");
      expect(await sessions.findByUid("uid-old")).toMatchObject({ accountId: "u3" });
    });

    it("finds sessions by uid, for the session's lifetime", async () => {
      const sessions = store.adapterFor("Session");
      await sessions.upsert("s1", { uid: "uid-1", accountId: "u1" }, 60);
      expect(await sessions.findByUid("uid-1")).toMatchObject({ accountId: "u1" });
      expect(await sessions.findByUid("uid-2")).toBeUndefined();
      expect(await ttl("uid:uid-1")).toBeGreaterThan(55);
      await sessions.destroy("s1");
      expect(await sessions.findByUid("uid-1")).toBeUndefined();
    });

    it("finds device codes by user code", async () => {
      const deviceCodes = store.adapterFor("DeviceCode");
      await deviceCodes.upsert("d1", { userCode: "ABCD-EFGH", grantId: "g-device", clientId: "c" }, 60);
      expect(await deviceCodes.findByUserCode("ABCD-EFGH")).toMatchObject({ clientId: "c" });
      expect(await deviceCodes.findByUserCode("ZZZZ-ZZZZ")).toBeUndefined();
      expect(await ttl("userCode:ABCD-EFGH")).toBeGreaterThan(55);
    });

    it("revokes everything of a grant, and nothing else", async () => {
      const access = store.adapterFor("AccessToken");
      const refresh = store.adapterFor("RefreshToken");
      const codes = store.adapterFor("AuthorizationCode");
      await access.upsert("a1", { grantId: "g9" }, 60);
      await refresh.upsert("r1", { grantId: "g9" }, 600);
      await codes.upsert("c9", { grantId: "g9" }, 30);
      await access.upsert("a2", { grantId: "other" }, 60);
      // The grant's index lives as long as its longest-lived member.
      expect(await ttl("grant:g9")).toBeGreaterThan(590);
      await access.revokeByGrantId("g9");
      expect(await access.find("a1")).toBeUndefined();
      expect(await refresh.find("r1")).toBeUndefined();
      expect(await codes.find("c9")).toBeUndefined();
      expect(await redis.exists(`${prefix}grant:g9`)).toBe(0);
      expect(await access.find("a2")).toBeDefined();
    });
  });

  describe("within a request", () => {
    // Counts the commands the store sends (pipelined ones included) while `work` runs.
    const commandsDuring = async <T>(work: () => Promise<T>): Promise<{ result: T; commands: string[] }> => {
      const commands: string[] = [];
      const send = redis.sendCommand.bind(redis);
      const spy = (command: Parameters<RedisClient["sendCommand"]>[0], ...rest: unknown[]) => {
        commands.push((command as { name: string }).name);
        return (send as (...args: unknown[]) => unknown)(command, ...rest);
      };
      (redis as { sendCommand: unknown }).sendCommand = spy;
      try {
        return { result: await work(), commands };
      } finally {
        (redis as { sendCommand: unknown }).sendCommand = send;
      }
    };
    const seed = async () => {
      const n = ++runs;
      const [sessions, grants, access] = ["Session", "Grant", "AccessToken"].map((m) => store.adapterFor(m)) as [Adapter, Adapter, Adapter];
      await sessions.upsert(`s-${n}`, { uid: `uid-${n}`, accountId: "u1", authorizations: { app: { grantId: `g-${n}` } } }, 60);
      await grants.upsert(`g-${n}`, { accountId: "u1", clientId: "app", openid: { scope: "openid" } }, 60);
      await access.upsert(
        `at-${n}`,
        { accountId: "u1", clientId: "app", grantId: `g-${n}`, expiresWithSession: true, sessionUid: `uid-${n}` },
        60,
      );
      await withinProviderRequest(() => access.find(`at-${n}`)); // the server knows the script now (else EVALSHA, then EVAL)
      return { n, sessions, grants, access };
    };

    it("finds a token with its session and grant in one round trip on one server, and the same everywhere", async () => {
      const { n, sessions, grants, access } = await seed();
      const { result, commands } = await commandsDuring(() =>
        withinProviderRequest(async () => {
          const token = await access.find(`at-${n}`);
          return { token, session: await sessions.findByUid(`uid-${n}`), grant: await grants.find(`g-${n}`) };
        }),
      );
      expect(result.token).toMatchObject({ grantId: `g-${n}` });
      expect(result.session).toMatchObject({ accountId: "u1", uid: `uid-${n}` });
      expect(result.grant).toMatchObject({ clientId: "app", openid: { scope: "openid" } });
      expect(commands).toEqual(redis.isCluster ? ["get", "get", "get", "get"] : ["evalsha"]);
    });

    it("reads a session's grants ahead, and outside a request reads each artifact itself", async () => {
      const { n, sessions, grants } = await seed();
      const inside = await commandsDuring(() =>
        withinProviderRequest(async () => [await sessions.find(`s-${n}`), await grants.find(`g-${n}`)]),
      );
      expect(inside.result[1]).toMatchObject({ clientId: "app" });
      expect(inside.commands).toEqual(redis.isCluster ? ["get", "get"] : ["evalsha"]);
      const outside = await commandsDuring(async () => [await sessions.find(`s-${n}`), await grants.find(`g-${n}`)]);
      expect(outside.result[1]).toMatchObject({ clientId: "app" });
      expect(outside.commands).toEqual(["get", "get"]);
    });

    it("never answers from what was read ahead after a write to it, nor twice", async () => {
      const { n, grants, access } = await seed();
      const result = await withinProviderRequest(async () => {
        await access.find(`at-${n}`);
        await grants.upsert(`g-${n}`, { accountId: "u1", clientId: "app", openid: { scope: "openid email" } }, 60);
        const changed = await grants.find(`g-${n}`);
        await access.find(`at-${n}`);
        await grants.destroy(`g-${n}`);
        const destroyed = await grants.find(`g-${n}`);
        await access.find(`at-${n}`);
        // Changed behind the store's back: the first find takes what was read ahead, the next asks Redis.
        await redis.set(`${prefix}Grant:g-${n}`, JSON.stringify({ clientId: "elsewhere" }));
        const [first, second] = [await grants.find(`g-${n}`), await grants.find(`g-${n}`)];
        return { changed, destroyed, first, second };
      });
      expect(result.changed).toMatchObject({ openid: { scope: "openid email" } });
      expect(result.destroyed).toBeUndefined();
      // Read ahead when the grant was gone (a Cluster reads nothing ahead).
      expect(result.first).toEqual(redis.isCluster ? { clientId: "elsewhere" } : undefined);
      expect(result.second).toMatchObject({ clientId: "elsewhere" });
    });

    it("forgets everything read ahead when a grant is revoked", async () => {
      const { n, sessions, access } = await seed();
      const session = await withinProviderRequest(async () => {
        await access.find(`at-${n}`);
        await access.revokeByGrantId("unrelated");
        await redis.set(`${prefix}uid:uid-${n}`, "elsewhere");
        return sessions.findByUid(`uid-${n}`);
      });
      expect(session).toBeUndefined();
    });
  });

  describe("Redis rate limiter", () => {
    limiterBehaviours((limits) => createRedisRateLimiter(redis, { ...limits, prefix: `${prefix}ratelimit:` }));

    it("keeps each counter under its own key, with the window as its TTL", async () => {
      const limiter = createRedisRateLimiter(redis, { windowMs: 60_000, prefix: `${prefix}ratelimit-keys:` });
      await limiter.reserve({ loginName: "Carol", address: "192.0.2.9" });
      const keys = await Promise.all(
        ["name-address:carol:192.0.2.9", "address:192.0.2.9", "name:carol"].map((k) => redis.pttl(`${prefix}ratelimit-keys:${k}`)),
      );
      for (const ttl of keys) {
        expect(ttl).toBeGreaterThan(55_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
    });
  });
}
