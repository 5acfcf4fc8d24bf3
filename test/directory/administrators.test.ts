import { describe, expect, it } from "vitest";
import {
  createAdministrator,
  deleteAdministrator,
  listAdministrators,
  listMemberships,
  updateAdministrator,
} from "../../src/directory/administrators.js";
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
    const onOrg = await createAdministrator(ctx(), { userId: user.id, resource: { organizationId: org.id }, roles: ["ORG_OWNER", "ORG_USER_MANAGER"] });
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
    await expectDomainError(createAdministrator(ctx(), { userId: user.id, resource: { organizationId: org.id }, roles: ["IAM_OWNER"] }), "invalid_argument", "roles[0]");
    await expectDomainError(createAdministrator(ctx(), { userId: user.id, resource: { projectId: project.id }, roles: [] }), "invalid_argument", "roles");
    await expectDomainError(createAdministrator(ctx(), { userId: user.id, resource: {}, roles: ["IAM_OWNER"] }), "invalid_argument", "resource");
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource: { instance: true, projectId: project.id }, roles: ["IAM_OWNER"] }),
      "invalid_argument",
      "resource",
    );
    await expectDomainError(createAdministrator(ctx(), { userId: user.id, resource: { projectId: "1" }, roles: ["PROJECT_OWNER"] }), "not_found");
    await expectDomainError(createAdministrator(ctx(), { userId: "1", resource: { instance: true }, roles: ["IAM_OWNER"] }), "not_found");
    await expectDomainError(
      createAdministrator(ctx(), { userId: user.id, resource: { projectGrant: { projectId: project.id, organizationId: org.id } }, roles: ["PROJECT_GRANT_OWNER"] }),
      "not_found",
    );
  });

  it("are unique per user and resource; update replaces roles; delete is idempotent", async () => {
    const { org, user } = await scene();
    const resource = { organizationId: org.id };
    await createAdministrator(ctx(), { userId: user.id, resource, roles: ["ORG_OWNER"] });
    await expectDomainError(createAdministrator(ctx(), { userId: user.id, resource, roles: ["ORG_USER_MANAGER"] }), "already_exists", "userId");
    expect((await updateAdministrator(ctx(), { userId: user.id, resource, roles: ["ORG_USER_MANAGER"] })).roles).toEqual(["ORG_USER_MANAGER"]);
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
    await expectDomainError(listAdministrators(ctx(), { role: "BOSS" as never }), "invalid_argument", "role");
  });
});
