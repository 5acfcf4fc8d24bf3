// Throw-away Redis topologies from the machine's redis-server and redis-cli: a Sentinel set (one
// master and one Sentinel) and a three-node Cluster, each in a temporary directory on free
// ports, with passwords so the credentials in REDIS_URL are exercised. They start in a second
// or two; stop() ends the processes this module started (by their pid files) and removes the
// directory.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findBinary, freePort, redisDaemonArgs, waitForExit, waitForPort } from "./servers.js";

export interface RedisTopology {
  /** REDIS_URL for the topology. */
  url: string;
  /** The data servers (the master, or the cluster nodes). */
  servers: { host: string; port: number }[];
  stop(): Promise<void>;
}

export const SENTINEL_MASTER = "mymaster";
// Characters that must be percent-encoded in the URL.
const MASTER_PASSWORD = "s3cr@t/pw:1";
const SENTINEL_PASSWORD = "sentinel-secret";
const CLUSTER_USER = "rolegate";
const CLUSTER_PASSWORD = "cluster#pw";

function binary(name: string): string {
  const found = findBinary(name);
  if (!found) throw new Error(`${name} not found: install it (apt-get install -y redis-server redis-tools)`);
  return found;
}

/** Starts a redis-server daemon; `extra` are further command-line settings. */
function startServer(dir: string, name: string, port: number, extra: string[]): string {
  const pidfile = path.join(dir, `${name}.pid`);
  execFileSync(binary("redis-server"), [
    ...extra,
    ...redisDaemonArgs({ port, dir, pidfile, logfile: path.join(dir, `${name}.log`) }),
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  return pidfile;
}

async function stopAll(dir: string, pidfiles: string[]): Promise<void> {
  const pids: number[] = [];
  for (const pidfile of pidfiles) {
    try {
      if (!existsSync(pidfile)) continue;
      const pid = Number(readFileSync(pidfile, "utf8").trim());
      process.kill(pid, "SIGTERM");
      pids.push(pid);
    } catch {
      // already gone
    }
  }
  // Redis and Sentinel write their files while they shut down: remove the directory once they are gone.
  for (const pid of pids) {
    try {
      waitForExit(pid);
    } catch {
      // still running: remove what can be removed
    }
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

function cli(port: number, auth: string[], ...command: string[]): string {
  return execFileSync(binary("redis-cli"), ["-h", "127.0.0.1", "-p", String(port), "--no-auth-warning", ...auth, ...command], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** One master with a password, watched by one Sentinel with a password of its own. */
export async function startSentinelSet(): Promise<RedisTopology> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rolegate-redis-sentinel-"));
  const pidfiles: string[] = [];
  try {
    const masterPort = await freePort();
    pidfiles.push(startServer(dir, "master", masterPort, ["--requirepass", MASTER_PASSWORD]));
    const sentinelPort = await freePort();
    const config = path.join(dir, "sentinel.conf");
    writeFileSync(
      config,
      [
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${masterPort} 1`,
        `sentinel auth-pass ${SENTINEL_MASTER} "${MASTER_PASSWORD}"`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} 5000`,
        `requirepass "${SENTINEL_PASSWORD}"`,
        "",
      ].join("\n"),
    );
    const pidfile = path.join(dir, "sentinel.pid");
    pidfiles.push(pidfile);
    execFileSync(binary("redis-server"), [
      config,
      "--sentinel",
      ...redisDaemonArgs({ port: sentinelPort, dir, pidfile, logfile: path.join(dir, "sentinel.log") }),
    ]);
    await waitForPort(masterPort);
    await waitForPort(sentinelPort);
    const password = encodeURIComponent(MASTER_PASSWORD);
    return {
      url: `redis+sentinel://:${password}@127.0.0.1:${sentinelPort}/${SENTINEL_MASTER}?sentinelPassword=${SENTINEL_PASSWORD}`,
      servers: [{ host: "127.0.0.1", port: masterPort }],
      stop: () => stopAll(dir, pidfiles),
    };
  } catch (error) {
    await stopAll(dir, pidfiles);
    throw error;
  }
}

/** Three masters sharing the 16384 slots, no replicas; an ACL user `rolegate` with a password. */
export async function startCluster(): Promise<RedisTopology> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rolegate-redis-cluster-"));
  const pidfiles: string[] = [];
  const auth = ["--user", CLUSTER_USER, "--pass", CLUSTER_PASSWORD];
  try {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      // The cluster bus port is given explicitly: port + 10000 may be beyond 65535.
      const [port, busPort] = [await freePort(), await freePort()];
      ports.push(port);
      pidfiles.push(
        startServer(dir, `node-${port}`, port, [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          path.join(dir, `nodes-${port}.conf`),
          "--cluster-port",
          String(busPort),
          "--cluster-node-timeout",
          "5000",
          "--requirepass",
          "default-user-secret",
          "--user",
          CLUSTER_USER,
          "on",
          `>${CLUSTER_PASSWORD}`,
          "~*",
          "&*",
          "+@all",
        ]),
      );
    }
    for (const port of ports) await waitForPort(port);
    execFileSync(
      binary("redis-cli"),
      [
        "--no-auth-warning",
        ...auth,
        "--cluster",
        "create",
        ...ports.map((port) => `127.0.0.1:${port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    for (const port of ports) {
      await waitFor(`cluster state on ${port}`, () => cli(port, auth, "cluster", "info").includes("cluster_state:ok"));
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`).join(",");
    return {
      url: `redis+cluster://${CLUSTER_USER}:${encodeURIComponent(CLUSTER_PASSWORD)}@${nodes}`,
      servers: ports.map((port) => ({ host: "127.0.0.1", port })),
      stop: () => stopAll(dir, pidfiles),
    };
  } catch (error) {
    await stopAll(dir, pidfiles);
    throw error;
  }
}
