// What rolegate asks of its backing services per request: Redis commands (INFO commandstats) and
// PostgreSQL transactions (pg_stat_database; each statement outside a transaction is one).
import { Redis } from "ioredis";
import type pg from "pg";

export interface BackendWork {
  /** Every command Redis ran, those inside scripts included. */
  redisCommands: number;
  /** Of which scripts (EVALSHA, EVAL): each one is one request from rolegate. */
  redisScripts: number;
  pgTransactions: number;
}

export class BackendCounters {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly db: pg.Client,
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
    return { redisCommands, redisScripts, pgTransactions: Number(row.n) };
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
      },
    };
  }

  close(): void {
    this.redis.disconnect();
  }
}
