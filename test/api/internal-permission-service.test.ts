import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { TextFilterMethod, TimestampFilterMethod } from "@zitadel/proto/zitadel/filter/v2beta/filter_pb.js";
import { InternalPermissionService } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import type { ResourceTypeSchema } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import {
  AdministratorFieldName,
  type AdministratorSearchFilterSchema,
} from "@zitadel/proto/zitadel/internal_permission/v2beta/query_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { describe, expect, it } from "vitest";
import type { DirectoryContext } from "../../src/directory/context.js";
import { createOrganization } from "../../src/directory/organizations.js";
import { createApiClient, TRANSPORTS, useApiServer, type Transport } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { makeUser } from "../support/fixtures.js";
import { expectCode } from "../support/connect.js";

const api = useApiServer();

const dir = (): DirectoryContext => ({ prisma: api().db.prisma, actor: { id: "test" } });

type Resource = MessageInitShape<typeof ResourceTypeSchema>;
type Filter = MessageInitShape<typeof AdministratorSearchFilterSchema>;
const onOrg = (id: string): Resource => ({ resource: { case: "organizationId", value: id } });
const onProject = (id: string): Resource => ({ resource: { case: "projectId", value: id } });
const onGrant = (projectId: string, projectGrantId: string): Resource => ({
  resource: { case: "projectGrant", value: { projectId, projectGrantId } },
});
const onInstance: Resource = { resource: { case: "instance", value: true } };
const ofUser = (...ids: string[]): Filter => ({ filter: { case: "inUserIdsFilter", value: { ids } } });

/** An owner org with a project granted to a partner org, and a user in each. */
async function scene(transport: Transport) {
  const projects = api().client(ProjectService, transport);
  const owner = await createOrganization(dir(), { name: unique("Org") });
  const partner = await createOrganization(dir(), { name: unique("Partner") });
  const { id: projectId } = await projects.createProject({ organizationId: owner.id, name: unique("Portal") });
  await projects.addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer" });
  await projects.createProjectGrant({ projectId, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
  const grant = await api().db.prisma.projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: partner.id } });
  const user = await makeUser(dir(), owner.id);
  const partnerUser = await makeUser(dir(), partner.id);
  return { projects, owner, partner, projectId, grant, user, partnerUser };
}

