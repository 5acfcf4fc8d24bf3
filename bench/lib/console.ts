// (console): the console's pages as a signed-in administrator's browser gets them. The sign-in is
// the real one (GET / → the console's authorization request → login form → password-change step
// → callback → the console), driven with the bench's HTTP client and cookie jar; then each page is
// fetched one request at a time, the pages taking turns, and each answer is checked (200, the
// page's heading, the rows it must show) so a sign-in redirect or an error page never counts as
// a fast page.
import type { CookieJar, HttpClient, HttpResponse } from "./http.js";
import { percentile } from "./load.js";

export const CONSOLE = "/ui/console";
/** The issue's target: every page's median. */
export const CONSOLE_TARGET_MS = 100;

export interface ConsolePage {
  name: string;
  path: string;
  /** Why the answer is not the page asked for, or undefined when it is. */
  check: (body: string) => string | undefined;
}

export interface ConsolePageResult {
  name: string;
  path: string;
  /** Latencies in ms, sorted. */
  ms: number[];
  p50: number;
  p95: number;
  errors: number;
  firstError?: string | undefined;
  /** CPU time of rolegate's process per GET of the page alone, when counted. */
  cpuMs?: number | undefined;
}

function text(body: string): string {
  return body
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z#0-9]+;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function describe(response: HttpResponse, step: string): Error {
  return new Error(
    `${step}: HTTP ${response.status}${response.headers.location ? ` → ${response.headers.location}` : ""} ${text(response.body).slice(0, 200)}`,
  );
}

/** The form on the page that has a field named `field`: its action and CSRF token. */
function formWith(body: string, field: string, pageUrl: URL): { action: URL; csrf: string } | undefined {
  for (const match of body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
    if (!new RegExp(`name="${field}"`).test(match[2]!)) continue;
    const csrf = /name="csrf"\s+value="([^"]*)"/.exec(match[2]!)?.[1];
    if (csrf === undefined) throw new Error(`the form with ${field} has no csrf field`);
    return { action: new URL(match[1]!.replace(/&amp;/g, "&"), pageUrl), csrf };
  }
  return undefined;
}

/**
 * Signs in to the console from `GET /`, following redirects with `jar`: the login form with the
 * login name and password, then (first sign-in) the password-change step with `newPassword`.
 * Ends on the console's overview; the jar then holds the console's session cookie.
 */
export async function signInToConsole(
  client: HttpClient,
  jar: CookieJar,
  user: { loginName: string; password: string; newPassword?: string },
): Promise<void> {
  let url = new URL("/", client.baseUrl);
  let response = await client.get("/", jar.header());
  for (let hop = 0; hop < 20; hop++) {
    jar.store(response);
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin !== url.origin) throw new Error(`console sign-in: redirected away to ${next.href}`);
      url = next;
      response = await client.get(url.pathname + url.search, jar.header());
      continue;
    }
    if (response.status !== 200) throw describe(response, `console sign-in: ${url.pathname}`);
    const login = formWith(response.body, "password", url);
    const change = formWith(response.body, "newPassword", url);
    let post: { action: URL; fields: Record<string, string> } | undefined;
    if (login) post = { action: login.action, fields: { csrf: login.csrf, loginName: user.loginName, password: user.password } };
    else if (change) {
      if (!user.newPassword) throw new Error("console sign-in: the password must be changed, and no new password was given");
      post = { action: change.action, fields: { csrf: change.csrf, newPassword: user.newPassword, confirmPassword: user.newPassword } };
    }
    if (post) {
      url = post.action;
      response = await client.postForm(url.pathname + url.search, post.fields, jar.header());
      continue;
    }
    if (url.pathname === `${CONSOLE}/` && /action="\/ui\/console\/auth\/sign-out"/.test(response.body)) return;
    throw describe(response, `console sign-in: unexpected page at ${url.pathname}`);
  }
  throw new Error("console sign-in: too many steps");
}

/** Checks for a page: its first heading contains `heading`, and every pattern of `shows` matches. */
export function expectPage(heading: string, ...shows: (RegExp | ((body: string) => string | undefined))[]) {
  return (body: string): string | undefined => {
    const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(body)?.[1];
    if (h1 === undefined || !text(h1).includes(heading)) return `heading "${h1 === undefined ? "(none)" : text(h1)}", not "${heading}"`;
    if (/role="alert"/.test(body)) return `an alert on the page: ${text(/role="alert"[^>]*>([\s\S]*?)<\//.exec(body)?.[1] ?? "")}`;
    for (const show of shows) {
      const problem = typeof show === "function" ? show(body) : show.test(body) ? undefined : `nothing matches ${show}`;
      if (problem) return problem;
    }
    return undefined;
  };
}

