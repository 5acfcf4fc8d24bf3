// Failure behaviour: Redis and PostgreSQL stop and come back in the middle of a run of logins.
// While one is down, requests answer 503 with a clear error (the login UI's page, OAuth error
// JSON, Connect `unavailable`), /readyz is red and /healthz green; when it is back, rolegate
// recovers by itself, and what it acknowledged before (sessions, tokens, directory data) is still
// there. This file runs its own PostgreSQL and Redis (append-only, fsync on every write), so it
// can stop them without touching the servers of the other tests.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiServer } from "../support/api.js";
import { authorizeUrl, Jar } from "../support/http-browser.js";
import { startServer, type StartedServer } from "../support/process.js";
import { PASSWORD, seeder } from "../support/seed.js";
import { freePort, startPostgres, startRedis, type RestartableServer } from "../support/servers.js";
import { unique } from "../support/directory.js";

const REDIRECT_URI = "http://127.0.0.1/cb";
const REQUEST_TIMEOUT_MS = 10_000;

let postgres: RestartableServer;
let redis: RestartableServer;
let server: StartedServer;
let base: string;
let seed: ReturnType<typeof seeder>;
let clientId: string;
let user: { id: string; username: string };
let projectId: string;
let orgId: string;
let adminToken: string;
let home: string;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis({ durable: true })]);
  home = await mkdtemp(path.join(os.tmpdir(), "rolegate-failures-"));
  const patFile = path.join(home, "admin.pat");
  const port = await freePort();
  // An empty database: rolegate migrates it and bootstraps on its first start.
  server = await startServer({
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    ADMIN_PAT_FILE: patFile,
    DATA_DIR: path.join(home, "data"),
    KEYS_DIR: path.join(home, "keys"),
    PORT: String(port),
    ISSUER: `http://127.0.0.1:${port}`,
  });
  base = server.url;
  adminToken = (await readFile(patFile, "utf8")).trim();
  const api: ApiServer = {
    url: base,
    databaseUrl: postgres.url,
    adminToken,
    get db(): never {
      throw new Error("this test does not open the database");
    },
    logs: () => server.logs(),
    client: (service, transport, token = adminToken) => createApiClient(base, service, transport, token),
  };
  seed = seeder(api);
  orgId = await seed.org();
  projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true }, ["viewer"]);
  user = await seed.human(orgId);
  await seed.authorize(user.id, projectId, ["viewer"]);
  const created = await seed.apps.createApplication({
    projectId,
    name: unique("mobile"),
    creationRequestType: {
      case: "oidcRequest",
      value: { redirectUris: [REDIRECT_URI], responseTypes: [1], grantTypes: [0, 2], appType: 2, authMethodType: 2 },
    },
  } as never);
  clientId = (created.creationResponseType.value as { clientId: string }).clientId;
}, 90_000);

afterAll(async () => {
  const stopped = server ? await server.stop() : 0;
  redis?.stop();
  postgres?.stop();
  if (home) await rm(home, { recursive: true, force: true });
  // SIGTERM at the end is the first time the process exits (a crash before would show here).
  expect(stopped).toBe(0);
});

