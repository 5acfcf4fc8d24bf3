// Throw-away PostgreSQL and Redis servers for the test run, from the binaries on the machine.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface RunningServer {
  url: string;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const fromPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (fromPath) return fromPath;
  return extraDirs.map((dir) => path.join(dir, name)).find((candidate) => existsSync(candidate));
}

function postgresBinDirs(): string[] {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .reverse()
    .map((version) => path.join(root, version, "bin"));
}

/** initdb refuses to run as root: then run the server as the `postgres` OS user. */
function asPostgresUser(command: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command[0]!, command.slice(1)];
  const quoted = command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(" ");
  return ["su", ["postgres", "-s", "/bin/sh", "-c", quoted]];
}

/** A server the test can take away and bring back: same port, same data. */
export interface RestartableServer extends RunningServer {
  port: number;
  /** Stops the server and keeps its data directory (PostgreSQL: `pg_ctl stop -m fast`; Redis: SIGKILL). */
  halt(): void;
  /** Starts it again on the same port with the same data. */
  resume(): Promise<void>;
}

export async function startPostgres(): Promise<RestartableServer> {
  const dirs = postgresBinDirs();
  const initdb = findBinary("initdb", dirs);
  const pgCtl = findBinary("pg_ctl", dirs);
  if (!initdb || !pgCtl) {
    throw new Error(
      "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (apt-get install -y postgresql) " +
        "or set TEST_DATABASE_URL to an existing server",
    );
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "rolegate-pg-"));
  chmodSync(dir, 0o777);
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres", dir]);
  const port = await freePort();
  const data = path.join(dir, "data");
  const run = (command: string[]) => {
    const [bin, args] = asPostgresUser(command);
    execFileSync(bin, args, { stdio: "pipe" });
  };
  const start = () =>
    run([
      pgCtl,
      "-D",
      data,
      "-l",
      path.join(dir, "log"),
      "-w",
      "start",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    ]);
  run([initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    // A clean, fast shutdown: connected clients are cut off, committed data stays.
    halt: () => run([pgCtl, "-D", data, "-m", "fast", "-w", "stop"]),
    resume: async () => start(),
    stop: () => {
      try {
        run([pgCtl, "-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface RedisOptions {
  /** Append-only file with an fsync per write: every acknowledged write survives a kill. */
  durable?: boolean;
}

export async function startRedis(options: RedisOptions = {}): Promise<RestartableServer> {
  const redis = findBinary("redis-server", []);
  if (!redis) {
    throw new Error("redis-server not found: install it (apt-get install -y redis-server) or set TEST_REDIS_URL");
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "rolegate-redis-"));
  const port = await freePort();
  const pidfile = path.join(dir, "redis.pid");
  const persistence = options.durable ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const start = async () => {
    execFileSync(redis, [...redisDaemonArgs({ port, dir, pidfile, logfile: path.join(dir, "log") }), "--save", "", ...persistence]);
    await waitForPort(port);
  };
  const pid = () => Number(readFileSync(pidfile, "utf8").trim());
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    // The hardest stop: no shutdown save, only what the append-only file already holds survives.
    halt: () => {
      const running = pid();
      process.kill(running, "SIGKILL");
      waitForExit(running);
      rmSync(pidfile, { force: true });
    },
    resume: start,
    stop: () => {
      try {
        const cli = findBinary("redis-cli", []);
        if (cli) execFileSync(cli, ["-p", String(port), "shutdown", "nosave"], { stdio: "ignore" });
      } catch {
        // already gone
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Waits (briefly, synchronously) until a process is gone. */
export function waitForExit(pid: number, timeoutMs = 5000): void {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    spawnSync("sleep", ["0.05"]);
  }
  throw new Error(`process ${pid} did not exit in ${timeoutMs} ms`);
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

/** The settings every test redis-server daemon starts with: loopback only, in its own folder. */
export function redisDaemonArgs(d: { port: number; dir: string; pidfile: string; logfile: string }): string[] {
  return [
    "--port",
    String(d.port),
    "--bind",
    "127.0.0.1",
    "--daemonize",
    "yes",
    "--pidfile",
    d.pidfile,
    "--dir",
    d.dir,
    "--logfile",
    d.logfile,
  ];
}
