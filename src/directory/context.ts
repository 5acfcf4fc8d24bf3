// What every directory operation receives: the database and who is acting.
import type { PrismaClient } from "../generated/prisma/client.js";
import { isUniqueViolation, type DomainError } from "./errors.js";

/** A Prisma transaction client (or the client itself for reads). */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface Actor {
  /** The acting user's id, or "system" for rolegate itself (bootstrap, migrations). */
  id: string;
}

export const SYSTEM: Actor = { id: "system" };

export interface DirectoryContext {
  prisma: PrismaClient;
  actor: Actor;
}

/**
 * Runs `work` in one transaction. A unique-constraint violation raised by the database (two
 * writers racing past the same check) becomes the given domain error.
 */
export async function inTransaction<T>(
  ctx: DirectoryContext,
  work: (tx: Tx) => Promise<T>,
  onUniqueViolation?: (error: unknown) => DomainError,
): Promise<T> {
  try {
    return await ctx.prisma.$transaction((tx) => work(tx));
  } catch (error) {
    if (onUniqueViolation && isUniqueViolation(error)) throw onUniqueViolation(error);
    throw error;
  }
}