/** A step of a login that did not answer as a working server would. */
class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${step} answered ${status}: ${body.slice(0, 300)}`);
  }
}

const browserHeaders = { accept: "text/html,application/xhtml+xml" };

interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
}

/** Starts an authorization request (PKCE); returns where the browser goes next and the verifier. */
async function authorize(jar: Jar) {
  const { url, verifier } = authorizeUrl(base, { clientId, redirectUri: REDIRECT_URI, scope: "openid offline_access" });
  const res = await jar.fetch(url, { headers: browserHeaders });
  return { res, verifier };
}

/** A login begun: the login page is showing, with its form. */
async function beginLogin() {
  const jar = new Jar(REQUEST_TIMEOUT_MS);
  const { res } = await authorize(jar);
  expect(res.status).toBe(303);
  const page = new URL(res.headers.get("location")!, base);
  const html = await (await jar.fetch(page, { headers: browserHeaders })).text();
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!, base);
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  return {
    page: () => jar.fetch(page, { headers: browserHeaders }),
    submit: () =>
      jar.fetch(action, {
        method: "POST",
        headers: { ...browserHeaders, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf, loginName: user.username, password: PASSWORD }),
      }),
  };
}

/** The whole sign-in over HTTP: authorize → login page → password → code → tokens. */
async function signIn(jar = new Jar(REQUEST_TIMEOUT_MS)): Promise<Tokens> {
  const { res: first, verifier } = await authorize(jar);
  let res = first;
  let step = "authorize";
  for (let hop = 0; hop < 10; hop++) {
    if (res.status === 200) {
      const html = await res.text();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
      if (!action?.endsWith("/login") || !csrf) throw new StepFailed(step, res.status, html);
      step = "password";
      res = await jar.fetch(new URL(action, base), {
        method: "POST",
        headers: { ...browserHeaders, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf, loginName: user.username, password: PASSWORD }),
      });
      continue;
    }
    const location = res.headers.get("location");
    if (!(res.status === 302 || res.status === 303) || !location) throw new StepFailed(step, res.status, await res.text());
    if (location.startsWith(REDIRECT_URI)) {
      const callback = new URL(location);
      const code = callback.searchParams.get("code");
      if (!code) throw new StepFailed(`${step} → app`, res.status, location);
      return exchange({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    }
    step = new URL(location, base).pathname.replace(/\/[A-Za-z0-9_-]{16,}/g, "/:id");
    res = await jar.fetch(new URL(location, base), { headers: browserHeaders });
  }
  throw new StepFailed(step, res.status, "too many redirects");
}

async function tokenRequest(params: Record<string, string>): Promise<Response> {
  return fetch(new URL("/oauth/v2/token", base), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ client_id: clientId, ...params }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

async function exchange(params: Record<string, string>): Promise<Tokens> {
  const res = await tokenRequest(params);
  if (res.status !== 200) throw new StepFailed(`token (${params.grant_type})`, res.status, await res.text());
  return (await res.json()) as Tokens;
}

const userinfo = (accessToken: string) =>
  fetch(new URL("/oidc/v1/userinfo", base), {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });

const get = (pathname: string) => fetch(new URL(pathname, base), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });

/** A management API call as curl makes it (Connect JSON). */
const listProjects = () =>
  fetch(new URL("/zitadel.project.v2beta.ProjectService/ListProjects", base), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: "{}",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });

// ---------------------------------------------------------------------------------------------
// What an outage must look like from outside.

/** Nothing internal in a response: no stack lines, no driver messages, no library names. */
function expectClean(body: string) {
  expect(body).not.toMatch(/\n\s+at /);
  expect(body).not.toMatch(
    /ECONNREFUSED|ECONNRESET|prisma|invocation|ioredis|redis|postgres|Stream isn't|Connection is closed|terminat|P1001|P2010|57P0/i,
  );
}

async function expectUnavailablePage(res: Response) {
  const html = await res.text();
  expect(res.status, html.slice(0, 300)).toBe(503);
  expect(res.headers.get("content-type")).toMatch(/text\/html/);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(html).toContain("Temporarily unavailable");
  expect(html).toContain("Sign-in is temporarily unavailable. Please try again in a few moments.");
  expectClean(html);
}

async function expectUnavailableJson(res: Response) {
  const text = await res.text();
  expect(res.status, text).toBe(503);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(JSON.parse(text)).toEqual({
    error: "temporarily_unavailable",
    error_description: "the service is temporarily unavailable, try again shortly",
  });
  expectClean(text);
}

async function readiness() {
  const res = await get("/readyz");
  return { status: res.status, body: (await res.json()) as { status: string; checks: { database: boolean; redis?: boolean } } };
}

/** Polls until `check` holds, or fails after the deadline with the last value seen. */
async function until<T>(what: string, probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

const ready = () => until("ready", readiness, (r) => r.status === 200);

// ---------------------------------------------------------------------------------------------
// The run of logins: one sign-in after the other, from fresh browsers, for the whole file.

interface Attempt {
  at: number;
  ok: boolean;
  status?: number;
  step?: string;
  body?: string;
}

function startLoginRun() {
  const attempts: Attempt[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const at = Date.now();
      try {
        await signIn();
        attempts.push({ at, ok: true });
      } catch (error) {
        if (!(error instanceof StepFailed)) throw error;
        attempts.push({ at, ok: false, status: error.status, step: error.step, body: error.body });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  return {
    attempts,
    /** Resolves once a login that started after `since` succeeded. */
    succeededSince: (since: number) =>
      until(
        "a login succeeds",
        async () => attempts,
        (list) => list.some((a) => a.ok && a.at >= since),
        30_000,
      ),
    failedSince: (since: number) =>
      until(
        "a login fails",
        async () => attempts,
        (list) => list.some((a) => !a.ok && a.at >= since),
        30_000,
      ),
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe("failure behaviour", () => {
  let run: ReturnType<typeof startLoginRun>;
  let before: Tokens;
  let beforeJar: Jar;
  /** A project created just before PostgreSQL stopped. */
  let lastProjectId: string;

  it("signs in before any outage, and runs logins from then on", async () => {
    beforeJar = new Jar(REQUEST_TIMEOUT_MS);
    before = await signIn(beforeJar);
    expect(before.refresh_token).toBeTruthy();
    expect((await userinfo(before.access_token)).status).toBe(200);
    expect(await readiness()).toEqual({ status: 200, body: { status: "ok", checks: { database: true, redis: true } } });
    run = startLoginRun();
    await run.succeededSince(Date.now());
  });

  it("Redis stopped: 503 everywhere it is needed, /readyz red, /healthz green, the process stays up", async () => {
    const pending = await beginLogin();
    const stoppedAt = Date.now();
    redis.halt();
    await until("readyz shows redis down", readiness, (r) => r.status === 503 && r.body.checks.redis === false);
    expect((await readiness()).body).toEqual({ status: "unavailable", checks: { database: true, redis: false } });
    expect((await get("/healthz")).status).toBe(200);

    // The browser: a new authorization request, and the login page and password step of a
    // login begun before.
    await expectUnavailablePage((await authorize(new Jar(REQUEST_TIMEOUT_MS))).res);
    await expectUnavailablePage(await pending.page());
    await expectUnavailablePage(await pending.submit());
    // Apps: token endpoint and userinfo with what was issued before.
    await expectUnavailableJson(await tokenRequest({ grant_type: "refresh_token", refresh_token: before.refresh_token }));
    await expectUnavailableJson(await userinfo(before.access_token));
    // The management API does not need Redis.
    expect((await seed.projects.listProjects({})).projects.length).toBeGreaterThan(0);

    // The logins of the run fail with the same clean 503 (checked at the end), and rolegate lives.
    await run.failedSince(stoppedAt);
    expect((await get("/healthz")).status).toBe(200);
  });

  it("Redis back: rolegate recovers by itself; sessions and tokens issued before still work", async () => {
    const restartedAt = Date.now();
    await redis.resume();
    await ready();
    await run.succeededSince(restartedAt);
    // The session of the browser that signed in before: single sign-on, no login form.
    const { res } = await authorize(beforeJar);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(new RegExp(`^${REDIRECT_URI}\\?code=`));
    expect((await userinfo(before.access_token)).status).toBe(200);
    before = await exchange({ grant_type: "refresh_token", refresh_token: before.refresh_token });
    expect((await userinfo(before.access_token)).status).toBe(200);
  });

  it("PostgreSQL stopped: 503 everywhere it is needed, Connect `unavailable`, /readyz red, /healthz green", async () => {
    // Written and acknowledged just before the outage: must be there afterwards.
    lastProjectId = (await seed.projects.createProject({ organizationId: orgId, name: unique("Last") })).id;
    const pending = await beginLogin();
    const stoppedAt = Date.now();
    postgres.halt();
    await until("readyz shows the database down", readiness, (r) => r.status === 503 && r.body.checks.database === false);
    expect((await readiness()).body).toEqual({ status: "unavailable", checks: { database: false, redis: true } });
    expect((await get("/healthz")).status).toBe(200);

    // The management API: Connect `unavailable` (HTTP 503) with a clean message.
    const res = await listProjects();
    const text = await res.text();
    expect(res.status, text).toBe(503);
    expect(JSON.parse(text)).toEqual({ code: "unavailable", message: "the service is temporarily unavailable, try again shortly" });
    expectClean(text);
    const error = await seed.projects.getProject({ id: lastProjectId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect(Code[(error as ConnectError).code]).toBe("Unavailable");

    // The sign-in path reads the directory through a cache of at most one second: past it,
    // every request that needs the directory meets the outage.
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 1200 - Date.now())));
    await expectUnavailablePage((await authorize(new Jar(REQUEST_TIMEOUT_MS))).res);
    await expectUnavailableJson(await tokenRequest({ grant_type: "refresh_token", refresh_token: before.refresh_token }));
    await expectUnavailableJson(await userinfo(before.access_token));

    // A login begun before the outage: its login page, and its password step.
    await expectUnavailablePage(await pending.page());
    await expectUnavailablePage(await pending.submit());
    await run.failedSince(stoppedAt);
    expect((await get("/healthz")).status).toBe(200);
  });

  it("PostgreSQL back: rolegate recovers by itself; data and tokens from before are still there", async () => {
    const restartedAt = Date.now();
    await postgres.resume();
    await ready();
    await run.succeededSince(restartedAt);
    expect((await seed.projects.getProject({ id: lastProjectId })).project?.id).toBe(lastProjectId);
    expect((await listProjects()).status).toBe(200);
    // The refresh attempted during the outage changed nothing: the token still refreshes.
    const refreshed = await exchange({ grant_type: "refresh_token", refresh_token: before.refresh_token });
    expect((await userinfo(refreshed.access_token)).status).toBe(200);
  });

  it("over the whole run: every login either signed in or met a clean 503; no 5xx but 503; no errors logged", async () => {
    await run.stop();
    const failed = run.attempts.filter((a) => !a.ok);
    const unexpected = failed.filter((a) => a.status !== 503);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 3), null, 1)).toEqual([]);
    for (const attempt of failed) expectClean(attempt.body ?? "");
    expect(run.attempts.filter((a) => a.ok).length).toBeGreaterThanOrEqual(3);
    expect(failed.length).toBeGreaterThan(1);

    const logs = server.logs();
    const serverErrors = logs.filter((l) => l.msg === "request" && typeof l.status === "number" && l.status >= 500 && l.status !== 503);
    expect(serverErrors).toEqual([]);
    const errorLines = logs.filter((l) => typeof l.level === "number" && l.level >= 50);
    expect(errorLines.map((l) => l.msg)).toEqual([]);
    // Outages are logged as warnings that name what was unavailable.
    expect(logs.some((l) => l.level === 40 && l.dependency === "database")).toBe(true);
    expect(logs.some((l) => String(l.msg).startsWith("redis unavailable"))).toBe(true);
    expect(logs.some((l) => l.msg === "redis available again")).toBe(true);
  });
});

describe("refresh during an outage", () => {
  // Runs after the whole-run checks above: the refused write below is logged as an error.
  it("a failure after the refresh token was consumed, before the new tokens were stored, does not sign the user out", async () => {
    const tokens = await signIn();
    const { Redis } = await import("ioredis");
    const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
    try {
      // Writes of access tokens fail (as an outage would, in the middle of the request); the
      // refresh token's own key and its successor's are writable.
      await admin.call("ACL", "SETUSER", "default", "resetkeys", "%R~*", "~rolegate:RefreshToken:*", "~rolegate:grant:*");
      const failed = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
      expect(failed.status).toBeGreaterThanOrEqual(500);
    } finally {
      await admin.call("ACL", "SETUSER", "default", "allkeys");
      admin.disconnect();
    }
    // The retry is no reuse: it refreshes, and the new tokens work.
    const refreshed = await exchange({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect((await userinfo(refreshed.access_token)).status).toBe(200);
    // Once handed out, the successor replaced it: using the old one again is reuse.
    const reused = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(((await reused.json()) as { error: string }).error).toBe("invalid_grant");
  });
});
