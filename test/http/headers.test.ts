// Security headers and cookies, on real servers (`npm start` processes): every page rolegate or
// oidc-provider renders forbids framing (a CSP *header*: `frame-ancestors` in a <meta> tag is
// ignored by browsers), nothing is MIME-sniffed, no Referer leaves a page; and cookies are
// `Secure` whenever the issuer is https, whether or not the proxy's X-Forwarded-Proto reaches
// rolegate. One database is shared by all servers: the first one bootstraps it, the others find it.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiServer } from "../support/api.js";
import { createEmptyDatabase } from "../support/database.js";
import { startServer, type StartedServer } from "../support/process.js";
import { PASSWORD, seeder } from "../support/seed.js";
import { freePort } from "../support/servers.js";

const REDIRECT_URI = "http://127.0.0.1/cb";
const HTTPS_ISSUER = "https://id.rolegate.test";
const html = { accept: "text/html,application/xhtml+xml" };

let home: string;
let databaseUrl: string;
const started: StartedServer[] = [];
let plain: StartedServer; // http issuer, TRUST_PROXY off (the laptop start)
let clientId: string;
let user: { id: string; username: string };

async function start(name: string, env: Record<string, string>): Promise<StartedServer> {
  const server = await startServer({
    DATABASE_URL: databaseUrl,
    DATA_DIR: path.join(home, name, "data"),
    KEYS_DIR: path.join(home, "keys"), // shared: every server accepts the others' cookies
    ADMIN_PAT_FILE: path.join(home, "admin.pat"),
    ...env,
  });
  started.push(server);
  return server;
}

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), "rolegate-headers-"));
  databaseUrl = await createEmptyDatabase("rolegate_template");
  const port = await freePort();
  plain = await start("plain", { PORT: String(port), ISSUER: `http://127.0.0.1:${port}` });
  const adminToken = (await readFile(path.join(home, "admin.pat"), "utf8")).trim();
  const api: ApiServer = {
    url: plain.url,
    databaseUrl,
    adminToken,
    get db(): never {
      throw new Error("this test does not open the database");
    },
    logs: () => plain.logs(),
    client: (service, transport, token = adminToken) => createApiClient(plain.url, service, transport, token),
  };
  const seed = seeder(api);
  const orgId = await seed.org();
  const projectId = await seed.project(orgId);
  user = await seed.human(orgId);
  ({ clientId } = await seed.webApp(projectId, REDIRECT_URI));
}, 90_000);

afterAll(async () => {
  for (const server of started) await server.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// A browser without a browser: every Set-Cookie line seen, cookies sent back, redirects by hand.

class Jar {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie line the server sent, in order. */
  readonly setCookies: string[] = [];

  constructor(
    private readonly base: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  /** Fetches `target` on this server (an absolute URL on the issuer's host is taken as a path). */
  async fetch(target: string, init: RequestInit = {}): Promise<Response> {
    const parsed = new URL(target, this.base);
    const url = new URL(parsed.pathname + parsed.search, this.base);
    const headers = new Headers({ ...html, ...this.extraHeaders, ...(init.headers as Record<string, string> | undefined) });
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(10_000) });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const value = pair.slice(eq + 1).trim();
      if (value) this.cookies.set(pair.slice(0, eq).trim(), value);
      else this.cookies.delete(pair.slice(0, eq).trim());
    }
    return res;
  }
}

function authorizePath(): string {
  const verifier = randomBytes(32).toString("base64url");
  return `/oauth/v2/authorize?${new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "openid",
    state: "s",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  })}`;
}

/** Authorize → login page; returns the page's response (not yet read). */
async function openLoginPage(jar: Jar): Promise<{ page: Response; path: string }> {
  const res = await jar.fetch(authorizePath());
  expect(res.status).toBe(303);
  const target = res.headers.get("location")!;
  expect(new URL(target, "http://x").pathname).toMatch(/^\/ui\/login\//);
  return { page: await jar.fetch(target), path: target };
}

/** The whole sign-in, up to the redirect back to the app; the jar then holds the session cookie. */
async function signIn(jar: Jar): Promise<void> {
  const { page } = await openLoginPage(jar);
  const body = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(body)![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(body)![1]!;
  let res = await jar.fetch(action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf, loginName: user.username, password: PASSWORD }),
  });
  for (let hop = 0; hop < 5; hop++) {
    const location = res.headers.get("location");
    expect([302, 303], `sign-in step answered ${res.status}: ${location ?? ""}`).toContain(res.status);
    if (location!.startsWith(REDIRECT_URI)) {
      expect(new URL(location!).searchParams.get("code")).toBeTruthy();
      return;
    }
    res = await jar.fetch(location!);
  }
  throw new Error("too many redirects");
}

