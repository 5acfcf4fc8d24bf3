// oidc-provider's short-lived state in Redis (sessions, interactions, codes, tokens, grants),
// so several instances share it. Each artifact is a string, its payload's JSON, with the
// artifact's TTL: `upsert` is one SET … EX, `find` one GET. `consume` adds `"consumed":<time>`
// to the JSON in a script (atomic, keeps the TTL, never recreates an expired artifact).
// Indexes: session uid, user code, and a per-grant set of artifact keys so revokeByGrantId
// removes everything of a grant.
//
// Works on one server, through Sentinel and on a Cluster: every command and every script
// touches a single key (an artifact's key, an index key or a grant's set), so nothing ever
// spans two hash slots. Keys: <prefix><Model>:<id>, <prefix>uid:<uid>, <prefix>userCode:<code>,
// <prefix>grant:<grantId>. Writes that span keys are ordered so that an interruption leaves
// nothing unsafe behind: an artifact joins its grant's set before it is stored (a token is
// never out of revokeByGrantId's reach), the uid and user-code indexes are written alongside
// the artifact (an index whose artifact is missing finds nothing), and revoking deletes the
// members before the set.
//
// Round trips: the commands of one operation that may run together are sent together (the
// client pipelines what is issued in the same tick, see redis-options.ts); an upsert is one
// round trip, or two for an artifact of a grant (its set first); a find is one (two by uid or
// user code: the index, then the artifact).
//
// Entries written by earlier versions (a hash {payload, consumed?}) are still read and
// consumed; they are replaced by strings when next stored, or expire.
import { createHash } from "node:crypto";
import type { RedisClient } from "../redis.js";
import type { Adapter, AdapterPayload } from "oidc-provider";

const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
  "ClientCredentials",
]);

/** A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL) when the server does not know it yet. */
class Script {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: RedisClient, key: string, ...args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, 1, key, ...args);
    }
  }
}

// KEYS[1] an artifact, ARGV[1] the time. Only an existing artifact: SET would recreate an expired
// one. A JSON object gains a last member (JSON.parse keeps the last of repeated names); an
// earlier version's hash gains a field.
const CONSUME = new Script(`
local value = redis.pcall("GET", KEYS[1])
if not value then return 0 end
if type(value) == "table" then return redis.call("HSET", KEYS[1], "consumed", ARGV[1]) end
local consumed = '"consumed":' .. ARGV[1] .. "}"
if value == "{}" then value = "{" .. consumed else value = string.sub(value, 1, -2) .. "," .. consumed end
redis.call("SET", KEYS[1], value, "KEEPTTL")
return 1
`);

// KEYS[1] a grant's set, ARGV[1] an artifact's key, ARGV[2] its TTL in seconds (0: none). The
// set lives as long as its longest-lived member.
const JOIN_GRANT = new Script(`
redis.call("SADD", KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 and redis.call("TTL", KEYS[1]) < ttl then redis.call("EXPIRE", KEYS[1], ttl) end
return 1
`);

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("WRONGTYPE");
}

export class RedisStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = "rolegate:",
  ) {}

  close(): void {
    void this.redis.quit().catch(() => undefined);
  }

  private key(model: string, id: string): string {
    return `${this.prefix}${model}:${id}`;
  }

  adapterFor(model: string): Adapter {
    const key = (id: string) => this.key(model, id);
    const redis = this.redis;
    const uidKey = (uid: string) => `${this.prefix}uid:${uid}`;
    const userCodeKey = (code: string) => `${this.prefix}userCode:${code}`;
    const grantKey = (grantId: string) => `${this.prefix}grant:${grantId}`;

    const read = async (k: string): Promise<AdapterPayload | undefined> => {
      let stored: string | null;
      try {
        stored = await redis.get(k);
      } catch (error) {
        if (!isWrongType(error)) throw error;
        return readHash(k);
      }
      return stored === null ? undefined : (JSON.parse(stored) as AdapterPayload);
    };
    // An entry of an earlier version: a hash {payload, consumed?}.
    const readHash = async (k: string): Promise<AdapterPayload | undefined> => {
      const stored = await redis.hgetall(k);
      if (!stored.payload) return undefined;
      const payload = JSON.parse(stored.payload) as AdapterPayload;
      if (stored.consumed) payload.consumed = Number(stored.consumed);
      return payload;
    };
    const set = (k: string, value: string, expiresIn: number | undefined) => (expiresIn ? redis.set(k, value, "EX", expiresIn) : redis.set(k, value));

    return {
      async upsert(id, payload, expiresIn) {
        const k = key(id);
        if (GRANTABLE.has(model) && payload.grantId) await JOIN_GRANT.run(redis, grantKey(payload.grantId), k, expiresIn ?? 0);
        const writes: Promise<unknown>[] = [];
        if (model === "Session" && payload.uid) writes.push(set(uidKey(payload.uid), id, expiresIn));
        if (payload.userCode) writes.push(set(userCodeKey(payload.userCode), id, expiresIn));
        writes.push(set(k, JSON.stringify(payload), expiresIn));
        await Promise.all(writes);
      },
      find: (id) => read(key(id)),
      async findByUid(uid) {
        const id = await redis.get(uidKey(uid));
        return id ? read(key(id)) : undefined;
      },
      async findByUserCode(userCode) {
        const id = await redis.get(userCodeKey(userCode));
        return id ? read(key(id)) : undefined;
      },
      async consume(id) {
        await CONSUME.run(redis, key(id), Math.floor(Date.now() / 1000));
      },
      async destroy(id) {
        await redis.del(key(id));
      },
      async revokeByGrantId(grantId) {
        const g = grantKey(grantId);
        const members = await redis.smembers(g);
        // One DEL per key: the members hash to any slot (in a cluster, any node).
        await Promise.all(members.map((member) => redis.del(member)));
        await redis.del(g);
      },
    };
  }
}
