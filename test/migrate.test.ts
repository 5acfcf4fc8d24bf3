import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { readMigrations } from "../src/db/migrate.js";
import { createEmptyDatabase } from "./support/database.js";

describe("migrations", () => {
  it("applies every migration to an empty PostgreSQL once, recorded as Prisma records them", async () => {
    const url = await createEmptyDatabase();
    const all = (await readMigrations()).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);

    const first = await openDatabase({ databaseUrl: url, dataDir: "/nonexistent" });
    expect(first.migrated).toEqual(all);
    const rows = await first.prisma.$queryRaw<{ migration_name: string; checksum: string }[]>`
      SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(rows.map((r) => r.migration_name)).toEqual(all);
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    await first.close();

    const second = await openDatabase({ databaseUrl: url, dataDir: "/nonexistent" });
    expect(second.migrated).toEqual([]);
    await second.close();
  });

  it("lets two instances migrate one empty database at the same time", async () => {
    const url = await createEmptyDatabase();
    const [a, b] = await Promise.all([
      openDatabase({ databaseUrl: url, dataDir: "/nonexistent" }),
      openDatabase({ databaseUrl: url, dataDir: "/nonexistent" }),
    ]);
    const all = (await readMigrations()).map((m) => m.name);
    expect([...a.migrated, ...b.migrated].sort()).toEqual(all);
    await Promise.all([a.close(), b.close()]);
  });

  it("keeps the audit log append-only", async () => {
    const url = await createEmptyDatabase();
    const db = await openDatabase({ databaseUrl: url, dataDir: "/nonexistent" });
    try {
      const entry = await db.prisma.auditEntry.create({
        data: { actorId: "1", action: "test", targetType: "x", targetId: "1" },
      });
      await expect(db.prisma.auditEntry.update({ where: { id: entry.id }, data: { action: "y" } })).rejects.toThrow(/append-only/);
      await expect(db.prisma.auditEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
      expect(await db.prisma.auditEntry.count()).toBe(1);
    } finally {
      await db.close();
    }
  });
});
