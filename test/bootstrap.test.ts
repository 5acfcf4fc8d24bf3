import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_USERNAME, bootstrap } from "../src/bootstrap.js";
import { openDatabase } from "../src/db/database.js";
import { hashSecret } from "../src/directory/secrets.js";
import { createEmptyDatabase } from "./support/database.js";

async function tempFile(name: string) {
  return path.join(await mkdtemp(path.join(os.tmpdir(), "rolegate-boot-")), "nested", name);
}

describe("first start", () => {
  it("creates the first organization, an IAM_OWNER machine user and its token file (0600), once", async () => {
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

      const audit = await db.prisma.auditEntry.findMany({ where: { actorId: "system" } });
      expect(audit.map((a) => a.action).sort()).toEqual([
        "administrator.created",
        "organization.created",
        "user.created",
        "user.pat.added",
      ]);
      expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(token);

      const again = await bootstrap(db.prisma, { firstOrgName: "Other", adminPatFile: patFile });
      expect(again).toEqual({ created: false });
      expect(await db.prisma.organization.count()).toBe(1);
      expect((await readFile(patFile, "utf8")).trim()).toBe(token);
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
      expect(await dbs[0]!.prisma.user.count()).toBe(1);
      expect(await dbs[0]!.prisma.personalAccessToken.count()).toBe(1);
      const token = (await readFile(patFile, "utf8")).trim();
      expect(await dbs[0]!.prisma.personalAccessToken.count({ where: { tokenHash: hashSecret(token) } })).toBe(1);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
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