describe.each(TRANSPORTS)("InternalPermissionService over %s", (transport) => {
  const perms = () => api().client(InternalPermissionService, transport);
  const rolesOf = async (userId: string) =>
    (
      await perms().listAdministrators({
        filters: [ofUser(userId)],
        sortingColumn: AdministratorFieldName.CREATION_DATE,
        pagination: { asc: true },
      })
    ).administrators;

  it("creates, lists, updates and deletes administrators on every kind of resource", async () => {
    const s = await scene(transport);
    const created = await perms().createAdministrator({ userId: s.user.id, resource: onOrg(s.owner.id), roles: ["ORG_OWNER"] });
    expect(created.creationDate).toBeDefined();
    await perms().createAdministrator({ userId: s.user.id, resource: onProject(s.projectId), roles: ["PROJECT_OWNER"] });
    await perms().createAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(s.projectId, s.grant.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });
    await perms().createAdministrator({ userId: s.user.id, resource: onInstance, roles: ["IAM_OWNER"] });

    const [org, project, instance] = await rolesOf(s.user.id);
    expect(org).toMatchObject({
      roles: ["ORG_OWNER"],
      user: { id: s.user.id, preferredLoginName: s.user.username, organizationId: s.owner.id },
      resource: { case: "organization", value: { id: s.owner.id, name: s.owner.name } },
    });
    expect(org!.user!.displayName).not.toBe("");
    expect(org!.creationDate).toEqual(org!.changeDate);
    expect(project).toMatchObject({
      roles: ["PROJECT_OWNER"],
      resource: { case: "project", value: { id: s.projectId, organizationId: s.owner.id } },
    });
    expect(instance).toMatchObject({ roles: ["IAM_OWNER"], resource: { case: "instance", value: true } });
    const [grantAdmin] = await rolesOf(s.partnerUser.id);
    expect(grantAdmin).toMatchObject({
      roles: ["PROJECT_GRANT_OWNER"],
      resource: {
        case: "projectGrant",
        value: { id: s.grant.id, projectId: s.projectId, organizationId: s.owner.id, grantedOrganizationId: s.partner.id },
      },
    });
    expect(grantAdmin!.resource.case === "projectGrant" && grantAdmin!.resource.value.projectName).toMatch(/^Portal-/);

    // Update replaces the roles.
    const updated = await perms().updateAdministrator({
      userId: s.user.id,
      resource: onOrg(s.owner.id),
      roles: ["ORG_USER_MANAGER", "ORG_OWNER"],
    });
    expect(updated.changeDate).toBeDefined();
    expect((await rolesOf(s.user.id))[0]!.roles.sort()).toEqual(["ORG_OWNER", "ORG_USER_MANAGER"]);
    await perms().updateAdministrator({ userId: s.user.id, resource: onOrg(s.owner.id), roles: ["ORG_USER_MANAGER"] });
    expect((await rolesOf(s.user.id))[0]!.roles).toEqual(["ORG_USER_MANAGER"]);

    // Delete is idempotent; the deletion date says whether this request deleted the roles.
    for (const resource of [onInstance, onOrg(s.owner.id), onProject(s.projectId)]) {
      expect((await perms().deleteAdministrator({ userId: s.user.id, resource })).deletionDate).toBeDefined();
      expect((await perms().deleteAdministrator({ userId: s.user.id, resource })).deletionDate).toBeUndefined();
    }
    expect(
      (await perms().deleteAdministrator({ userId: s.partnerUser.id, resource: onGrant(s.projectId, s.grant.id) })).deletionDate,
    ).toBeDefined();
    expect(await rolesOf(s.user.id)).toEqual([]);
    expect(await rolesOf(s.partnerUser.id)).toEqual([]);
    await perms().deleteAdministrator({ userId: s.user.id, resource: onProject("123") }); // unknown resource: nothing to do
  });

  it("filters, sorts and paginates the list", async () => {
    const s = await scene(transport);
    const second = await makeUser(dir(), s.owner.id);
    await api().db.prisma.user.update({ where: { id: second.id }, data: { displayName: `Grace ${second.username}` } });
    await perms().createAdministrator({ userId: s.user.id, resource: onOrg(s.owner.id), roles: ["ORG_OWNER"] });
    await perms().createAdministrator({ userId: second.id, resource: onOrg(s.owner.id), roles: ["ORG_USER_MANAGER"] });
    await perms().createAdministrator({ userId: second.id, resource: onProject(s.projectId), roles: ["PROJECT_OWNER"] });
    await perms().createAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(s.projectId, s.grant.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });
    const mine = ofUser(s.user.id, second.id, s.partnerUser.id);
    const list = async (...filters: Filter[]) => {
      const res = await perms().listAdministrators({
        filters: [mine, ...filters],
        sortingColumn: AdministratorFieldName.CREATION_DATE,
        pagination: { asc: true },
      });
      return res.administrators.map((a) => `${a.user!.id === s.user.id ? "u" : a.user!.id === second.id ? "s" : "p"}:${a.roles.join("+")}`);
    };
    expect(await list()).toEqual(["u:ORG_OWNER", "s:ORG_USER_MANAGER", "s:PROJECT_OWNER", "p:PROJECT_GRANT_OWNER"]);
    expect(await list({ filter: { case: "resource", value: { resource: { case: "organizationId", value: s.owner.id } } } })).toEqual([
      "u:ORG_OWNER",
      "s:ORG_USER_MANAGER",
    ]);
    expect(await list({ filter: { case: "resource", value: { resource: { case: "projectId", value: s.projectId } } } })).toEqual([
      "s:PROJECT_OWNER",
    ]);
    expect(await list({ filter: { case: "resource", value: { resource: { case: "projectGrantId", value: s.grant.id } } } })).toEqual([
      "p:PROJECT_GRANT_OWNER",
    ]);
    expect(await list({ filter: { case: "resource", value: { resource: { case: "instance", value: true } } } })).toEqual([]);
    expect(await list({ filter: { case: "role", value: { roleKey: "PROJECT_OWNER" } } })).toEqual(["s:PROJECT_OWNER"]);
    expect(await list({ filter: { case: "userOrganizationId", value: { id: s.partner.id } } })).toEqual(["p:PROJECT_GRANT_OWNER"]);
    expect(
      await list({
        filter: {
          case: "userPreferredLoginName",
          value: { preferredLoginName: s.user.username.toUpperCase(), method: TextFilterMethod.EQUALS_IGNORE_CASE },
        },
      }),
    ).toEqual(["u:ORG_OWNER"]);
    expect(
      await list({ filter: { case: "userDisplayName", value: { displayName: "Grace", method: TextFilterMethod.STARTS_WITH } } }),
    ).toEqual(["s:ORG_USER_MANAGER", "s:PROJECT_OWNER"]);
    expect(
      await list({
        filter: {
          case: "or",
          value: {
            queries: [
              { filter: { case: "role", value: { roleKey: "ORG_OWNER" } } },
              { filter: { case: "role", value: { roleKey: "PROJECT_GRANT_OWNER" } } },
            ],
          },
        },
      }),
    ).toEqual(["u:ORG_OWNER", "p:PROJECT_GRANT_OWNER"]);
    expect(
      await list({
        filter: {
          case: "and",
          value: {
            queries: [
              ofUser(second.id),
              { filter: { case: "not", value: { query: { filter: { case: "role", value: { roleKey: "PROJECT_OWNER" } } } } } },
            ],
          },
        },
      }),
    ).toEqual(["s:ORG_USER_MANAGER"]);
    const past = timestampFromMs(Date.now() - 3_600_000);
    expect(
      await list({ filter: { case: "creationDate", value: { timestamp: past, method: TimestampFilterMethod.GREATER } } }),
    ).toHaveLength(4);
    expect(
      await list({ filter: { case: "changeDate", value: { timestamp: past, method: TimestampFilterMethod.LESS_OR_EQUALS } } }),
    ).toEqual([]);

    const page = await perms().listAdministrators({
      filters: [mine],
      sortingColumn: AdministratorFieldName.USER_ID,
      pagination: { asc: true, limit: 2, offset: 1n },
    });
    expect(page.pagination).toMatchObject({ totalResult: 4n, appliedLimit: 2n });
    const userIds = [s.user.id, second.id, second.id, s.partnerUser.id].sort();
    expect(page.administrators.map((a) => a.user!.id)).toEqual(userIds.slice(1, 3));
  });

  it("answers bad input with invalid_argument, unknown ids with not_found, duplicates with already_exists", async () => {
    const s = await scene(transport);
    const create = (resource: Resource | undefined, roles: string[], userId = s.user.id) =>
      perms().createAdministrator({ userId, resource, roles });
    expect((await expectCode(create(undefined, ["ORG_OWNER"]), Code.InvalidArgument)).rawMessage).toContain("resource");
    await expectCode(create({ resource: { case: "instance", value: false } }, ["IAM_OWNER"]), Code.InvalidArgument);
    expect((await expectCode(create(onOrg(s.owner.id), ["PROJECT_OWNER"]), Code.InvalidArgument)).rawMessage).toContain("roles");
    await expectCode(create(onOrg(s.owner.id), ["SUPERUSER"]), Code.InvalidArgument);
    await expectCode(create(onOrg(s.owner.id), []), Code.InvalidArgument);
    await expectCode(create(onOrg("x"), ["ORG_OWNER"]), Code.InvalidArgument);
    await expectCode(create(onProject("x"), ["PROJECT_OWNER"]), Code.InvalidArgument);
    await expectCode(create(onGrant(s.projectId, ""), ["PROJECT_GRANT_OWNER"]), Code.InvalidArgument);
    expect((await expectCode(create(onOrg(s.owner.id), ["ORG_OWNER"], "x"), Code.InvalidArgument)).rawMessage).toContain("userId");
    await expectCode(create(onOrg(s.owner.id), ["ORG_OWNER"], "123"), Code.NotFound);
    await expectCode(create(onOrg("123"), ["ORG_OWNER"]), Code.NotFound);
    await expectCode(create(onProject("123"), ["PROJECT_OWNER"]), Code.NotFound);
    await expectCode(create(onGrant(s.projectId, "123"), ["PROJECT_GRANT_OWNER"]), Code.NotFound);
    await create(onOrg(s.owner.id), ["ORG_OWNER"]);
    expect((await expectCode(create(onOrg(s.owner.id), ["ORG_OWNER"]), Code.AlreadyExists)).rawMessage).toContain("userId");

    await expectCode(
      perms().updateAdministrator({ userId: s.user.id, resource: onProject(s.projectId), roles: ["PROJECT_OWNER"] }),
      Code.NotFound,
    );
    await expectCode(perms().updateAdministrator({ userId: s.user.id, resource: onOrg(s.owner.id), roles: [] }), Code.InvalidArgument);
    await expectCode(perms().updateAdministrator({ userId: s.user.id, resource: undefined, roles: ["ORG_OWNER"] }), Code.InvalidArgument);
    await expectCode(perms().deleteAdministrator({ userId: "", resource: onOrg(s.owner.id) }), Code.InvalidArgument);
    await expectCode(perms().deleteAdministrator({ userId: s.user.id }), Code.InvalidArgument);

    await expectCode(perms().listAdministrators({ pagination: { limit: 5000 } }), Code.InvalidArgument);
    await expectCode(perms().listAdministrators({ sortingColumn: 99 as AdministratorFieldName }), Code.InvalidArgument);
    await expectCode(
      perms().listAdministrators({ filters: [{ filter: { case: "role", value: { roleKey: "ROOT" } } }] }),
      Code.InvalidArgument,
    );
    await expectCode(perms().listAdministrators({ filters: [ofUser("x")] }), Code.InvalidArgument);
    await expectCode(perms().listAdministrators({ filters: [{ filter: { case: "not", value: {} } }] }), Code.InvalidArgument);
    await expectCode(
      perms().listAdministrators({ filters: [{ filter: { case: "creationDate", value: { method: TimestampFilterMethod.GREATER } } }] }),
      Code.InvalidArgument,
    );
    await expectCode(
      perms().listAdministrators({
        filters: [{ filter: { case: "creationDate", value: { timestamp: timestampFromMs(0), method: 9 as TimestampFilterMethod } } }],
      }),
      Code.InvalidArgument,
    );
    await expectCode(api().client(InternalPermissionService, transport, "wrong").listAdministrators({}), Code.Unauthenticated);
  });

  it("lets each administrator role manage what it may, and nothing else", async () => {
    const s = await scene(transport);
    const { owner, partner, projectId, grant } = s;
    const client = (token: string) => createApiClient(api().url, InternalPermissionService, transport, token);
    const stranger = await createOrganization(dir(), { name: unique("Stranger") });
    const strangerAdmin = await makeCaller(dir(), stranger.id, [{ resource: { organizationId: stranger.id }, roles: ["ORG_OWNER"] }]);
    const { id: otherProject } = await s.projects.createProject({ organizationId: owner.id, name: unique("Other") });
    const visibleUsers = async (token: string) => (await client(token).listAdministrators({})).administrators.map((a) => a.user!.id);

    // ORG_OWNER: administrators of its organization, its projects and their grants; not the instance, not other tenants.
    const orgOwner = await makeCaller(dir(), owner.id, [{ resource: { organizationId: owner.id }, roles: ["ORG_OWNER"] }]);
    const helper = await makeUser(dir(), owner.id);
    await client(orgOwner.token).createAdministrator({ userId: helper.id, resource: onOrg(owner.id), roles: ["ORG_USER_MANAGER"] });
    await client(orgOwner.token).createAdministrator({ userId: helper.id, resource: onProject(projectId), roles: ["PROJECT_OWNER"] });
    await client(orgOwner.token).createAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(projectId, grant.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });
    await expectCode(
      client(orgOwner.token).createAdministrator({ userId: helper.id, resource: onInstance, roles: ["IAM_OWNER"] }),
      Code.PermissionDenied,
    );
    await expectCode(
      client(orgOwner.token).createAdministrator({ userId: helper.id, resource: onOrg(stranger.id), roles: ["ORG_OWNER"] }),
      Code.PermissionDenied,
    );
    await expectCode(
      client(orgOwner.token).deleteAdministrator({ userId: strangerAdmin.user.id, resource: onOrg(stranger.id) }),
      Code.PermissionDenied,
    );
    expect(await visibleUsers(orgOwner.token)).toEqual(expect.arrayContaining([orgOwner.user.id, helper.id, s.partnerUser.id]));
    expect(await visibleUsers(orgOwner.token)).not.toContain(strangerAdmin.user.id);
    expect(await visibleUsers(strangerAdmin.token)).toEqual([strangerAdmin.user.id]);
    await expectCode(
      client(strangerAdmin.token).updateAdministrator({ userId: helper.id, resource: onOrg(owner.id), roles: ["ORG_OWNER"] }),
      Code.PermissionDenied,
    );

    // ORG_USER_MANAGER: sees its own roles, manages no administrators.
    const userManager = await makeCaller(dir(), owner.id, [{ resource: { organizationId: owner.id }, roles: ["ORG_USER_MANAGER"] }]);
    expect(await visibleUsers(userManager.token)).toEqual([userManager.user.id]);
    await expectCode(
      client(userManager.token).createAdministrator({ userId: helper.id, resource: onOrg(owner.id), roles: ["ORG_OWNER"] }),
      Code.PermissionDenied,
    );
    await expectCode(
      client(userManager.token).updateAdministrator({ userId: userManager.user.id, resource: onOrg(owner.id), roles: ["ORG_OWNER"] }),
      Code.PermissionDenied,
    );

    // PROJECT_OWNER: administrators of its project and its grants, nothing on the organization.
    const projectOwner = await makeCaller(dir(), owner.id, [{ resource: { projectId }, roles: ["PROJECT_OWNER"] }]);
    const colleague = await makeUser(dir(), owner.id);
    await client(projectOwner.token).createAdministrator({
      userId: colleague.id,
      resource: onProject(projectId),
      roles: ["PROJECT_OWNER"],
    });
    await client(projectOwner.token).updateAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(projectId, grant.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });
    await expectCode(
      client(projectOwner.token).createAdministrator({ userId: colleague.id, resource: onOrg(owner.id), roles: ["ORG_OWNER"] }),
      Code.PermissionDenied,
    );
    await expectCode(
      client(projectOwner.token).createAdministrator({ userId: colleague.id, resource: onProject(otherProject), roles: ["PROJECT_OWNER"] }),
      Code.PermissionDenied,
    );
    expect(await visibleUsers(projectOwner.token)).toEqual(expect.arrayContaining([colleague.id, s.partnerUser.id]));
    expect(await visibleUsers(projectOwner.token)).not.toContain(orgOwner.user.id);

    // PROJECT_GRANT_OWNER: sees its grant's administrators, grants no roles.
    const grantOwner = await makeCaller(dir(), partner.id, [
      { resource: { projectGrant: { projectId, projectGrantId: grant.id } }, roles: ["PROJECT_GRANT_OWNER"] },
    ]);
    expect((await visibleUsers(grantOwner.token)).sort()).toEqual([grantOwner.user.id, s.partnerUser.id].sort());
    const partnerColleague = await makeUser(dir(), partner.id);
    await expectCode(
      client(grantOwner.token).createAdministrator({
        userId: partnerColleague.id,
        resource: onGrant(projectId, grant.id),
        roles: ["PROJECT_GRANT_OWNER"],
      }),
      Code.PermissionDenied,
    );
    await expectCode(
      client(grantOwner.token).createAdministrator({
        userId: partnerColleague.id,
        resource: onProject(projectId),
        roles: ["PROJECT_OWNER"],
      }),
      Code.PermissionDenied,
    );

    // The instance owner manages instance administrators.
    await perms().createAdministrator({ userId: helper.id, resource: onInstance, roles: ["IAM_OWNER"] });
    await expectCode(client(orgOwner.token).deleteAdministrator({ userId: helper.id, resource: onInstance }), Code.PermissionDenied);
    await perms().deleteAdministrator({ userId: helper.id, resource: onInstance });
  });
});
