// A fresh, migrated PostgreSQL database per caller, cloned from the run's template.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { TEMPLATE_DB, withDatabase } from "./global-setup.js";

export async function createEmptyDatabase(template?: string): Promise<string> {
  const adminUrl = inject("databaseUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}

/** A migrated database opened through the same code the server uses. */
export async function openTestDatabase(): Promise<Database> {
  const url = await createEmptyDatabase(TEMPLATE_DB);
  return openDatabase({ databaseUrl: url, dataDir: "/nonexistent" });
}
