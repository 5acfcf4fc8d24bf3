// REDIS_URL forms: the pure parser, and how each form becomes an ioredis client (made with
// lazyConnect, so nothing here connects).
import { Cluster, Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { connectRedis, describeRedisTarget, parseRedisUrl, RedisUrlError } from "../src/redis.js";
import { REDIS_OPTIONS } from "../src/redis-options.js";

describe("parseRedisUrl", () => {
  it("hands redis:// and rediss:// URLs to ioredis as they are", () => {
    expect(parseRedisUrl("redis://localhost:6379")).toEqual({ kind: "server", tls: false, url: "redis://localhost:6379" });
    expect(parseRedisUrl("rediss://user:pw@cache.example.com:6380/3")).toEqual({
      kind: "server",
      tls: true,
      url: "rediss://user:pw@cache.example.com:6380/3",
    });
    expect(parseRedisUrl("REDISS://cache/1")).toMatchObject({ kind: "server", tls: true, url: "rediss://cache/1" });
  });

  it("reads a Sentinel set: hosts (default port 26379), master group, database, credentials", () => {
    expect(parseRedisUrl("redis+sentinel://s1:26380,s2,[::1]:26381/mymaster")).toEqual({
      kind: "sentinel",
      tls: false,
      sentinels: [
        { host: "s1", port: 26380 },
        { host: "s2", port: 26379 },
        { host: "::1", port: 26381 },
      ],
      name: "mymaster",
      db: 0,
    });
    expect(parseRedisUrl("rediss+sentinel://app:p%40ss%2Fw%3Ard@s1/my%20master/2/?sentinelUsername=watch&sentinelPassword=s%26x")).toEqual({
      kind: "sentinel",
      tls: true,
      sentinels: [{ host: "s1", port: 26379 }],
      name: "my master",
      db: 2,
      username: "app",
      password: "p@ss/w:rd",
      sentinelUsername: "watch",
      sentinelPassword: "s&x",
    });
    expect(parseRedisUrl("redis+sentinel://:only-password@s1/m")).toMatchObject({ password: "only-password" });
    expect(parseRedisUrl("redis+sentinel://:only-password@s1/m")).not.toHaveProperty("username");
  });

  it("reads a cluster: seed nodes (default port 6379) and credentials", () => {
    expect(parseRedisUrl("redis+cluster://n1:7000,n2:7001,n3")).toEqual({
      kind: "cluster",
      tls: false,
      nodes: [
        { host: "n1", port: 7000 },
        { host: "n2", port: 7001 },
        { host: "n3", port: 6379 },
      ],
    });
    expect(parseRedisUrl("rediss+cluster://default:pw@10.0.0.1/")).toEqual({
      kind: "cluster",
      tls: true,
      nodes: [{ host: "10.0.0.1", port: 6379 }],
      username: "default",
      password: "pw",
    });
    expect(parseRedisUrl("redis+cluster://n1/0")).toMatchObject({ kind: "cluster" });
  });

  it.each([
    ["http://localhost", /must start with redis:\/\//],
    ["localhost:6379", /must start with redis:\/\//],
    ["redis+replica://h/m", /must start with redis:\/\//],
    ["redis://localhost/one", /database that is not a number/],
    ["redis://local host", /not a valid URL/],
    ["redis+sentinel://s1:26379", /must name the Sentinel master group/],
    ["redis+sentinel://s1/m/x", /database that is not a number/],
    ["redis+sentinel://s1/m/1/2", /path beyond/],
    ["redis+sentinel://s1/m?db=2", /unknown \?option/],
    ["redis+sentinel:///m", /names no host/],
    ["redis+sentinel://s1,,s2/m", /invalid host \(number 2/],
    ["redis+sentinel://s1:0/m", /invalid port/],
    ["redis+sentinel://s1:70000/m", /invalid port/],
    ["redis+sentinel://s1/m#x", /fragment/],
    ["redis+sentinel://:%E0%A4%A@s1/m", /badly percent-encoded password/],
    ["redis+cluster://n1/1", /only database 0/],
    ["redis+cluster://n1?tls=true", /cluster URL takes none/],
  ])("rejects %s", (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it("does not quote a password that was not percent-encoded", () => {
    for (const url of [
      "redis+sentinel://:hun/ter2@s1/m",
      "redis+sentinel://:hun?ter2@s1/m",
      "redis+cluster://:hun/ter2@n1",
      "redis://:hun/ter2@h",
    ]) {
      expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
      expect(() => parseRedisUrl(url)).not.toThrow(/hun|ter2/);
    }
  });

  it("describes a target for logs without its credentials", () => {
    expect(describeRedisTarget(parseRedisUrl("rediss://:pw@cache:6380/2"))).toBe("server cache:6380/2 (TLS)");
    expect(describeRedisTarget(parseRedisUrl("redis+sentinel://:pw@s1,[::1]:26380/mymaster/1"))).toBe(
      'Sentinel master "mymaster" via s1:26379,[::1]:26380 db 1',
    );
    expect(describeRedisTarget(parseRedisUrl("rediss+cluster://u:pw@n1,n2:7000"))).toBe("cluster via n1:6379,n2:7000 (TLS)");
  });
});

describe("connectRedis", () => {
  it("uses rolegate's client options unless given others", () => {
    const client = connectRedis("redis+cluster://127.0.0.1:1");
    const node = connectRedis("redis+sentinel://127.0.0.1:1/m");
    try {
      const { retryStrategy: _, enableOfflineQueue, ...perNode } = REDIS_OPTIONS;
      expect((client as Cluster).options).toMatchObject({ enableOfflineQueue, redisOptions: perNode });
      expect((node as Redis).options).toMatchObject(REDIS_OPTIONS);
    } finally {
      client.disconnect();
      node.disconnect();
    }
  });

  it("opens a Redis for a server, with the URL's settings over the options", () => {
    const client = connectRedis("redis://:pw@cache:6380/2", { lazyConnect: true, db: 5, maxRetriesPerRequest: 1 });
    try {
      expect(client).toBeInstanceOf(Redis);
      expect((client as Redis).options).toMatchObject({ host: "cache", port: 6380, db: 2, password: "pw", maxRetriesPerRequest: 1 });
    } finally {
      client.disconnect();
    }
  });

  it("opens a Redis through Sentinel, TLS to servers and Sentinels for rediss+sentinel", () => {
    const client = connectRedis("rediss+sentinel://app:pw@s1,s2:26380/mymaster/1?sentinelPassword=spw", {
      lazyConnect: true,
      connectTimeout: 500,
    });
    try {
      expect(client).toBeInstanceOf(Redis);
      expect((client as Redis).options).toMatchObject({
        sentinels: [
          { host: "s1", port: 26379 },
          { host: "s2", port: 26380 },
        ],
        name: "mymaster",
        db: 1,
        username: "app",
        password: "pw",
        sentinelPassword: "spw",
        tls: {},
        enableTLSForSentinelMode: true,
        sentinelTLS: {},
        connectTimeout: 500,
      });
    } finally {
      client.disconnect();
    }
  });

  it("opens a Cluster, with client options split between the cluster and each node", () => {
    const retryStrategy = (times: number) => times * 10;
    const client = connectRedis("rediss+cluster://u:pw@n1,n2:7000", {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 500,
      retryStrategy,
      db: 3,
    });
    try {
      expect(client).toBeInstanceOf(Cluster);
      const options = (client as Cluster).options;
      expect(options).toMatchObject({ lazyConnect: true, enableOfflineQueue: false });
      expect(options.clusterRetryStrategy?.(2)).toBe(20);
      expect(options.redisOptions).toEqual({ maxRetriesPerRequest: 1, connectTimeout: 500, username: "u", password: "pw", tls: {} });
      expect(typeof options.dnsLookup).toBe("function");
    } finally {
      client.disconnect();
    }
  });
});
