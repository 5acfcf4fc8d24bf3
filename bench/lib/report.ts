// The printed table (and the shape of bench/results/latest.json).
import type { ConsolePageResult } from "./console.js";
import type { BackendWork } from "./counters.js";
import { percentile, type Measurement } from "./load.js";

export type Run = Measurement & {
  /** Peak RSS of the server over the case (warm-up included). */
  peakRssMb: number;
  /** RSS when the case began. */
  rssBeforeMb: number;
  /** rolegate only: Redis commands and PostgreSQL transactions per request (warm-up included). */
  backend?: BackendWork;
};

export interface CaseResult {
  id: string;
  label: string;
  /** Minimum rolegate / bare req/s ratio, when the issue sets one. */
  target: number | undefined;
  /** Each server's median round (peak RSS: the highest of all rounds). */
  rolegate: Run;
  bare: Run;
  /** rolegate / bare req/s of each round, and their median (the reported ratio). */
  ratios: number[];
  ratio: number;
}

export interface Results {
  at: string;
  machine: {
    cpus: number;
    availableParallelism: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
    loadBefore: number[];
    loadAfter: number[];
  };
  settings: {
    durationS: number;
    warmupS: number;
    rounds: number;
    connections: number;
    loginConnections: number;
    coldSamples: number;
    coldGapMs: number;
    consoleSamples: number;
    parts: string[];
    cpuProfile: boolean;
    runtime: "build" | "tsx";
    rolegateNodeFlags: string[];
  };
  argon2: { m: number; t: number; p: number; version: number } | undefined;
  cases: CaseResult[];
  memory: { method: string; lifetimePeakMb: Record<string, number> };
  twoInstances: { one: Run; two: Run; peakRssMbEach: number[]; secondLifetimePeakMb: number } | undefined;
  directory:
    | {
        small: { projects: number; authorizations: number; loaded: Run; spacedMs: number[]; spacedBackend: BackendWork };
        big: {
          projects: number;
          authorizations: number;
          users: number;
          fillMs: number;
          loaded: Run;
          spacedMs: number[];
          spacedBackend: BackendWork;
        };
        spacedP50Ratio: number;
        loadedP50Ratio: number;
        loadedRpsRatio: number;
      }
    | undefined;
  console:
    | {
        directory: {
          organizations: number;
          users: number;
          projects: number;
          authorizations: number;
          applications: number;
          projectGrants: number;
          administrators: number;
          auditEntries: number;
          fillMs: number;
        };
        samples: number;
        /** GETs of each page alone for its CPU time. */
        cpuSamples: number;
        targetMs: number;
        /** rolegate's RSS before the pages were measured, and its peak while they were. */
        rssBeforeMb: number;
        peakRssMb: number;
        pages: ConsolePageResult[];
      }
    | undefined;
  durationS: number;
}

export const RSS_TARGET_MB = 250;
export const TWO_INSTANCES_TARGET = 1.6;
export const DIRECTORY_TARGET = 1.2;

