// What rolegate asks of its backing services per request: Redis commands (INFO commandstats) and
// PostgreSQL transactions (pg_stat_database; each statement outside a transaction is one); and
// the CPU time rolegate's own process spent (/proc/<pid>/stat, all its threads: argon2 runs in
// libuv's), which does not depend on how busy the machine is.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import type pg from "pg";

export interface BackendWork {
  /** Every command Redis ran, those inside scripts included. */
  redisCommands: number;
  /** Of which scripts (EVALSHA, EVAL): each one is one request from rolegate. */
  redisScripts: number;
  pgTransactions: number;
  /** CPU milliseconds of the rolegate process (user + system); NaN where /proc is missing. */
  cpuMs: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

export class BackendCounters {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly db: pg.Client,
    /** rolegate's process, for its CPU time. */
    private readonly pid?: number,
  ) {
    this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async snapshot(): Promise<BackendWork> {
    if (this.redis.status === "wait") await this.redis.connect();
    const info = await this.redis.info("commandstats");
    let redisCommands = 0;
    let redisScripts = 0;
    for (const line of info.split("\n")) {
      const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
      if (match && match[1] !== "info") redisCommands += Number(match[2]);
      if (match && (match[1] === "evalsha" || match[1] === "eval")) redisScripts += Number(match[2]);
    }
    // PostgreSQL publishes a backend's counts up to a second late; this query itself counts as one.
    const row = (
      await this.db.query<{ n: string }>(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`)
    ).rows[0]!;
    return { redisCommands, redisScripts, pgTransactions: Number(row.n), cpuMs: cpuMsOf(this.pid) };
  }

  /** Runs `work` and returns what it cost per `count()` (read after `work`). */
  async per<T>(work: () => Promise<T>, count: (result: T) => number): Promise<{ result: T; perRequest: BackendWork }> {
    const before = await this.snapshot();
    const result = await work();
    await new Promise((r) => setTimeout(r, 1100)); // let PostgreSQL publish the last second's counts
    const after = await this.snapshot();
    const n = Math.max(1, count(result));
    return {
      result,
      perRequest: {
        redisCommands: Math.max(0, after.redisCommands - before.redisCommands) / n,
        redisScripts: Math.max(0, after.redisScripts - before.redisScripts) / n,
        pgTransactions: Math.max(0, after.pgTransactions - before.pgTransactions - 1) / n,
        cpuMs: (after.cpuMs - before.cpuMs) / n,
      },
    };
  }

  close(): void {
    this.redis.disconnect();
  }
}
