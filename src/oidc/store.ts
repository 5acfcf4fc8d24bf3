// The embedded store for oidc-provider's short-lived state (sessions, interactions, codes,
// tokens, grants) when no REDIS_URL is set: one process, in memory, with expiry and the indexes
// the adapter interface needs (session uid, user code, and all artifacts of a grant).
import type { Adapter, AdapterPayload } from "oidc-provider";

/** Models whose artifacts belong to a grant and leave with it (revokeByGrantId). */
export const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
  "ClientCredentials",
  "JwtAccessToken", // records of JWT access tokens (jwt-access-tokens.ts)
]);

/** Where oidc-provider's state lives: in memory (one instance) or in Redis (several). */
export interface StateStore {
  adapterFor(model: string): Adapter;
  /** Takes `name` for `ttlSeconds` unless it is taken already (atomic, shared by every instance). */
  claim(name: string, ttlSeconds: number): Promise<boolean>;
  release(name: string): Promise<void>;
  close(): void;
}

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

export class MemoryStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly index = new Map<string, string>();
  private readonly grants = new Map<string, Set<string>>();
  private readonly claims = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepEveryMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  adapterFor(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`;
    const store = this;
    return {
      async upsert(id, payload, expiresIn) {
        const k = key(id);
        store.entries.set(k, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
        if (model === "Session" && payload.uid) store.index.set(`uid:${payload.uid}`, id);
        if (payload.userCode) store.index.set(`userCode:${payload.userCode}`, id);
        if (GRANTABLE.has(model) && payload.grantId) {
          const members = store.grants.get(payload.grantId) ?? new Set<string>();
          members.add(k);
          store.grants.set(payload.grantId, members);
        }
      },
      async find(id) {
        return store.get(key(id));
      },
      async findByUid(uid) {
        const id = store.index.get(`uid:${uid}`);
        return id === undefined ? undefined : store.get(key(id));
      },
      async findByUserCode(userCode) {
        const id = store.index.get(`userCode:${userCode}`);
        return id === undefined ? undefined : store.get(key(id));
      },
      async consume(id) {
        const entry = store.entries.get(key(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.entries.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of store.grants.get(grantId) ?? []) store.entries.delete(k);
        store.grants.delete(grantId);
      },
    };
  }

  async claim(name: string, ttlSeconds: number): Promise<boolean> {
    const until = this.claims.get(name);
    if (until !== undefined && until > Date.now()) return false;
    this.claims.set(name, Date.now() + ttlSeconds * 1000);
    return true;
  }

  async release(name: string): Promise<void> {
    this.claims.delete(name);
  }

  private get(k: string): AdapterPayload | undefined {
    const entry = this.entries.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(k);
      return undefined;
    }
    return entry.payload;
  }

  /** Drops expired entries and index entries that point nowhere. */
  sweep(): void {
    const now = Date.now();
    for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
    for (const [name, until] of this.claims) if (until <= now) this.claims.delete(name);
    for (const [grantId, members] of this.grants) {
      for (const k of members) if (!this.entries.has(k)) members.delete(k);
      if (members.size === 0) this.grants.delete(grantId);
    }
    for (const [k, id] of this.index) {
      const model = k.startsWith("uid:") ? "Session" : "DeviceCode";
      if (!this.entries.has(`${model}:${id}`)) this.index.delete(k);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
