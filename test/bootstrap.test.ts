import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_USERNAME, bootstrap } from "../src/bootstrap.js";
import { openDatabase } from "../src/db/database.js";
import { verifyUserPassword } from "../src/directory/passwords.js";
import { hashSecret } from "../src/directory/secrets.js";
import { createEmptyDatabase } from "./support/database.js";

async function tempFile(name: string) {
  return path.join(await mkdtemp(path.join(os.tmpdir(), "rolegate-boot-")), "nested", name);
}

describe("first start", () => {
  it("creates the first organization, IAM_OWNER machine and human users, the token and password files (0600), once", async () => {
    const db = await openDatabase({ databaseUrl: await createEmptyDatabase("rolegate_template"), dataDir: "/nonexistent" });
    try {
      const patFile = await tempFile("admin.pat");
      const result = await bootstrap(db.prisma, { firstOrgName: "Acme", adminPatFile: patFile });
      expect(result.created).toBe(true);
      if (!result.created) return;

      const org = await db.prisma.organization.findUniqueOrThrow({ where: { id: result.orgId } });
      expect(org).toMatchObject({ name: "Acme", primaryDomain: "acme.localhost", state: "ACTIVE" });
      const admin = await db.prisma.user.findUniqueOrThrow({ where: { id: result.adminUserId } });
      expect(admin).toMatchObject({ type: "MACHINE", username: ADMIN_USERNAME, orgId: org.id, state: "ACTIVE" });
      const memberships = await db.prisma.administrator.findMany({ where: { userId: admin.id } });
      expect(memberships).toMatchObject([{ resource: "INSTANCE", roles: ["IAM_OWNER"] }]);

      const token = (await readFile(patFile, "utf8")).trim();
      expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
      expect((await stat(patFile)).mode & 0o777).toBe(0o600);
      const pat = await db.prisma.personalAccessToken.findUniqueOrThrow({ where: { tokenHash: hashSecret(token) } });
      expect(pat.userId).toBe(admin.id);
      expect(await db.prisma.personalAccessToken.count({ where: { tokenHash: token } })).toBe(0); // only the hash is stored

      // The human administrator: IAM_OWNER, a generated password in admin.password (0600) next to
      // the token, to be changed at the first sign-in.
      const human = await db.prisma.user.findUniqueOrThrow({ where: { id: result.humanAdminUserId } });
      expect(human).toMatchObject({ type: "HUMAN", username: "admin", loginKey: "admin", orgId: org.id, state: "ACTIVE" });
      expect(human.passwordChangeRequired).toBe(true);
      expect(human.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await db.prisma.administrator.findMany({ where: { userId: human.id } })).toMatchObject([
        { resource: "INSTANCE", roles: ["IAM_OWNER"] },
      ]);
      const passwordFile = path.join(path.dirname(patFile), "admin.password");
      expect(result.passwordFile).toBe(passwordFile);
      expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
      const password = (await readFile(passwordFile, "utf8")).trim();
      expect(password).toMatch(/^[A-Za-z0-9]{24,}$/);
      const ctx = { prisma: db.prisma, actor: { id: "test" } };
      expect((await verifyUserPassword(ctx, "ADMIN", password))?.id).toBe(human.id);
      expect(await verifyUserPassword(ctx, "admin", `${password}x`)).toBeNull();

      const audit = await db.prisma.auditEntry.findMany({ where: { actorId: "system" } });
      expect(audit.map((a) => a.action).sort()).toEqual([
        "administrator.created",
        "administrator.created",
        "organization.created",
        "user.created",
        "user.created",
        "user.pat.added",
      ]);
      const audited = JSON.stringify(audit.map((a) => [a.before, a.after]));
      expect(audited).not.toContain(token);
      expect(audited).not.toContain(password);
      expect(audited).not.toContain("argon2");

      const again = await bootstrap(db.prisma, {
        firstOrgName: "Other",
        adminPatFile: patFile,
        adminLoginName: "someone",
        adminPassword: "Other-Passw0rd",
      });
      expect(again).toEqual({ created: false });
      expect(await db.prisma.organization.count()).toBe(1);
      expect(await db.prisma.user.count()).toBe(2);
      expect((await readFile(patFile, "utf8")).trim()).toBe(token);
      expect((await readFile(passwordFile, "utf8")).trim()).toBe(password);
      expect(await db.prisma.user.findUniqueOrThrow({ where: { id: human.id } })).toEqual(human);
    } finally {
      await db.close();
    }
  });

  it("bootstraps exactly once when several instances start together on one database", async () => {
    const url = await createEmptyDatabase("rolegate_template");
    const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url, dataDir: "/nonexistent" })));
    try {
      const patFile = await tempFile("admin.pat");
      const results = await Promise.all(dbs.map((db) => bootstrap(db.prisma, { firstOrgName: "Default", adminPatFile: patFile })));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await dbs[0]!.prisma.organization.count()).toBe(1);
      expect(await dbs[0]!.prisma.user.count({ where: { type: "MACHINE" } })).toBe(1);
      expect(await dbs[0]!.prisma.user.count({ where: { type: "HUMAN" } })).toBe(1);
      expect(await dbs[0]!.prisma.administrator.count()).toBe(2);
      expect(await dbs[0]!.prisma.personalAccessToken.count()).toBe(1);
      const token = (await readFile(patFile, "utf8")).trim();
      expect(await dbs[0]!.prisma.personalAccessToken.count({ where: { tokenHash: hashSecret(token) } })).toBe(1);
      // The password file holds the password of the one human that was made.
      const password = (await readFile(path.join(path.dirname(patFile), "admin.password"), "utf8")).trim();
      const ctx = { prisma: dbs[0]!.prisma, actor: { id: "test" } };
      expect(await verifyUserPassword(ctx, "admin", password)).not.toBeNull();
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it("takes the human administrator's login name and password from the environment, writing no password file", async () => {
    const db = await openDatabase({ databaseUrl: await createEmptyDatabase("rolegate_template"), dataDir: "/nonexistent" });
    try {
      const patFile = await tempFile("admin.pat");
      const passwordFile = await tempFile("chosen.password");
      const result = await bootstrap(db.prisma, {
        firstOrgName: "Default",
        adminPatFile: patFile,
        adminLoginName: " Root@Example.com ",
        adminPassword: "Initial-Passw0rd",
        adminPasswordFile: passwordFile,
      });
      if (!result.created) throw new Error("not created");
      expect(result.passwordFile).toBeUndefined();
      expect(result.humanAdminLoginName).toBe("Root@Example.com");
      await expect(stat(passwordFile)).rejects.toThrow(/ENOENT/);
      await expect(stat(path.join(path.dirname(patFile), "admin.password"))).rejects.toThrow(/ENOENT/);
      const ctx = { prisma: db.prisma, actor: { id: "test" } };
      const human = await verifyUserPassword(ctx, "root@example.com", "Initial-Passw0rd");
      expect(human).toMatchObject({ id: result.humanAdminUserId, username: "Root@Example.com", passwordChangeRequired: true });
    } finally {
      await db.close();
    }
  });

  it("writes a generated password to ADMIN_PASSWORD_FILE when it is set", async () => {
    const db = await openDatabase({ databaseUrl: await createEmptyDatabase("rolegate_template"), dataDir: "/nonexistent" });
    try {
      const patFile = await tempFile("admin.pat");
      const passwordFile = await tempFile("elsewhere/admin-password.txt");
      const result = await bootstrap(db.prisma, { firstOrgName: "Default", adminPatFile: patFile, adminPasswordFile: passwordFile });
      expect(result).toMatchObject({ created: true, passwordFile });
      expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
      const password = (await readFile(passwordFile, "utf8")).trim();
      expect(await verifyUserPassword({ prisma: db.prisma, actor: { id: "test" } }, "admin", password)).not.toBeNull();
    } finally {
      await db.close();
    }
  });

  it("refuses a password the password rules refuse, or a bad login name, and creates nothing", async () => {
    const db = await openDatabase({ databaseUrl: await createEmptyDatabase("rolegate_template"), dataDir: "/nonexistent" });
    try {
      const patFile = await tempFile("admin.pat");
      const start = (env: { adminLoginName?: string; adminPassword?: string }) =>
        bootstrap(db.prisma, { firstOrgName: "Default", adminPatFile: patFile, ...env });
      await expect(start({ adminPassword: "short1!" })).rejects.toThrow("ADMIN_PASSWORD: must be at least 8 characters");
      await expect(start({ adminPassword: "alllowercase1!" })).rejects.toThrow("ADMIN_PASSWORD: must contain an uppercase letter");
      await expect(start({ adminPassword: "NoSymbol123" })).rejects.toThrow("ADMIN_PASSWORD: must contain a symbol");
      await expect(start({ adminLoginName: "   " })).rejects.toThrow("ADMIN_LOGIN_NAME: must not be empty");
      await expect(start({ adminLoginName: "a\u0000b" })).rejects.toThrow(/ADMIN_LOGIN_NAME/);
      await expect(start({ adminLoginName: "x".repeat(201) })).rejects.toThrow("ADMIN_LOGIN_NAME: must be at most 200 characters");
      await expect(start({ adminLoginName: ADMIN_USERNAME.toUpperCase() })).rejects.toThrow(/ADMIN_LOGIN_NAME: rolegate-admin/);
      expect(await db.prisma.organization.count()).toBe(0);
      expect(await db.prisma.user.count()).toBe(0);
      await expect(stat(patFile)).rejects.toThrow(/ENOENT/);
    } finally {
      await db.close();
    }
  });

  it("creates nothing when the token file cannot be written", async () => {
    const db = await openDatabase({ databaseUrl: await createEmptyDatabase("rolegate_template"), dataDir: "/nonexistent" });
    try {
      // A regular file where a folder should be: ENOTDIR, for root too.
      const blocker = await tempFile("blocker");
      await mkdir(path.dirname(blocker), { recursive: true });
      await writeFile(blocker, "");
      await expect(bootstrap(db.prisma, { firstOrgName: "Default", adminPatFile: path.join(blocker, "admin.pat") })).rejects.toThrow(
        /ENOTDIR|EEXIST/,
      );
      expect(await db.prisma.organization.count()).toBe(0);
      expect(await db.prisma.user.count()).toBe(0);
    } finally {
      await db.close();
    }
  });
});
