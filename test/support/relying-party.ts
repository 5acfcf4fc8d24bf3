// A relying party as users write one with openid-client v6, signing in through the real login
// page in Chromium.
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as oidc from "openid-client";
import type { Browser, Page } from "playwright-core";
import { PASSWORD } from "./seed.js";

// The relying party's callback: a real local server, so the browser lands somewhere.
const callbackServer = http.createServer((_req, res) => res.end("callback"));
await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
callbackServer.unref();
const CALLBACK_ORIGIN = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
export const CALLBACK = `${CALLBACK_ORIGIN}/cb`;

export async function discover(issuer: string, clientId: string, auth?: string | oidc.ClientAuth): Promise<oidc.Configuration> {
  const secret = typeof auth === "string" ? auth : undefined;
  const method = typeof auth === "string" ? undefined : auth;
  return oidc.discovery(new URL(issuer), clientId, secret, method, { execute: [oidc.allowInsecureRequests] });
}

/** An authorization request to CALLBACK with PKCE S256, and its code verifier. */
export async function authorizationRequest(config: oidc.Configuration, scope: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    ...extra,
  });
  return { url, verifier };
}

/** Opens `url`, signs in when the login form shows, and returns the URL the browser was sent back to. */
export async function visit(page: Page, url: URL, user?: { username: string; password?: string }): Promise<URL> {
  const atCallback = (u: URL) => u.href.startsWith(CALLBACK_ORIGIN);
  await page.goto(url.href);
  if (user && !atCallback(new URL(page.url()))) {
    await page.getByLabel(/login name/i).fill(user.username);
    await page.getByLabel(/password/i).fill(user.password ?? PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
  }
  await page.waitForURL(atCallback);
  return new URL(page.url());
}

/** The whole code flow with PKCE; returns the tokens and the page (signed in). */
export async function signInWithCode(
  browser: Browser | Page,
  config: oidc.Configuration,
  user: { username: string; password?: string } | undefined,
  scope = "openid profile email",
  extra: Record<string, string> = {},
) {
  const page = "newPage" in browser ? await browser.newPage() : browser;
  const { url, verifier } = await authorizationRequest(config, scope, extra);
  const callback = await visit(page, url, user);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    idTokenExpected: scope.includes("openid"),
  });
  return { tokens, page };
}
