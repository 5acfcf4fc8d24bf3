import { describe, expect, it } from "vitest";
import {
  activateAuthorization,
  authorizationHolder,
  createAuthorization,
  deactivateAuthorization,
  deleteAuthorization,
  findAuthorization,
  getAuthorization,
  listAuthorizations,
  updateAuthorization,
  type AuthorizationFilter,
  type AuthorizationVisibility,
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
    const a = await createAuthorization(ctx(), {
      userId: partnerUser.id,
      projectId: project.id,
      organizationId: partner.id,
      roleKeys: ["viewer"],
    });
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
    const a = await createAuthorization(ctx(), {
      userId: ownUser.id,
      projectId: project.id,
      organizationId: partner.id,
      roleKeys: ["viewer"],
    });
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
    const a = await createAuthorization(ctx(), {
      userId: partnerUser.id,
      projectId: project.id,
      organizationId: partner.id,
      roleKeys: ["viewer"],
    });
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
    const a2 = await createAuthorization(ctx(), {
      userId: partnerUser.id,
      projectId: project.id,
      organizationId: partner.id,
      roleKeys: ["viewer"],
    });
    await deactivateAuthorization(ctx(), a2.id);
    const ids = (p: { items: { id: string }[] }) => p.items.map((a) => a.id);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, pagination: { asc: true } }))).toEqual([a1.id, a2.id]);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, organizationId: partner.id }))).toEqual([a2.id]);
    expect(ids(await listAuthorizations(ctx(), { userOrganizationId: owner.id, projectId: project.id }))).toEqual([a1.id]);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, state: "ACTIVE" }))).toEqual([a1.id]);
    expect(ids(await listAuthorizations(ctx(), { projectId: project.id, roleKey: { value: "viewer" } }))).toEqual([a2.id]);
    expect(ids(await listAuthorizations(ctx(), { userId: ownUser.id }))).toEqual([a1.id]);
    expect(ids(await listAuthorizations(ctx(), { projectName: { value: project.name }, pagination: { asc: true } }))).toEqual([
      a1.id,
      a2.id,
    ]);
    expect(ids(await listAuthorizations(ctx(), { projectGrantId: a2.projectGrantId! }))).toEqual([a2.id]);
    const page = await listAuthorizations(ctx(), { projectId: project.id, pagination: { asc: true, limit: 1, offset: 1 } });
    expect(page).toMatchObject({ totalResult: 2, appliedLimit: 1 });
    expect(ids(page)).toEqual([a2.id]);
    await expectDomainError(listAuthorizations(ctx(), { state: "GONE" as never }), "invalid_argument", "state.state");
  });
});

