// `npm start` as users run it: embedded (no database server) and on an empty PostgreSQL.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { createEmptyDatabase } from "./support/database.js";
import { startServer } from "./support/process.js";

const firstStart = (logs: Record<string, unknown>[]) => logs.filter((l) => String(l.msg).startsWith("first start"));

describe("npm start", () => {
  it("runs embedded with nothing installed: creates data/ and the admin token, and reuses them on the next start", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-start-"));
    const dataDir = path.join(home, "data");
    const env = { DATA_DIR: dataDir, KEYS_DIR: path.join(home, "keys") };

    const first = await startServer(env);
    try {
      const ready = await fetch(`${first.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { database: true } });
      expect(firstStart(first.logs())).toHaveLength(1);
      expect(firstStart(first.logs())[0]!.adminPatFile).toBe(path.join(dataDir, "admin.pat"));
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const token = await readFile(path.join(dataDir, "admin.pat"), "utf8");
    expect((await stat(path.join(dataDir, "admin.pat"))).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dataDir, "pglite"))).toBe(true);

    const second = await startServer(env);
    try {
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      expect(firstStart(second.logs())).toHaveLength(0);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(await readFile(path.join(dataDir, "admin.pat"), "utf8")).toBe(token);
    // The embedded database holds exactly one bootstrap.
    const db = await openDatabase({ dataDir });
    try {
      expect(db.kind).toBe("pglite");
      expect(await db.prisma.organization.count()).toBe(1);
      expect(await db.prisma.personalAccessToken.count()).toBe(1);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("applies the migrations to an empty PostgreSQL and bootstraps the same way (with Redis)", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-start-"));
    const databaseUrl = await createEmptyDatabase();
    const patFile = path.join(home, "secrets", "admin.pat");
    const server = await startServer({
      DATABASE_URL: databaseUrl,
      REDIS_URL: inject("redisUrl"),
      ADMIN_PAT_FILE: patFile,
      FIRST_ORG_NAME: "Acme",
      DATA_DIR: path.join(home, "data"),
      KEYS_DIR: path.join(home, "keys"),
    });
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ok", checks: { database: true, redis: true } });
      expect(server.logs().find((l) => l.msg === "directory ready")).toMatchObject({ database: "postgresql" });
      expect(firstStart(server.logs())).toHaveLength(1);
    } finally {
      await server.stop();
    }
    expect((await readFile(patFile, "utf8")).trim()).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(existsSync(path.join(home, "data"))).toBe(false); // nothing embedded was created
    const db = await openDatabase({ databaseUrl, dataDir: "/nonexistent" });
    try {
      expect((await db.prisma.organization.findMany()).map((o) => o.name)).toEqual(["Acme"]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("refuses a bad configuration with one clear line", async () => {
    await expect(startServer({ DATABASE_URL: "mysql://nope", DATA_DIR: "/tmp/unused" }, 20_000)).rejects.toThrow(
      /DATABASE_URL must start with postgresql:\/\//,
    );
  });
});
