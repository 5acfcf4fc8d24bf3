// The OIDC flows, the same for rolegate and the bare provider (both serve ZITADEL's paths and a
// login form with the fields csrf, loginName and password).
import { createHash, randomBytes } from "node:crypto";
import { basicAuth, CookieJar, type HttpClient, type HttpResponse } from "./http.js";

export const PATHS = {
  discovery: "/.well-known/openid-configuration",
  jwks: "/oauth/v2/keys",
  authorize: "/oauth/v2/authorize",
  token: "/oauth/v2/token",
  introspect: "/oauth/v2/introspect",
  userinfo: "/oidc/v1/userinfo",
} as const;

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export interface Target {
  name: "rolegate" | "bare";
  url: string;
  /** Confidential web app (client_secret_basic) signing users in with code + PKCE. */
  web: Credentials & { redirectUri: string; scope: string };
  /** Client credentials → JWT access token with a role claim. */
  machine: Credentials & { scope: string };
  /** Introspects tokens with basic auth (rolegate: an API app of the web app's project). */
  introspector: Credentials;
  user: { loginName: string; password: string };
  /** The role claim every token, userinfo and introspection answer must carry. */
  rolesClaim: string;
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizePath(target: Target, state: string, challenge: string): string {
  const query = new URLSearchParams({
    client_id: target.web.clientId,
    redirect_uri: target.web.redirectUri,
    response_type: "code",
    scope: target.web.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  return `${PATHS.authorize}?${query}`;
}

function location(response: HttpResponse, base: string): URL | undefined {
  const value = response.headers.location;
  return value ? new URL(value, base) : undefined;
}

function describe(response: HttpResponse, step: string): Error {
  const text = response.body
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
  return new Error(`${step}: HTTP ${response.status}${response.headers.location ? ` → ${response.headers.location}` : ""} ${text}`);
}

/** The code from a redirect to the app's callback, checking the state. */
function codeFrom(url: URL, target: Target, state: string): string {
  if (url.searchParams.get("error"))
    throw new Error(`authorization failed: ${url.searchParams.get("error")} ${url.searchParams.get("error_description") ?? ""}`);
  if (url.searchParams.get("state") !== state) throw new Error("authorization response: state mismatch");
  const code = url.searchParams.get("code");
  if (!code || !url.href.startsWith(target.web.redirectUri)) throw new Error(`authorization response without code: ${url.href}`);
  return code;
}

/** Reads the login form (its action and CSRF field) from a login page. */
function loginForm(html: string, pageUrl: URL): { action: URL; csrf: string } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g;
  for (const match of html.matchAll(form)) {
    if (!/name="password"/.test(match[2]!)) continue;
    const csrf = /name="csrf"\s+value="([^"]*)"/.exec(match[2]!)?.[1];
    if (csrf === undefined) throw new Error("login form without csrf field");
    return { action: new URL(match[1]!.replace(/&amp;/g, "&"), pageUrl), csrf };
  }
  throw new Error("no login form on the page");
}

/**
 * A browser visit: the authorization request, then redirects, signing in with the password
 * when the login form shows, until the app's callback. Returns the code.
 */
export async function browse(client: HttpClient, jar: CookieJar, target: Target, state: string, challenge: string): Promise<string> {
  let url = new URL(authorizePath(target, state, challenge), target.url);
  let signedIn = false;
  for (let hop = 0; hop < 12; hop++) {
    const response = await client.get(url.pathname + url.search, jar.header());
    jar.store(response);
    const next = location(response, url.href);
    if (response.status >= 300 && response.status < 400 && next) {
      if (next.href.startsWith(target.web.redirectUri)) return codeFrom(next, target, state);
      if (next.origin !== new URL(target.url).origin) throw new Error(`redirected away to ${next.href}`);
      url = next;
      continue;
    }
    if (response.status === 200 && !signedIn && /name="password"/.test(response.body)) {
      const form = loginForm(response.body, url);
      const posted = await client.postForm(
        form.action.pathname + form.action.search,
        { csrf: form.csrf, loginName: target.user.loginName, password: target.user.password },
        jar.header(),
      );
      jar.store(posted);
      const after = location(posted, form.action.href);
      if (!(posted.status >= 300 && posted.status < 400 && after)) throw describe(posted, "login");
      signedIn = true;
      if (after.href.startsWith(target.web.redirectUri)) return codeFrom(after, target, state);
      url = after;
      continue;
    }
    throw describe(response, `GET ${url.pathname}`);
  }
  throw new Error("too many redirects");
}

