// oidc-provider's short-lived state in Redis (sessions, interactions, codes, tokens, grants),
// so several instances share it. Each artifact is a string, its payload's JSON, with the
// artifact's TTL (SET … EX), read with GET. `consume` adds `"consumed":<time>`
// to the JSON in a script (atomic, keeps the TTL, never recreates an expired artifact).
// Indexes: session uid, user code, and a per-grant set of artifact keys so revokeByGrantId
// removes everything of a grant.
//
// Keys: <prefix><Model>:<id>, <prefix>uid:<uid>, <prefix>userCode:<code>, <prefix>grant:<grantId>,
// <prefix>claim:<name> (short-lived claims, SET NX EX).
//
// On one server (directly or through Sentinel) an upsert is one script that writes the
// artifact, its indexes and its grant's set together. Finding a token or a session inside one of
// oidc-provider's requests also reads, in the same script, what oidc-provider asks for next: the
// token's grant and, for a token bound to a session, that session; a session's grants. These are
// kept beside that request's context (Provider.ctx) only, taken by the first find that asks for
// them, and dropped by any write to them. The dependent round trips of a token request (token,
// uid index, session, grant) become one.
//
// On a Cluster a script may touch only keys of one hash slot, so every command and script
// touches a single key: an artifact joins its grant's set before it is stored (a token is never
// out of revokeByGrantId's reach), the uid and user-code indexes are written alongside the
// artifact (an index whose artifact is missing finds nothing), revoking deletes the members
// before the set, and nothing is read ahead.
//
// Entries written by earlier versions (a hash {payload, consumed?}) are still read and
// consumed; they are replaced by strings when next stored, or expire.
import { createHash } from "node:crypto";
import Provider from "oidc-provider";
import type { RedisClient } from "../redis.js";
import type { Adapter, AdapterPayload } from "oidc-provider";
import { GRANTABLE, type StateStore } from "./store.js";

/** A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL) when the server does not know it yet. */
class Script {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: RedisClient, keys: string[], ...args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
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

// One server only. KEYS[1] an artifact, then its grant's set if ARGV[4] is "1", then its indexes
// (uid, user code); ARGV[1] the JSON, ARGV[2] the TTL in seconds (0: none), ARGV[3] the id the
// indexes point to. The set lives as long as its longest-lived member.
const UPSERT = new Script(`
local ttl = tonumber(ARGV[2])
local first = 2
if ARGV[4] == "1" then
  redis.call("SADD", KEYS[2], KEYS[1])
  if ttl > 0 and redis.call("TTL", KEYS[2]) < ttl then redis.call("EXPIRE", KEYS[2], ttl) end
  first = 3
end
for i = first, #KEYS do
  if ttl > 0 then redis.call("SET", KEYS[i], ARGV[3], "EX", ttl) else redis.call("SET", KEYS[i], ARGV[3]) end
end
if ttl > 0 then redis.call("SET", KEYS[1], ARGV[1], "EX", ttl) else redis.call("SET", KEYS[1], ARGV[1]) end
return 1
`);

// One server only. KEYS[1] a token or session, ARGV[1] the key prefix. Returns -1 for an earlier
// version's hash, nil when absent, else {json, key, value-or-nil, key, value-or-nil, …}: the
// token's grant, the session it is bound to (through the uid index), a session's grants (at most
// eight). These keys are not declared, which a single server allows.
const FIND_AHEAD = new Script(`
local value = redis.pcall("GET", KEYS[1])
if type(value) == "table" then return -1 end
if not value then return false end
local reply = {value}
local decoded, payload = pcall(cjson.decode, value)
if not decoded or type(payload) ~= "table" then return reply end
local function ahead(key)
  local found = redis.pcall("GET", key)
  if type(found) == "table" then return false end
  reply[#reply + 1] = key
  reply[#reply + 1] = found
  return found
end
if type(payload.grantId) == "string" then ahead(ARGV[1] .. "Grant:" .. payload.grantId) end
if payload.expiresWithSession == true and type(payload.sessionUid) == "string" then
  local id = ahead(ARGV[1] .. "uid:" .. payload.sessionUid)
  if id then ahead(ARGV[1] .. "Session:" .. id) end
end
if type(payload.authorizations) == "table" then
  local n = 0
  for _, authorization in pairs(payload.authorizations) do
    if n == 8 then break end
    if type(authorization) == "table" and type(authorization.grantId) == "string" then
      n = n + 1
      ahead(ARGV[1] .. "Grant:" .. authorization.grantId)
    end
  end
end
return reply
`);

/** What was read ahead for the request under way: a Redis key → its value (null: absent). */
type ReadAhead = Map<string, string | null>;

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("WRONGTYPE");
}

