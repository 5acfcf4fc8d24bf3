// Management API callers with their own personal access token and administrator roles, for
// permission tests: a user row, a token stored as the server stores it, memberships through the directory.
import { createAdministrator, type ResourceRef } from "../../src/directory/administrators.js";
import type { DirectoryContext } from "../../src/directory/context.js";
import { generateSecret, hashSecret } from "../../src/directory/secrets.js";
import { newId } from "../../src/ids.js";
import { makeUser } from "./fixtures.js";

export interface Membership {
  resource: ResourceRef;
  roles: string[];
}

export async function makeCaller(ctx: DirectoryContext, orgId: string, memberships: Membership[] = []) {
  const user = await makeUser(ctx, orgId);
  const token = generateSecret(64);
  await ctx.prisma.personalAccessToken.create({
    data: { id: newId(), userId: user.id, tokenHash: hashSecret(token), expirationDate: new Date(Date.now() + 3_600_000) },
  });
  for (const m of memberships) await createAdministrator(ctx, { userId: user.id, ...m });
  return { user, token };
}
