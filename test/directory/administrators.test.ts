import { describe, expect, it } from "vitest";
import {
  createAdministrator,
  deleteAdministrator,
  findResourceOwners,
  listAdministrators,
  listMemberships,
  updateAdministrator,
  type AdministratorFilter,
  type AdministratorVisibility,
} from "../../src/directory/administrators.js";
import { MAX_FILTER_DEPTH } from "../../src/directory/list.js";
import { deleteOrganization } from "../../src/directory/organizations.js";
import { createProjectGrant, deleteProjectGrant } from "../../src/directory/project-grants.js";
import { deleteProject } from "../../src/directory/projects.js";
import { expectDomainError, useDirectory } from "../support/directory.js";
import { makeOrg, makeProject, makeUser } from "../support/fixtures.js";

const { ctx } = useDirectory();

async function scene() {
  const org = await makeOrg(ctx());
  const partner = await makeOrg(ctx());
  const project = await makeProject(ctx(), org.id, ["viewer"]);
  await createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
  const user = await makeUser(ctx(), org.id);
  return { org, partner, project, user };
}

describe("administrators", () => {
  it("grants roles on each kind of resource", async () => {
    const { org, partner, project, user } = await scene();
    const onInstance = await createAdministrator(ctx(), { userId: user.id, resource: { instance: true }, roles: ["IAM_OWNER"] });
    expect(onInstance).toMatchObject({ resource: "INSTANCE", resourceId: "", roles: ["IAM_OWNER"] });
    const onOrg = await createAdministrator(ctx(), {
      userId: user.id,
      resource: { organizationId: org.id },
      roles: ["ORG_OWNER", "ORG_USER_MANAGER"],
    });
    expect(onOrg).toMatchObject({ resource: "ORGANIZATION", resourceId: org.id, orgId: org.id });
    const onProject = await createAdministrator(ctx(), { userId: user.id, resource: { projectId: project.id }, roles: ["PROJECT_OWNER"] });
    expect(onProject).toMatchObject({ resource: "PROJECT", projectId: project.id });
    const onGrant = await createAdministrator(ctx(), {
      userId: user.id,
      resource: { projectGrant: { projectId: project.id, organizationId: partner.id } },
      roles: ["PROJECT_GRANT_OWNER"],
    });
    expect(onGrant.resource).toBe("PROJECT_GRANT");
    const grant = await ctx().prisma.projectGrant.findFirstOrThrow({ where: { projectId: project.id } });
    expect(onGrant.projectGrantId).toBe(grant.id);
    // The proto's way: the grant by its id.
    const other = await makeUser(ctx(), partner.id);
    const byId = await createAdministrator(ctx(), {
      userId: other.id,
      resource: { projectGrant: { projectId: project.id, projectGrantId: grant.id } },
      roles: ["PROJECT_GRANT_OWNER"],
    });
    expect(byId.projectGrantId).toBe(grant.id);
    expect((await listMemberships(ctx(), user.id)).map((m) => m.resource).sort()).toEqual([
      "INSTANCE",
      "ORGANIZATION",
      "PROJECT",
      "PROJECT_GRANT",
    ]);
    const audit = await ctx().prisma.auditEntry.findFirst({ where: { targetId: onInstance.id } });
    expect(audit).toMatchObject({ action: "administrator.created" });
  });

  it("validates roles against the resource, the resource, and the user", async () => {
    const { org, project, user } = await scene();
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource: { organizationId: org.id }, roles: ["IAM_OWNER"] }),
      "invalid_argument",
      "roles[0]",
    );
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource: { projectId: project.id }, roles: [] }),
      "invalid_argument",
      "roles",
    );
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource: {}, roles: ["IAM_OWNER"] }),
      "invalid_argument",
      "resource",
    );
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource: { instance: true, projectId: project.id }, roles: ["IAM_OWNER"] }),
      "invalid_argument",
      "resource",
    );
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource: { projectId: "1" }, roles: ["PROJECT_OWNER"] }),
      "not_found",
    );
    await expectDomainError(createAdministrator(ctx(), { userId: "1", resource: { instance: true }, roles: ["IAM_OWNER"] }), "not_found");
    await expectDomainError(
      createAdministrator(ctx(), {
        userId: user.id,
        resource: { projectGrant: { projectId: project.id, organizationId: org.id } },
        roles: ["PROJECT_GRANT_OWNER"],
      }),
      "not_found",
    );
  });

  it("are unique per user and resource; update replaces roles; delete is idempotent", async () => {
    const { org, user } = await scene();
    const resource = { organizationId: org.id };
    await createAdministrator(ctx(), { userId: user.id, resource, roles: ["ORG_OWNER"] });
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource, roles: ["ORG_USER_MANAGER"] }),
      "already_exists",
      "userId",
    );
    expect((await updateAdministrator(ctx(), { userId: user.id, resource, roles: ["ORG_USER_MANAGER"] })).roles).toEqual([
      "ORG_USER_MANAGER",
    ]);
    expect(await deleteAdministrator(ctx(), { userId: user.id, resource })).toBe(true);
    expect(await deleteAdministrator(ctx(), { userId: user.id, resource })).toBe(false);
    await expectDomainError(updateAdministrator(ctx(), { userId: user.id, resource, roles: ["ORG_OWNER"] }), "not_found");
  });

  it("go with the resource they are on", async () => {
    const { org, partner, project, user } = await scene();
    await createAdministrator(ctx(), { userId: user.id, resource: { projectId: project.id }, roles: ["PROJECT_OWNER"] });
    await createAdministrator(ctx(), {
      userId: user.id,
      resource: { projectGrant: { projectId: project.id, organizationId: partner.id } },
      roles: ["PROJECT_GRANT_OWNER"],
    });
    await deleteProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id });
    expect((await listMemberships(ctx(), user.id)).map((m) => m.resource)).toEqual(["PROJECT"]);
    await deleteProject(ctx(), project.id);
    expect(await listMemberships(ctx(), user.id)).toEqual([]);
    await createAdministrator(ctx(), { userId: user.id, resource: { organizationId: partner.id }, roles: ["ORG_OWNER"] });
    await deleteOrganization(ctx(), partner.id);
    expect(await listMemberships(ctx(), user.id)).toEqual([]);
    await deleteOrganization(ctx(), org.id); // the user goes too
    expect(await ctx().prisma.user.findUnique({ where: { id: user.id } })).toBeNull();
  });

  it("list by user, resource and role", async () => {
    const { org, project, user } = await scene();
    const other = await makeUser(ctx(), org.id);
    await createAdministrator(ctx(), { userId: user.id, resource: { organizationId: org.id }, roles: ["ORG_OWNER"] });
    await createAdministrator(ctx(), { userId: other.id, resource: { organizationId: org.id }, roles: ["ORG_USER_MANAGER"] });
    await createAdministrator(ctx(), { userId: other.id, resource: { projectId: project.id }, roles: ["PROJECT_OWNER"] });
    expect((await listAdministrators(ctx(), { resource: "ORGANIZATION", resourceId: org.id })).totalResult).toBe(2);
    expect((await listAdministrators(ctx(), { userId: other.id })).totalResult).toBe(2);
    const managers = await listAdministrators(ctx(), { resourceId: org.id, role: "ORG_USER_MANAGER" });
    expect(managers.items.map((a) => a.userId)).toEqual([other.id]);
    await expectDomainError(listAdministrators(ctx(), { role: "BOSS" as never }), "invalid_argument", "role.roleKey");
  });
});

