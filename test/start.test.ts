// `npm start` as users run it: embedded (no database server) and on an empty PostgreSQL.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { createEmptyDatabase } from "./support/database.js";
import { startServer } from "./support/process.js";

const firstStart = (logs: Record<string, unknown>[]) => logs.filter((l) => String(l.msg).startsWith("first start"));
const listening = (logs: Record<string, unknown>[]) => logs.find((l) => String(l.msg).startsWith("rolegate listening"))!;
const portOf = (url: string) => Number(new URL(url).port);

/** Whether a TCP connection to host:port is refused (nothing listens on that address). */
function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNREFUSED" ? resolve(true) : reject(error)));
  });
}

describe("npm start", () => {
  it("runs embedded with nothing installed: creates data/ and the admin token, and reuses them on the next start", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-start-"));
    const dataDir = path.join(home, "data");
    const env = { DATA_DIR: dataDir, KEYS_DIR: path.join(home, "keys") };

    const first = await startServer(env);
    try {
      // Loopback only (HOST unset), and the log says so; 127.0.0.2 is loopback too, but not bound.
      expect(first.address).toBe("127.0.0.1");
      expect(listening(first.logs()).msg).toBe(`rolegate listening on http://127.0.0.1:${portOf(first.url)}`);
      expect(await refused("127.0.0.2", portOf(first.url))).toBe(true);
      const ready = await fetch(`${first.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { database: true } });
      expect(firstStart(first.logs())).toHaveLength(1);
      expect(firstStart(first.logs())[0]!.adminPatFile).toBe(path.join(dataDir, "admin.pat"));
      // The human administrator: the log says where its password is, never the password.
      expect(firstStart(first.logs())[0]).toMatchObject({
        adminLoginName: "admin",
        adminPasswordFile: path.join(dataDir, "admin.password"),
      });
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const token = await readFile(path.join(dataDir, "admin.pat"), "utf8");
    expect((await stat(path.join(dataDir, "admin.pat"))).mode & 0o777).toBe(0o600);
    const password = (await readFile(path.join(dataDir, "admin.password"), "utf8")).trim();
    expect((await stat(path.join(dataDir, "admin.password"))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(first.logs())).not.toContain(password);
    expect(existsSync(path.join(dataDir, "pglite"))).toBe(true);

    const second = await startServer(env);
    try {
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      expect(firstStart(second.logs())).toHaveLength(0);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(await readFile(path.join(dataDir, "admin.pat"), "utf8")).toBe(token);
    expect((await readFile(path.join(dataDir, "admin.password"), "utf8")).trim()).toBe(password);
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
      expect(server.address).toBe("127.0.0.1"); // loopback with PostgreSQL too, unless HOST says otherwise
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

  it("listens where HOST says, and logs the address it bound", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-start-"));
    const databaseUrl = await createEmptyDatabase("rolegate_template");
    const env = (name: string, host: string) => ({
      DATABASE_URL: databaseUrl,
      HOST: host,
      ADMIN_PAT_FILE: path.join(home, "admin.pat"),
      DATA_DIR: path.join(home, name, "data"),
      KEYS_DIR: path.join(home, "keys"),
    });
    const one = await startServer(env("one", "127.0.0.2"));
    const every = await startServer(env("every", "0.0.0.0"));
    try {
      expect(one.address).toBe("127.0.0.2");
      expect(listening(one.logs())).toMatchObject({
        address: "127.0.0.2",
        msg: `rolegate listening on http://127.0.0.2:${portOf(one.url)}`,
      });
      expect((await fetch(`http://127.0.0.2:${portOf(one.url)}/healthz`)).status).toBe(200);
      expect(await refused("127.0.0.1", portOf(one.url))).toBe(true);

      expect(every.address).toBe("0.0.0.0");
      expect(listening(every.logs()).msg).toBe(`rolegate listening on http://0.0.0.0:${portOf(every.url)} (every interface)`);
      for (const host of ["127.0.0.1", "127.0.0.2"]) {
        expect((await fetch(`http://${host}:${portOf(every.url)}/healthz`)).status).toBe(200);
      }
    } finally {
      expect(await one.stop()).toBe(0);
      expect(await every.stop()).toBe(0);
    }
  }, 120_000);

  it("refuses a bad configuration with one clear line", async () => {
    await expect(startServer({ DATABASE_URL: "mysql://nope", DATA_DIR: "/tmp/unused" }, 20_000)).rejects.toThrow(
      /DATABASE_URL must start with postgresql:\/\//,
    );
  });

  it("refuses a first start whose ADMIN_PASSWORD the password rules refuse, and creates nothing", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-start-"));
    const databaseUrl = await createEmptyDatabase("rolegate_template");
    const env = {
      DATABASE_URL: databaseUrl,
      ADMIN_PASSWORD: "password",
      ADMIN_PAT_FILE: path.join(home, "admin.pat"),
      DATA_DIR: path.join(home, "data"),
      KEYS_DIR: path.join(home, "keys"),
    };
    await expect(startServer(env, 30_000)).rejects.toThrow(/ADMIN_PASSWORD: must contain an uppercase letter/);
    expect(existsSync(path.join(home, "admin.pat"))).toBe(false);
    const db = await openDatabase({ databaseUrl, dataDir: "/nonexistent" });
    try {
      expect(await db.prisma.organization.count()).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});
