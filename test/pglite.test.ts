// The embedded database runs the same directory code as PostgreSQL.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { createAdministrator, listAdministrators, updateAdministrator } from "../src/directory/administrators.js";
import { createAuthorization } from "../src/directory/authorizations.js";
import { createOrganization } from "../src/directory/organizations.js";
import { createProjectGrant, updateProjectGrant } from "../src/directory/project-grants.js";
import { addProjectRole, createProject, listProjects } from "../src/directory/projects.js";
import { listUserMetadata, setUserMetadata } from "../src/directory/user-metadata.js";
import { createHumanUser } from "../src/directory/users.js";
import { makeOrg, makeUser } from "./support/fixtures.js";

describe("embedded PGlite", () => {
  it("migrates, runs the directory with its cascades, stores bytes, and reopens", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "rolegate-pglite-"));
    const db = await openDatabase({ dataDir });
    expect(db.kind).toBe("pglite");
    expect(db.migrated.length).toBeGreaterThan(0);
    const ctx = { prisma: db.prisma, actor: { id: "test" } };
    try {
      const owner = await createOrganization(ctx, { name: "Owner" });
      const partner = await createOrganization(ctx, { name: "Partner" });
      const project = await createProject(ctx, { organizationId: owner.id, name: "Portal" });
      for (const key of ["viewer", "editor"]) await addProjectRole(ctx, { projectId: project.id, roleKey: key, displayName: key });
      await createProjectGrant(ctx, { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer", "editor"] });
      const user = await createHumanUser(ctx, {
        orgId: partner.id,
        username: "pat",
        email: "pat@example.com",
        givenName: "Pat",
        familyName: "Doe",
      });
      const auth = await createAuthorization(ctx, {
        userId: user.id,
        projectId: project.id,
        organizationId: partner.id,
        roleKeys: ["viewer", "editor"],
      });
      await updateProjectGrant(ctx, { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
      expect((await db.prisma.authorization.findUniqueOrThrow({ where: { id: auth.id } })).roleKeys).toEqual(["viewer"]);
      const either = await listProjects(ctx, { ownedOrGrantedTo: partner.id });
      expect(either.items.map((r) => r.grant?.grantedOrgId)).toEqual([partner.id]);

      const value = new Uint8Array([0, 1, 2, 250, 255]);
      await setUserMetadata(ctx, { userId: user.id, metadata: [{ key: "blob", value }] });
      const stored = await listUserMetadata(ctx, user.id);
      expect(Array.from(stored.find((m) => m.key === "blob")!.value)).toEqual(Array.from(value));
    } finally {
      await db.close();
    }
    const again = await openDatabase({ dataDir });
    try {
      expect(again.migrated).toEqual([]);
      expect(await again.prisma.organization.count()).toBe(2);
    } finally {
      await again.close();
    }
  }, 60_000);

  it("filters administrators by role (an enum list argument)", async () => {
    const db = await openDatabase({ dataDir: await mkdtemp(path.join(os.tmpdir(), "rolegate-pglite-")) });
    const ctx = { prisma: db.prisma, actor: { id: "test" } };
    try {
      const org = await makeOrg(ctx);
      const owner = await makeUser(ctx, org.id);
      const manager = await makeUser(ctx, org.id);
      await createAdministrator(ctx, { userId: owner.id, resource: { organizationId: org.id }, roles: ["ORG_OWNER", "ORG_USER_MANAGER"] });
      await createAdministrator(ctx, { userId: manager.id, resource: { organizationId: org.id }, roles: ["ORG_USER_MANAGER"] });
      const users = async (filter: Parameters<typeof listAdministrators>[1]) =>
        (await listAdministrators(ctx, filter)).items.map((a) => a.userId).sort();
      expect(await users({ role: "ORG_OWNER" })).toEqual([owner.id]);
      expect(await users({ role: "ORG_USER_MANAGER" })).toEqual([owner.id, manager.id].sort());
      expect(await users({ not: { role: "ORG_OWNER" } })).toEqual([manager.id]);
      expect(await users({ or: [{ role: "IAM_OWNER" }, { role: "ORG_OWNER" }] })).toEqual([owner.id]);
      expect((await listAdministrators(ctx, { role: "ORG_OWNER" })).totalResult).toBe(1);
      await updateAdministrator(ctx, { userId: manager.id, resource: { organizationId: org.id }, roles: ["ORG_OWNER"] });
      expect(await users({ role: "ORG_OWNER" })).toEqual([owner.id, manager.id].sort());
      expect(await users({ not: { role: "ORG_OWNER" } })).toEqual([]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
