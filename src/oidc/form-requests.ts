// Requests with a form body to oidc-provider's endpoints. The body is read once here: a parameter
// with control characters is invalid_request (readForm), and at the token, introspection and
// revocation endpoints ZITADEL-shaped client assertions are adapted (client-assertions.ts) and
// JWT-profile grants answered (jwt-profile.ts); everything else goes on to oidc-provider with the
// body it would have read (it takes an already-read body from `req.body`).
import type { Context } from "koa";
import type Provider from "oidc-provider";
import { FormError, readForm } from "../http/form.js";
import { adaptClientAssertion } from "./client-assertions.js";
import { handOverBody } from "./internals.js";
import { JWT_BEARER } from "./jwt-profile.js";

/** oidc-provider's own limit for request bodies. */
const BODY_LIMIT = 56 * 1024;

export function createFormRequests(
  provider: Provider,
  jwtProfile: (ctx: Context, form: URLSearchParams) => Promise<void>,
  tokenPath: string,
) {
  /** Returns true when the request was answered here; `adapt`: the token, introspection or revocation endpoint. */
  return async function formRequest(ctx: Context, adapt = true): Promise<boolean> {
    if (ctx.method !== "POST" || !ctx.is("application/x-www-form-urlencoded")) return false;
    let form: URLSearchParams;
    try {
      form = await readForm(ctx, BODY_LIMIT);
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      ctx.status = 400;
      ctx.set("Cache-Control", "no-store");
      ctx.body = { error: "invalid_request", error_description: error.message };
      return true;
    }
    if (!adapt) {
      handOverBody(ctx.req, form);
      return false;
    }
    await adaptClientAssertion(provider, form, `${provider.issuer}${ctx.path}`);
    if (ctx.path === tokenPath && form.get("grant_type") === JWT_BEARER) {
      await jwtProfile(ctx, form);
      return true;
    }
    handOverBody(ctx.req, form);
    return false;
  };
}