export class RedisStore implements StateStore {
  /** One server (directly or through Sentinel): scripts may span keys. */
  private readonly single: boolean;
  /** What was read ahead, by oidc-provider's request context. */
  private readonly readAhead = new WeakMap<object, ReadAhead>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = "rolegate:",
  ) {
    this.single = !redis.isCluster;
  }

  /** What was read ahead for the request under way: none outside oidc-provider's requests, or on a Cluster. */
  private aheadForRequest(create: boolean): ReadAhead | undefined {
    const request = this.single ? Provider.ctx : undefined;
    if (!request) return undefined;
    let ahead = this.readAhead.get(request);
    if (!ahead && create) {
      ahead = new Map();
      this.readAhead.set(request, ahead);
    }
    return ahead;
  }

  async claim(name: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}claim:${name}`, "1", "EX", ttlSeconds, "NX")) === "OK";
  }

  async release(name: string): Promise<void> {
    await this.redis.del(`${this.prefix}claim:${name}`);
  }

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

    const prefix = this.prefix;
    const single = this.single;
    const aheadForRequest = (create = false) => this.aheadForRequest(create);
    const readsAhead = single && (GRANTABLE.has(model) || model === "Session");

    const parse = (stored: string | null) => (stored === null ? undefined : (JSON.parse(stored) as AdapterPayload));
    /** A value read ahead for this request, taken once. */
    const taken = (k: string): { stored: string | null } | undefined => {
      const ahead = aheadForRequest();
      if (!ahead?.has(k)) return undefined;
      const stored = ahead.get(k)!;
      ahead.delete(k);
      return { stored };
    };
    const forget = (...keys: string[]) => {
      const ahead = aheadForRequest();
      if (ahead) for (const k of keys) ahead.delete(k);
    };
    const get = async (k: string): Promise<string | null> => {
      const early = taken(k);
      return early ? early.stored : redis.get(k);
    };
    const read = async (k: string): Promise<AdapterPayload | undefined> => {
      const early = taken(k);
      if (early) return parse(early.stored);
      const ahead = readsAhead ? aheadForRequest(true) : undefined;
      if (ahead) return readAhead(k, ahead);
      let stored: string | null;
      try {
        stored = await redis.get(k);
      } catch (error) {
        if (!isWrongType(error)) throw error;
        return readHash(k);
      }
      return parse(stored);
    };
    const readAhead = async (k: string, ahead: ReadAhead): Promise<AdapterPayload | undefined> => {
      const reply = (await FIND_AHEAD.run(redis, [k], prefix)) as (string | null)[] | number | null;
      if (reply === -1) return readHash(k);
      if (!Array.isArray(reply)) return undefined;
      for (let i = 1; i < reply.length; i += 2) ahead.set(reply[i]!, reply[i + 1] ?? null);
      return parse(reply[0] ?? null);
    };
    // An entry of an earlier version: a hash {payload, consumed?}.
    const readHash = async (k: string): Promise<AdapterPayload | undefined> => {
      const stored = await redis.hgetall(k);
      if (!stored.payload) return undefined;
      const payload = JSON.parse(stored.payload) as AdapterPayload;
      if (stored.consumed) payload.consumed = Number(stored.consumed);
      return payload;
    };
    const set = (k: string, value: string, expiresIn: number | undefined) =>
      expiresIn ? redis.set(k, value, "EX", expiresIn) : redis.set(k, value);

    return {
      async upsert(id, payload, expiresIn) {
        const k = key(id);
        const grant = GRANTABLE.has(model) && payload.grantId ? grantKey(payload.grantId) : undefined;
        const indexes: string[] = [];
        if (model === "Session" && payload.uid) indexes.push(uidKey(payload.uid));
        if (payload.userCode) indexes.push(userCodeKey(payload.userCode));
        forget(k, ...indexes);
        if (single) {
          const keys = grant ? [k, grant, ...indexes] : [k, ...indexes];
          await UPSERT.run(redis, keys, JSON.stringify(payload), expiresIn ?? 0, id, grant ? "1" : "0");
          return;
        }
        if (grant) await JOIN_GRANT.run(redis, [grant], k, expiresIn ?? 0);
        await Promise.all([...indexes.map((index) => set(index, id, expiresIn)), set(k, JSON.stringify(payload), expiresIn)]);
      },
      find: (id) => read(key(id)),
      async findByUid(uid) {
        const id = await get(uidKey(uid));
        return id ? read(key(id)) : undefined;
      },
      async findByUserCode(userCode) {
        const id = await get(userCodeKey(userCode));
        return id ? read(key(id)) : undefined;
      },
      async consume(id) {
        forget(key(id));
        await CONSUME.run(redis, [key(id)], Math.floor(Date.now() / 1000));
      },
      async destroy(id) {
        forget(key(id));
        await redis.del(key(id));
      },
      async revokeByGrantId(grantId) {
        aheadForRequest()?.clear();
        const g = grantKey(grantId);
        const members = await redis.smembers(g);
        // One DEL per key: the members hash to any slot (in a cluster, any node).
        await Promise.all(members.map((member) => redis.del(member)));
        await redis.del(g);
      },
    };
  }
}