const rps = (n: number) => (Number.isNaN(n) ? "—" : n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ms = (n: number) => (Number.isNaN(n) ? "—" : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const mb = (n: number) => `${n.toFixed(0)} MB`;
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "—");

function table(header: string[], rows: string[][], alignLeft = new Set([0])): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (alignLeft.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join(" | ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

function verdict(ok: boolean, valid = true): string {
  if (!valid) return "invalid (errors)";
  return ok ? "met" : "NOT MET";
}

export function report(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `rolegate (PostgreSQL + Redis) vs bare oidc-provider v9 (memory adapter) — ${r.at}`,
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb.toFixed(0)} GB, node ${m.node}, ${m.platform}; ` +
      `load average before ${m.loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${m.loadAfter.map((l) => l.toFixed(2)).join(" ")}`,
    `servers: ${r.settings.runtime === "build" ? "compiled JavaScript (as `npm run start:prod`), one node process each" : "TypeScript through tsx (BENCH_RUNTIME=tsx)"}; ` +
      `rolegate with LOG_LEVEL=warn${r.settings.rolegateNodeFlags.length ? ` and node ${r.settings.rolegateNodeFlags.join(" ")}` : ""}`,
    `load: ${r.settings.rounds} rounds per case, each ${r.settings.durationS} s measured after ${r.settings.warmupS} s warm-up on each server, ` +
      `alternating which goes first; ${r.settings.connections} connections (autocannon) or workers (d), ${r.settings.loginConnections} workers (g).`,
    `Shown: each server's median round (latencies in ms); ratio = the median of the rounds' rolegate / bare req/s, their range beside it.`,
    "",
  );

  if (r.cases.length > 0) {
    const rows = r.cases.map((c) => {
      const ratio = c.ratio;
      const valid = c.rolegate.errors === 0 && c.bare.errors === 0;
      return [
        `(${c.id}) ${c.label}`,
        rps(c.rolegate.rps),
        ms(c.rolegate.p50),
        ms(c.rolegate.p99),
        rps(c.bare.rps),
        ms(c.bare.p50),
        ms(c.bare.p99),
        x(ratio),
        `${Math.min(...c.ratios).toFixed(2)}–${Math.max(...c.ratios).toFixed(2)}`,
        c.target === undefined ? "—" : `≥ ${c.target.toFixed(1)}×`,
        c.target === undefined ? (valid ? "" : "invalid (errors)") : verdict(ratio >= c.target, valid),
      ];
    });
    out.push(table(["case", "rolegate req/s", "p50", "p99", "bare req/s", "p50", "p99", "ratio", "rounds", "target", "met"], rows));
    const failures = r.cases.flatMap((c) =>
      (["rolegate", "bare"] as const)
        .filter((s) => c[s].errors > 0)
        .map((s) => `  (${c.id}) ${s}: ${c[s].errors} failed — ${c[s].firstError ?? ""}`),
    );
    out.push(
      failures.length
        ? `failed requests or flows:\n${failures.join("\n")}`
        : "failed requests or flows: none (every answer 2xx; every flow ended at the callback with a code and got its tokens)",
    );
    const g = r.cases.find((c) => c.id === "g");
    out.push(
      "(a)–(c), (e), (f): autocannon, the same request over and over; one answer is checked before and after the load (JSON, role claim present).",
      "(c): client_secret_basic; rolegate: a machine user with access token type JWT, scope openid + the project's aud scope + projects:roles;",
      "     bare: a client_credentials client, JWT access token via resource indicators, role claims from extraTokenClaims (a constant).",
      "(e), (f): a user's opaque access token from a code flow (rolegate: Redis; bare: memory); (f) with an API client's basic auth.",
      "(d): a browser that signed in once: authorize with its session cookie → 303 to the callback with a code → token request",
      "     (client_secret_basic, PKCE S256); one iteration = both requests. Bare: loadExistingGrant as rolegate's (no consent).",
      "(g): a fresh browser: authorize → login page → POST login name + password (CSRF field) → redirects → code. rolegate checks an",
      "     argon2id hash; bare compares the password in plain text (no hashing): the same round trip without the hash, so no target." +
        (g ? ` Logins measured: rolegate ${g.rolegate.count}, bare ${g.bare.count}.` : ""),
    );
    if (r.argon2) {
      out.push(
        `argon2id parameters (from the seeded user's stored hash): m=${r.argon2.m} KiB (${(r.argon2.m / 1024).toFixed(0)} MiB), t=${r.argon2.t}, p=${r.argon2.p}, v=${r.argon2.version}`,
      );
    }
    out.push("");
    out.push(`RSS at the start of each case → peak during it (${r.memory.method}; warm-up included), and rolegate's work per request:`);
    out.push(
      table(
        ["case", "rolegate RSS", "bare RSS", "rolegate: Redis commands / req", "PostgreSQL transactions / req", "rolegate CPU ms / req"],
        r.cases.map((c) => [
          `(${c.id}) ${c.label}`,
          `${c.rolegate.rssBeforeMb.toFixed(0)} → ${mb(c.rolegate.peakRssMb)}`,
          `${c.bare.rssBeforeMb.toFixed(0)} → ${mb(c.bare.peakRssMb)}`,
          c.rolegate.backend
            ? `${c.rolegate.backend.redisCommands.toFixed(1)} (${c.rolegate.backend.redisScripts.toFixed(1)} scripts)`
            : "—",
          c.rolegate.backend ? c.rolegate.backend.pgTransactions.toFixed(2) : "—",
          c.rolegate.backend && Number.isFinite(c.rolegate.backend.cpuMs) ? c.rolegate.backend.cpuMs.toFixed(1) : "—",
        ]),
      ),
      "(per request or flow iteration, warm-up included; Redis: the commands inside scripts included; PostgreSQL: statements outside transactions each count as one; the bare provider uses neither;\n" +
        " CPU: user + system time of rolegate's process, all threads; cores × 1000 / it bounds one instance's requests/s, before PostgreSQL, Redis and the load generator take their share)",
    );
  }
  out.push(
    `peak RSS over the whole run: ${Object.entries(r.memory.lifetimePeakMb)
      .map(([name, value]) => `${name} ${mb(value)}`)
      .join(", ")}`,
  );
  const c = r.cases.find((k) => k.id === "c");
  if (c) {
    out.push(
      `one rolegate instance under (c): peak RSS ${mb(c.rolegate.peakRssMb)} (target ≤ ${RSS_TARGET_MB} MB): ${verdict(c.rolegate.peakRssMb <= RSS_TARGET_MB, c.rolegate.errors === 0)}`,
    );
  }
  out.push("");

  if (r.twoInstances) {
    const { one, two } = r.twoInstances;
    const scaling = two.rps / one.rps;
    const cores = r.machine.availableParallelism;
    out.push(
      "two rolegate instances (same PostgreSQL, Redis and keys), (c) with the connections split between them (round robin by connection):",
      `  one instance:  ${rps(one.rps)} req/s, p50 ${ms(one.p50)}, p99 ${ms(one.p99)} (measured again just before)`,
      `  two instances: ${rps(two.rps)} req/s (sum), p50 ${ms(two.p50)}, p99 ${ms(two.p99)}; peak RSS ${r.twoInstances.peakRssMbEach.map(mb).join(" and ")}`,
      `  scaling ${x(scaling)} (target ≥ ${TWO_INSTANCES_TARGET}× when the machine has the cores): ` +
        (cores < 4
          ? `not measurable with ${cores} cores (both instances, PostgreSQL, Redis and the load generator share them)`
          : verdict(scaling >= TWO_INSTANCES_TARGET, one.errors === 0 && two.errors === 0)),
      "",
    );
  }

  const d = r.directory;
  if (d) {
    out.push(
      "(h) token path of a machine user with 10 authorizations on 10 projects (client credentials, 10 aud scopes + projects:roles → JWT with 10 role claims):",
      `  small directory: ${d.small.projects} projects, ${d.small.authorizations} authorizations (the seeded ones)`,
      `  big directory:   ${d.big.projects} projects, ${d.big.authorizations} authorizations, ${d.big.users} users (added through SQL in ${(d.big.fillMs / 1000).toFixed(1)} s, then VACUUM ANALYZE)`,
      table(
        ["", "small", "big", "big / small"],
        [
          [
            `uncached: ${r.settings.coldSamples} single requests ${r.settings.coldGapMs} ms apart, median ms`,
            ms(percentile(d.small.spacedMs, 50)),
            ms(percentile(d.big.spacedMs, 50)),
            x(d.spacedP50Ratio),
          ],
          [
            "uncached: PostgreSQL transactions per request",
            d.small.spacedBackend.pgTransactions.toFixed(1),
            d.big.spacedBackend.pgTransactions.toFixed(1),
            "",
          ],
          ["under load: p50 ms", ms(d.small.loaded.p50), ms(d.big.loaded.p50), x(d.loadedP50Ratio)],
          ["under load: req/s", rps(d.small.loaded.rps), rps(d.big.loaded.rps), x(d.loadedRpsRatio)],
          [
            "under load: PostgreSQL transactions per request",
            d.small.loaded.backend?.pgTransactions.toFixed(2) ?? "—",
            d.big.loaded.backend?.pgTransactions.toFixed(2) ?? "—",
            "",
          ],
        ],
      ),
      `  target: big ≤ ${DIRECTORY_TARGET}× small (token-path time, uncached): ${verdict(d.spacedP50Ratio <= DIRECTORY_TARGET)}; ` +
        `under load (p50): ${verdict(d.loadedP50Ratio <= DIRECTORY_TARGET, d.small.loaded.errors === 0 && d.big.loaded.errors === 0)}`,
      "  ('apart': each request waits out rolegate's 1 s directory read cache, so every directory read runs; under load most are cache hits)",
      "",
    );
  }
  const con = r.console;
  if (con) {
    const d = con.directory;
    out.push(
      "(console) the console's pages, signed in as the instance administrator (the real sign-in, once), one GET at a time, the pages taking turns:",
      `  directory: ${d.users} users, ${d.projects} projects, ${d.organizations} organizations, ${d.authorizations} authorizations, ` +
        `${d.applications} apps, ${d.projectGrants} project grants, ${d.administrators} administrators, ${d.auditEntries} audit entries` +
        ` (filled through SQL in ${(d.fillMs / 1000).toFixed(1)} s, then VACUUM ANALYZE)`,
      table(
        ["page", "path", "median ms", "p95 ms", `target: median < ${con.targetMs} ms`, "rolegate CPU ms / GET"],
        con.pages.map((p) => [
          p.name,
          p.path.length > 40 ? `${p.path.slice(0, 39)}…` : p.path,
          ms(p.p50),
          ms(p.p95),
          verdict(p.p50 < con.targetMs, p.errors === 0),
          p.cpuMs === undefined || !Number.isFinite(p.cpuMs) ? "—" : p.cpuMs.toFixed(1),
        ]),
        new Set([0, 1]),
      ),
      `  ${con.samples} GETs per page (each answer checked: 200, the page's heading, its rows); CPU: rolegate's process (user + system, all threads) over ${con.cpuSamples} more GETs of the page alone;` +
        ` rolegate's RSS ${con.rssBeforeMb.toFixed(0)} → ${mb(con.peakRssMb)} over the measured GETs.`,
      ...con.pages.filter((p) => p.errors > 0).map((p) => `  ${p.name}: ${p.errors} failed — ${p.firstError ?? ""}`),
      `  all pages: ${verdict(
        con.pages.every((p) => p.p50 < con.targetMs),
        con.pages.every((p) => p.errors === 0),
      )}`,
      "",
    );
  }
  out.push(`total run time ${(r.durationS / 60).toFixed(1)} min`);
  return out.join("\n");
}
