// CORS for browser apps: an app's origins are those of its redirect URIs and its additional
// origins, read from the directory with the client (so a new origin works without a restart).
import type { Context } from "koa";
import type { Client } from "oidc-provider";
import { appOrigins } from "../directory/origins.js";
import type { DirectoryReads } from "./reads.js";
import { additionalOriginsOf } from "./client-info.js";

export function allowedOrigins(client: Client | undefined): Set<string> {
  return appOrigins(client?.redirectUris ?? [], additionalOriginsOf(client));
}

/**
 * Answers a preflight. It carries no client, so any origin registered with some active app is
 * allowed to ask; the actual response is then allowed only for the token's own client.
 */
export async function answerPreflight(ctx: Context, reads: DirectoryReads, methods: string): Promise<void> {
  const origin = ctx.get("origin");
  ctx.status = 204;
  if (!origin || !(await reads.knownOrigin(origin))) return;
  ctx.set("Access-Control-Allow-Origin", origin);
  ctx.set("Access-Control-Allow-Methods", methods);
  ctx.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  ctx.set("Access-Control-Max-Age", "3600");
  ctx.vary("Origin");
}

/** Lets the browser read the response when the request comes from one of the client's origins. */
export function allowClientOrigin(ctx: Context, client: Client | undefined): void {
  const origin = ctx.get("origin");
  ctx.vary("Origin");
  if (origin && allowedOrigins(client).has(origin)) ctx.set("Access-Control-Allow-Origin", origin);
}