function expectSecurityHeaders(res: Response): void {
  const csp = res.headers.get("content-security-policy");
  expect(csp, `${res.url}: Content-Security-Policy header`).toBeTruthy();
  expect(csp).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
  expect(csp).toMatch(/(^|;)\s*default-src 'none'\s*(;|$)/);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

/** The cookie of that name in the Set-Cookie lines (the last one set). */
function cookieLine(lines: string[], name: string): string {
  const line = lines.filter((l) => l.startsWith(`${name}=`) && !/^[^=]+=;/.test(l)).at(-1);
  expect(line, `a Set-Cookie for ${name} in ${JSON.stringify(lines)}`).toBeDefined();
  return line!;
}
const isSecure = (line: string) => line.split(";").some((a) => a.trim().toLowerCase() === "secure");

describe("security headers", () => {
  it("the login page: CSP header with frame-ancestors 'none', nosniff, no-referrer", async () => {
    const { page } = await openLoginPage(new Jar(plain.url));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expectSecurityHeaders(page);
  });

  it("the login UI's error page (an expired sign-in)", async () => {
    const res = await fetch(`${plain.url}/ui/login/no-such-interaction`, { headers: html });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/This sign-in has expired/);
    expectSecurityHeaders(res);
  });

  it("oidc-provider's error page (an unknown client)", async () => {
    const res = await fetch(`${plain.url}/oauth/v2/authorize?client_id=nobody&response_type=code&scope=openid`, { headers: html });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Something went wrong/);
    expectSecurityHeaders(res);
  });

  it("end session: the confirmation page (signed in) and oidc-provider's self-submitting form (no session)", async () => {
    const jar = new Jar(plain.url);
    await signIn(jar);
    const confirm = await jar.fetch("/oidc/v1/end_session");
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toMatch(/Do you want to sign out\?[\s\S]*id="op\.logoutForm"/);
    expectSecurityHeaders(confirm);

    const form = await fetch(`${plain.url}/oidc/v1/end_session`, { headers: html });
    expect(form.status).toBe(200);
    expect(await form.text()).toMatch(/<script>[\s\S]*document\.forms\[0\]\.submit\(\)/);
    expectSecurityHeaders(form);
    // The policy lets exactly that inline script run (oidc-provider adds its hash to script-src).
    expect(form.headers.get("content-security-policy")).toMatch(/script-src [^;]*'sha256-[A-Za-z0-9+/]+=*'/);
  });

  it("JSON answers are not sniffed either (discovery, JWKS, health)", async () => {
    for (const p of ["/.well-known/openid-configuration", "/oauth/v2/keys", "/healthz"]) {
      const res = await fetch(`${plain.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
    }
  });

  describe("the 503 page while Redis is down", () => {
    let down: StartedServer;
    beforeAll(async () => {
      // Nothing listens there: every Redis command fails at once (no offline queue).
      down = await start("down", { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    }, 60_000);

    it("from oidc-provider (the authorization request cannot store its interaction)", async () => {
      const res = await fetch(`${down.url}${authorizePath()}`, { headers: html, redirect: "manual" });
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/Temporarily unavailable/);
      expectSecurityHeaders(res);
    });

    it("from rolegate's own edge (the login page cannot read its interaction)", async () => {
      // A sign-in begun on the working server; this one shares its cookie keys but not its store.
      const jar = new Jar(plain.url);
      const { path: loginPath } = await openLoginPage(jar);
      const cookie = [...jar.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const res = await fetch(`${down.url}${loginPath}`, { headers: { ...html, cookie } });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.text()).toMatch(/Temporarily unavailable/);
      expectSecurityHeaders(res);
    });
  });
});

describe("cookies", () => {
  let proxied: StartedServer; // https issuer, TRUST_PROXY=true
  let unproxied: StartedServer; // https issuer, TRUST_PROXY off
  beforeAll(async () => {
    [proxied, unproxied] = await Promise.all([
      start("proxied", { ISSUER: HTTPS_ISSUER, TRUST_PROXY: "true" }),
      start("unproxied", { ISSUER: HTTPS_ISSUER }),
    ]);
  }, 60_000);

  it("an http issuer (the laptop start): cookies without Secure, or the browser would drop them", async () => {
    const jar = new Jar(plain.url);
    await signIn(jar);
    expect(isSecure(cookieLine(jar.setCookies, "_interaction"))).toBe(false);
    expect(isSecure(cookieLine(jar.setCookies, "_session"))).toBe(false);
  });

  it("an https issuer behind a TLS proxy (TRUST_PROXY, X-Forwarded-Proto: https): every cookie Secure", async () => {
    const jar = new Jar(proxied.url, { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7" });
    await signIn(jar);
    for (const name of ["_interaction", "_interaction.sig", "_interaction_resume", "_session", "_session.sig"]) {
      expect(isSecure(cookieLine(jar.setCookies, name)), name).toBe(true);
    }
  });

  it("an https issuer with TRUST_PROXY on but no X-Forwarded-Proto reaching rolegate: still Secure, no error", async () => {
    const jar = new Jar(proxied.url);
    await signIn(jar);
    for (const name of ["_interaction", "_interaction_resume", "_session"]) {
      expect(isSecure(cookieLine(jar.setCookies, name)), name).toBe(true);
    }
  });

  it("an https issuer without TRUST_PROXY: still Secure, and the log tells the operator to set TRUST_PROXY", async () => {
    const jar = new Jar(unproxied.url);
    await signIn(jar);
    for (const name of ["_interaction", "_interaction_resume", "_session"]) {
      expect(isSecure(cookieLine(jar.setCookies, name)), name).toBe(true);
    }
    expect(unproxied.logs().some((l) => l.level === 40 && /TRUST_PROXY/.test(String(l.msg)))).toBe(true);
    expect(proxied.logs().some((l) => l.level === 40 && /TRUST_PROXY/.test(String(l.msg)))).toBe(false);
  });
});
