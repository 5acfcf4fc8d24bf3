// A directory context on a fresh PostgreSQL database, for one test file.
import { afterAll, beforeAll } from "vitest";
import type { Database } from "../../src/db/database.js";
import type { DirectoryContext } from "../../src/directory/context.js";
import { DomainError, type ErrorCode } from "../../src/directory/errors.js";
import { openTestDatabase } from "./database.js";

/** Opens a database before the file's tests and closes it after; `ctx()` acts as actor "tester". */
export function useDirectory(): { ctx: () => DirectoryContext; db: () => Database } {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  return {
    db: () => db!,
    ctx: () => ({ prisma: db!.prisma, actor: { id: "tester" } }),
  };
}

/** Asserts that `promise` rejects with a DomainError of `code` (and `field`, when given). */
export async function expectDomainError(promise: Promise<unknown>, code: ErrorCode, field?: string): Promise<DomainError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof DomainError)) {
    throw new Error(
      `expected a DomainError ${code}${field ? ` on ${field}` : ""}, got ${caught === undefined ? "success" : String(caught)}`,
    );
  }
  if (caught.code !== code || (field !== undefined && caught.field !== field)) {
    throw new Error(`expected ${code}${field ? ` on ${field}` : ""}, got ${caught.code} on ${caught.field}: ${caught.message}`);
  }
  return caught;
}

let counter = 0;
/** A name unique within the test run. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}