describe("authorization lists for the management API", () => {
  async function listScene() {
    const s = await scene();
    const second = await makeUser(ctx(), s.owner.id);
    await ctx().prisma.user.update({ where: { id: second.id }, data: { displayName: `Ada ${second.username}` } });
    const a1 = await createAuthorization(ctx(), { userId: s.ownUser.id, projectId: s.project.id, roleKeys: ["admin"] });
    const a2 = await createAuthorization(ctx(), { userId: second.id, projectId: s.project.id, roleKeys: ["viewer", "editor"] });
    const a3 = await createAuthorization(ctx(), {
      userId: s.partnerUser.id,
      projectId: s.project.id,
      organizationId: s.partner.id,
      roleKeys: ["viewer"],
    });
    await deactivateAuthorization(ctx(), a2.id);
    return { ...s, second, a1, a2, a3 };
  }
  const sorted = (...list: { id: string }[]) => list.map((a) => a.id).sort();

  it("match text filters with every method, and repeated filters all hold", async () => {
    const s = await listScene();
    const ids = async (...filters: AuthorizationFilter[]) =>
      (await listAuthorizations(ctx(), { projectId: s.project.id, filters })).items.map((a) => a.id).sort();
    expect(await ids()).toEqual(sorted(s.a1, s.a2, s.a3));
    expect(await ids({ roleKey: { value: "viewer" } })).toEqual(sorted(s.a2, s.a3));
    expect(await ids({ roleKey: { value: "ADM", method: "STARTS_WITH_IGNORE_CASE" } })).toEqual(sorted(s.a1));
    expect(await ids({ roleKey: { value: "EDITOR", method: "EQUALS_IGNORE_CASE" } })).toEqual(sorted(s.a2));
    expect(await ids({ roleKey: { value: "no-such-role", method: "CONTAINS" } })).toEqual([]);
    expect(await ids({ userPreferredLoginName: { value: s.partnerUser.username.toUpperCase(), method: "EQUALS_IGNORE_CASE" } })).toEqual(
      sorted(s.a3),
    );
    expect(await ids({ userDisplayName: { value: "Ada ", method: "STARTS_WITH" } })).toEqual(sorted(s.a2));
    // Without a display name, the login name is shown and matched.
    expect(await ids({ userDisplayName: { value: s.ownUser.username } })).toEqual(sorted(s.a1));
    expect(await ids({ projectName: { value: s.project.name.slice(2).toLowerCase(), method: "CONTAINS_IGNORE_CASE" } })).toEqual(
      sorted(s.a1, s.a2, s.a3),
    );
    expect(await ids({ ids: [s.a1.id, s.a3.id] }, { organizationId: s.partner.id })).toEqual(sorted(s.a3));
    expect(await ids({ userOrganizationId: s.owner.id }, { state: "ACTIVE" })).toEqual(sorted(s.a1));
    // One kind may repeat: both must hold.
    expect(await ids({ userId: s.ownUser.id }, { userId: s.second.id })).toEqual([]);
    await expectDomainError(ids({ userId: "x" }), "invalid_argument", "userId.id");
    await expectDomainError(ids({ roleKey: { value: "x".repeat(201), method: "CONTAINS" } }), "invalid_argument", "roleKey.key");
  });

  it("sort by each column and paginate", async () => {
    const s = await listScene();
    const all = sorted(s.a1, s.a2, s.a3);
    const page = await listAuthorizations(ctx(), { projectId: s.project.id, sortBy: "id", pagination: { asc: true, limit: 2, offset: 1 } });
    expect(page).toMatchObject({ totalResult: 3, appliedLimit: 2 });
    expect(page.items.map((a) => a.id)).toEqual(all.slice(1));
    const desc = await listAuthorizations(ctx(), { projectId: s.project.id, sortBy: "id" });
    expect(desc.items.map((a) => a.id)).toEqual([...all].reverse());
    const byUserOrg = await listAuthorizations(ctx(), { projectId: s.project.id, sortBy: "userOrganizationId", pagination: { asc: true } });
    const userOrgs = byUserOrg.items.map((a) => a.user.orgId);
    expect(userOrgs).toEqual([...userOrgs].sort());
    for (const sortBy of ["creationDate", "changeDate", "userId", "projectId", "organizationId"] as const) {
      expect((await listAuthorizations(ctx(), { projectId: s.project.id, sortBy })).items).toHaveLength(3);
    }
    await expectDomainError(listAuthorizations(ctx(), { sortBy: "name" as never }), "invalid_argument", "sortingColumn");
    await expectDomainError(listAuthorizations(ctx(), { pagination: { limit: 5000 } }), "invalid_argument", "pagination.limit");
  });

  it("narrow to what a caller's memberships reach, and carry user, project and grant", async () => {
    const s = await listScene();
    const grant = await ctx().prisma.projectGrant.findFirstOrThrow({ where: { projectId: s.project.id, grantedOrgId: s.partner.id } });
    const none = { userId: s.second.id, userOrgIds: [], orgIds: [], projectIds: [], grantIds: [] };
    const visible = async (visibleTo: AuthorizationVisibility) =>
      (await listAuthorizations(ctx(), { projectId: s.project.id, visibleTo })).items.map((a) => a.id).sort();
    expect(await visible(none)).toEqual(sorted(s.a2)); // its own
    expect(await visible({ ...none, userOrgIds: [s.partner.id] })).toEqual(sorted(s.a2, s.a3)); // held by its organization
    expect(await visible({ ...none, orgIds: [s.owner.id] })).toEqual(sorted(s.a1, s.a2, s.a3)); // the project's owner
    expect(await visible({ ...none, projectIds: [s.project.id] })).toEqual(sorted(s.a1, s.a2, s.a3));
    expect(await visible({ ...none, grantIds: [grant.id] })).toEqual(sorted(s.a2, s.a3));
    expect(await visible({ ...none, userId: s.partnerUser.id })).toEqual(sorted(s.a3));

    const row = (await listAuthorizations(ctx(), { ids: [s.a3.id] })).items[0]!;
    expect(row).toMatchObject({
      id: s.a3.id,
      user: { id: s.partnerUser.id, orgId: s.partner.id, username: s.partnerUser.username },
      project: { name: s.project.name, orgId: s.owner.id },
      projectGrant: { id: grant.id, grantedOrgId: s.partner.id },
    });
    expect(await findAuthorization(ctx(), s.a3.id)).toEqual(row);
    expect(await findAuthorization(ctx(), "1")).toBeNull();
    await expectDomainError(findAuthorization(ctx(), "x"), "invalid_argument", "id");
  });

  it("resolve who would hold a new authorization", async () => {
    const { owner, partner, project } = await scene();
    const stranger = await makeOrg(ctx());
    expect(await authorizationHolder(ctx(), { projectId: project.id })).toMatchObject({
      project: { id: project.id },
      orgId: owner.id,
      grant: null,
    });
    expect(await authorizationHolder(ctx(), { projectId: project.id, organizationId: "" })).toMatchObject({ orgId: owner.id, grant: null });
    const held = await authorizationHolder(ctx(), { projectId: project.id, organizationId: partner.id });
    expect(held).toMatchObject({ orgId: partner.id, grant: { projectId: project.id, grantedOrgId: partner.id } });
    expect(await authorizationHolder(ctx(), { projectId: project.id, organizationId: stranger.id })).toMatchObject({
      orgId: stranger.id,
      grant: null,
    });
    await expectDomainError(authorizationHolder(ctx(), { projectId: "1" }), "not_found");
    await expectDomainError(authorizationHolder(ctx(), { projectId: "x" }), "invalid_argument", "projectId");
    await expectDomainError(
      authorizationHolder(ctx(), { projectId: project.id, organizationId: "x" }),
      "invalid_argument",
      "organizationId",
    );
  });
});