export interface TokenResponse {
  access_token: string;
  id_token?: string;
  token_type: string;
  [key: string]: unknown;
}

export async function exchangeCode(client: HttpClient, target: Target, code: string, verifier: string): Promise<TokenResponse> {
  const response = await client.postForm(
    PATHS.token,
    { grant_type: "authorization_code", code, redirect_uri: target.web.redirectUri, code_verifier: verifier },
    { authorization: basicAuth(target.web.clientId, target.web.clientSecret) },
  );
  if (response.status !== 200) throw describe(response, "code exchange");
  const tokens = JSON.parse(response.body) as TokenResponse;
  if (!tokens.access_token || !tokens.id_token) throw new Error("code exchange: no access or ID token");
  return tokens;
}

/** Signs in with the password (a fresh browser) and returns its cookies and tokens. */
export async function signIn(client: HttpClient, target: Target): Promise<{ jar: CookieJar; tokens: TokenResponse }> {
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString("hex");
  const code = await browse(client, jar, target, state, challenge);
  return { jar, tokens: await exchangeCode(client, target, code, verifier) };
}

/** (d) With a session: the authorization request must answer with a code at once; then the token request. */
export async function codeFlowWithSession(client: HttpClient, jar: CookieJar, target: Target): Promise<void> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString("hex");
  const response = await client.get(authorizePath(target, state, challenge), jar.header());
  jar.store(response);
  const next = location(response, target.url);
  if (!(response.status >= 300 && response.status < 400 && next?.href.startsWith(target.web.redirectUri))) {
    throw describe(response, "authorization with a session did not answer with a code");
  }
  await exchangeCode(client, target, codeFrom(next, target, state), verifier);
}

/** (g) A fresh browser signs in with the password: authorization request → login form → code. */
export async function passwordLogin(client: HttpClient, target: Target): Promise<void> {
  const { challenge } = pkce();
  const state = randomBytes(8).toString("hex");
  await browse(client, new CookieJar(), target, state, challenge);
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1];
  if (!part) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The single requests (a, b, c, e, f) as autocannon sends them, and a check of one answer each. */
export function singleRequests(target: Target, userAccessToken: string) {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = (c: Credentials) => ({
    "content-type": "application/x-www-form-urlencoded",
    authorization: basicAuth(c.clientId, c.clientSecret),
  });
  return {
    discovery: {
      request: { method: "GET" as const, path: PATHS.discovery, headers: {} as Record<string, string> },
      check: (body: Record<string, unknown>) => typeof body.token_endpoint === "string" && typeof body.jwks_uri === "string",
    },
    jwks: {
      request: { method: "GET" as const, path: PATHS.jwks, headers: {} as Record<string, string> },
      check: (body: Record<string, unknown>) => Array.isArray(body.keys) && (body.keys as { kty?: string }[]).some((k) => k.kty === "RSA"),
    },
    clientCredentials: {
      request: {
        method: "POST" as const,
        path: PATHS.token,
        headers: formHeaders(target.machine),
        body: form({ grant_type: "client_credentials", scope: target.machine.scope }),
      },
      check: (body: Record<string, unknown>) => {
        if (typeof body.access_token !== "string") return false;
        const claims = decodeJwtPayload(body.access_token);
        return claims[target.rolesClaim] !== undefined && typeof claims.sub === "string";
      },
    },
    userinfo: {
      request: { method: "GET" as const, path: PATHS.userinfo, headers: { authorization: `Bearer ${userAccessToken}` } },
      check: (body: Record<string, unknown>) => typeof body.sub === "string" && body[target.rolesClaim] !== undefined,
    },
    introspection: {
      request: {
        method: "POST" as const,
        path: PATHS.introspect,
        headers: formHeaders(target.introspector),
        body: form({ token: userAccessToken }),
      },
      check: (body: Record<string, unknown>) => body.active === true && body[target.rolesClaim] !== undefined,
    },
  };
}

export type SingleRequest = ReturnType<typeof singleRequests>[keyof ReturnType<typeof singleRequests>];

/** Sends the request once and fails unless the answer is 200 and passes the check. */
export async function verifyOnce(client: HttpClient, what: string, single: SingleRequest): Promise<void> {
  const { request } = single;
  const response = await client.request(request.method, request.path, {
    headers: request.headers,
    ...("body" in request ? { body: request.body } : {}),
  });
  if (response.status !== 200) throw describe(response, what);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw new Error(`${what}: the answer is not JSON`);
  }
  if (!single.check(body)) throw new Error(`${what}: unexpected answer ${response.body.slice(0, 300)}`);
}
