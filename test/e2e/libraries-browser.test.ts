// Browser-side libraries ZITADEL users already run, unchanged but for the issuer and credentials:
// oidc-client-ts in a single-page app on another loopback origin (PKCE, CORS), and Auth.js
// (@auth/core) with its built-in ZITADEL provider in a server-side app. Both sign in through the
// real login page in headless Chromium.
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { Auth, type AuthConfig } from "@auth/core";
import ZITADEL from "@auth/core/providers/zitadel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { unique } from "../support/directory.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ redis: true }); // sessions, codes and tokens in Redis
const browser = useBrowser();
let seed: ReturnType<typeof seeder>;
beforeAll(() => {
  seed = seeder(api());
});

const rolesClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;

/** An organization, a project asserting roles, and a user granted "viewer" in it. */
async function scene() {
  const orgId = await seed.org();
  const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true }, ["admin", "viewer"]);
  const user = await seed.human(orgId);
  await seed.authorize(user.id, projectId, ["viewer"]);
  const org = (await seed.orgs.listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: orgId } } }] })).organizations[0]!;
  return { orgId, projectId, user, roles: { viewer: { [orgId]: org.primaryDomain } } };
}

/** A local HTTP server on 127.0.0.1 with a free port, closed after the file's tests. */
async function listen(handler: http.RequestListener): Promise<{ origin: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const servers: http.Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function signInOnLoginPage(page: import("playwright-core").Page, username: string) {
  await page.getByLabel(/login name/i).fill(username);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
}

describe("oidc-client-ts in a single-page app on another origin", () => {
  const require = createRequire(import.meta.url);
  // The browser bundle defines the global `oidc` (UserManager, ...), as a <script> tag loads it.
  const bundlePath = path.join(path.dirname(require.resolve("oidc-client-ts/package.json")), "dist/browser/oidc-client-ts.js");

  // The app's pages: "/" starts the sign-in, "/callback" completes it and calls userinfo itself.
  let settings: Record<string, string> = {};
  const appPage = (script: string) => `<!doctype html><html><head><meta charset="utf-8"><title>SPA</title>
<script src="/oidc-client-ts.js"></script></head><body><pre id="result"></pre><script>
const settings = ${JSON.stringify(settings)};
const show = (value) => { document.getElementById("result").textContent = JSON.stringify(value); };
const userManager = new oidc.UserManager(settings);
${script}
</script></body></html>`;
  const spa = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const { pathname } = new URL(req.url ?? "/", "http://x");
    if (pathname === "/oidc-client-ts.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(bundlePath));
    } else if (pathname === "/") {
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(appPage(`userManager.signinRedirect().catch((e) => show({ error: String(e) }));`));
    } else if (pathname === "/callback") {
      res.writeHead(200, { "content-type": "text/html" }).end(
        appPage(`userManager.signinRedirectCallback().then(async (user) => {
  const response = await fetch(settings.authority + "/oidc/v1/userinfo", { headers: { Authorization: "Bearer " + user.access_token } });
  show({ profile: user.profile, scope: user.scope, accessToken: user.access_token, userinfo: await response.json() });
}).catch((e) => show({ error: String(e) }));`),
      );
    } else {
      res.writeHead(404).end();
    }
  };

  it("signs in with PKCE and no client secret, has the role claim in the profile, and calls userinfo cross-origin", async () => {
    const app = await listen((req, res) => void spa(req, res));
    // An origin that is not the app's: same pages, but not among the app's redirect URIs.
    const stranger = await listen((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>other</title>"),
    );
    servers.push(app.server, stranger.server);

    const s = await scene();
    const created = await seed.apps.createApplication({
      projectId: s.projectId,
      name: unique("spa"),
      creationRequestType: {
        case: "oidcRequest",
        value: {
          redirectUris: [`${app.origin}/callback`],
          responseTypes: [1], // CODE
          grantTypes: [0], // AUTHORIZATION_CODE
          appType: 1, // USER_AGENT
          authMethodType: 2, // NONE
          idTokenRoleAssertion: true,
        },
      },
    } as never);
    const clientId = (created.creationResponseType.value as { clientId: string }).clientId;
    settings = {
      authority: api().url,
      client_id: clientId,
      redirect_uri: `${app.origin}/callback`,
      response_type: "code",
      scope: "openid profile email urn:zitadel:iam:org:project:roles",
    };

    const page = await browser().newPage();
    const authorizeRequests: URL[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(`${api().url}/oauth/v2/authorize`)) authorizeRequests.push(new URL(r.url()));
    });
    await page.goto(`${app.origin}/`);
    await signInOnLoginPage(page, s.user.username);
    await page.waitForURL((u) => u.href.startsWith(`${app.origin}/callback`));
    await page.locator("#result").filter({ hasText: /./ }).waitFor();
    const result = JSON.parse((await page.locator("#result").textContent())!) as {
      error?: string;
      profile: Record<string, unknown>;
      accessToken: string;
      userinfo: Record<string, unknown>;
    };
    expect(result.error).toBeUndefined();

    // The library sent PKCE (S256) and no secret; the ID token's profile carries the roles.
    expect(authorizeRequests[0]!.searchParams.get("code_challenge_method")).toBe("S256");
    expect(result.profile.sub).toBe(s.user.id);
    expect(result.profile[rolesClaim(s.projectId)]).toEqual(s.roles);
    // Userinfo, fetched by the page from its own origin (a CORS preflight for Authorization).
    expect(result.userinfo.sub).toBe(s.user.id);
    expect(result.userinfo.email).toBe(`${s.user.username}@example.com`);
    expect(result.userinfo[rolesClaim(s.projectId)]).toEqual(s.roles);

    // Another origin with the same token: the browser gets no CORS access to the answer.
    const other = await browser().newPage();
    await other.goto(`${stranger.origin}/`);
    const outcome = await other.evaluate(
      async ([url, token]) => {
        try {
          const response = await fetch(url!, { headers: { Authorization: `Bearer ${token}` } });
          return `read ${response.status}`;
        } catch (error) {
          return `failed: ${String(error)}`;
        }
      },
      [`${api().url}/oidc/v1/userinfo`, result.accessToken],
    );
    expect(outcome).toMatch(/^failed: TypeError/);
    // The same request from the app's origin is readable (the control for the above).
    const control = await page.evaluate(
      async ([url, token]) => (await fetch(url!, { headers: { Authorization: `Bearer ${token}` } })).status,
      [`${api().url}/oidc/v1/userinfo`, result.accessToken],
    );
    expect(control).toBe(200);
    // What the browser saw: the answer names the app's origin only, never the stranger's.
    const answerTo = async (requestOrigin: string) =>
      (await fetch(`${api().url}/oidc/v1/userinfo`, { headers: { Origin: requestOrigin, Authorization: `Bearer ${result.accessToken}` } }))
        .headers;
    expect((await answerTo(app.origin)).get("access-control-allow-origin")).toBe(app.origin);
    expect((await answerTo(app.origin)).get("content-type")).toMatch(/^application\/json/);
    expect((await answerTo(stranger.origin)).get("access-control-allow-origin")).toBeNull();
    await Promise.all([page.close(), other.close()]);
  }, 60_000);
});

