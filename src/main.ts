// `npm start`: read the configuration, open (and migrate) the directory, bootstrap the first
// organization on an empty database, and serve.
import { bootstrap } from "./bootstrap.js";
import { readConfig } from "./config.js";
import { openDatabase } from "./db/database.js";
import { createLogger } from "./log.js";
import { describeAddress, listenDual } from "./http/listener.js";
import { CONSOLE_CLIENT_ID, consoleClient, createSignIn } from "./sign-in.js";
import { createHandler } from "./server.js";
import { setPasswordHashParameters } from "./directory/passwords.js";
import { isUnavailable, logOutage } from "./http/unavailable.js";
import { redisReady } from "./redis-options.js";
import { connectRedis, describeRedisTarget, parseRedisUrl } from "./redis.js";

async function main() {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  setPasswordHashParameters(config.passwordHash);
  // An outage of PostgreSQL or Redis must never end the process: a rejection nobody handled that
  // is about one is logged; anything else is a bug and ends the process as Node.js would.
  process.on("unhandledRejection", (reason) => {
    if (!isUnavailable(reason)) throw reason;
    logOutage(log, reason, {}, "unhandled rejection during an outage");
  });
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  log.info({ database: db.kind, migrated: db.migrated }, "directory ready");
  const first = await bootstrap(db.prisma, {
    firstOrgName: config.firstOrgName,
    adminPatFile: config.adminPatFile,
    adminLoginName: config.adminLoginName,
    adminPassword: config.adminPassword,
    adminPasswordFile: config.adminPasswordFile,
  });
  if (first.created) {
    // One line: where the token and the password are, never what they are.
    const password = first.passwordFile ? `its initial password is in ${first.passwordFile}` : "its initial password is ADMIN_PASSWORD";
    log.info(
      {
        organizationId: first.orgId,
        adminUserId: first.adminUserId,
        adminPatFile: first.patFile,
        humanAdminUserId: first.humanAdminUserId,
        adminLoginName: first.humanAdminLoginName,
        adminPasswordFile: first.passwordFile ?? null,
      },
      `first start: instance admin token written to ${first.patFile}; instance administrator ${first.humanAdminLoginName} signs in at the login UI, ${password}, to be changed at the first sign-in`,
    );
  }

  // REDIS_URL: sessions, codes, tokens and rate limits shared by every instance.
  // While Redis is away, requests needing it answer 503 and the client reconnects by itself.
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  let redisDown = false;
  redis?.on("error", (error: Error) => {
    if (!redisDown) log.warn({ err: error.message }, "redis unavailable, reconnecting");
    redisDown = true;
  });
  redis?.on("ready", () => {
    if (redisDown) log.info("redis available again");
    redisDown = false;
  });
  const signIn = await createSignIn({
    issuer: config.issuer,
    keysDir: config.keysDir,
    prisma: db.prisma,
    redis,
    log,
    trustProxy: config.trustProxy,
    loginLimits: config.loginLimits,
    passwordVerify: config.passwordVerify,
    console: consoleClient(config.issuer),
  });
  const handler = createHandler({
    issuer: config.issuer,
    db,
    redis,
    log,
    trustProxy: config.trustProxy,
    signIn: signIn.middleware,
    resolveAccessToken: signIn.resolveAccessToken,
    keysDir: config.keysDir,
    console: { clientId: CONSOLE_CLIENT_ID, secret: signIn.cookieKey },
    // A failed reload is logged; the instance keeps its keys and the file watch retries.
    directoryChanged: signIn.directoryChanged,
    keysChanged: () => signIn.reloadKeys().catch((error: unknown) => log.error({ err: error }, "reloading signing keys failed")),
  });
  if (config.redisUrl) log.info({ redis: describeRedisTarget(parseRedisUrl(config.redisUrl)) }, "shared state in redis");
  if (redis && !(await redisReady(redis))) log.warn("redis not reachable yet: starting anyway, /readyz reports it until it is");
  const { address, port, close } = await listenDual(handler, config.port, config.host);
  log.info({ address, port, issuer: config.issuer }, `rolegate listening on ${describeAddress(address, port)}`);
  if (new URL(config.issuer).protocol === "https:" && !config.trustProxy) {
    // An https issuer means a TLS proxy in front (rolegate speaks plain HTTP): without TRUST_PROXY
    // every client has the proxy's address (one login rate limit for all of them, logs). Cookies
    // are Secure either way (oidc/provider.ts).
    log.warn(
      { issuer: config.issuer },
      "ISSUER is https but TRUST_PROXY is off: set TRUST_PROXY=true behind the TLS proxy, or every client has the proxy's address",
    );
  }

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
