// The embedded database runs the same directory code as PostgreSQL.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { createAuthorization } from "../src/directory/authorizations.js";
import { createOrganization } from "../src/directory/organizations.js";
import { createProjectGrant, updateProjectGrant } from "../src/directory/project-grants.js";
import { addProjectRole, createProject, listProjects } from "../src/directory/projects.js";
import { createHumanUser, listUserMetadata, setUserMetadata } from "../src/directory/users.js";

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
      const user = await createHumanUser(ctx, { orgId: partner.id, username: "pat", email: "pat@example.com", givenName: "Pat", familyName: "Doe" });
      const auth = await createAuthorization(ctx, { userId: user.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer", "editor"] });
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
});
