// Opens the directory database: PostgreSQL when DATABASE_URL is set, otherwise an embedded
// PGlite in DATA_DIR. Both get the same migrations and the same generated Prisma client.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations } from "./migrate.js";
import type { SqlRunner } from "./sql.js";

export interface Database {
  kind: "postgresql" | "pglite";
  prisma: PrismaClient;
  /** Names of the migrations this open applied (empty when the schema was current). */
  migrated: string[];
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}

async function openPostgres(connectionString: string): Promise<Database> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  let migrated: string[];
  try {
    migrated = await applyMigrations(pgRunner(client));
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({
    connectionString,
    // An unreachable server (no answer at all) fails a query after 5 s instead of hanging.
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  });
  // When PostgreSQL stops, idle pooled connections emit 'error'; without a listener that would end
  // the process. The pool drops them and opens new ones once the server is back; queries that fail
  // meanwhile report the outage (503) and /readyz shows it.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgresql",
    prisma,
    migrated,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const dir = path.join(dataDir, "pglite");
  await mkdir(dir, { recursive: true });
  // Loaded only for the embedded database: a PostgreSQL deployment does not carry it in memory.
  const [{ PGlite }, { pgliteAdapter }] = await Promise.all([import("@electric-sql/pglite"), import("./pglite-adapter.js")]);
  const lite = await PGlite.create(dir);
  const migrated = await applyMigrations(pgliteRunner(lite));
  const prisma = new PrismaClient({ adapter: pgliteAdapter(lite) });
  return {
    kind: "pglite",
    prisma,
    migrated,
    close: async () => {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}

export function pgRunner(client: pg.Client): SqlRunner {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    exec: async (sql) => {
      await client.query(sql);
    },
  };
}

function pgliteRunner(lite: PGlite): SqlRunner {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows,
    exec: async (sql) => {
      await lite.exec(sql);
    },
  };
}
