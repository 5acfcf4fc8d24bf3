// Throw-away PostgreSQL and Redis servers for the test run, from the binaries on the machine.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
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

function findBinary(name: string, extraDirs: string[]): string | undefined {
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

export async function startPostgres(): Promise<RunningServer> {
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
  run([initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  run([
    pgCtl, "-D", data, "-l", path.join(dir, "log"), "-w", "start",
    "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
  ]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run([pgCtl, "-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function startRedis(): Promise<RunningServer> {
  const redis = findBinary("redis-server", []);
  if (!redis) {
    throw new Error("redis-server not found: install it (apt-get install -y redis-server) or set TEST_REDIS_URL");
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "rolegate-redis-"));
  const port = await freePort();
  const pidfile = path.join(dir, "redis.pid");
  execFileSync(redis, [
    "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
    "--daemonize", "yes", "--pidfile", pidfile, "--dir", dir, "--logfile", path.join(dir, "log"),
  ]);
  await waitForPort(port);
  return {
    url: `redis://127.0.0.1:${port}`,
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

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
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
