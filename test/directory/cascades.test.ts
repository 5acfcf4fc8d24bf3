// One test per cascade of docs/rules.md#cascades (R-CASCADE-1 to R-CASCADE-7). Each fails if
// its cascade is removed.
import { describe, expect, it } from "vitest";
import { createAuthorization } from "../../src/directory/authorizations.js";
import { setOrgMetadata } from "../../src/directory/org-metadata.js";
import { deleteOrganization } from "../../src/directory/organizations.js";
import { createProjectGrant, deleteProjectGrant, updateProjectGrant } from "../../src/directory/project-grants.js";
import { deleteProject, removeProjectRole } from "../../src/directory/projects.js";
import { inTransaction } from "../../src/directory/context.js";
import { invalidArgument } from "../../src/directory/errors.js";
import { newId } from "../../src/ids.js";
import { useDirectory } from "../support/directory.js";
import { makeOrg, makeProject, makeUser } from "../support/fixtures.js";

const { ctx } = useDirectory();

/** Owner org with a project (admin/editor/viewer), granted to a partner (editor/viewer). */
async function scene() {
  const owner = await makeOrg(ctx());
  const partner = await makeOrg(ctx());
  const project = await makeProject(ctx(), owner.id, ["admin", "editor", "viewer"]);
  const grant = await createProjectGrant(ctx(), {
    projectId: project.id,
    grantedOrganizationId: partner.id,
    roleKeys: ["editor", "viewer"],
  });
  const ownUser = await makeUser(ctx(), owner.id);
  const partnerUser = await makeUser(ctx(), partner.id);
  const ownAuth = await createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, roleKeys: ["admin", "viewer"] });
  const partnerAuth = await createAuthorization(ctx(), {
    userId: partnerUser.id,
    projectId: project.id,
    organizationId: partner.id,
    roleKeys: ["editor", "viewer"],
  });
  return { owner, partner, project, grant, ownUser, partnerUser, ownAuth, partnerAuth };
}

const prisma = () => ctx().prisma;

