// The HTTP edge: one Koa app. Later issues mount the provider, the login UI and the
// management API here.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import type { Database } from "./db/database.js";
import type { Logger } from "./log.js";

export interface AppDeps {
  db: Database;
  log: Logger;
  trustProxy: boolean;
}

export function createApp({ db, log, trustProxy }: AppDeps): Koa {
  const app = new Koa({ proxy: trustProxy });
  app.silent = true; // errors are logged below, without stack traces in responses

  app.use(async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } catch (error) {
      log.error({ err: error, path: ctx.path }, "request failed");
      ctx.status = 500;
      ctx.body = { error: "server_error", error_description: "internal error" };
    }
    log.info(
      { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - start) },
      "request",
    );
  });

  app.use(async (ctx, next) => {
    if (ctx.path === "/healthz" && ctx.method === "GET") {
      ctx.body = { status: "ok" };
      return;
    }
    if (ctx.path === "/readyz" && ctx.method === "GET") {
      const database = await db.prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      );
      ctx.status = database ? 200 : 503;
      ctx.body = { status: database ? "ok" : "unavailable", checks: { database } };
      return;
    }
    await next();
  });

  return app;
}

export async function listen(app: Koa, port: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
