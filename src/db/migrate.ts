// Applies prisma/migrations/*/migration.sql in order and records them in `_prisma_migrations`
// exactly as `prisma migrate deploy` does, so the Prisma CLI sees the same history. Running the
// CLI at every start would cost ~15 s; this costs one query when nothing is pending.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlRunner } from "./sql.js";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

// Any fixed number: one migrator at a time per database, across instances.
const MIGRATION_LOCK = 7_301_774_001;

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const bad = names.find((name) => !/^[A-Za-z0-9_]+$/.test(name));
  if (bad) throw new Error(`migration folder name ${JSON.stringify(bad)} must match [A-Za-z0-9_]+`);
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Applies pending migrations; returns the names applied. Safe when several instances start at once. */
export async function applyMigrations(db: SqlRunner, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  // Lock first: even CREATE TABLE IF NOT EXISTS races between two starting instances.
  await db.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    return await applyLocked(db, migrations);
  } finally {
    await db.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
  }
}

async function applyLocked(db: SqlRunner, migrations: Migration[]): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  const todo = await pending(db, migrations);
  for (const migration of todo) {
    // The migration and its history row commit together, or neither does.
    const record = `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
      VALUES ('${randomUUID()}', '${migration.checksum}', now(), '${migration.name}', 1);`;
    try {
      await db.exec(`BEGIN;\n${migration.sql}\n;\n${record}\nCOMMIT;`);
    } catch (error) {
      await db.exec("ROLLBACK").catch(() => undefined);
      throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
    }
  }
  return todo.map((m) => m.name);
}

async function pending(db: SqlRunner, migrations: Migration[]): Promise<Migration[]> {
  const rows = await db.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  for (const m of migrations) {
    const checksum = applied.get(m.name);
    if (checksum !== undefined && checksum !== m.checksum) {
      throw new Error(`migration ${m.name} was changed after it was applied (checksum mismatch)`);
    }
  }
  return migrations.filter((m) => !applied.has(m.name));
}
