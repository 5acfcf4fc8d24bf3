// How rolegate talks to Redis (ioredis) so that an outage fails requests fast and ends by itself:
// while Redis is away, commands fail at once (503 to the caller) instead of queueing, and the
// client keeps reconnecting, forever, until Redis is back.
import type { RedisOptions } from "ioredis";

export const REDIS_OPTIONS = {
  // No offline queue: a command sent while disconnected fails immediately ("Stream isn't
  // writeable …"), so requests answer 503 at once rather than hanging until Redis returns.
  enableOfflineQueue: false,
  // A command already sent when the connection dropped is retried once after reconnecting, then
  // fails with MaxRetriesPerRequestError.
  maxRetriesPerRequest: 1,
  // An unreachable host (no RST, e.g. a network partition) fails the connection attempt after 2 s.
  connectTimeout: 2000,
  // A command that gets no reply (Redis hung, packets lost) fails after 2 s. rolegate sends no
  // blocking commands.
  commandTimeout: 2000,
  // Reconnect forever: 100 ms, 200 ms, … at most 2 s apart. (Returning a non-number would stop.)
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
  // Commands issued in the same tick of the event loop go out in one write (and their replies
  // come back in one read): an operation's independent commands, and those of concurrent
  // requests, share round trips and system calls. On a cluster, per node. While Redis is down
  // they fail at once like any other command (the offline queue stays off).
  enableAutoPipelining: true,
} satisfies RedisOptions;

/**
 * Resolves when the client is ready, or after `timeoutMs` (then rolegate starts anyway: /readyz
 * reports Redis down and the client keeps reconnecting). Without an offline queue, commands sent
 * before the connection is ready would fail; this keeps the first requests after start from 503s.
 */
export async function redisReady(
  redis: { status: string; once(event: "ready", listener: () => void): unknown; off(event: "ready", listener: () => void): unknown },
  timeoutMs = 5000,
): Promise<boolean> {
  if (redis.status === "ready") return true;
  return new Promise((resolve) => {
    const ready = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      redis.off("ready", ready);
      resolve(false);
    }, timeoutMs);
    redis.once("ready", ready);
  });
}
