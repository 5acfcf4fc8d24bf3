import { describe, expect, it } from "vitest";
import {
  activateProjectGrant,
  createProjectGrant,
  deactivateProjectGrant,
  deleteProjectGrant,
  findGrantVisibleTo,
  getProjectGrant,
  listProjectGrants,
  updateProjectGrant,
} from "../../src/directory/project-grants.js";
import { expectDomainError, useDirectory } from "../support/directory.js";
import { makeOrg, makeProject } from "../support/fixtures.js";

const { ctx } = useDirectory();

async function scene() {
  const owner = await makeOrg(ctx());
  const partner = await makeOrg(ctx());
  const project = await makeProject(ctx(), owner.id, ["admin", "editor", "viewer"]);
  return { owner, partner, project };
}

describe("project grants", () => {
  it("grants a project to another organization with a subset of its roles (the seed example)", async () => {
    const { partner, project } = await scene();
    const grant = await createProjectGrant(ctx(), {
      projectId: project.id,
      grantedOrganizationId: partner.id,
      roleKeys: ["viewer", "editor"],
    });
    expect(grant).toMatchObject({ projectId: project.id, grantedOrgId: partner.id, roleKeys: ["viewer", "editor"], state: "ACTIVE" });
    expect(await getProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id })).toMatchObject({ id: grant.id });
    const audit = await ctx().prisma.auditEntry.findFirst({ where: { targetId: grant.id } });
    expect(audit).toMatchObject({ action: "project.grant.created", targetType: "projectGrant" });
  });

  it("refuses unknown role keys, naming the key's position", async () => {
    const { partner, project } = await scene();
    const error = await expectDomainError(
      createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer", "ghost"] }),
      "invalid_argument",
      "roleKeys[1]",
    );
    expect(error.message).toContain("ghost");
    expect(await ctx().prisma.projectGrant.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("allows at most one grant per project and granted organization, even when racing", async () => {
    const { partner, project } = await scene();
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer"] })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "already_exists", field: "grantedOrganizationId" });
    }
  });

  it("refuses granting to the owner, unknown projects and unknown organizations", async () => {
    const { owner, partner, project } = await scene();
    await expectDomainError(
      createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: owner.id, roleKeys: [] }),
      "invalid_argument",
      "grantedOrganizationId",
    );
    await expectDomainError(createProjectGrant(ctx(), { projectId: "1", grantedOrganizationId: partner.id }), "not_found");
    await expectDomainError(createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: "1" }), "not_found");
    await expectDomainError(
      createProjectGrant(ctx(), { projectId: "p", grantedOrganizationId: partner.id }),
      "invalid_argument",
      "projectId",
    );
    await expectDomainError(
      createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: "viewer" as never }),
      "invalid_argument",
      "roleKeys",
    );
  });

  it("replaces the role keys on update, validating them", async () => {
    const { partner, project } = await scene();
    const key = { projectId: project.id, grantedOrganizationId: partner.id };
    await createProjectGrant(ctx(), { ...key, roleKeys: ["viewer"] });
    expect((await updateProjectGrant(ctx(), { ...key, roleKeys: ["admin", "editor"] })).roleKeys).toEqual(["admin", "editor"]);
    await expectDomainError(updateProjectGrant(ctx(), { ...key, roleKeys: ["nope"] }), "invalid_argument", "roleKeys[0]");
    await expectDomainError(updateProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: "1", roleKeys: [] }), "not_found");
  });

  it("deactivates and activates, refusing a change to the same state", async () => {
    const { partner, project } = await scene();
    const key = { projectId: project.id, grantedOrganizationId: partner.id };
    await createProjectGrant(ctx(), { ...key, roleKeys: ["viewer"] });
    await expectDomainError(activateProjectGrant(ctx(), key), "failed_precondition");
    expect((await deactivateProjectGrant(ctx(), key)).state).toBe("INACTIVE");
    await expectDomainError(deactivateProjectGrant(ctx(), key), "failed_precondition");
    expect((await activateProjectGrant(ctx(), key)).state).toBe("ACTIVE");
  });

  it("deletes idempotently", async () => {
    const { partner, project } = await scene();
    const key = { projectId: project.id, grantedOrganizationId: partner.id };
    await createProjectGrant(ctx(), { ...key, roleKeys: ["viewer"] });
    expect(await deleteProjectGrant(ctx(), key)).toBe(true);
    expect(await deleteProjectGrant(ctx(), key)).toBe(false);
  });

  it("lists grants by project, id, owner, granted organization, project name and role key", async () => {
    const { owner, partner, project } = await scene();
    const other = await makeOrg(ctx());
    await createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
    await createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: other.id, roleKeys: ["admin"] });
    const byProject = await listProjectGrants(ctx(), { projectIds: [project.id], pagination: { asc: true } });
    expect(byProject.items.map((g) => g.grantedOrgId)).toEqual([partner.id, other.id]);
    expect(byProject.items[0]!.grantedOrg.name).toBe(partner.name);
    expect(byProject.items[0]!.project).toEqual({ name: project.name, orgId: owner.id, org: { name: owner.name } });
    const second = byProject.items[1]!;
    expect((await listProjectGrants(ctx(), { ids: [second.id] })).items.map((g) => g.grantedOrgId)).toEqual([other.id]);
    expect((await listProjectGrants(ctx(), { grantedOrganizationId: other.id })).items.map((g) => g.projectId)).toEqual([project.id]);
    expect((await listProjectGrants(ctx(), { projectOwnerId: owner.id })).totalResult).toBe(2);
    expect(
      (await listProjectGrants(ctx(), { projectOwnerId: owner.id, roleKey: { value: "admin" } })).items.map((g) => g.grantedOrgId),
    ).toEqual([other.id]);
    expect(
      (await listProjectGrants(ctx(), { projectName: { value: project.name.toUpperCase(), method: "EQUALS_IGNORE_CASE" } })).totalResult,
    ).toBe(2);
    const page = await listProjectGrants(ctx(), { projectIds: [project.id], pagination: { asc: true, limit: 1, offset: 1 } });
    expect(page.items.map((g) => g.grantedOrgId)).toEqual([other.id]);
    expect(page.totalResult).toBe(2);
  });

  it("finds the grant a project is seen through, by granted organization or by grant id", async () => {
    const { owner, partner, project } = await scene();
    const other = await makeOrg(ctx());
    const toPartner = await createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
    const toOther = await createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: other.id, roleKeys: [] });
    const seen = await findGrantVisibleTo(ctx(), project.id, { orgIds: [partner.id], grantIds: [] });
    expect(seen).toEqual({ ...toPartner, grantedOrgName: partner.name });
    expect(await findGrantVisibleTo(ctx(), project.id, { orgIds: [], grantIds: [toOther.id] })).toMatchObject({ id: toOther.id });
    expect(await findGrantVisibleTo(ctx(), project.id, { orgIds: [owner.id], grantIds: [] })).toBeNull();
    const elsewhere = await makeProject(ctx(), owner.id);
    expect(await findGrantVisibleTo(ctx(), elsewhere.id, { orgIds: [partner.id], grantIds: [toPartner.id] })).toBeNull();
  });
});
