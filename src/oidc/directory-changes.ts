// Directory changes made through any instance's management API clear the request-path cache of
// every instance: locally at once, elsewhere through a Redis channel. A message missed while
// Redis was away is covered by the cache's own age limit, and the cache is cleared on reconnect.
import { ReadCache } from "../directory/read-cache.js";
import type { Logger } from "../log.js";
import { duplicateRedis, type RedisClient } from "../redis.js";

const CHANNEL = "rolegate:directory-changed";

export interface DirectoryChanges {
  cache: ReadCache;
  /** Call after a change to the directory is committed. */
  changed(): Promise<void>;
  close(): void;
}

export function watchDirectoryChanges(redis: RedisClient | undefined, log: Logger, cache = new ReadCache()): DirectoryChanges {
  if (!redis) return { cache, changed: async () => cache.clear(), close: () => undefined };
  const subscriber = duplicateRedis(redis, { autoResubscribe: false });
  subscriber.on("error", () => undefined); // the main connection logs Redis outages
  subscriber.on("message", () => cache.clear());
  subscriber.on("ready", () => {
    cache.clear();
    subscriber.subscribe(CHANNEL).catch((error: unknown) => log.warn({ err: String(error) }, "directory change channel unavailable"));
  });
  return {
    cache,
    changed: async () => {
      cache.clear();
      await redis.publish(CHANNEL, "changed").catch((error: unknown) => {
        log.warn({ err: String(error) }, "could not announce a directory change; other instances see it within a second");
      });
    },
    close: () => subscriber.disconnect(),
  };
}
