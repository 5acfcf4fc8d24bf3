// The console at /ui/console: signs in through rolegate's own OIDC as its built-in first-party
// client (code + PKCE, the management audience, no consent), keeps the access token in a sealed
// cookie, and serves the screens, which act only through the management API (api.ts).
import Router from "@koa/router";
import type { Transport } from "@connectrpc/connect";
import type Koa from "koa";
import type { Context } from "koa";
import type { Logger } from "../log.js";
import { FormError, readForm } from "../http/form.js";
import { isUnavailable } from "../http/unavailable.js";
import { consoleApi } from "./api.js";
import { readMultipart } from "./multipart.js";
import type { ConsoleContext, ConsoleRouter, ConsoleState } from "./screen.js";
import { beginSignIn, finishSignIn, type SignInConfig, setCookie, signOut } from "./sign-in.js";
import { html } from "./html.js";
import { CONSOLE, renderBarePage, renderConsolePage } from "./layout.js";
import { type ConsoleSession, createSealer, type Sealer, SESSION_COOKIE } from "./session.js";
import { describeApiError, errorBox } from "./ui.js";
import { SCREENS } from "./screens/index.js";

export interface ConsoleDeps {
  issuer: string;
  clientId: string;
  /** The management API, in process (its router with its interceptors). */
  transport: Transport;
  /** The cookie key of KEYS_DIR: seals the session cookie and keys the CSRF tokens. */
  secret: string;
  log: Logger;
}

export function createConsole(deps: ConsoleDeps): Koa.Middleware {
  const sealer = createSealer(deps.secret);
  const config: SignInConfig = {
    issuer: deps.issuer,
    clientId: deps.clientId,
    redirectUri: consoleRedirectUri(deps.issuer),
    postLogoutRedirectUri: consolePostLogoutUri(deps.issuer),
    secure: new URL(deps.issuer).protocol === "https:",
    sealer,
  };
  const router: ConsoleRouter = new Router({ prefix: CONSOLE });
  for (const screen of SCREENS) screen(router);
  const screens = router.routes() as unknown as Koa.Middleware;

  return async (ctx, next) => {
    if (ctx.path === "/" && (ctx.method === "GET" || ctx.method === "HEAD")) return ctx.redirect(`${CONSOLE}/`);
    if (ctx.path !== CONSOLE && !ctx.path.startsWith(`${CONSOLE}/`)) return next();
    ctx.set("Cache-Control", "no-store");
    try {
      if (ctx.path === CONSOLE) return ctx.redirect(`${CONSOLE}/`);
      if (ctx.path === `${CONSOLE}/auth/callback` && ctx.method === "GET") return await finishSignIn(ctx, config);
      const session = readSession(ctx, sealer);
      if (ctx.path === `${CONSOLE}/auth/sign-out` && ctx.method === "POST") return await signOut(ctx, config, session);
      if (!session) return await signInFirst(ctx, config);
      await serveScreen(ctx as ConsoleContext, session, sealer, deps, screens);
    } catch (error) {
      answerError(ctx, error, deps.log, config);
    }
  };
}

export const consoleRedirectUri = (issuer: string) => `${issuer.replace(/\/$/, "")}${CONSOLE}/auth/callback`;
export const consolePostLogoutUri = (issuer: string) => `${issuer.replace(/\/$/, "")}${CONSOLE}/`;

function readSession(ctx: Context, sealer: Sealer): ConsoleSession | undefined {
  return sealer.unseal<ConsoleSession>("session", ctx.cookies.get(SESSION_COOKIE));
}

/** Without a session: a page view starts the sign-in; a form post is not replayed after it. */
async function signInFirst(ctx: Context, config: SignInConfig) {
  if (ctx.method === "GET" || ctx.method === "HEAD") return beginSignIn(ctx, config, ctx.url);
  ctx.status = 401;
  ctx.type = "html";
  ctx.body = renderBarePage(
    "Signed out",
    html`<h1>Your session has ended</h1><p>Nothing was changed. <a href="${CONSOLE}/">Sign in again</a> and repeat the change.</p>`,
  );
}

async function serveScreen(ctx: ConsoleContext, session: ConsoleSession, sealer: Sealer, deps: ConsoleDeps, screens: Koa.Middleware) {
  const csrfToken = sealer.csrfToken(session);
  let form = new URLSearchParams();
  let files: ReadonlyMap<string, File> = new Map();
  if (ctx.method === "POST") {
    // A file upload's form is multipart; its CSRF token is one of its fields all the same.
    if (ctx.is("multipart/form-data")) ({ form, files } = await readMultipart(ctx));
    else form = await readForm(ctx);
    if (!sealer.verifyCsrf(session, form.get("csrf"))) {
      ctx.status = 403;
      ctx.type = "html";
      ctx.body = renderBarePage(
        "Form expired",
        html`<h1>This form has expired</h1><p>Nothing was changed. Go back, reload the page and try again.</p>`,
      );
      return;
    }
  }
  ctx.state.console = {
    session,
    api: consoleApi(deps.transport, session.token),
    csrfToken,
    form,
    files,
    page(title, section, content, status = 200) {
      ctx.status = status;
      ctx.type = "html";
      ctx.body = renderConsolePage({ title, section, user: { name: session.name }, csrfToken, content });
    },
  };
  await screens(ctx as never, async () => {
    ctx.state.console.page("Not found", "", html`<h1>Not found</h1><p>There is no such page in the console.</p>`, 404);
  });
}

/** API refusals are the page's message; an outage is 503; anything else is logged, never shown. */
function answerError(ctx: Context, error: unknown, log: Logger, config: SignInConfig) {
  const described = error instanceof FormError ? { status: 400, message: error.message } : describeApiError(error);
  if (described?.status === 401) {
    // The token expired or was revoked: sign in again.
    setCookie(ctx, config, SESSION_COOKIE, null, CONSOLE);
    if (ctx.method === "GET") return void ctx.redirect(`${CONSOLE}/`);
  }
  const unavailable = !described && isUnavailable(error);
  if (!described && !unavailable) log.error({ err: error, path: ctx.path }, "console request failed");
  const status = described?.status ?? (unavailable ? 503 : 500);
  const message = described?.message ?? (unavailable ? "rolegate cannot reach its database right now." : "Something went wrong.");
  const state = (ctx.state as { console?: ConsoleState }).console;
  const content = html`<h1>${status === 500 ? "Something went wrong" : "That did not work"}</h1>${errorBox(message)}<p><a href="${CONSOLE}/">Back to the console</a></p>`;
  if (state) return state.page("Error", "", content, status);
  ctx.status = status;
  ctx.type = "html";
  ctx.body = renderBarePage("Error", content);
}
