// REDIS_URL names one Redis server, a Sentinel set or a Cluster; this module reads the URL and
// opens the matching ioredis client. The forms (percent-encode special characters in user names,
// passwords and master names; the user name may be left out: `:password@`):
//
//   redis://[[user]:password@]host[:port][/db][?options]          one server (ioredis' own URL,
//   rediss://…                                                     options are ioredis options)
//   redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/master[/db][?sentinelUsername=…&sentinelPassword=…]
//   rediss+sentinel://…                                            TLS to the servers and the Sentinels
//   redis+cluster://[[user]:password@]host[:port][,host[:port]…]
//   rediss+cluster://…                                             TLS to every node
//
// Sentinel hosts default to port 26379, cluster nodes to 6379; IPv6 addresses go in brackets.
// The credentials in the URL are the data servers' (master, replicas, cluster nodes); Sentinels
// that require their own are given sentinelUsername / sentinelPassword. A Sentinel URL names
// the master group as its first path segment, as redis-py's Redis-Sentinel-Url, RedisVL and
// Prefect do; a cluster has only database 0. The parser is pure; `connectRedis` makes a client.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { REDIS_OPTIONS } from "./redis-options.js";

export type RedisClient = Redis | Cluster;

export interface RedisEndpoint {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: "server"; tls: boolean; url: string }
  | {
      kind: "sentinel";
      tls: boolean;
      sentinels: RedisEndpoint[];
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    }
  | { kind: "cluster"; tls: boolean; nodes: RedisEndpoint[]; username?: string; password?: string };

export const REDIS_URL_FORMS = [
  "redis://[[user]:password@]host[:port][/db]",
  "rediss://…",
  "redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/master[/db]",
  "rediss+sentinel://…",
  "redis+cluster://[[user]:password@]host[:port][,host[:port]…]",
  "rediss+cluster://…",
];

/** A REDIS_URL that is not one of the forms above; the message never repeats the URL (it may hold a password). */
export class RedisUrlError extends Error {}

const SENTINEL_OPTIONS = new Set(["sentinelUsername", "sentinelPassword"]);

export function parseRedisUrl(url: string): RedisTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  // ioredis matches its schemes in lower case only.
  if (scheme === "redis" || scheme === "rediss") return parseServerUrl(scheme + url.slice(scheme.length), scheme === "rediss");
  const topology = /^(rediss?)\+(sentinel|cluster)$/.exec(scheme ?? "");
  if (!topology)
    throw new RedisUrlError(
      "must start with redis://, rediss://, redis+sentinel://, rediss+sentinel://, redis+cluster:// or rediss+cluster://",
    );
  const tls = topology[1] === "rediss";
  const kind = topology[2] as "sentinel" | "cluster";

  const match = /^[^:]+:\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url)!;
  const [, authority = "", pathname = "", query = "", fragment] = match;
  if (fragment !== undefined) throw new RedisUrlError("must not have a #fragment (percent-encode # in passwords as %23)");
  const at = authority.lastIndexOf("@");
  const credentials = parseCredentials(at < 0 ? undefined : authority.slice(0, at));
  const endpoints = parseEndpoints(authority.slice(at + 1), kind === "sentinel" ? 26379 : 6379);
  const params = new URLSearchParams(query);
  const allowed = kind === "sentinel" ? SENTINEL_OPTIONS : new Set<string>();
  // Unknown options and hosts are not quoted: a password with an unencoded / or ? would show.
  for (const key of params.keys()) {
    if (!allowed.has(key)) {
      throw new RedisUrlError(
        kind === "sentinel"
          ? "has an unknown ?option (a Sentinel URL accepts sentinelUsername and sentinelPassword)"
          : "has a ?option, but a cluster URL takes none",
      );
    }
  }
  const segments = pathname.split("/").slice(1);
  if (segments.at(-1) === "") segments.pop(); // a trailing slash

  if (kind === "cluster") {
    if (segments.length > 1 || (segments.length === 1 && segments[0] !== "0")) {
      throw new RedisUrlError("names a database, but a cluster has only database 0");
    }
    return { kind, tls, nodes: endpoints, ...credentials };
  }
  if (segments.length === 0 || !segments[0])
    throw new RedisUrlError("must name the Sentinel master group: redis+sentinel://host:26379/mymaster");
  if (segments.length > 2) throw new RedisUrlError("has a path beyond /master/db");
  const name = decode(segments[0], "master group name");
  const db = segments.length === 2 ? parseDb(segments[1]!) : 0;
  const sentinelUsername = params.get("sentinelUsername") || undefined;
  const sentinelPassword = params.get("sentinelPassword") || undefined;
  return {
    kind,
    tls,
    sentinels: endpoints,
    name,
    db,
    ...credentials,
    ...(sentinelUsername !== undefined ? { sentinelUsername } : {}),
    ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
  };
}

function parseServerUrl(url: string, tls: boolean): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError("is not a valid URL (percent-encode special characters in the password)");
  }
  if (parsed.pathname !== "" && parsed.pathname !== "/") parseDb(parsed.pathname.slice(1));
  return { kind: "server", tls, url };
}

function parseCredentials(userinfo: string | undefined): { username?: string; password?: string } {
  if (userinfo === undefined) return {};
  const colon = userinfo.indexOf(":");
  const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), "user name");
  const password = colon < 0 ? "" : decode(userinfo.slice(colon + 1), "password");
  // `user@host` without a colon is, as for redis://, a password-less user name.
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function parseEndpoints(hosts: string, defaultPort: number): RedisEndpoint[] {
  if (!hosts) throw new RedisUrlError("names no host");
  return hosts.split(",").map((entry, i) => {
    const found = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(entry);
    if (!found)
      throw new RedisUrlError(`has an invalid host (number ${i + 1}; expected host[:port], IPv6 as [addr]:port, comma-separated)`);
    const port = found[3] === undefined ? defaultPort : Number(found[3]);
    if (port < 1 || port > 65535) throw new RedisUrlError(`has an invalid port (host number ${i + 1})`);
    return { host: found[1] ?? found[2]!, port };
  });
}

