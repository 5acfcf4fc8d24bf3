// Loading user rows for the user files (users.ts, user-*.ts) and passwords.ts, so that none imports another for them.
// Rows leave the directory without their password hash: see toPublicUser.
import type { User as UserRow } from "../generated/prisma/client.js";
import type { Tx } from "./context.js";
import { failedPrecondition, notFound } from "./errors.js";

export type { UserRow };

/** A user as the directory hands it out: never with its password hash. */
export type User = Omit<UserRow, "passwordHash">;

export function toPublicUser(row: UserRow): User {
  const user: Partial<UserRow> = { ...row };
  delete user.passwordHash;
  return user as User;
}

/** Loads a user inside a transaction and locks its row, so concurrent changes of one user serialize. */
export async function loadUser(tx: Tx, id: string): Promise<UserRow> {
  await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${id} FOR UPDATE`;
  const user = await tx.user.findUnique({ where: { id } });
  if (!user) throw notFound("user", id);
  return user;
}

export function assertHuman(user: UserRow): void {
  if (user.type !== "HUMAN") throw failedPrecondition(`user ${user.id} is a machine user; only human users have this`);
}

export function assertMachine(user: UserRow): void {
  if (user.type !== "MACHINE") throw failedPrecondition(`user ${user.id} is a human user; only machine users have this`);
}

/** Login names are unique across the instance regardless of case: this is the stored key. */
export function loginKeyOf(username: string): string {
  return username.toLowerCase();
}
