// The userinfo endpoint, served here rather than by oidc-provider: ZITADEL accepts every access
// token it issued to an app there, opaque or JWT (oidc-provider refuses tokens that carry a
// resource audience, and every rolegate token does). The access checks run again, and role
// claims are read now.
import type { Context } from "koa";
import type Provider from "oidc-provider";
import { decide } from "./access-prompt.js";
import { kindOf, projectIdOf } from "./client-info.js";
import { loadUserClaims } from "./user-claims.js";
import type { PrismaClient } from "../generated/prisma/client.js";

function bearerToken(ctx: Context): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(ctx.get("authorization"));
  return match?.[1];
}

function fail(ctx: Context, status: number, error: string, description: string) {
  ctx.status = status;
  ctx.set("WWW-Authenticate", `Bearer error="${error}", error_description="${description}"`);
  ctx.set("Cache-Control", "no-store");
  ctx.body = { error, error_description: description };
}

export function createUserinfo(provider: Provider, prisma: PrismaClient) {
  return async function userinfo(ctx: Context): Promise<void> {
    const token = bearerToken(ctx);
    if (!token) return fail(ctx, 401, "invalid_token", "no access token provided");
    const accessToken = token.length <= 4096 ? await provider.AccessToken.find(token).catch(() => undefined) : undefined;
    if (!accessToken || accessToken.isExpired || !accessToken.accountId) return fail(ctx, 401, "invalid_token", "invalid token provided");
    const scopes = String(accessToken.scope ?? "").split(" ");
    if (!scopes.includes("openid")) return fail(ctx, 403, "insufficient_scope", "the openid scope was not granted");
    const client = accessToken.clientId ? await provider.Client.find(accessToken.clientId) : undefined;
    if (!client) return fail(ctx, 401, "invalid_token", "the token's client is not available");
    const projectId = projectIdOf(client);
    if (kindOf(client) === "oidc" && !(await decide(prisma, accessToken.accountId, projectId)).allowed) {
      return fail(ctx, 401, "invalid_token", "the user may no longer use this application");
    }
    const claims = await loadUserClaims({ prisma, userId: accessToken.accountId, projectId, scopes });
    if (!claims) return fail(ctx, 401, "invalid_token", "the user no longer exists");
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      sub: accessToken.accountId,
      ...(scopes.includes("profile") ? claims.profile : {}),
      ...(scopes.includes("email") ? claims.email : {}),
      ...claims.roles,
      ...claims.reserved,
    };
  };
}