describe("Auth.js (@auth/core) with its built-in ZITADEL provider", () => {
  /** Serves Auth.js under /auth as frameworks do (a web Request in, a web Response out), and a home page. */
  function authServer(config: () => AuthConfig, origin: () => string): http.RequestListener {
    return (req, res) => {
      if (!req.url?.startsWith("/auth/")) {
        res.writeHead(req.url === "/" ? 200 : 404, { "content-type": "text/html" }).end("<!doctype html><title>home</title>");
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", async () => {
        try {
          const headers = new Headers();
          for (const [name, value] of Object.entries(req.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
          }
          const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
          const response = await Auth(new Request(`${origin()}${req.url}`, { method: req.method, headers, body }), config());
          const out: Record<string, string | string[]> = {};
          response.headers.forEach((value, name) => {
            if (name !== "set-cookie") out[name] = value;
          });
          const cookies = response.headers.getSetCookie();
          if (cookies.length > 0) out["set-cookie"] = cookies;
          res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
      });
    };
  }

  it("signs in through the login page to a session with the user's id and email, and the roles in the ID token profile", async () => {
    let config: AuthConfig | undefined;
    let origin = "";
    const authApp = await listen(
      authServer(
        () => config!,
        () => origin,
      ),
    );
    servers.push(authApp.server);
    origin = authApp.origin;

    const s = await scene();
    const app = await seed.webApp(s.projectId, `${origin}/auth/callback/zitadel`, {
      authMethodType: 0, // BASIC
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
    });
    const profiles: Record<string, unknown>[] = [];
    const errors: unknown[] = [];
    config = {
      providers: [ZITADEL({ issuer: api().url, clientId: app.clientId, clientSecret: app.clientSecret })],
      secret: "a-test-secret-of-at-least-thirty-two-characters",
      trustHost: true,
      basePath: "/auth",
      logger: { error: (error) => errors.push(error) },
      callbacks: {
        jwt({ token, profile }) {
          if (profile) {
            profiles.push(profile as Record<string, unknown>);
            token.sub = profile.sub ?? token.sub;
          }
          return token;
        },
        session({ session, token }) {
          return { ...session, user: { ...session.user, id: token.sub! } };
        },
      },
    };

    const page = await browser().newPage();
    const authorizeRequests: URL[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(`${api().url}/oauth/v2/authorize`)) authorizeRequests.push(new URL(r.url()));
    });
    // Auth.js's own sign-in page: a form POSTing its CSRF token to /auth/signin/zitadel.
    await page.goto(`${origin}/auth/signin`);
    await page.getByRole("button", { name: "Sign in with ZITADEL" }).click();
    await signInOnLoginPage(page, s.user.username);
    await page.waitForURL((u) => u.origin === origin && !u.pathname.startsWith("/auth/callback"));
    expect(errors).toEqual([]);
    expect(page.url()).not.toContain("error");

    // Auth.js sends PKCE only: no state, no nonce.
    const authorize = authorizeRequests[0]!;
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.has("state")).toBe(false);
    expect(authorize.searchParams.has("nonce")).toBe(false);

    const session = (await (await page.request.get(`${origin}/auth/session`)).json()) as { user?: Record<string, unknown> };
    expect(session.user).toMatchObject({ id: s.user.id, email: `${s.user.username}@example.com` });
    expect(profiles).toHaveLength(1);
    expect(profiles[0]!.sub).toBe(s.user.id);
    expect(profiles[0]![rolesClaim(s.projectId)]).toEqual(s.roles);
    await page.close();
  }, 60_000);
});
