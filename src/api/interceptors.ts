// Cross-cutting concerns of every management API call: authentication and error mapping.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { isUnavailable, logOutage, UNAVAILABLE_DESCRIPTION } from "../http/unavailable.js";
import { bearerToken } from "../http/bearer.js";
import { findPrincipalByPersonalAccessToken, findPrincipalByUserId } from "../directory/principals.js";
import { unauthenticated } from "../directory/errors.js";
import type { Logger } from "../log.js";
import type { Principal } from "../access/permissions.js";
import { PRINCIPAL, type ApiDeps } from "./context.js";
import { toConnectError } from "./errors.js";

/**
 * Maps every error leaving a handler to a Connect code (domain errors) or `internal` (bugs), and
 * logs one line per call: the procedure and the outcome, never headers or messages.
 */
export function errorInterceptor(log: Logger, countCall?: (code: string) => void): Interceptor {
  return (next) => async (req) => {
    const start = performance.now();
    const line = (code: string) => {
      countCall?.(code);
      log.info({ procedure: `${req.service.typeName}/${req.method.name}`, code, ms: Math.round(performance.now() - start) }, "api call");
    };
    try {
      const res = await next(req);
      line("ok");
      return res;
    } catch (error) {
      // PostgreSQL or Redis down: `unavailable` (HTTP 503), a message without the driver's text.
      const unavailable = isUnavailable(error);
      if (unavailable)
        logOutage(log, error, { procedure: `${req.service.typeName}/${req.method.name}` }, "api call failed: dependency unavailable");
      const mapped = unavailable
        ? new ConnectError(UNAVAILABLE_DESCRIPTION, Code.Unavailable)
        : toConnectError(error, log, req.method.name);
      line(Code[mapped.code] ?? String(mapped.code));
      throw mapped;
    }
  };
}

/**
 * `Authorization: Bearer <personal access token | access token for the management audience>`
 * → the caller; missing or invalid → unauthenticated.
 */
export function authInterceptor(deps: ApiDeps): Interceptor {
  return (next) => async (req) => {
    req.contextValues.set(PRINCIPAL, await authenticate(deps, req.header.get("authorization")));
    return next(req);
  };
}

/** The caller behind an Authorization header (the API's and the asset upload's). */
export async function authenticate(deps: ApiDeps, authorization: string | null | undefined): Promise<Principal> {
  const token = bearerToken(authorization ?? null);
  if (!token) throw unauthenticated("missing bearer token (Authorization: Bearer <token>)");
  let principal = await findPrincipalByPersonalAccessToken(deps.prisma, token);
  if (!principal && deps.resolveAccessToken) {
    const userId = await deps.resolveAccessToken(token);
    if (userId) principal = await findPrincipalByUserId(deps.prisma, userId);
  }
  if (!principal) throw unauthenticated("invalid or expired token");
  return principal;
}

/** Methods that change nothing (a preview's dry run is rolled back). */
const READ_METHOD = /^(Get|List|Search|Explain|Preview)/;

/** After any call that may have written (even one that failed half-way), the caches are cleared. */
export function changeInterceptor(deps: ApiDeps): Interceptor {
  return (next) => async (req) => {
    if (!deps.directoryChanged || READ_METHOD.test(req.method.name)) return next(req);
    try {
      return await next(req);
    } finally {
      await deps.directoryChanged();
    }
  };
}
