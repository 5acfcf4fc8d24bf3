// Outages of PostgreSQL or Redis inside oidc-provider: answered 503 `temporarily_unavailable`
// instead of oidc-provider's 500 `server_error`.
//
// The directory reads and state-store calls the provider makes are guarded: an outage error
// leaving them becomes oidc-provider's own TemporarilyUnavailable with status 503, which the
// authorization endpoint shows on the error page (503) rather than sending the browser back to the
// app (`unavailableError` in internals.ts).
// Anything that still arrives as a server_error is rewritten by `answerUnconverted`.
import type Koa from "koa";
import Provider, { errors, type KoaContextWithOIDC } from "oidc-provider";
import { unavailableError } from "./internals.js";
import {
  isUnavailable,
  logOutage,
  markUnavailable,
  RETRY_AFTER_SECONDS,
  respondUnavailable,
  UNAVAILABLE_DESCRIPTION,
} from "../http/unavailable.js";
import type { Logger } from "../log.js";

/** oidc-provider's temporarily_unavailable, with HTTP status 503 and the outage as its cause (for logs only). */
export function temporarilyUnavailable(cause: unknown): Error {
  // Not passed to the constructor: oidc-provider would copy the cause's message into error_detail.
  const error = unavailableError(UNAVAILABLE_DESCRIPTION);
  Object.defineProperty(error, "cause", { value: cause, enumerable: false });
  return markUnavailable(error);
}

/**
 * The same object whose async methods turn outage errors into `temporarilyUnavailable` (and log
 * them once, as a warning without stack). For the directory reads and the state-store adapters.
 */
export function guardOutages<T extends object>(target: T, log: Logger): T {
  const convert = (error: unknown): never => {
    if (!isUnavailable(error) || error instanceof errors.OIDCProviderError) throw error;
    const ctx = Provider.ctx; // the request being served (oidc-provider's async local storage), if any
    logOutage(log, error, ctx ? { path: ctx.path } : {}, "sign-in request failed: dependency unavailable");
    throw temporarilyUnavailable(error);
  };
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== "function") return value;
      if (!wrapped.has(property)) {
        wrapped.set(property, (...args: unknown[]) => {
          let result: unknown;
          try {
            result = Reflect.apply(value, object, args);
          } catch (error) {
            convert(error);
          }
          return result instanceof Promise ? result.catch(convert) : result;
        });
      }
      return wrapped.get(property);
    },
  });
}

/**
 * The provider's outermost middleware: outage errors thrown outside oidc-provider's own error
 * handlers (rolegate's middleware around them, e.g. introspection claims) answer 503, and every
 * 503 says when to retry.
 */
export function answerOutages(log: Logger) {
  return async function outages(ctx: Koa.Context, next: () => Promise<void>): Promise<void> {
    try {
      await next();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      logOutage(log, error, { path: ctx.path }, "sign-in request failed: dependency unavailable");
      respondUnavailable(ctx);
    }
    if (ctx.status === 503) ctx.set("Retry-After", String(RETRY_AFTER_SECONDS));
  };
}

/**
 * For the provider's `server_error` event, which oidc-provider emits after it answered an
 * unexpected error as JSON: an outage the guards did not convert is answered 503 here. Returns
 * whether it was one.
 */
export function answerUnconverted(ctx: KoaContextWithOIDC, error: unknown, log: Logger): boolean {
  if (!isUnavailable(error)) return false;
  logOutage(log, error, { path: ctx.path }, "sign-in request failed: dependency unavailable");
  // The authorization endpoint may already have chosen a redirect or page; JSON bodies are replaced.
  const body = ctx.body as { error?: unknown } | undefined;
  if (body && typeof body === "object" && body.error === "server_error") {
    ctx.status = 503;
    ctx.body = { error: "temporarily_unavailable", error_description: UNAVAILABLE_DESCRIPTION };
  }
  return true;
}
