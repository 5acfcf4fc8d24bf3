// Limits password attempts, so passwords cannot be guessed at speed. Every attempt is counted
// BEFORE its password is checked (a reservation), so concurrent attempts cannot all slip through
// between a read and a write. Three counters, each with its own limit over one window:
//   - per login name and client address: tight (one attacker, one victim);
//   - per client address across names: password spraying from one address;
//   - per login name across addresses: loose, so one attacker cannot lock a user out of other
//     addresses, while a guess spread over many addresses is still slowed. It does not apply from
//     an address the user signed in from before (for KNOWN_ADDRESS_MS): a guess spread over many
//     addresses cannot lock the user out of their usual ones either.
// A successful login clears the name-and-address counter, takes its attempt back from the other
// two (so only failures add up there) and remembers the address as known for that name. Counters live in memory for one instance, or in
// Redis shared by all (each command touches one key: fine on a Cluster).
import type { RedisClient } from "../redis.js";

export interface LoginLimits {
  perNameAndAddress: number;
  perName: number;
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perNameAndAddress: 10, perName: 100, perAddress: 100, windowMs: 15 * 60_000 };

/** How long an address a user signed in from stays exempt from the name-wide counter. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;

/** Who is trying: the login name as typed (compared without case) and the client address. */
export interface Attempt {
  loginName: string;
  address: string;
}

export interface RateLimiter {
  /**
   * Counts an attempt; false when a limit is reached (the password must not be checked then).
   * The name-and-address counter is checked first: an attempt refused there counts nowhere else.
   */
  reserve(attempt: Attempt): Promise<boolean>;
  /** The attempt was never checked (the instance was too busy): gives its reservation back. */
  cancel(attempt: Attempt): Promise<void>;
  /** The password was right: clears the name-and-address counter, gives the attempt back to the others. */
  succeeded(attempt: Attempt): Promise<void>;
}

type Counter = "nameAndAddress" | "address" | "name" | "known";
/** In the order they are reserved. */
const COUNTERS: Counter[] = ["nameAndAddress", "address", "name"];

/**
 * The address a counter is kept for: an IPv4 address as it is (also when IPv4-mapped), an IPv6
 * address as its /64 network (one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would give one attacker billions of counters).
 */
export function addressKeyOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.split("%")[0]!.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  if (right.some((part) => part.includes(".")) || left.some((part) => part.includes("."))) return address; // embedded IPv4: rare, kept whole
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

function keyOf(counter: Counter, { loginName, address }: Attempt): string {
  const name = encodeURIComponent(loginName.trim().toLowerCase());
  const addr = encodeURIComponent(addressKeyOf(address));
  if (counter === "nameAndAddress") return `name-address:${name}:${addr}`;
  if (counter === "known") return `known:${name}:${addr}`;
  return counter === "name" ? `name:${name}` : `address:${addr}`;
}

function limitOf(counter: Counter, limits: LoginLimits): number {
  if (counter === "nameAndAddress") return limits.perNameAndAddress;
  return counter === "name" ? limits.perName : limits.perAddress;
}

/**
 * Reserves counter by counter and stops at the first refusal (what the others never saw stays
 * untouched). A known address skips the name-wide counter.
 */
async function reserveAll(limits: LoginLimits, attempt: Attempt, increment: (key: string) => Promise<number> | number, known: boolean) {
  for (const counter of COUNTERS) {
    if (counter === "name" && known) continue;
    if ((await increment(keyOf(counter, attempt))) > limitOf(counter, limits)) return false;
  }
  return true;
}

export function createMemoryRateLimiter(partial: Partial<LoginLimits> = {}): RateLimiter {
  const limits: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, ...partial };
  const counts = new Map<string, { count: number; until: number }>();
  const current = (key: string) => {
    const entry = counts.get(key);
    if (entry && entry.until <= Date.now()) {
      counts.delete(key);
      return undefined;
    }
    return entry;
  };
  // Synchronous: nothing else runs between reading and writing a counter.
  const increment = (key: string) => {
    const entry = current(key) ?? { count: 0, until: Date.now() + limits.windowMs };
    entry.count += 1;
    counts.set(key, entry);
    return entry.count;
  };
  const decrement = (key: string) => {
    const entry = current(key);
    if (entry && entry.count > 0) entry.count -= 1;
  };
  // Expired counters are only dropped when touched: sweep them now and then.
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [key, entry] of counts) if (entry.until <= now) counts.delete(key);
    },
    Math.min(limits.windowMs, 60_000),
  );
  sweep.unref();
  const isKnown = (attempt: Attempt) => current(keyOf("known", attempt)) !== undefined;
  return {
    async reserve(attempt) {
      return reserveAll(limits, attempt, increment, isKnown(attempt));
    },
    async cancel(attempt) {
      const known = isKnown(attempt);
      for (const counter of COUNTERS) if (!(counter === "name" && known)) decrement(keyOf(counter, attempt));
    },
    async succeeded(attempt) {
      const known = isKnown(attempt);
      counts.delete(keyOf("nameAndAddress", attempt));
      decrement(keyOf("address", attempt));
      if (!known) decrement(keyOf("name", attempt));
      counts.set(keyOf("known", attempt), { count: 1, until: Date.now() + KNOWN_ADDRESS_MS });
    },
  };
}

// One key each: INCR, and the window starts with the first attempt (a later one does not extend it).
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;
// Gives one attempt back, never below zero and never creating a key without a window.
const DECREMENT = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** The same limits in Redis, shared by every instance. */
export function createRedisRateLimiter(
  redis: RedisClient,
  { prefix = "rolegate:ratelimit:", ...limits }: Partial<LoginLimits> & { prefix?: string } = {},
): RateLimiter {
  const all: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  const increment = async (key: string) => Number(await redis.eval(INCREMENT, 1, prefix + key, all.windowMs));
  const decrement = async (key: string) => {
    await redis.eval(DECREMENT, 1, prefix + key);
  };
  const isKnown = async (attempt: Attempt) => (await redis.exists(prefix + keyOf("known", attempt))) === 1;
  return {
    async reserve(attempt) {
      return reserveAll(all, attempt, increment, await isKnown(attempt));
    },
    async cancel(attempt) {
      const known = await isKnown(attempt);
      await Promise.all(COUNTERS.filter((counter) => !(counter === "name" && known)).map((counter) => decrement(keyOf(counter, attempt))));
    },
    async succeeded(attempt) {
      const known = await isKnown(attempt);
      await Promise.all([
        redis.del(prefix + keyOf("nameAndAddress", attempt)),
        decrement(keyOf("address", attempt)),
        known ? undefined : decrement(keyOf("name", attempt)),
        redis.set(prefix + keyOf("known", attempt), "1", "PX", KNOWN_ADDRESS_MS),
      ]);
    },
  };
}
