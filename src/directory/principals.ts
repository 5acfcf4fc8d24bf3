// Who is calling the management API: a personal access token, or an access token rolegate
// issued (resolved to its user by the sign-in side), turned into the user and the user's
// administrator memberships.
import type { Principal } from "../access/permissions.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { hashSecret } from "./secrets.js";

const PRINCIPAL_INCLUDE = { org: { select: { state: true } }, administrators: true } as const;

type UserWithMemberships = {
  id: string;
  orgId: string;
  state: string;
  org: { state: string };
  administrators: {
    resource: Principal["memberships"][number]["resource"];
    resourceId: string;
    roles: Principal["memberships"][number]["roles"];
  }[];
};

function toPrincipal(user: UserWithMemberships | null | undefined): Principal | null {
  if (user?.state !== "ACTIVE" || user.org.state !== "ACTIVE") return null;
  return {
    userId: user.id,
    orgId: user.orgId,
    memberships: user.administrators.map((m) => ({ resource: m.resource, resourceId: m.resourceId, roles: m.roles })),
  };
}

/** The principal of an active user with an unexpired token, or null. */
export async function findPrincipalByPersonalAccessToken(prisma: PrismaClient, token: string): Promise<Principal | null> {
  if (token.length === 0 || token.length > 512) return null;
  const pat = await prisma.personalAccessToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    include: { user: { include: PRINCIPAL_INCLUDE } },
  });
  if (!pat || pat.expirationDate.getTime() <= Date.now()) return null;
  return toPrincipal(pat.user);
}

/** The principal of an active user by id, or null. */
export async function findPrincipalByUserId(prisma: PrismaClient, userId: string): Promise<Principal | null> {
  return toPrincipal(await prisma.user.findUnique({ where: { id: userId }, include: PRINCIPAL_INCLUDE }));
}
