// `npm run bench`: rolegate (PostgreSQL + Redis) against a bare oidc-provider v9 on this machine,
// in one run. Prints a table and writes bench/results/latest.json (and latest.txt). See bench/README.md.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, startPostgres, startRedis } from "../test/support/servers.js";
import { BARE, BARE_PROJECT_ID, REDIRECT_URI, ROLES_SCOPE, rolesClaimOf } from "./lib/bare-config.js";
import { CONSOLE_TARGET_MS, type ConsolePageResult, consolePages, measurePages, signInToConsole, verifyPages } from "./lib/console.js";
import { fillDirectory, type Filled } from "./lib/directory.js";
import {
  codeFlowWithSession,
  decodeJwtPayload,
  passwordLogin,
  signIn,
  singleRequests,
  verifyOnce,
  type SingleRequest,
  type Target,
} from "./lib/flows.js";
import { BackendCounters, type BackendWork } from "./lib/counters.js";
import { CookieJar, HttpClient } from "./lib/http.js";
import { cannon, closedLoop, percentile, type CannonOptions, type Measurement } from "./lib/load.js";
import { ROOT, startServer, type ServerProcess } from "./lib/processes.js";
import { report, type CaseResult, type Results, type Run } from "./lib/report.js";
import { seedRolegate, type RolegateScene } from "./lib/seed.js";

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const ALL_PARTS = ["a", "b", "c", "d", "e", "f", "g", "two", "h", "console"] as const;
type Part = (typeof ALL_PARTS)[number];

function partsFromEnv(): Part[] {
  const raw = process.env.BENCH_CASES;
  if (!raw) return [...ALL_PARTS];
  const parts = raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = parts.filter((p) => !(ALL_PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`BENCH_CASES: unknown ${unknown.join(", ")} (choose from ${ALL_PARTS.join(",")})`);
  return parts as Part[];
}

/** The node flags `npm run start:prod` runs rolegate with (the Docker image uses the same). */
const START_PROD = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts[
  "start:prod"
]!.split(" ");
const PRODUCTION_NODE_FLAGS = START_PROD.filter((word) => word.startsWith("--"));
/** The environment `npm run start:prod` sets (glibc's malloc settings for argon2, see Dockerfile). */
const PRODUCTION_ENV = Object.fromEntries(
  START_PROD.flatMap((word) => (/^[A-Z_]+=/.test(word) ? [word.split("=", 2) as [string, string]] : [])),
);
/** BENCH_NODE_FLAGS: more flags for the first rolegate instance (they win over the production ones). */
const EXTRA_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);

const settings = {
  durationS: numberFromEnv("BENCH_DURATION", 4),
  warmupS: numberFromEnv("BENCH_WARMUP", 1),
  rounds: Math.round(numberFromEnv("BENCH_ROUNDS", 3)),
  connections: Math.round(numberFromEnv("BENCH_CONNECTIONS", 10)),
  loginConnections: Math.round(numberFromEnv("BENCH_LOGIN_CONNECTIONS", 4)),
  coldSamples: Math.round(numberFromEnv("BENCH_COLD_SAMPLES", 20)),
  coldGapMs: numberFromEnv("BENCH_COLD_GAP_MS", 1100),
  consoleSamples: Math.round(numberFromEnv("BENCH_CONSOLE_SAMPLES", 30)),
  parts: partsFromEnv(),
  cpuProfile: process.env.BENCH_CPU_PROF === "1",
  /** build: compiled JavaScript as in production (default); tsx: the TypeScript sources through tsx. */
  runtime: process.env.BENCH_RUNTIME === "tsx" ? ("tsx" as const) : ("build" as const),
  rolegateNodeFlags: [...PRODUCTION_NODE_FLAGS, ...EXTRA_NODE_FLAGS],
};

const RESULTS = path.join(ROOT, "bench/results");
const LOGS = path.join(RESULTS, "logs");
const BUILD = path.join(RESULTS, "build");
const PROFILES = path.join(RESULTS, "profiles");

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.pop()!;
    try {
      await step();
    } catch (error) {
      console.error(`clean-up: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const started = Date.now();
function progress(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s] ${message}\n`);
}

