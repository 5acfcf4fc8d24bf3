// oidc-provider's short-lived state in Redis (sessions, interactions, codes, tokens, grants),
// so several instances share it. Each artifact is a hash {payload, consumed?} with the artifact's
// TTL; `consume` sets one field (atomic, keeps the TTL); indexes: session uid, user code, and a
// per-grant set of artifact keys so revokeByGrantId removes everything of a grant.
//
// Works on one server, through Sentinel and on a Cluster: every command and every transaction
// touches a single key (an artifact's key, an index key or a grant's set), so nothing ever
// spans two hash slots. Keys: <prefix><Model>:<id>, <prefix>uid:<uid>, <prefix>userCode:<code>,
// <prefix>grant:<grantId>. Writes that span keys are ordered so that an interruption leaves
// nothing unsafe behind: an artifact joins its grant's set before it is stored (a token is
// never out of revokeByGrantId's reach), the uid and user-code indexes are written alongside
// the artifact (an index whose artifact is missing finds nothing), and revoking deletes the
// members before the set.
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

const CONSUME = `if redis.call("EXISTS", KEYS[1]) == 1 then return redis.call("HSET", KEYS[1], "consumed", ARGV[1]) end return 0`;

/** Runs a transaction and fails as a whole when one of its commands failed. */
async function exec(transaction: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<void> {
  const results = await transaction.exec();
  if (!results) throw new Error("redis transaction aborted");
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
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
      const stored = await redis.hgetall(k);
      if (!stored.payload) return undefined;
      const payload = JSON.parse(stored.payload) as AdapterPayload;
      if (stored.consumed) payload.consumed = Number(stored.consumed);
      return payload;
    };

    return {
      async upsert(id, payload, expiresIn) {
        const k = key(id);
        if (GRANTABLE.has(model) && payload.grantId) {
          const g = grantKey(payload.grantId);
          const grant = redis.multi().sadd(g, k);
          // The grant index lives as long as its longest-lived member.
          if (expiresIn) grant.expire(g, expiresIn, "GT").expire(g, expiresIn, "NX");
          await exec(grant);
        }
        const index = (indexKey: string) => (expiresIn ? redis.set(indexKey, id, "EX", expiresIn) : redis.set(indexKey, id));
        const writes: Promise<unknown>[] = [];
        if (model === "Session" && payload.uid) writes.push(index(uidKey(payload.uid)));
        if (payload.userCode) writes.push(index(userCodeKey(payload.userCode)));
        const artifact = redis.multi().del(k).hset(k, "payload", JSON.stringify(payload));
        if (expiresIn) artifact.expire(k, expiresIn);
        writes.push(exec(artifact));
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
        // Only an existing artifact: a bare HSET would recreate an expired one without a TTL.
        await redis.eval(CONSUME, 1, key(id), Math.floor(Date.now() / 1000));
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
