// Limits password attempts per login name and per client address, so passwords cannot be
// guessed at speed. Counters live in memory for one instance, or in Redis shared by all.
import type { RedisClient } from "../redis.js";
export interface RateLimiter {
  /** True when another attempt is allowed for every key. */
  allowed(keys: string[]): Promise<boolean>;
  /** Records a failed attempt for every key. */
  fail(keys: string[]): Promise<void>;
  /** Forgets a key's failures (after a successful login). */
  reset(key: string): Promise<void>;
}

export function createMemoryRateLimiter({ maxFailures = 10, windowMs = 15 * 60_000 } = {}): RateLimiter {
  const failures = new Map<string, { count: number; until: number }>();
  const current = (key: string) => {
    const entry = failures.get(key);
    if (entry && entry.until <= Date.now()) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async allowed(keys) {
      return keys.every((key) => (current(key)?.count ?? 0) < maxFailures);
    },
    async fail(keys) {
      for (const key of keys) {
        const entry = current(key) ?? { count: 0, until: Date.now() + windowMs };
        entry.count += 1;
        failures.set(key, entry);
      }
    },
    async reset(key) {
      failures.delete(key);
    },
  };
}

/**
 * The same limits in Redis, shared by every instance (INCR with the window as TTL). Each
 * command touches one counter, so the counters may live on different nodes of a cluster.
 */
export function createRedisRateLimiter(redis: RedisClient, { maxFailures = 10, windowMs = 15 * 60_000, prefix = "rolegate:ratelimit:" } = {}): RateLimiter {
  return {
    async allowed(keys) {
      const counts = await Promise.all(keys.map((k) => redis.get(prefix + k)));
      return counts.every((c) => Number(c ?? 0) < maxFailures);
    },
    async fail(keys) {
      await Promise.all(
        keys.map(async (key) => {
          const results = await redis.multi().incr(prefix + key).pexpire(prefix + key, windowMs, "NX").exec();
          const failed = results?.find(([error]) => error);
          if (failed) throw failed[0];
        }),
      );
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
  };
}