describe("cascades (docs/rules.md#cascades)", () => {
  it("remove a project role → removed from every project grant and every authorization of the project", async () => {
    const s = await scene();
    const elsewhere = await makeProject(ctx(), s.owner.id, ["viewer"]);
    const untouched = await createAuthorization(ctx(), { userId: s.ownUser.id, projectId: elsewhere.id, roleKeys: ["viewer"] });

    await removeProjectRole(ctx(), { projectId: s.project.id, roleKey: "viewer" });

    expect((await prisma().projectGrant.findUniqueOrThrow({ where: { id: s.grant.id } })).roleKeys).toEqual(["editor"]);
    expect((await prisma().authorization.findUniqueOrThrow({ where: { id: s.ownAuth.id } })).roleKeys).toEqual(["admin"]);
    expect((await prisma().authorization.findUniqueOrThrow({ where: { id: s.partnerAuth.id } })).roleKeys).toEqual(["editor"]);
    expect((await prisma().authorization.findUniqueOrThrow({ where: { id: untouched.id } })).roleKeys).toEqual(["viewer"]);
    const audit = await prisma().auditEntry.findFirstOrThrow({ where: { targetId: s.project.id, action: "project.role.removed" } });
    expect(audit.after).toEqual({ removedFromGrants: 1, removedFromAuthorizations: 2 });
  });

  it("change a project grant's role keys → keys taken away are removed from that org's authorizations", async () => {
    const s = await scene();
    await updateProjectGrant(ctx(), { projectId: s.project.id, grantedOrganizationId: s.partner.id, roleKeys: ["viewer", "admin"] });
    expect((await prisma().authorization.findUniqueOrThrow({ where: { id: s.partnerAuth.id } })).roleKeys).toEqual(["viewer"]);
    // The owner's authorizations are not the grant's: unchanged.
    expect((await prisma().authorization.findUniqueOrThrow({ where: { id: s.ownAuth.id } })).roleKeys).toEqual(["admin", "viewer"]);
  });

  it("delete a project grant → the authorizations that belong to it are deleted", async () => {
    const s = await scene();
    await deleteProjectGrant(ctx(), { projectId: s.project.id, grantedOrganizationId: s.partner.id });
    expect(await prisma().authorization.findUnique({ where: { id: s.partnerAuth.id } })).toBeNull();
    expect(await prisma().authorization.findUnique({ where: { id: s.ownAuth.id } })).not.toBeNull();
  });

  it("delete a project → its apps, roles, grants and authorizations are deleted", async () => {
    const s = await scene();
    await prisma().application.create({
      data: { id: newId(), projectId: s.project.id, name: "web", kind: "OIDC", clientId: newId(), authMethod: "BASIC" },
    });
    await deleteProject(ctx(), s.project.id);
    expect(await prisma().application.count({ where: { projectId: s.project.id } })).toBe(0);
    expect(await prisma().projectRole.count({ where: { projectId: s.project.id } })).toBe(0);
    expect(await prisma().projectGrant.count({ where: { projectId: s.project.id } })).toBe(0);
    expect(await prisma().authorization.count({ where: { projectId: s.project.id } })).toBe(0);
    // Users and organizations stay.
    expect(await prisma().user.count({ where: { id: { in: [s.ownUser.id, s.partnerUser.id] } } })).toBe(2);
  });

  it("delete an organization → its users, projects, and every authorization it holds or that refers to it", async () => {
    const s = await scene();
    // The partner also holds an external user grant for the owner's user.
    const external = await createAuthorization(ctx(), {
      userId: s.ownUser.id,
      projectId: s.project.id,
      organizationId: s.partner.id,
      roleKeys: ["viewer"],
    });
    // And the partner's user holds an authorization on a project of a third organization.
    const third = await makeOrg(ctx());
    const thirdProject = await makeProject(ctx(), third.id, ["member"]);
    const referring = await createAuthorization(ctx(), { userId: s.partnerUser.id, projectId: thirdProject.id, roleKeys: ["member"] });
    const partnerProject = await makeProject(ctx(), s.partner.id);
    await setOrgMetadata(ctx(), { orgId: s.partner.id, metadata: [{ key: "k", value: new Uint8Array([1]) }] });

    await deleteOrganization(ctx(), s.partner.id);

    expect(await prisma().user.findUnique({ where: { id: s.partnerUser.id } })).toBeNull();
    expect(await prisma().project.findUnique({ where: { id: partnerProject.id } })).toBeNull();
    expect(await prisma().projectGrant.findUnique({ where: { id: s.grant.id } })).toBeNull();
    expect(await prisma().orgMetadata.count({ where: { orgId: s.partner.id } })).toBe(0);
    for (const id of [s.partnerAuth.id, external.id, referring.id]) {
      expect(await prisma().authorization.findUnique({ where: { id } })).toBeNull();
    }
    // Nothing of the others is lost.
    expect(await prisma().authorization.findUnique({ where: { id: s.ownAuth.id } })).not.toBeNull();
    expect(await prisma().project.findUnique({ where: { id: thirdProject.id } })).not.toBeNull();
  });

  it("delete a user → the user's authorizations (and credentials) are deleted", async () => {
    const s = await scene();
    await prisma().personalAccessToken.create({
      data: { id: newId(), userId: s.ownUser.id, tokenHash: newId(), expirationDate: new Date(Date.now() + 1e9) },
    });
    await prisma().user.delete({ where: { id: s.ownUser.id } });
    expect(await prisma().authorization.findUnique({ where: { id: s.ownAuth.id } })).toBeNull();
    expect(await prisma().personalAccessToken.count({ where: { userId: s.ownUser.id } })).toBe(0);
    expect(await prisma().authorization.findUnique({ where: { id: s.partnerAuth.id } })).not.toBeNull();
  });

  it("refuses bad input before writing anything", async () => {
    const s = await scene();
    const before = await prisma().auditEntry.count();
    await expect(
      updateProjectGrant(ctx(), { projectId: s.project.id, grantedOrganizationId: s.partner.id, roleKeys: ["viewer", "ghost"] }),
    ).rejects.toMatchObject({ code: "invalid_argument" });
    expect((await prisma().projectGrant.findUniqueOrThrow({ where: { id: s.grant.id } })).roleKeys).toEqual(["editor", "viewer"]);
    expect((await prisma().authorization.findUniqueOrThrow({ where: { id: s.partnerAuth.id } })).roleKeys).toEqual(["editor", "viewer"]);
    expect(await prisma().auditEntry.count()).toBe(before);
  });

  it("rolls back every write of an operation that fails half-way (one transaction)", async () => {
    const s = await scene();
    await expect(
      inTransaction(ctx(), async (tx) => {
        await tx.$executeRaw`UPDATE "Authorization" SET "roleKeys" = '{}' WHERE "projectGrantId" = ${s.grant.id}`;
        await tx.projectGrant.delete({ where: { id: s.grant.id } });
        throw invalidArgument("roleKeys", "refused after the writes");
      }),
    ).rejects.toMatchObject({ code: "invalid_argument" });
    expect(await prisma().projectGrant.findUnique({ where: { id: s.grant.id } })).not.toBeNull();
    expect((await prisma().authorization.findUniqueOrThrow({ where: { id: s.partnerAuth.id } })).roleKeys).toEqual(["editor", "viewer"]);
  });
});
