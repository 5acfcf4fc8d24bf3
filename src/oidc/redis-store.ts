// oidc-provider's short-lived state in Redis (sessions, interactions, codes, tokens, grants),
// so several instances share it. Each artifact is a hash {payload, consumed?} with the artifact's
// TTL; `consume` sets one field (atomic, keeps the TTL); indexes: session uid, user code, and a
// per-grant set of artifact keys so revokeByGrantId removes everything of a grant.
import type { Redis } from "ioredis";
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

export class RedisStore {
  constructor(
    private readonly redis: Redis,
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
        const multi = redis.multi().del(k).hset(k, "payload", JSON.stringify(payload));
        if (expiresIn) multi.expire(k, expiresIn);
        const index = (indexKey: string) => (expiresIn ? multi.set(indexKey, id, "EX", expiresIn) : multi.set(indexKey, id));
        if (model === "Session" && payload.uid) index(uidKey(payload.uid));
        if (payload.userCode) index(userCodeKey(payload.userCode));
        if (GRANTABLE.has(model) && payload.grantId) {
          const g = grantKey(payload.grantId);
          multi.sadd(g, k);
          // The grant index lives as long as its longest-lived member.
          if (expiresIn) multi.expire(g, expiresIn, "GT").expire(g, expiresIn, "NX");
        }
        await multi.exec();
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
        await redis.del(g, ...members);
      },
    };
  }
}
