// Browser origins registered with some active app: its redirect URIs' origins and its
// additional origins. CORS preflights (which carry no client) answer only these.
import type { PrismaClient } from "../generated/prisma/client.js";

const ORIGIN = /^https?:\/\/[^/?#\s]+$/;

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