describe("administrator lists for the management API", () => {
  async function listScene() {
    const s = await scene();
    const grant = await ctx().prisma.projectGrant.findFirstOrThrow({ where: { projectId: s.project.id, grantedOrgId: s.partner.id } });
    const second = await makeUser(ctx(), s.org.id);
    const partnerUser = await makeUser(ctx(), s.partner.id);
    await ctx().prisma.user.update({ where: { id: second.id }, data: { displayName: `Grace ${second.username}` } });
    const owner = await createAdministrator(ctx(), { userId: s.user.id, resource: { organizationId: s.org.id }, roles: ["ORG_OWNER"] });
    const manager = await createAdministrator(ctx(), {
      userId: second.id,
      resource: { organizationId: s.org.id },
      roles: ["ORG_USER_MANAGER"],
    });
    const projectOwner = await createAdministrator(ctx(), {
      userId: second.id,
      resource: { projectId: s.project.id },
      roles: ["PROJECT_OWNER"],
    });
    const grantOwner = await createAdministrator(ctx(), {
      userId: partnerUser.id,
      resource: { projectGrant: { projectId: s.project.id, projectGrantId: grant.id } },
      roles: ["PROJECT_GRANT_OWNER"],
    });
    return {
      ...s,
      grant,
      second,
      partnerUser,
      owner,
      manager,
      projectOwner,
      grantOwner,
      mine: { userIds: [s.user.id, second.id, partnerUser.id] },
    };
  }
  const ids = (...list: { id: string }[]) => list.map((a) => a.id);

  it("filter with and/or/not, text and date conditions", async () => {
    const s = await listScene();
    const list = async (...filters: AdministratorFilter[]) =>
      ids(...(await listAdministrators(ctx(), { ...s.mine, filters, pagination: { asc: true } })).items);
    expect(await list()).toEqual(ids(s.owner, s.manager, s.projectOwner, s.grantOwner));
    expect(await list({ resource: "ORGANIZATION", resourceId: s.org.id })).toEqual(ids(s.owner, s.manager));
    expect(await list({ resource: "PROJECT_GRANT", resourceId: s.grant.id })).toEqual(ids(s.grantOwner));
    expect(await list({ resource: "INSTANCE" })).toEqual([]);
    expect(await list({ role: "PROJECT_OWNER" })).toEqual(ids(s.projectOwner));
    expect(await list({ userOrganizationId: s.partner.id })).toEqual(ids(s.grantOwner));
    expect(await list({ userPreferredLoginName: { value: s.user.username.toUpperCase(), method: "EQUALS_IGNORE_CASE" } })).toEqual(
      ids(s.owner),
    );
    expect(await list({ userDisplayName: { value: "Grace", method: "STARTS_WITH" } })).toEqual(ids(s.manager, s.projectOwner));
    expect(await list({ or: [{ role: "ORG_OWNER" }, { role: "PROJECT_GRANT_OWNER" }] })).toEqual(ids(s.owner, s.grantOwner));
    expect(await list({ or: [] })).toHaveLength(4);
    expect(await list({ not: {} }, { and: [] })).toHaveLength(4);
    expect(await list({ and: [{ userId: s.second.id }, { not: { role: "PROJECT_OWNER" } }] })).toEqual(ids(s.manager));
    expect(await list({ userId: s.second.id }, { role: "ORG_USER_MANAGER" })).toEqual(ids(s.manager));
    const past = new Date(Date.now() - 3_600_000);
    expect(await list({ createdAt: { method: "gt", value: past } })).toHaveLength(4);
    expect(await list({ updatedAt: { method: "lte", value: past } })).toEqual([]);

    await expectDomainError(list({ userIds: ["x"] }), "invalid_argument", "filters[0].inUserIdsFilter.ids[0]");
    await expectDomainError(
      list({}, { and: [{ not: { role: "BOSS" as never } }] }),
      "invalid_argument",
      "filters[1].and.queries[0].not.query.role.roleKey",
    );
    await expectDomainError(
      list({ createdAt: { method: "after" as never, value: past } }),
      "invalid_argument",
      "filters[0].creationDate.method",
    );
    await expectDomainError(
      list({ updatedAt: { method: "gt", value: new Date(NaN) } }),
      "invalid_argument",
      "filters[0].changeDate.timestamp",
    );
    await expectDomainError(
      list({ userPreferredLoginName: { value: "x".repeat(201) } }),
      "invalid_argument",
      "filters[0].userPreferredLoginName.preferredLoginName",
    );
    const nest = (depth: number): AdministratorFilter => (depth === 0 ? { role: "ORG_OWNER" } : { and: [nest(depth - 1)] });
    expect(await list(nest(MAX_FILTER_DEPTH))).toEqual(ids(s.owner));
    await expectDomainError(list(nest(MAX_FILTER_DEPTH + 1)), "invalid_argument");
  });

  it("sort by creation, change date or user, and paginate", async () => {
    const s = await listScene();
    const page = await listAdministrators(ctx(), { ...s.mine, sortBy: "userId", pagination: { asc: true, limit: 2, offset: 1 } });
    expect(page).toMatchObject({ totalResult: 4, appliedLimit: 2 });
    expect(page.items.map((a) => a.userId)).toEqual([s.user.id, s.second.id, s.second.id, s.partnerUser.id].sort().slice(1, 3));
    const newestFirst = await listAdministrators(ctx(), { ...s.mine });
    expect(ids(...newestFirst.items)).toEqual(ids(s.grantOwner, s.projectOwner, s.manager, s.owner));
    await updateAdministrator(ctx(), {
      userId: s.user.id,
      resource: { organizationId: s.org.id },
      roles: ["ORG_OWNER", "ORG_USER_MANAGER"],
    });
    expect((await listAdministrators(ctx(), { ...s.mine, sortBy: "changeDate" })).items[0]!.id).toBe(s.owner.id);
    await expectDomainError(listAdministrators(ctx(), { sortBy: "role" as never }), "invalid_argument", "sortingColumn");
  });

  it("narrow to what a caller's memberships reach, and carry user and resource", async () => {
    const s = await listScene();
    const none: AdministratorVisibility = { userId: s.partnerUser.id, orgIds: [], projectIds: [], grantIds: [] };
    const visible = async (visibleTo: AdministratorVisibility) =>
      ids(...(await listAdministrators(ctx(), { ...s.mine, visibleTo, pagination: { asc: true } })).items);
    expect(await visible(none)).toEqual(ids(s.grantOwner)); // its own
    expect(await visible({ ...none, userId: s.second.id })).toEqual(ids(s.manager, s.projectOwner));
    // The project's organization: its own administrators, the project's and the grant's.
    expect(await visible({ ...none, orgIds: [s.org.id] })).toEqual(ids(s.owner, s.manager, s.projectOwner, s.grantOwner));
    // The granted organization sees the grant's administrators only.
    expect(await visible({ ...none, userId: s.user.id, orgIds: [s.partner.id] })).toEqual(ids(s.owner, s.grantOwner));
    expect(await visible({ ...none, userId: s.user.id, projectIds: [s.project.id] })).toEqual(ids(s.owner, s.projectOwner, s.grantOwner));
    expect(await visible({ ...none, userId: s.user.id, grantIds: [s.grant.id] })).toEqual(ids(s.owner, s.grantOwner));

    const rows = (await listAdministrators(ctx(), { ...s.mine, pagination: { asc: true } })).items;
    expect(rows[0]).toMatchObject({
      user: { id: s.user.id, username: s.user.username },
      org: { id: s.org.id, name: s.org.name },
      project: null,
    });
    expect(rows[2]).toMatchObject({ project: { id: s.project.id, name: s.project.name, orgId: s.org.id }, org: null });
    expect(rows[3]).toMatchObject({
      projectGrant: {
        id: s.grant.id,
        projectId: s.project.id,
        grantedOrgId: s.partner.id,
        project: { name: s.project.name, orgId: s.org.id },
      },
    });
  });

  it("find the project (and grant) a project or grant resource is on", async () => {
    const { org, partner, project } = await scene();
    const grant = await ctx().prisma.projectGrant.findFirstOrThrow({ where: { projectId: project.id } });
    const ofProject = await findResourceOwners(ctx(), { projectId: project.id });
    expect(ofProject).toMatchObject({ project: { id: project.id, orgId: org.id } });
    expect(ofProject?.grant).toBeUndefined();
    const owners = { project: { id: project.id }, grant: { id: grant.id, grantedOrgId: partner.id } };
    expect(await findResourceOwners(ctx(), { projectGrant: { projectId: project.id, projectGrantId: grant.id } })).toMatchObject(owners);
    expect(await findResourceOwners(ctx(), { projectGrant: { projectId: project.id, organizationId: partner.id } })).toMatchObject(owners);
    expect(await findResourceOwners(ctx(), { projectId: "1" })).toBeNull();
    expect(await findResourceOwners(ctx(), { projectGrant: { projectId: "1", projectGrantId: grant.id } })).toBeNull();
    expect(await findResourceOwners(ctx(), { projectGrant: { projectId: project.id, organizationId: org.id } })).toBeNull();
    expect(await findResourceOwners(ctx(), { organizationId: org.id })).toBeNull();
    expect(await findResourceOwners(ctx(), { instance: true })).toBeNull();
    await expectDomainError(findResourceOwners(ctx(), { projectId: "x" }), "invalid_argument", "resource.projectId");
    await expectDomainError(
      findResourceOwners(ctx(), { projectGrant: { projectId: "x", projectGrantId: grant.id } }),
      "invalid_argument",
      "resource.projectGrant.projectId",
    );
  });

  it("refuse control characters in text filters (NUL, which PostgreSQL refuses, above all)", async () => {
    for (const value of ["a\u0000", "\u0000", "a\u001fb", "a\u0085"]) {
      await expectDomainError(
        listAdministrators(ctx(), { userPreferredLoginName: { value } }),
        "invalid_argument",
        "userPreferredLoginName.preferredLoginName",
      );
      await expectDomainError(
        listAdministrators(ctx(), { userDisplayName: { value, method: "CONTAINS" } }),
        "invalid_argument",
        "userDisplayName.displayName",
      );
      await expectDomainError(listAdministrators(ctx(), { filters: [{ resourceId: value }] }), "invalid_argument", "filters[0].resourceId");
    }
  });
});