/**
 * The node arguments that run rolegate and the bare provider. `build` compiles both with tsc
 * (bench/tsconfig.build.json: rolegate as `npm run build` does) into bench/results/build, where
 * views/ and prisma/ are linked so rolegate finds its templates and migrations as from dist/.
 */
function prepareRuntime(): { rolegate: string[]; bare: string[] } {
  if (settings.runtime === "tsx") {
    return { rolegate: [...PRODUCTION_NODE_FLAGS, "--import", "tsx", "src/main.ts"], bare: ["--import", "tsx", "bench/bare-provider.ts"] };
  }
  rmSync(BUILD, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "bench/tsconfig.build.json"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (tsc.status !== 0) {
    // tsc still emits on type errors (someone may be mid-change); the run goes on, and says so.
    process.stderr.write(
      `warning: tsc reported errors (the JavaScript was emitted anyway):\n${(tsc.stdout + tsc.stderr).slice(0, 2000)}\n`,
    );
  }
  for (const dir of ["views", "prisma"]) symlinkSync(path.join(ROOT, dir), path.join(BUILD, dir));
  return { rolegate: [...PRODUCTION_NODE_FLAGS, path.join(BUILD, "src/main.js")], bare: [path.join(BUILD, "bench/bare-provider.js")] };
}

/** One measurement with each server's peak RSS over it (warm-up included). */
async function withMemory(
  servers: ServerProcess[],
  measure: () => Promise<Measurement>,
): Promise<{ m: Measurement; peakMb: number[]; beforeMb: number[] }> {
  const beforeMb = servers.map((s) => s.memory.begin());
  try {
    const m = await measure();
    return { m, peakMb: servers.map((s) => s.memory.end()), beforeMb };
  } catch (error) {
    for (const s of servers) s.memory.end();
    throw error;
  }
}

function cannonOptions(server: ServerProcess, single: SingleRequest, connections: number): CannonOptions {
  const { request } = single;
  return {
    url: `${server.url}${request.path}`,
    method: request.method,
    headers: request.headers,
    ...("body" in request ? { body: request.body } : {}),
    connections,
    durationS: settings.durationS,
  };
}

/** With `counters` (rolegate's Redis and PostgreSQL): also what the load cost them per request. */
async function tracked(counters: BackendCounters | undefined, run: () => Promise<Run>): Promise<Run> {
  if (!counters) return run();
  const { result, perRequest } = await counters.per(run, (r) => r.total);
  return { ...result, backend: perRequest };
}

/** A single-request case: checked once before and once after the load; every answer must be 2xx. */
async function measureSingle(
  server: ServerProcess,
  client: HttpClient,
  what: string,
  single: SingleRequest,
  counters?: BackendCounters,
): Promise<Run> {
  await verifyOnce(client, `${server.name} ${what}`, single);
  const run = await tracked(counters, async () => {
    const result = await withMemory([server], () => cannon([cannonOptions(server, single, settings.connections)], settings.warmupS));
    return { ...result.m, peakRssMb: result.peakMb[0]!, rssBeforeMb: result.beforeMb[0]! };
  });
  await verifyOnce(client, `${server.name} ${what} (after the load)`, single);
  return run;
}

/** One request at a time, `coldGapMs` apart (longer than rolegate's read cache keeps an entry). */
async function spacedSamples(
  client: HttpClient,
  single: SingleRequest,
  what: string,
  counters: BackendCounters,
): Promise<{ ms: number[]; backend: BackendWork }> {
  const { result, perRequest } = await counters.per(
    async () => {
      const samples: number[] = [];
      for (let i = 0; i <= settings.coldSamples; i++) {
        await new Promise((r) => setTimeout(r, settings.coldGapMs));
        const began = performance.now();
        await verifyOnce(client, what, single);
        if (i > 0) samples.push(performance.now() - began); // the first one only wakes things up
      }
      return samples.sort((a, b) => a - b);
    },
    () => settings.coldSamples + 1,
  );
  return { ms: result, backend: perRequest };
}

function argon2Parameters(hash: string | undefined): Results["argon2"] {
  // PHC string: $argon2id$v=19$m=65536,p=4,t=3$salt$hash (the parameters in any order).
  const match = /^\$argon2id\$v=(\d+)\$([^$]+)\$/.exec(hash ?? "");
  if (!match) return undefined;
  const params = Object.fromEntries(match[2]!.split(",").map((pair) => pair.split("=") as [string, string]));
  if (!params.m || !params.t || !params.p) return undefined;
  return { version: Number(match[1]), m: Number(params.m), t: Number(params.t), p: Number(params.p) };
}

interface Bench {
  rolegate: ServerProcess;
  bare: ServerProcess;
  pairs: [ServerProcess, Target][];
  clients: Map<string, HttpClient>;
  scene: RolegateScene;
  db: pg.Client;
  counters: BackendCounters;
  databaseUrl: string;
  rolegateEnv: Record<string, string>;
  rolegateArgs: string[];
  /** The big directory, once filled ((h) or (console), whichever comes first). */
  filled?: Filled;
}

/** Fills the directory through SQL the first time a case asks for it. */
async function fillOnce(b: Bench, what: string): Promise<Filled> {
  if (!b.filled) {
    progress(`${what} filling the directory through SQL`);
    b.filled = await fillDirectory(b.databaseUrl, b.scene.tenProjects.orgId, b.scene.tenProjects.projectIds);
  }
  return b.filled;
}

const CASES: { id: Part; label: string; target?: number }[] = [
  { id: "a", label: "discovery" },
  { id: "b", label: "JWKS" },
  { id: "c", label: "client credentials → JWT + roles", target: 0.8 },
  { id: "d", label: "code + PKCE, existing session", target: 0.6 },
  { id: "e", label: "userinfo + roles", target: 0.8 },
  { id: "f", label: "introspection + roles", target: 0.8 },
  { id: "g", label: "password login (form → code)" },
];
const SINGLE_KEYS = { a: "discovery", b: "jwks", c: "clientCredentials", e: "userinfo", f: "introspection" } as const;

/** One case on one server; rolegate and bare run one after the other, case by case. */
async function measureCase(id: Part, server: ServerProcess, target: Target, client: HttpClient, counters?: BackendCounters): Promise<Run> {
  if (id === "a" || id === "b" || id === "c" || id === "e" || id === "f") {
    // userinfo and introspection: a user's (opaque) access token from a fresh password sign-in.
    const token = id === "e" || id === "f" ? (await signIn(client, target)).tokens.access_token : "";
    return measureSingle(server, client, `(${id})`, singleRequests(target, token)[SINGLE_KEYS[id]], counters);
  }
  if (id === "d") {
    // Each worker is a browser that signed in once (outside the measured window).
    const jars: CookieJar[] = [];
    for (let i = 0; i < settings.connections; i++) jars.push((await signIn(client, target)).jar);
    return tracked(counters, async () => {
      const { m, peakMb, beforeMb } = await withMemory([server], () =>
        closedLoop({
          states: jars,
          durationS: settings.durationS,
          warmupS: settings.warmupS,
          iteration: (jar) => codeFlowWithSession(client, jar, target),
        }),
      );
      return { ...m, peakRssMb: peakMb[0]!, rssBeforeMb: beforeMb[0]! };
    });
  }
  if (id === "g") {
    return tracked(counters, async () => {
      const { m, peakMb, beforeMb } = await withMemory([server], () =>
        closedLoop({
          states: Array.from({ length: settings.loginConnections }, () => undefined),
          durationS: settings.durationS,
          warmupS: settings.warmupS,
          iteration: () => passwordLogin(client, target),
        }),
      );
      return { ...m, peakRssMb: peakMb[0]!, rssBeforeMb: beforeMb[0]! };
    });
  }
  throw new Error(`not a per-server case: ${id}`);
}

/** Two rolegate instances (same database, Redis and keys) sharing (c)'s connections, against one. */
async function measureTwoInstances(b: Bench): Promise<NonNullable<Results["twoInstances"]>> {
  progress("two instances: starting a second rolegate");
  const port = await freePort();
  const second = await startRolegate("rolegate-2", b.rolegateEnv, port, b.rolegateArgs);
  try {
    const cc = singleRequests(b.scene.target, "").clientCredentials;
    const client = new HttpClient(second.url);
    await verifyOnce(client, "rolegate-2 client credentials", cc);
    client.close();
    progress("two instances: one instance, (c) again");
    const one = await withMemory([b.rolegate], () => cannon([cannonOptions(b.rolegate, cc, settings.connections)], settings.warmupS));
    progress("two instances: both, connections split between them");
    const half = Math.ceil(settings.connections / 2);
    const two = await withMemory([b.rolegate, second], () =>
      cannon([cannonOptions(b.rolegate, cc, half), cannonOptions(second, cc, Math.max(1, settings.connections - half))], settings.warmupS),
    );
    return {
      one: { ...one.m, peakRssMb: one.peakMb[0]!, rssBeforeMb: one.beforeMb[0]! },
      two: { ...two.m, peakRssMb: Math.max(...two.peakMb), rssBeforeMb: Math.max(...two.beforeMb) },
      peakRssMbEach: two.peakMb,
      secondLifetimePeakMb: second.memory.lifetimePeakMb,
    };
  } finally {
    await second.stop();
  }
}

/** (h) the token path of a machine user with ten authorizations: the seeded directory, then a big one. */
async function measureDirectory(b: Bench): Promise<NonNullable<Results["directory"]>> {
  const { tenProjects } = b.scene;
  const ten: Target = { ...b.scene.target, machine: tenProjects.machine };
  const tenRequest: SingleRequest = {
    request: singleRequests(ten, "").clientCredentials.request,
    check: (body) =>
      typeof body.access_token === "string" &&
      tenProjects.projectIds.every((id) => decodeJwtPayload(body.access_token as string)[rolesClaimOf(id)] !== undefined),
  };
  const client = b.clients.get(b.rolegate.name)!;
  const size = async () => {
    const row = (
      await b.db.query<{ p: string; a: string }>(
        `SELECT (SELECT count(*) FROM "Project") AS p, (SELECT count(*) FROM "Authorization") AS a`,
      )
    ).rows[0]!;
    return { projects: Number(row.p), authorizations: Number(row.a) };
  };
  const small = await size();
  progress(`(h) small directory (${small.projects} projects, ${small.authorizations} authorizations): under load`);
  const smallLoaded = await measureSingle(b.rolegate, client, "(h) small directory", tenRequest, b.counters);
  progress(`(h) small directory: ${settings.coldSamples} single requests ${settings.coldGapMs} ms apart`);
  const smallSpaced = await spacedSamples(client, tenRequest, "(h) small directory, spaced", b.counters);
  const filled = await fillOnce(b, "(h)");
  await new Promise((r) => setTimeout(r, settings.coldGapMs)); // past the read cache's age
  progress(
    `(h) big directory (${filled.projects} projects, ${filled.authorizations} authorizations, filled in ${(filled.ms / 1000).toFixed(1)} s): under load`,
  );
  const bigLoaded = await measureSingle(b.rolegate, client, "(h) big directory", tenRequest, b.counters);
  progress(`(h) big directory: ${settings.coldSamples} single requests ${settings.coldGapMs} ms apart`);
  const bigSpaced = await spacedSamples(client, tenRequest, "(h) big directory, spaced", b.counters);
  return {
    small: { ...small, loaded: smallLoaded, spacedMs: smallSpaced.ms, spacedBackend: smallSpaced.backend },
    big: {
      projects: filled.projects,
      authorizations: filled.authorizations,
      users: filled.users,
      fillMs: filled.ms,
      loaded: bigLoaded,
      spacedMs: bigSpaced.ms,
      spacedBackend: bigSpaced.backend,
    },
    spacedP50Ratio: percentile(bigSpaced.ms, 50) / percentile(smallSpaced.ms, 50),
    loadedP50Ratio: bigLoaded.p50 / smallLoaded.p50,
    loadedRpsRatio: bigLoaded.rps / smallLoaded.rps,
  };
}

/** The instance administrator's login name (rolegate's default) and the password the first sign-in sets. */
const CONSOLE_ADMIN = { loginName: "admin", newPassword: "Bench-Console-Passw0rd!" };
/** GETs of each page alone for its CPU time (the clock ticks in 10 ms: 10 GETs resolve 1 ms). */
const WORK_SAMPLES = 10;

/**
 * (console) the console's main pages on the big directory, signed in once as the instance
 * administrator (the real sign-in: login form and password-change step), one request at a time.
 */
async function measureConsole(b: Bench): Promise<NonNullable<Results["console"]>> {
  const filled = await fillOnce(b, "(console)");
  const client = new HttpClient(b.rolegate.url);
  try {
    progress("(console) signing in as the instance administrator: GET / → login form → password change → the console");
    const jar = new CookieJar();
    const password = readFileSync(b.rolegateEnv.ADMIN_PASSWORD_FILE!, "utf8").trim();
    await signInToConsole(client, jar, { loginName: CONSOLE_ADMIN.loginName, password, newPassword: CONSOLE_ADMIN.newPassword });
    // A project crowded with authorizations (seed.ts names the ten "Bench Ten <i>"), and the seeded
    // project with the two apps.
    const project = { id: b.scene.tenProjects.projectIds[0]!, name: "Bench Ten 0" };
    const pages = consolePages(project, b.scene.projectId, { id: b.scene.tenProjects.orgId });
    await verifyPages(client, jar, pages);
    const warmup = 2;
    progress(`(console) ${pages.length} pages × ${settings.consoleSamples} GETs (after ${warmup} unmeasured), one at a time, taking turns`);
    const rssBeforeMb = b.rolegate.memory.begin();
    let peakRssMb: number;
    let measured: Awaited<ReturnType<typeof measurePages>>;
    try {
      measured = await measurePages(client, jar, pages, settings.consoleSamples, warmup);
    } finally {
      peakRssMb = b.rolegate.memory.end();
    }
    // What each page costs rolegate's process in CPU time: more GETs of it alone. (Not PostgreSQL's
    // transactions: an idle backend publishes its counts up to 10 s late, so they would smear
    // across pages.)
    progress(`(console) rolegate's CPU time per page (${WORK_SAMPLES} GETs each)`);
    const results: ConsolePageResult[] = [];
    for (const [i, page] of pages.entries()) {
      const before = await b.counters.snapshot();
      for (let n = 0; n < WORK_SAMPLES; n++) await verifyPages(client, jar, [page]);
      const after = await b.counters.snapshot();
      results.push({ ...measured[i]!, cpuMs: (after.cpuMs - before.cpuMs) / WORK_SAMPLES });
    }
    const row = (
      await b.db.query<{ o: string; u: string; p: string; a: string; apps: string; g: string; adm: string; e: string }>(
        `SELECT (SELECT count(*) FROM "Organization") AS o, (SELECT count(*) FROM "User") AS u, (SELECT count(*) FROM "Project") AS p,
                (SELECT count(*) FROM "Authorization") AS a, (SELECT count(*) FROM "Application") AS apps,
                (SELECT count(*) FROM "ProjectGrant") AS g, (SELECT count(*) FROM "Administrator") AS adm, (SELECT count(*) FROM "AuditEntry") AS e`,
      )
    ).rows[0]!;
    return {
      directory: {
        organizations: Number(row.o),
        users: Number(row.u),
        projects: Number(row.p),
        authorizations: Number(row.a),
        applications: Number(row.apps),
        projectGrants: Number(row.g),
        administrators: Number(row.adm),
        auditEntries: Number(row.e),
        fillMs: filled.ms,
      },
      samples: settings.consoleSamples,
      cpuSamples: WORK_SAMPLES,
      targetMs: CONSOLE_TARGET_MS,
      rssBeforeMb,
      peakRssMb,
      pages: results,
    };
  } finally {
    client.close();
  }
}

/** A case over its rounds: each server's median round (with its peak RSS over all), and the median of the rounds' ratios. */
function combineRounds(id: string, label: string, target: number | undefined, rolegate: Run[], bare: Run[]): CaseResult {
  const median = <T>(items: T[], by: (item: T) => number): T =>
    [...items].sort((a, b) => by(a) - by(b))[Math.floor((items.length - 1) / 2)]!;
  const summary = (runs: Run[]): Run => ({
    ...median(runs, (r) => r.rps),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    firstError: runs.find((r) => r.firstError)?.firstError,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    rssBeforeMb: runs[0]!.rssBeforeMb,
  });
  const ratios = rolegate.map((r, i) => r.rps / bare[i]!.rps);
  return { id, label, target, rolegate: summary(rolegate), bare: summary(bare), ratios, ratio: median(ratios, (r) => r) };
}

async function startRolegate(name: string, env: Record<string, string>, port: number, args: string[]): Promise<ServerProcess> {
  const server = await startServer({
    name,
    args,
    env: { ...env, PORT: String(port) },
    url: `http://127.0.0.1:${port}`,
    readyPath: "/readyz",
    logFile: path.join(LOGS, `${name}.log`),
  });
  cleanups.push(() => server.stop());
  return server;
}

async function setUp(): Promise<Bench> {
  rmSync(LOGS, { recursive: true, force: true });
  mkdirSync(LOGS, { recursive: true });
  progress(
    settings.runtime === "build"
      ? "compiling rolegate and the bare provider (bench/tsconfig.build.json)"
      : "running the TypeScript sources through tsx",
  );
  const runtime = prepareRuntime();
  progress(`starting PostgreSQL and Redis (server output: ${path.relative(ROOT, LOGS)}/)`);
  const postgres = await startPostgres();
  cleanups.push(() => postgres.stop());
  const redis = await startRedis();
  cleanups.push(() => redis.stop());

  const PASSWORD_HASH_VARIABLES = ["PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_ITERATIONS", "PASSWORD_HASH_PARALLELISM"];
  const home = mkdtempSync(path.join(os.tmpdir(), "rolegate-bench-"));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const port = await freePort();
  // Every instance has the same issuer, as behind a load balancer.
  const rolegateEnv = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    KEYS_DIR: path.join(home, "keys"),
    DATA_DIR: path.join(home, "data"),
    ADMIN_PAT_FILE: path.join(home, "admin.pat"),
    // The human instance administrator's generated initial password ((console) signs in with it).
    ADMIN_PASSWORD_FILE: path.join(home, "admin.password"),
    ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
    // As `npm run start:prod` and the Docker image set it (glibc's malloc settings for argon2).
    ...PRODUCTION_ENV,
    // argon2 settings to weigh against (g), when given.
    ...Object.fromEntries(PASSWORD_HASH_VARIABLES.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : []))),
  };
  const profile = settings.cpuProfile ? ["--cpu-prof", "--cpu-prof-dir", PROFILES] : [];
  progress("starting rolegate (it migrates the empty database and bootstraps on first start)");
  const rolegate = await startRolegate("rolegate-1", rolegateEnv, port, [...profile, ...EXTRA_NODE_FLAGS, ...runtime.rolegate]);
  const barePort = await freePort();
  progress("starting the bare oidc-provider");
  const bare = await startServer({
    name: "bare",
    args: [...profile, ...runtime.bare],
    env: { PORT: String(barePort), ISSUER: `http://127.0.0.1:${barePort}` },
    url: `http://127.0.0.1:${barePort}`,
    readyPath: "/.well-known/openid-configuration",
    logFile: path.join(LOGS, "bare.log"),
  });
  cleanups.push(() => bare.stop());

  progress("seeding rolegate through the management API");
  const adminToken = readFileSync(rolegateEnv.ADMIN_PAT_FILE, "utf8").trim();
  const scene = await seedRolegate(rolegate.url, adminToken, postgres.url);
  const bareTarget: Target = {
    name: "bare",
    url: bare.url,
    web: {
      clientId: BARE.web.clientId,
      clientSecret: BARE.web.clientSecret,
      redirectUri: REDIRECT_URI,
      scope: `openid profile email ${ROLES_SCOPE}`,
    },
    machine: { clientId: BARE.machine.clientId, clientSecret: BARE.machine.clientSecret, scope: BARE.machine.scope },
    introspector: { clientId: BARE.api.clientId, clientSecret: BARE.api.clientSecret },
    user: { loginName: BARE.user.loginName, password: BARE.user.password },
    rolesClaim: rolesClaimOf(BARE_PROJECT_ID),
  };
  const pairs: [ServerProcess, Target][] = [
    [rolegate, scene.target],
    [bare, bareTarget],
  ];
  const clients = new Map(pairs.map(([server]) => [server.name, new HttpClient(server.url)]));
  cleanups.push(() => {
    for (const c of clients.values()) c.close();
  });
  const db = new pg.Client({ connectionString: postgres.url });
  await db.connect();
  cleanups.push(() => db.end());
  const counters = new BackendCounters(redis.url, db, rolegate.pid);
  cleanups.push(() => counters.close());
  return { rolegate, bare, pairs, clients, scene, db, counters, databaseUrl: postgres.url, rolegateEnv, rolegateArgs: runtime.rolegate };
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const b = await setUp();
  const hashRow = await b.db.query<{ passwordHash: string }>(`SELECT "passwordHash" FROM "User" WHERE "loginKey" = $1`, [
    b.scene.target.user.loginName,
  ]);

  const cases: CaseResult[] = [];
  for (const { id, label, target } of CASES.filter((c) => settings.parts.includes(c.id))) {
    // Rounds alternate the servers (rolegate first, then bare first, …): a slow spell of this
    // shared machine then weighs on both, and each round's ratio compares neighbours in time.
    const runs: Record<Target["name"], Run[]> = { rolegate: [], bare: [] };
    for (let round = 0; round < settings.rounds; round++) {
      for (const [server, t] of round % 2 === 0 ? b.pairs : [...b.pairs].reverse()) {
        const workers = id === "g" ? settings.loginConnections : settings.connections;
        progress(
          `(${id}) ${label}, round ${round + 1}/${settings.rounds}: ${server.name} (${workers} ${id === "d" || id === "g" ? "workers" : "connections"})`,
        );
        runs[t.name].push(await measureCase(id, server, t, b.clients.get(server.name)!, t.name === "rolegate" ? b.counters : undefined));
      }
    }
    cases.push(combineRounds(id, label, target, runs.rolegate, runs.bare));
  }
  const twoInstances = settings.parts.includes("two") ? await measureTwoInstances(b) : undefined;
  const directory = settings.parts.includes("h") ? await measureDirectory(b) : undefined;
  const consolePart = settings.parts.includes("console") ? await measureConsole(b) : undefined;

  const results: Results = {
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      availableParallelism: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryGb: os.totalmem() / 2 ** 30,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadBefore,
      loadAfter: os.loadavg(),
    },
    settings,
    argon2: argon2Parameters(hashRow.rows[0]?.passwordHash),
    cases,
    memory: {
      method: b.rolegate.memory.method,
      lifetimePeakMb: {
        rolegate: b.rolegate.memory.lifetimePeakMb,
        bare: b.bare.memory.lifetimePeakMb,
        ...(twoInstances ? { "rolegate-2": twoInstances.secondLifetimePeakMb } : {}),
      },
    },
    twoInstances,
    directory,
    console: consolePart,
    durationS: (Date.now() - started) / 1000,
  };
  const text = report(results);
  process.stdout.write(`\n${text}\n`);
  writeFileSync(path.join(RESULTS, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(RESULTS, "latest.txt"), `${text}\n`);
  progress(`written ${path.relative(ROOT, path.join(RESULTS, "latest.json"))} and latest.txt`);
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    progress(`${signal}: stopping the servers`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  if (!interrupted) {
    await cleanUp();
    if (settings.cpuProfile) progress(`CPU profile of rolegate-1: ${path.relative(ROOT, PROFILES)}/*.cpuprofile`);
  }
}
