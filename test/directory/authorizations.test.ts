import { describe, expect, it } from "vitest";
import {
  activateAuthorization,
  createAuthorization,
  deactivateAuthorization,
  deleteAuthorization,
  getAuthorization,
  listAuthorizations,
  updateAuthorization,
} from "../../src/directory/authorizations.js";
import { createProjectGrant, deactivateProjectGrant } from "../../src/directory/project-grants.js";
import { expectDomainError, useDirectory } from "../support/directory.js";
import { makeOrg, makeProject, makeUser } from "../support/fixtures.js";

const { ctx } = useDirectory();

async function scene() {
  const owner = await makeOrg(ctx());
  const partner = await makeOrg(ctx());
  const project = await makeProject(ctx(), owner.id, ["admin", "editor", "viewer"]);
  await createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer", "editor"] });
  const ownUser = await makeUser(ctx(), owner.id);
  const partnerUser = await makeUser(ctx(), partner.id);
  return { owner, partner, project, ownUser, partnerUser };
}

describe("authorizations", () => {
  it("are held by the project owner by default, with any of the project's roles", async () => {
    const { owner, project, ownUser } = await scene();
    const a = await createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, roleKeys: ["admin"] });
    expect(a).toMatchObject({ orgId: owner.id, projectGrantId: null, roleKeys: ["admin"], state: "ACTIVE" });
    expect(await getAuthorization(ctx(), a.id)).toMatchObject({ id: a.id });
    await expectDomainError(
      createAuthorization(ctx(), { userId: (await makeUser(ctx(), owner.id)).id, projectId: project.id, roleKeys: ["ghost"] }),
      "invalid_argument",
      "roleKeys[0]",
    );
  });

  it("held by a granted organization belong to its grant and may use only the grant's keys", async () => {
    const { partner, project, partnerUser } = await scene();
    const a = await createAuthorization(ctx(), { userId: partnerUser.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] });
    const grant = await ctx().prisma.projectGrant.findFirstOrThrow({ where: { projectId: project.id, grantedOrgId: partner.id } });
    expect(a).toMatchObject({ orgId: partner.id, projectGrantId: grant.id });
    const other = await makeUser(ctx(), partner.id);
    const error = await expectDomainError(
      createAuthorization(ctx(), { userId: other.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer", "admin"] }),
      "invalid_argument",
      "roleKeys[1]",
    );
    expect(error.message).toContain("admin");
  });

  it("can be external user grants: held by an org other than the user's own", async () => {
    const { owner, partner, project, ownUser } = await scene();
    const a = await createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] });
    expect(a.orgId).toBe(partner.id);
    expect(ownUser.orgId).toBe(owner.id);
  });

  it("are refused for organizations without a grant, or with an inactive one", async () => {
    const { partner, project, partnerUser } = await scene();
    const stranger = await makeOrg(ctx());
    await expectDomainError(
      createAuthorization(ctx(), { userId: partnerUser.id, projectId: project.id, organizationId: stranger.id, roleKeys: [] }),
      "failed_precondition",
      "organizationId",
    );
    await deactivateProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id });
    await expectDomainError(
      createAuthorization(ctx(), { userId: partnerUser.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] }),
      "failed_precondition",
      "organizationId",
    );
  });

  it("validate their references", async () => {
    const { project, ownUser } = await scene();
    await expectDomainError(createAuthorization(ctx(), { userId: "1", projectId: project.id }), "not_found");
    await expectDomainError(createAuthorization(ctx(), { userId: ownUser.id, projectId: "1" }), "not_found");
    await expectDomainError(createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, organizationId: "1" }), "not_found");
    await expectDomainError(createAuthorization(ctx(), { userId: "", projectId: project.id }), "invalid_argument", "userId");
    await expectDomainError(createAuthorization(ctx(), { userId: ownUser.id, projectId: "x" }), "invalid_argument", "projectId");
    await expectDomainError(
      createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, roleKeys: [1] as never }),
      "invalid_argument",
      "roleKeys[0]",
    );
  });

  it("are unique per holding org, user and project, even when racing", async () => {
    const { project, ownUser } = await scene();
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, roleKeys: ["viewer"] })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "already_exists" });
    }
  });

  it("replace their role keys on update, within what the holder may give", async () => {
    const { partner, project, partnerUser } = await scene();
    const a = await createAuthorization(ctx(), { userId: partnerUser.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] });
    expect((await updateAuthorization(ctx(), { id: a.id, roleKeys: ["editor"] })).roleKeys).toEqual(["editor"]);
    await expectDomainError(updateAuthorization(ctx(), { id: a.id, roleKeys: ["admin"] }), "invalid_argument", "roleKeys[0]");
    await expectDomainError(updateAuthorization(ctx(), { id: "1", roleKeys: [] }), "not_found");
  });

  it("(de)activate idempotently and delete idempotently", async () => {
    const { project, ownUser } = await scene();
    const a = await createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, roleKeys: ["viewer"] });
    expect((await deactivateAuthorization(ctx(), a.id)).state).toBe("INACTIVE");
    expect((await deactivateAuthorization(ctx(), a.id)).state).toBe("INACTIVE");
    expect((await activateAuthorization(ctx(), a.id)).state).toBe("ACTIVE");
    expect((await activateAuthorization(ctx(), a.id)).state).toBe("ACTIVE");
    const actions = (await ctx().prisma.auditEntry.findMany({ where: { targetId: a.id }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["authorization.created", "authorization.deactivated", "authorization.activated"]);
    expect(await deleteAuthorization(ctx(), a.id)).toBe(true);
    expect(await deleteAuthorization(ctx(), a.id)).toBe(false);
    await expectDomainError(activateAuthorization(ctx(), a.id), "not_found");
  });

  it("list with filters and pagination", async () => {
    const { owner, partner, project, ownUser, partnerUser } = await scene();
    const a1 = await createAuthorization(ctx(), { userId: ownUser.id, projectId: project.id, roleKeys: ["admin"] });
    const a2 = await createAuthorization(ctx(), { userId: partnerUser.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] });
    await deactivateAuthorization(ctx(), a2.id);
    const ids = (p: { items: { id: string }[] }) => p.items.map((a) => a.id);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, pagination: { asc: true } }))).toEqual([a1.id, a2.id]);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, organizationId: partner.id }))).toEqual([a2.id]);
    expect(ids(await listAuthorizations(ctx(), { userOrganizationId: owner.id, projectId: project.id }))).toEqual([a1.id]);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, state: "ACTIVE" }))).toEqual([a1.id]);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, roleKey: { value: "viewer" } }))).toEqual([a2.id]);
    expect(ids(await listAuthorizations(ctx(), { userId: ownUser.id }))).toEqual([a1.id]);
    expect(ids(await listAuthorizations(ctx(), { projectName: { value: project.name }, pagination: { asc: true } }))).toEqual([a1.id, a2.id]);
    expect(ids(await listAuthorizations(ctx(), { projectGrantId: a2.projectGrantId! }))).toEqual([a2.id]);
    const page = await listAuthorizations(ctx(), { projectId: project.id, pagination: { asc: true, limit: 1, offset: 1 } });
    expect(page).toMatchObject({ totalResult: 2, appliedLimit: 1 });
    expect(ids(page)).toEqual([a2.id]);
    await expectDomainError(listAuthorizations(ctx(), { state: "GONE" as never }), "invalid_argument", "state");
  });
});
