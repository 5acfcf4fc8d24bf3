// "A server rolegate depends on cannot be reached right now": PostgreSQL or Redis is down,
// restarting or unreachable. Such errors are answered with 503 and a fixed message (never the
// driver's text), and rolegate keeps running: the drivers reconnect by themselves.
import type { Context } from "koa";
import { DEFAULT_BRANDING } from "../pages/branding.js";
import { renderErrorPage } from "../pages/render.js";
import type { Logger } from "../log.js";

/** What clients are told (OIDC error JSON, Connect message). */
export const UNAVAILABLE_DESCRIPTION = "the service is temporarily unavailable, try again shortly";
/** The page people see in the browser. */
export const UNAVAILABLE_PAGE = {
  title: "Temporarily unavailable",
  message: "Sign-in is temporarily unavailable. Please try again in a few moments.",
};
/** Seconds a client should wait before retrying (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

const MARK = Symbol.for("rolegate.unavailable");

/** Marks an error rolegate made itself for an outage (e.g. oidc-provider's temporarily_unavailable). */
export function markUnavailable<E extends object>(error: E): E {
  Object.defineProperty(error, MARK, { value: true });
  return error;
}

// Prisma: P1001 can't reach server, P1002 timed out reaching it, P1008 operation timed out,
// P1017 server closed the connection, P2024 pool timeout, P2037 too many connections.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
// Prisma driver adapter (@prisma/adapter-pg) error kinds for the same situations.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// Node.js socket errors (pg, ioredis connecting, reading, writing).
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
// PostgreSQL SQLSTATEs: class 08 connection exceptions, 57P01-57P05 shutdown / crash / starting
// up / idle session timeout, 53300 too many connections.
const isPostgresOutage = (code: string) => /^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-5]$/.test(code) || code === "53300";
// Error names: ioredis (MaxRetriesPerRequestError, ClusterAllFailedError), Prisma's failure to
// connect at all.
const NAMES = new Set(["MaxRetriesPerRequestError", "ClusterAllFailedError", "PrismaClientInitializationError"]);
// Messages of errors that carry no code: pg and pg-pool; ioredis (closed connection, disabled
// offline queue, command timeout, cluster and sentinel) and Redis replies while it loads its
// data or fails over.
const DATABASE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /Can't reach database server/,
];
const REDIS_MESSAGES = [
  /^Connection is closed\.?$/,
  /Stream isn't writeable and enableOfflineQueue options is false/,
  /^Command timed out$/,
  /Reached the max retries per request limit/,
  /None of startup nodes is available/,
  /Failed to refresh slots cache/,
  /All sentinels are unreachable/,
  /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY) /,
];

type Node = Record<string | symbol, unknown>;

/** Whether `error` (or what it wraps) says that PostgreSQL or Redis is unavailable. */
export function isUnavailable(error: unknown): boolean {
  return dependencyOf(error) !== undefined;
}

/** Which dependency an outage error is about (for logs); undefined for any other error. */
export function dependencyOf(error: unknown): "database" | "redis" | "dependency" | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const node = queue.shift();
    if (!node || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    const found = classify(node as Node);
    if (found) return found;
    const { cause, meta, errors } = node as { cause?: unknown; meta?: { driverAdapterError?: unknown }; errors?: unknown };
    queue.push(cause, meta?.driverAdapterError);
    if (Array.isArray(errors)) queue.push(...errors); // AggregateError (several addresses refused)
  }
  return undefined;
}

function classify(node: Node): "database" | "redis" | "dependency" | undefined {
  if (node[MARK] === true) return "dependency";
  const { code, kind, name, message } = node;
  if (typeof code === "string") {
    if (PRISMA_CODES.has(code) || isPostgresOutage(code)) return "database";
    // Only failed socket calls (they name the syscall): a client aborting its own request also
    // reports ECONNRESET, without one.
    if (SOCKET_CODES.has(code) && typeof node.syscall === "string") return "dependency";
  }
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return "database";
  if (typeof name === "string" && NAMES.has(name)) return name.startsWith("Prisma") ? "database" : "redis";
  if (typeof message === "string") {
    if (DATABASE_MESSAGES.some((pattern) => pattern.test(message))) return "database";
    if (REDIS_MESSAGES.some((pattern) => pattern.test(message))) return "redis";
  }
  return undefined;
}

/** For `.catch` where a failure means "nothing found": rethrows outages, answers undefined otherwise. */
export function unlessUnavailable(error: unknown): undefined {
  if (isUnavailable(error)) throw error;
  return undefined;
}

/** The driver's error behind one rolegate converted (see markUnavailable), or the error itself. */
function original(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return error && typeof error === "object" && (error as Record<symbol, unknown>)[MARK] === true && cause ? cause : error;
}

/** The fields of an outage's log line: which dependency and the driver's message, no stack. */
export function outageLog(error: unknown): { dependency: string; reason: string } {
  const cause = original(error);
  let reason = cause instanceof Error ? cause.message : String(cause);
  // Prisma's messages start with the invocation and a source excerpt; the last line says why.
  reason = reason.trim().split("\n").at(-1)?.slice(0, 300) ?? "";
  return { dependency: dependencyOf(cause) ?? "dependency", reason };
}

const logged = new WeakSet<object>();

/**
 * Logs an outage as one warning without stack, once per error: an error converted on the way
 * (oidc-provider's temporarily_unavailable) and the driver's error behind it are one.
 */
export function logOutage(log: Logger, error: unknown, context: Record<string, unknown>, message: string): void {
  const cause = original(error);
  if (cause && typeof cause === "object") {
    if (logged.has(cause)) return;
    logged.add(cause);
  }
  log.warn({ ...outageLog(cause), ...context }, message);
}

/**
 * Answers a request that failed on an outage: 503 with the login UI's error page for browsers,
 * otherwise OAuth's error JSON (`temporarily_unavailable`).
 */
export function respondUnavailable(ctx: Context): void {
  ctx.status = 503;
  ctx.set("Retry-After", String(RETRY_AFTER_SECONDS));
  ctx.set("Cache-Control", "no-store");
  if (ctx.accepts("json", "html") === "html") {
    ctx.type = "html";
    ctx.body = renderErrorPage({ ...UNAVAILABLE_PAGE, branding: DEFAULT_BRANDING });
  } else {
    ctx.body = { error: "temporarily_unavailable", error_description: UNAVAILABLE_DESCRIPTION };
  }
}
