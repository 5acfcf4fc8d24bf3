// `npm start`: read the configuration, open (and migrate) the directory, bootstrap the first
// organization on an empty database, and serve.
import { bootstrap } from "./bootstrap.js";
import { Redis } from "ioredis";
import { readConfig } from "./config.js";
import { openDatabase } from "./db/database.js";
import { createLogger } from "./log.js";
import { listenDual } from "./http/listener.js";
import { createSignIn } from "./oidc/index.js";
import { createHandler } from "./server.js";

async function main() {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  log.info({ database: db.kind, migrated: db.migrated }, "directory ready");
  const first = await bootstrap(db.prisma, { firstOrgName: config.firstOrgName, adminPatFile: config.adminPatFile });
  if (first.created) {
    log.info(
      { organizationId: first.orgId, adminUserId: first.adminUserId, adminPatFile: first.patFile },
      `first start: instance admin token written to ${first.patFile}`,
    );
  }

  // REDIS_URL: sessions, codes, tokens and rate limits shared by every instance.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  redis?.on("error", (error: Error) => log.warn({ err: error.message }, "redis unavailable"));
  const signIn = await createSignIn({
    issuer: config.issuer,
    keysDir: config.keysDir,
    prisma: db.prisma,
    redis,
    log,
    trustProxy: config.trustProxy,
  });
  const handler = createHandler({
    db,
    redis,
    log,
    trustProxy: config.trustProxy,
    signIn: signIn.middleware,
    resolveAccessToken: signIn.resolveAccessToken,
    keysDir: config.keysDir,
    // A failed reload is logged; the instance keeps its keys and the file watch retries.
    directoryChanged: signIn.directoryChanged,
    keysChanged: () => signIn.reloadKeys().catch((error: unknown) => log.error({ err: error }, "reloading signing keys failed")),
  });
  const { port, close } = await listenDual(handler, config.port);
  log.info({ port, issuer: config.issuer }, `rolegate listening on http://localhost:${port}`);

  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    signIn.close();
    void close().then(() => db.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  // Configuration and start-up errors: one clear line, no stack trace for expected problems.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`rolegate failed to start: ${message}\n`);
  process.exit(1);
});
