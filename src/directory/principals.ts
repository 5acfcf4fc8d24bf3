// Who is calling the management API: a personal access token resolved to its user and the
// user's administrator memberships, in one query.
import type { Principal } from "../access/permissions.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { hashSecret } from "./secrets.js";

/** The principal of an active user with an unexpired token, or null. */
export async function findPrincipalByPersonalAccessToken(prisma: PrismaClient, token: string): Promise<Principal | null> {
  if (token.length === 0 || token.length > 512) return null;
  const pat = await prisma.personalAccessToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    include: { user: { include: { org: { select: { state: true } }, administrators: true } } },
  });
  if (!pat || pat.expirationDate.getTime() <= Date.now()) return null;
  const { user } = pat;
  if (user.state !== "ACTIVE" || user.org.state !== "ACTIVE") return null;
  return {
    userId: user.id,
    orgId: user.orgId,
    memberships: user.administrators.map((m) => ({ resource: m.resource, resourceId: m.resourceId, roles: m.roles })),
  };
}
