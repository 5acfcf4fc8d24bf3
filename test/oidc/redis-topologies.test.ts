// rolegate's Redis state through a Sentinel set and on a three-node Cluster started for this
// file from the machine's redis-server: the behaviours of redis-store.test.ts, plus what only
// these topologies show (the Sentinel's master is used; the state spreads over the nodes).
import { once } from "node:events";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../../src/oidc/redis-store.js";
import { connectRedis, duplicateRedis, type RedisClient } from "../../src/redis.js";
import { redisStateBehaviours } from "../support/redis-behaviours.js";
import { startCluster, startSentinelSet, type RedisTopology } from "../support/redis-topologies.js";

/** A subscriber made by duplicateRedis hears what the client publishes. */
async function pubSubWorks(client: RedisClient): Promise<string> {
  const subscriber = duplicateRedis(client, { autoResubscribe: false });
  try {
    await ready(subscriber);
    const heard = new Promise<string>((resolve) => subscriber.on("message", (_channel: string, message: string) => resolve(message)));
    await subscriber.subscribe("rolegate:test-channel");
    await client.publish("rolegate:test-channel", "hello");
    return await heard;
  } finally {
    subscriber.disconnect();
  }
}

/** A client with rolegate's options (no offline queue), once it can take commands. */
async function ready(client: RedisClient): Promise<RedisClient> {
  if (client.status !== "ready") await once(client, "ready");
  return client;
}

describe("through Sentinel", () => {
  let topology: RedisTopology;
  beforeAll(async () => {
    topology = await startSentinelSet();
  });
  afterAll(() => topology?.stop());

  redisStateBehaviours(() => connectRedis(topology.url));

  it("connects to the master the Sentinel names, with the URL's credentials", async () => {
    const client = await ready(connectRedis(topology.url));
    try {
      expect(client).toBeInstanceOf(Redis);
      await client.set("rolegate:test-sentinel", "1");
      const [master] = topology.servers;
      expect((client as Redis).options.sentinels).toBeDefined();
      expect(await client.info("server")).toContain(`tcp_port:${master!.port}`);
      expect(await pubSubWorks(client)).toBe("hello");
    } finally {
      await client.quit();
    }
  });
});

describe("on a Cluster", () => {
  let topology: RedisTopology;
  beforeAll(async () => {
    topology = await startCluster();
  });
  afterAll(() => topology?.stop());

  redisStateBehaviours(() => connectRedis(topology.url));

  it("spreads the state over the nodes, each operation within one slot", async () => {
    const client = await ready(connectRedis(topology.url));
    try {
      expect(client).toBeInstanceOf(Cluster);
      const store = new RedisStore(client, `spread-${Date.now()}:`);
      const access = store.adapterFor("AccessToken");
      const ids = Array.from({ length: 30 }, (_, i) => `token-${i}`);
      await Promise.all(ids.map((id) => access.upsert(id, { grantId: "spread-grant" }, 60)));
      const masters = (client as Cluster).nodes("master");
      expect(masters).toHaveLength(3);
      const sizes = await Promise.all(masters.map((node) => node.dbsize()));
      expect(sizes.filter((size) => size > 0).length).toBeGreaterThan(1);
      await access.revokeByGrantId("spread-grant");
      for (const id of ids) expect(await access.find(id)).toBeUndefined();
      expect(await pubSubWorks(client)).toBe("hello");
    } finally {
      await client.quit();
    }
  });
});