/** The pager's total ("1–20 of 10012") must be at least `min`: the page lists the big directory. */
export const totalAtLeast =
  (min: number) =>
  (body: string): string | undefined => {
    const total = Number(/<span>\d+–\d+ of (\d+)<\/span>/.exec(body)?.[1] ?? NaN);
    return total >= min ? undefined : `the list's total is ${Number.isNaN(total) ? "not shown" : total}, expected ≥ ${min}`;
  };

async function fetchPage(client: HttpClient, jar: CookieJar, page: ConsolePage): Promise<string | undefined> {
  const response = await client.get(page.path, jar.header());
  if (response.status !== 200) return describe(response, `${page.name} (${page.path})`).message;
  return page.check(response.body);
}

/** One answer of each page, checked; throws on the first that is not the page. */
export async function verifyPages(client: HttpClient, jar: CookieJar, pages: ConsolePage[]): Promise<void> {
  for (const page of pages) {
    const problem = await fetchPage(client, jar, page);
    if (problem) throw new Error(`console page ${page.name} (${page.path}): ${problem}`);
  }
}

/**
 * `samples` GETs of each page, one request at a time, the pages taking turns (so a slow spell of
 * the machine weighs on all of them), after `warmup` unmeasured turns. Every answer is checked; a
 * failed one is counted and not measured.
 */
export async function measurePages(
  client: HttpClient,
  jar: CookieJar,
  pages: ConsolePage[],
  samples: number,
  warmup: number,
): Promise<ConsolePageResult[]> {
  const results = pages.map((p) => ({
    name: p.name,
    path: p.path,
    ms: [] as number[],
    errors: 0,
    firstError: undefined as string | undefined,
  }));
  for (let turn = 0; turn < warmup + samples; turn++) {
    for (const [i, page] of pages.entries()) {
      const began = performance.now();
      const problem = await fetchPage(client, jar, page);
      const elapsed = performance.now() - began;
      if (turn < warmup) continue;
      const result = results[i]!;
      if (problem) {
        result.errors += 1;
        result.firstError ??= problem;
      } else result.ms.push(elapsed);
    }
  }
  return results.map((r) => {
    const ms = r.ms.sort((a, b) => a - b);
    return { ...r, ms, p50: percentile(ms, 50), p95: percentile(ms, 95) };
  });
}

/** The pages measured: the main screens, on the filled directory. */
export function consolePages(project: { id: string; name: string }, appsProjectId: string, org: { id: string }): ConsolePage[] {
  return [
    { name: "overview", path: `${CONSOLE}/`, check: expectPage("Welcome", /on the whole instance/) },
    { name: "organizations", path: `${CONSOLE}/organizations`, check: expectPage("Organizations", totalAtLeast(10)) },
    { name: "users", path: `${CONSOLE}/users`, check: expectPage("Users", totalAtLeast(10_000)) },
    // bench-user-42, -420…-429, -4200…-4299: 111 users, six pages.
    { name: "users: search", path: `${CONSOLE}/users?q=user-42`, check: expectPage("Users", totalAtLeast(111), />bench-user-42</) },
    { name: "projects", path: `${CONSOLE}/projects`, check: expectPage("Projects", totalAtLeast(1_000)) },
    { name: "a project", path: `${CONSOLE}/projects/${project.id}`, check: expectPage(project.name, /<h2/) },
    { name: "authorizations", path: `${CONSOLE}/authorizations`, check: expectPage("Authorizations", totalAtLeast(100_000)) },
    { name: "applications", path: `${CONSOLE}/applications`, check: expectPage("Applications", totalAtLeast(1_000)) },
    // The same list narrowed to one project: the page knows every app's project without looking.
    {
      name: "applications: a project",
      path: `${CONSOLE}/applications?project=${appsProjectId}`,
      check: expectPage("Applications of", totalAtLeast(2)),
    },
    { name: "administrators", path: `${CONSOLE}/administrators`, check: expectPage("Administrators", totalAtLeast(100)) },
    { name: "audit", path: `${CONSOLE}/audit`, check: expectPage("Audit trail", /\.created/) },
    // Confirmation pages with the impact preview (a dry run of the change, rolled back): the crowded
    // project, whose 1,000 users lose it; and the organization of those users and of ten projects.
    {
      name: "deactivate a project: preview",
      path: `${CONSOLE}/projects/${project.id}/deactivate`,
      check: expectPage(`Deactivate ${project.name}?`, /<strong>\d{4} users would lose something/),
    },
    {
      name: "deactivate an org: preview",
      path: `${CONSOLE}/organizations/${org.id}/deactivate`,
      check: expectPage("Deactivate", /<strong>\d{4} users would lose something/),
    },
  ];
}
