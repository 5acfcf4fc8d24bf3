// Prisma CLI configuration: JavaScript engines only (no native binary can be downloaded here).
// The CLI works against an in-memory PGlite, enough for `generate` and `migrate diff`;
// migrations are applied at start by src/db/migrate.ts.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    // pglite-prisma-adapter pins an older @prisma/driver-adapter-utils; the runtime shape is the same.
    return new PrismaPGlite(new PGlite()) as unknown as SqlMigrationAwareDriverAdapterFactory;
  },
});
