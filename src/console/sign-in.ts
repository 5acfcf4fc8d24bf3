// The console as an OIDC client of its own server: an authorization request with PKCE (S256),
// the code exchanged at the token endpoint over the connection's own local address (the issuer
// may be a public URL behind a proxy), and sign-out (token revoked, then the end-session endpoint).
import { createHash, randomBytes } from "node:crypto";
import type { Context } from "koa";
import { FormError, readForm } from "../http/form.js";
import { html } from "./html.js";
import { CONSOLE, renderBarePage } from "./layout.js";
import { type ConsoleSession, newNonce, type PendingSignIn, type Sealer } from "./session.js";

// ZITADEL's paths (contract.md), served by the same process.
const AUTHORIZE = "/oauth/v2/authorize";
const TOKEN = "/oauth/v2/token";
const REVOKE = "/oauth/v2/revoke";
const END_SESSION = "/oidc/v1/end_session";
/** The management API's audience: the console calls the API with the user's token. */
const SCOPE = "openid profile urn:zitadel:iam:org:project:id:zitadel:aud";

const SIGN_IN_COOKIE = "rolegate_console_signin";
import { SESSION_COOKIE } from "./session.js";
const SIGN_IN_SECONDS = 600;

export interface SignInConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Cookies are Secure (an https issuer). */
  secure: boolean;
  sealer: Sealer;
}

const random = () => randomBytes(32).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/**
 * Sets (or, with null, clears) a console cookie: HttpOnly, SameSite=Lax, Secure under an https
 * issuer even when Koa does not see TLS (TLS ends at a proxy and TRUST_PROXY is off), as the
 * provider's cookies are.
 */
export function setCookie(ctx: Context, config: { secure: boolean }, name: string, value: string | null, path: string) {
  if (config.secure) (ctx.cookies as { secure?: boolean }).secure = true;
  ctx.cookies.set(name, value, { path, httpOnly: true, sameSite: "lax", secure: config.secure, overwrite: true });
}

export function beginSignIn(ctx: Context, config: SignInConfig, returnTo: string) {
  const pending: PendingSignIn = {
    state: random(),
    verifier: random(),
    returnTo: consolePath(returnTo),
    expiresAt: now() + SIGN_IN_SECONDS,
  };
  setCookie(ctx, config, SIGN_IN_COOKIE, config.sealer.seal("sign-in", pending), `${CONSOLE}/auth`);
  const url = new URL(`${config.issuer.replace(/\/$/, "")}${AUTHORIZE}`);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: "code",
    scope: SCOPE,
    state: pending.state,
    code_challenge: createHash("sha256").update(pending.verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  ctx.redirect(url.href);
}

/** Only a page of the console is a place to go back to. */
const consolePath = (path: string) => (path.startsWith(`${CONSOLE}/`) && !path.includes("\\") ? path : `${CONSOLE}/`);

export async function finishSignIn(ctx: Context, config: SignInConfig) {
  const pending = config.sealer.unseal<PendingSignIn>("sign-in", ctx.cookies.get(SIGN_IN_COOKIE));
  const state = ctx.query.state;
  if (!pending || typeof state !== "string" || state !== pending.state) {
    return refuse(ctx, "This sign-in is not the one the console started, or it took too long.");
  }
  setCookie(ctx, config, SIGN_IN_COOKIE, null, `${CONSOLE}/auth`);
  if (typeof ctx.query.error === "string") {
    const description = typeof ctx.query.error_description === "string" ? ctx.query.error_description : ctx.query.error;
    return refuse(ctx, `The sign-in was refused: ${description}`);
  }
  const code = ctx.query.code;
  if (typeof code !== "string" || code.length === 0 || code.length > 1000) return refuse(ctx, "The sign-in returned no code.");
  const response = await fetch(`${localOrigin(ctx)}${TOKEN}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const tokens = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof tokens.access_token !== "string" || typeof tokens.id_token !== "string") {
    return refuse(
      ctx,
      `The sign-in could not be completed${typeof tokens.error_description === "string" ? `: ${tokens.error_description}` : "."}`,
    );
  }
  // The ID token came straight from our own token endpoint: its claims need no second check.
  const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  const expiresIn = typeof tokens.expires_in === "number" ? tokens.expires_in : 300;
  const session: ConsoleSession = {
    token: tokens.access_token,
    userId: String(claims.sub),
    name: String(claims.name ?? claims.preferred_username ?? claims.sub),
    // A little early, so that no page starts with a token about to expire.
    expiresAt: now() + Math.max(30, expiresIn - 30),
    nonce: newNonce(),
  };
  setCookie(ctx, config, SESSION_COOKIE, config.sealer.seal("session", session), CONSOLE);
  ctx.redirect(pending.returnTo);
}

/** Sign-out: the form's CSRF token, the access token revoked, then the provider's end-session page. */
export async function signOut(ctx: Context, config: SignInConfig, session: ConsoleSession | undefined) {
  const form = await readForm(ctx).catch((error: unknown) => {
    if (error instanceof FormError) return new URLSearchParams();
    throw error;
  });
  if (!session || !config.sealer.verifyCsrf(session, form.get("csrf"))) {
    // Signed out already, or a forged post: nothing to end here.
    return ctx.redirect(`${CONSOLE}/`);
  }
  await fetch(`${localOrigin(ctx)}${REVOKE}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: session.token, token_type_hint: "access_token", client_id: config.clientId }),
  });
  setCookie(ctx, config, SESSION_COOKIE, null, CONSOLE);
  const url = new URL(`${config.issuer.replace(/\/$/, "")}${END_SESSION}`);
  url.search = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: config.postLogoutRedirectUri }).toString();
  ctx.redirect(url.href);
}

/** This server as the connection reached it: the token endpoint without leaving the machine. */
export function localOrigin(ctx: Context): string {
  const socket = ctx.req.socket;
  const address = socket.localAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1";
  const host = address === "::" || address === "0.0.0.0" ? "127.0.0.1" : address.includes(":") ? `[${address}]` : address;
  return `http://${host}:${socket.localPort}`;
}

function refuse(ctx: Context, message: string) {
  ctx.status = 400;
  ctx.type = "html";
  ctx.body = renderBarePage(
    "Sign-in failed",
    html`<h1>Sign-in failed</h1><p class="error" role="alert">${message}</p><p><a href="${CONSOLE}/">Try again</a></p>`,
  );
}