function parseDb(segment: string): number {
  if (!/^\d{1,5}$/.test(segment)) throw new RedisUrlError("has a database that is not a number (/0, /1, …)");
  return Number(segment);
}

function decode(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new RedisUrlError(`has a badly percent-encoded ${what}`);
  }
}

/** A description for logs, without credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (endpoints: RedisEndpoint[]) =>
    endpoints.map(({ host, port }) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`)).join(",");
  switch (target.kind) {
    case "server": {
      const url = new URL(target.url);
      return `server ${url.host || "localhost:6379"}${url.pathname.length > 1 ? url.pathname : ""}${target.tls ? " (TLS)" : ""}`;
    }
    case "sentinel":
      return `Sentinel master "${target.name}" via ${list(target.sentinels)}${target.db ? ` db ${target.db}` : ""}${target.tls ? " (TLS)" : ""}`;
    case "cluster":
      return `cluster via ${list(target.nodes)}${target.tls ? " (TLS)" : ""}`;
  }
}

/**
 * Opens a client for REDIS_URL: `Redis` for a server, `Redis` through Sentinel for a Sentinel
 * set (it follows failovers), `Cluster` for a cluster. `options` are ioredis' client options
 * (rolegate's REDIS_OPTIONS unless given), applied to every data connection; for a cluster the
 * cluster-wide ones (offline queue, ready check, lazy connect, key prefix, auto pipelining) go to
 * the Cluster, `retryStrategy` becomes its `clusterRetryStrategy`, the rest go to each node.
 */
export function connectRedis(url: string, options: RedisOptions = REDIS_OPTIONS): RedisClient {
  return connectRedisTarget(parseRedisUrl(url), options);
}

export function connectRedisTarget(target: RedisTarget, options: RedisOptions = REDIS_OPTIONS): RedisClient {
  switch (target.kind) {
    case "server":
      // ioredis reads the URL itself (and its query options); the URL wins over `options`.
      return new Redis(target.url, options);
    case "sentinel":
      return new Redis({
        ...options,
        sentinels: target.sentinels,
        name: target.name,
        db: target.db,
        ...defined({
          username: target.username,
          password: target.password,
          sentinelUsername: target.sentinelUsername,
          sentinelPassword: target.sentinelPassword,
        }),
        ...(target.tls ? { tls: tlsOptions(options), enableTLSForSentinelMode: true, sentinelTLS: options.sentinelTLS ?? {} } : {}),
      });
    case "cluster":
      return new Cluster(target.nodes, clusterOptions(target, options));
  }
}

/** The entries that have a value (an absent credential leaves `options`' own in place). */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function tlsOptions(options: RedisOptions) {
  return typeof options.tls === "object" ? options.tls : {};
}

// Options the Cluster takes itself; the rest go to each node's connection (`redisOptions`).
const CLUSTER_LEVEL = [
  "enableOfflineQueue",
  "enableReadyCheck",
  "lazyConnect",
  "keyPrefix",
  "showFriendlyErrorStack",
  "enableAutoPipelining",
  "autoPipeliningIgnoredCommands",
  "scripts",
] as const;
// Options a cluster node's connection must not have (the Cluster sets or forbids them).
const NOT_PER_NODE = [
  "port",
  "host",
  "path",
  "sentinels",
  "name",
  "role",
  "db",
  "retryStrategy",
  "enableOfflineQueue",
  "readOnly",
  "himportFieldsets",
  "lazyConnect",
] as const;

function clusterOptions(target: Extract<RedisTarget, { kind: "cluster" }>, options: RedisOptions): ClusterOptions {
  const cluster: ClusterOptions = {};
  for (const key of CLUSTER_LEVEL) {
    if (options[key] !== undefined) Object.assign(cluster, { [key]: options[key] });
  }
  // A server's reconnect schedule is the cluster's (the Cluster reconnects, not its nodes).
  if (options.retryStrategy !== undefined) {
    const retry = options.retryStrategy;
    cluster.clusterRetryStrategy = retry === null ? null : (times) => retry(times);
  }
  const perNode: Record<string, unknown> = { ...options };
  for (const key of NOT_PER_NODE) delete perNode[key];
  if (target.username !== undefined) perNode.username = target.username;
  if (target.password !== undefined) perNode.password = target.password;
  if (target.tls) {
    perNode.tls = tlsOptions(options);
    // Connect to the announced addresses as given, so TLS checks the name a node announces
    // (ioredis' advice for TLS clusters such as ElastiCache).
    cluster.dnsLookup = (address, callback) => callback(null, address);
  }
  cluster.redisOptions = perNode as ClusterOptions["redisOptions"];
  return cluster;
}

/**
 * A second client to the same place (for a subscriber): `Redis.duplicate(overrides)` or, for a
 * cluster, `Cluster.duplicate` with the overrides applied to each node's connection.
 */
export function duplicateRedis(client: RedisClient, overrides: Partial<RedisOptions> = {}): RedisClient {
  if (client instanceof Cluster) {
    return client.duplicate([], {
      redisOptions: { ...(client.options.redisOptions ?? {}), ...overrides } as ClusterOptions["redisOptions"],
    });
  }
  return client.duplicate(overrides);
}
