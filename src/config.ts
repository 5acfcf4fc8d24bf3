// Reads the environment once. Every other module receives a Config instead of reading process.env.
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseRedisUrl, REDIS_URL_FORMS, RedisUrlError } from "./redis.js";

export interface Config {
  port: number;
  /** The address to listen on: loopback unless HOST says otherwise. */
  host: string;
  issuer: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  keysDir: string;
  adminPatFile: string;
  /** The human instance administrator made at first start: its login name, */
  adminLoginName: string;
  /** its initial password (checked at first start; generated when unset), */
  adminPassword: string | undefined;
  /** and where a generated password is written. */
  adminPasswordFile: string;
  firstOrgName: string;
  trustProxy: boolean;
  logLevel: string;
  /** argon2id parameters for new hashes; stored hashes with others are rehashed at login. */
  passwordHash: { memoryKiB: number; iterations: number; parallelism: number };
  /** Password attempts per window, counted before the password is checked. */
  loginLimits: { perNameAndAddress: number; perName: number; perAddress: number; windowMs: number };
  /** Concurrent argon2 verifications per instance, and how long a login waits for one. */
  passwordVerify: { concurrency: number; queueMs: number };
}

export class ConfigError extends Error {}

export const DEFAULT_ADMIN_LOGIN_NAME = "admin";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT ?? "3000");
  const host = parseHost(env.HOST);
  const dataDir = path.resolve(env.DATA_DIR || "./data");
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must start with postgresql:// (or be unset for the embedded database)");
  }
  const redisUrl = env.REDIS_URL || undefined;
  // One server, a Sentinel set or a Cluster: the forms are described in redis.ts.
  if (redisUrl) {
    try {
      parseRedisUrl(redisUrl);
    } catch (error) {
      if (!(error instanceof RedisUrlError)) throw error;
      throw new ConfigError(`REDIS_URL ${error.message}; accepted forms: ${REDIS_URL_FORMS.join(", ")}`);
    }
  }
  const logLevel = env.LOG_LEVEL || "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const issuer = (env.ISSUER || `http://localhost:${port}`).replace(/\/+$/, "");
  try {
    new URL(issuer);
  } catch {
    throw new ConfigError("ISSUER must be an absolute URL");
  }
  const passwordHash = {
    // OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
    memoryKiB: parseInteger(env, "PASSWORD_HASH_MEMORY_KIB", 19456, 1024, 4 * 1024 * 1024),
    iterations: parseInteger(env, "PASSWORD_HASH_ITERATIONS", 2, 1, 100),
    parallelism: parseInteger(env, "PASSWORD_HASH_PARALLELISM", 1, 1, 64),
  };
  // (argon2 needs at least 8 KiB per lane: the bounds above keep it so.)
  const adminPatFile = path.resolve(env.ADMIN_PAT_FILE || path.join(dataDir, "admin.pat"));
  return {
    port,
    host,
    issuer,
    dataDir,
    databaseUrl,
    redisUrl,
    keysDir: path.resolve(env.KEYS_DIR || "./keys"),
    adminPatFile,
    // The login name and password are checked at first start, as the management API checks them.
    adminLoginName: env.ADMIN_LOGIN_NAME || DEFAULT_ADMIN_LOGIN_NAME,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    adminPasswordFile: path.resolve(env.ADMIN_PASSWORD_FILE || path.join(path.dirname(adminPatFile), "admin.password")),
    firstOrgName: env.FIRST_ORG_NAME || "Default",
    trustProxy: parseBoolean("TRUST_PROXY", env.TRUST_PROXY),
    logLevel,
    passwordHash,
    loginLimits: {
      perNameAndAddress: parseInteger(env, "LOGIN_LIMIT_PER_NAME_AND_ADDRESS", 10, 1, 1_000_000),
      perName: parseInteger(env, "LOGIN_LIMIT_PER_NAME", 100, 1, 1_000_000),
      perAddress: parseInteger(env, "LOGIN_LIMIT_PER_ADDRESS", 100, 1, 1_000_000),
      windowMs: parseInteger(env, "LOGIN_LIMIT_WINDOW_SECONDS", 900, 1, 86_400) * 1000,
    },
    passwordVerify: {
      concurrency: parseInteger(env, "PASSWORD_VERIFY_CONCURRENCY", os.availableParallelism(), 1, 1024),
      queueMs: parseInteger(env, "PASSWORD_VERIFY_QUEUE_MS", 3000, 0, 60_000),
    },
  };
}

function parseInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}`);
  }
  return parsed;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError("PORT must be an integer between 0 and 65535");
  }
  return port;
}

/**
 * Loopback unless HOST names another address, with or without DATABASE_URL: serving beyond this
 * machine is a decision (the Docker image makes it, HOST=0.0.0.0). An IP address (`0.0.0.0` or
 * `::` for every interface) or a host name that resolves to one of this machine's addresses.
 */
export const DEFAULT_HOST = "127.0.0.1";

function parseHost(value: string | undefined): string {
  if (value === undefined || value === "") return DEFAULT_HOST;
  const host = value.trim().replace(/^\[(.*)\]$/, "$1"); // [::] as in URLs
  if (net.isIP(host) || /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(host)) return host;
  throw new ConfigError("HOST must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::) or a host name, without scheme or port");
}

function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  if (["1", "true", "yes"].includes(value.toLowerCase())) return true;
  if (["0", "false", "no"].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false`);
}
