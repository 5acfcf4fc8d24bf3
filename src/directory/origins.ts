// Browser origins registered with some active app: its redirect URIs' origins and its
// additional origins. CORS preflights (which carry no client) answer only these.
import type { PrismaClient } from "../generated/prisma/client.js";

const ORIGIN = /^https?:\/\/[^/?#\s]+$/;

/** An app's browser origins (as ZITADEL): those of its http(s) redirect URIs, and its additional origins. */
export function appOrigins(redirectUris: readonly string[], additionalOrigins: readonly string[]): Set<string> {
  const origins = new Set<string>();
  for (const uri of redirectUris) {
    try {
      const url = new URL(uri);
      if (url.protocol === "http:" || url.protocol === "https:") origins.add(url.origin);
    } catch {
      // not a URL: no origin
    }
  }
  for (const origin of additionalOrigins) origins.add(origin);
  return origins;
}

export async function isKnownOrigin(prisma: PrismaClient, origin: string): Promise<boolean> {
  if (!ORIGIN.test(origin) || origin.length > 300) return false;
  const [row] = await prisma.$queryRaw<{ known: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM "Application" a
      WHERE a."state" = 'ACTIVE' AND (
        ${origin} = ANY(a."additionalOrigins")
        OR EXISTS (SELECT 1 FROM unnest(a."redirectUris") AS u WHERE u = ${origin} OR left(u, ${origin.length + 1}) = ${`${origin}/`})
      )
    ) AS known`;
  return Boolean(row?.known);
}
