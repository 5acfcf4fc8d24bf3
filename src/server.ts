// The HTTP edge: the management API (connect-node, by path) in front of one Koa app that serves
// health endpoints and, in later releases, the provider and the login UI.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRouterTransport } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createConsole } from "./console/routes.js";
import type { RedisClient } from "./redis.js";
import Koa from "koa";
import { API_JSON_OPTIONS, apiInterceptors, apiRoutes, MAX_REQUEST_BYTES, REST_MOUNTS } from "./api/routes.js";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import { assetRoutes } from "./api/assets.js";
import { restGateway } from "./api/rest-gateway.js";
import { unservedMethods } from "./api/unserved.js";
import type { RequestHandler } from "./http/listener.js";
import { Metrics } from "./http/metrics.js";
import type { Database } from "./db/database.js";
import type { Logger } from "./log.js";
import { isUnavailable, logOutage, respondUnavailable } from "./http/unavailable.js";
import { setSecurityHeaders } from "./http/security-headers.js";

export interface AppDeps {
  db: Database;
  /** Checked by /readyz when rolegate keeps its state in Redis. */
  redis?: RedisClient | undefined;
  log: Logger;
  trustProxy: boolean;
  /** The provider, login UI and userinfo (absent in tests of the API alone). */
  signIn?: Koa.Middleware | undefined;
  /** Accepts rolegate's own access tokens at the management API. */
  resolveAccessToken?: ((token: string) => Promise<string | undefined>) | undefined;
  /** KEYS_DIR, for the WebKeyService. */
  keysDir?: string | undefined;
  /** Counters behind /metrics (one per process). */
  metrics?: Metrics | undefined;
  /** Reloads the signing keys into the running provider after the WebKeyService changed them. */
  keysChanged?: (() => Promise<void>) | undefined;
  /** Clears the sign-in caches of every instance after a management API call changed the directory. */
  directoryChanged?: (() => Promise<void>) | undefined;
  /** The issuer: absolute URLs of uploaded logos in API responses. */
  issuer?: string | undefined;
  /** The console at /ui/console (its built-in client's id, the cookie key); absent: no console. */
  console?: { clientId: string; secret: string } | undefined;
}

export function createApp({ db, redis, log, trustProxy, signIn, metrics = new Metrics() }: AppDeps, consoleUi?: Koa.Middleware): Koa {
  const app = new Koa({ proxy: trustProxy });
  app.silent = true; // errors are logged below, without stack traces in responses

  app.use(async (ctx, next) => {
    // First, on the Node response itself: kept by the pages oidc-provider writes on its own.
    setSecurityHeaders(ctx.res);
    const start = performance.now();
    // Logged when the response is finished: oidc-provider writes its responses itself.
    ctx.res.once("finish", () => {
      metrics.countRequest(ctx.res.statusCode);
      log.info({ method: ctx.method, path: ctx.path, status: ctx.res.statusCode, ms: Math.round(performance.now() - start) }, "request");
    });
    try {
      await next();
    } catch (error) {
      // PostgreSQL or Redis down: 503 with a fixed message (a page for browsers), one log line.
      if (isUnavailable(error)) {
        logOutage(log, error, { path: ctx.path }, "request failed: dependency unavailable");
        respondUnavailable(ctx);
        return;
      }
      log.error({ err: error, path: ctx.path }, "request failed");
      ctx.status = 500;
      ctx.body = { error: "server_error", error_description: "internal error" };
    }
  });

  app.use(async (ctx, next) => {
    if (ctx.path === "/healthz" && ctx.method === "GET") {
      ctx.body = { status: "ok" };
      return;
    }
    if (ctx.path === "/metrics" && ctx.method === "GET") {
      ctx.type = "text/plain; version=0.0.4";
      ctx.body = metrics.render();
      return;
    }
    if (ctx.path === "/readyz" && ctx.method === "GET") {
      const [database, redisUp] = await Promise.all([
        reachable(db.prisma.$queryRaw`SELECT 1`),
        redis ? reachable(redis.ping()) : undefined,
      ]);
      const ready = database && redisUp !== false;
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? "ok" : "unavailable", checks: { database, ...(redis ? { redis: redisUp } : {}) } };
      return;
    }
    await next();
  });

  if (consoleUi) app.use(consoleUi);
  if (signIn) app.use(signIn);
  return app;
}

/** Whether a probe answers within READY_TIMEOUT_MS (a hung server must not hang /readyz). */
async function reachable(probe: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
  try {
    return await Promise.race([
      probe.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const READY_TIMEOUT_MS = 2000;

/** Everything on the one port: `/zitadel.*` and `/rolegate.*` paths go to the management API, the rest to Koa. */
export function createHandler(deps: AppDeps): RequestHandler {
  const metrics = deps.metrics ?? new Metrics();
  const api = {
    prisma: deps.db.prisma,
    resolveAccessToken: deps.resolveAccessToken,
    keysDir: deps.keysDir,
    keysChanged: deps.keysChanged,
    directoryChanged: deps.directoryChanged,
    publicUrl: deps.issuer,
  };
  const countCall = (code: string) => metrics.countApiCall(code);
  let handlers: readonly UniversalHandler[] = [];
  const routes = apiRoutes(api);
  // The console calls the API in process, through the same router options and interceptors.
  const consoleUi =
    deps.console && deps.issuer
      ? createConsole({
          issuer: deps.issuer,
          clientId: deps.console.clientId,
          secret: deps.console.secret,
          log: deps.log,
          transport: createRouterTransport(routes, {
            router: {
              interceptors: apiInterceptors(api, deps.log, countCall),
              readMaxBytes: MAX_REQUEST_BYTES,
              jsonOptions: API_JSON_OPTIONS,
            },
          }),
        })
      : undefined;
  const koa = createApp({ ...deps, metrics }, consoleUi).callback();
  const connect = connectNodeAdapter({
    // The router's handlers serve the REST gateway too, interceptors and all.
    routes: (router) => {
      routes(router);
      handlers = router.handlers;
    },
    interceptors: apiInterceptors(api, deps.log, countCall),
    readMaxBytes: MAX_REQUEST_BYTES,
    jsonOptions: API_JSON_OPTIONS,
    // A zitadel.* or rolegate.* method no service serves answers `unimplemented`; other paths are Koa's 404.
    fallback: unservedMethods({ readMaxBytes: MAX_REQUEST_BYTES, log: deps.log, countCall }, koa) as never,
  });
  const assets = assetRoutes(api, deps.log);
  const rest = restGateway({ mounts: REST_MOUNTS, handlers: () => handlers, readMaxBytes: MAX_REQUEST_BYTES, log: deps.log });
  // Every service is in the zitadel.* or rolegate.* packages: other paths skip Connect's routing.
  return ((req, res) => {
    if (assets.serves(req.url)) {
      setSecurityHeaders(res);
      return assets.handle(req, res);
    }
    if (rest.serves(req.url)) {
      setSecurityHeaders(res);
      return rest.handle(req, res);
    }
    if (!isApiPath(req.url)) return koa(req, res);
    setSecurityHeaders(res);
    return connect(req, res);
  }) as RequestHandler;
}

/** The management API's RPC paths: ZITADEL's services and rolegate's own. */
const isApiPath = (url: string | undefined) => !!url && (url.startsWith("/zitadel.") || url.startsWith("/rolegate."));

export async function listen(app: Koa, port: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
