// A browser without a browser, for tests that drive sign-ins over plain HTTP: fetch with a cookie
// jar (redirects followed by hand), and an authorization request with PKCE S256.
import { createHash, randomBytes } from "node:crypto";

export class Jar {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly timeoutMs = 10_000) {}

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(this.timeoutMs) });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) < Date.now());
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/** The authorize URL of a code flow with PKCE S256 and a state, and its code verifier. */
export function authorizeUrl(base: string, params: { clientId: string; redirectUri: string; scope: string }) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL("/oauth/v2/authorize", base);
  url.search = new URLSearchParams({
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    response_type: "code",
    scope: params.scope,
    state: randomBytes(8).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  return { url, verifier };
}
