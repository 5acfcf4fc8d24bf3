// Introspection as ZITADEL answers it: an app of project P learns, for an active token, the roles
// of P read now (both role claims), and a token whose user no longer passes P's access checks
// is reported inactive. Runs after oidc-provider's own introspection (which authenticated the
// caller and found the token).
import type { KoaContextWithOIDC } from "oidc-provider";
import type { PrismaClient } from "../generated/prisma/client.js";
import { SCOPE } from "../access/scopes.js";
import { decide } from "./access-prompt.js";
import { kindOf, machineUserIdOf, projectIdOf } from "./client-info.js";
import { loadRoleClaims } from "./user-claims.js";

type IntrospectionBody = { active: boolean; sub?: string; client_id?: string; scope?: string; [claim: string]: unknown };

export function createIntrospectionClaims(prisma: PrismaClient) {
  return async function introspectionClaims(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    if (ctx.oidc?.route !== "introspection" || !ctx.body || typeof ctx.body !== "object") return;
    const body = ctx.body as IntrospectionBody;
    const callerProject = projectIdOf(ctx.oidc.client);
    if (!body.active || !callerProject) return;

    // Whose token: a user's (sub) or a machine user's (its client is the machine user).
    const tokenClient = body.client_id ? await ctx.oidc.provider.Client.find(body.client_id) : undefined;
    const machineUserId = kindOf(tokenClient) === "machine" ? machineUserIdOf(tokenClient) : undefined;
    const userId = machineUserId ?? (tokenClient && body.sub !== body.client_id ? body.sub : undefined);
    if (!userId) return;
    if (machineUserId) body.sub = machineUserId;

    if (!machineUserId && !(await decide(prisma, userId, callerProject)).allowed) {
      ctx.body = { active: false };
      return;
    }
    const scopes = [...String(body.scope ?? "").split(" "), SCOPE.projectRolesClaim];
    Object.assign(body, await loadRoleClaims({ prisma, userId, projectId: callerProject, scopes }));
  };
}
