// The released zitadel.internal_permission.v2.InternalPermissionService, called as ZITADEL's users
// call it: @zitadel/node's generated client over gRPC with nice-grpc. Its behaviour is v2beta's
// (internal-permission-operations.ts); v2 names a project grant by its project and the organization
// it is granted to, in requests and in the resource filter. The last test checks a caller of another
// tenant against the v2beta service, call by call.
import { InternalPermissionService as InternalPermissionServiceV2beta } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import { TextFilterMethod, TimestampFilterMethod } from "@zitadel/node/dist/api/generated/zitadel/filter/v2/filter.js";
import {
  InternalPermissionServiceDefinition,
  type ResourceType,
} from "@zitadel/node/dist/api/generated/zitadel/internal_permission/v2/internal_permission_service.js";
import {
  AdministratorFieldName,
  type AdministratorSearchFilter,
  type DeepPartial,
} from "@zitadel/node/dist/api/generated/zitadel/internal_permission/v2/query.js";
import { ProjectServiceDefinition } from "@zitadel/node/dist/api/generated/zitadel/project/v2/project_service.js";
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { useApiServer } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { makeUser } from "../support/fixtures.js";
import { codeOf, useZitadelNodeClients } from "../support/zitadel-node.js";

const api = useApiServer();
const client = useZitadelNodeClients(api);
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const newOrg = () => createOrganization(dir(), { name: unique("Org") });
const permsV2 = (token?: string) => client(InternalPermissionServiceDefinition, token);

type Resource = DeepPartial<ResourceType>;
type Filter = DeepPartial<AdministratorSearchFilter>;
const onInstance: Resource = { instance: true };
const onOrg = (organizationId: string): Resource => ({ organizationId });
const onProject = (projectId: string): Resource => ({ projectId });
const onGrant = (projectId: string, organizationId: string): Resource => ({ projectGrant: { projectId, organizationId } });
const ofUsers = (...ids: string[]): Filter => ({ inUserIdsFilter: { ids } });

/** An owner org with a project granted to a partner org, and a user in each. */
async function scene() {
  const projects = client(ProjectServiceDefinition);
  const owner = await newOrg();
  const partner = await newOrg();
  const projectName = unique("Portal");
  const { projectId } = await projects.createProject({ organizationId: owner.id, name: projectName });
  await projects.addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer" });
  await projects.createProjectGrant({ projectId, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
  const grant = await api().db.prisma.projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: partner.id } });
  const user = await makeUser(dir(), owner.id);
  const partnerUser = await makeUser(dir(), partner.id);
  return { projects, owner, partner, projectId, projectName, grant, user, partnerUser };
}

const rolesOf = async (userId: string) =>
  (
    await permsV2().listAdministrators({
      filters: [ofUsers(userId)],
      sortingColumn: AdministratorFieldName.ADMINISTRATOR_FIELD_NAME_CREATION_DATE,
      pagination: { asc: true },
    })
  ).administrators;

describe("zitadel.internal_permission.v2.InternalPermissionService over gRPC (@zitadel/node)", () => {
  it("creates, lists, updates and deletes administrators on every kind of resource, a grant named by project and organization", async () => {
    const s = await scene();
    const perms = permsV2();
    const created = await perms.createAdministrator({ userId: s.user.id, resource: onOrg(s.owner.id), roles: ["ORG_OWNER"] });
    expect(created.creationDate).toBeInstanceOf(Date);
    await perms.createAdministrator({ userId: s.user.id, resource: onProject(s.projectId), roles: ["PROJECT_OWNER"] });
    await perms.createAdministrator({ userId: s.user.id, resource: onInstance, roles: ["IAM_OWNER"] });
    await perms.createAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(s.projectId, s.partner.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });

    const [org, project, instance] = await rolesOf(s.user.id);
    expect(org).toEqual({
      creationDate: created.creationDate,
      changeDate: created.creationDate,
      user: {
        id: s.user.id,
        preferredLoginName: s.user.username,
        displayName: expect.stringMatching(/./),
        organizationId: s.owner.id,
      },
      organization: { id: s.owner.id, name: s.owner.name },
      roles: ["ORG_OWNER"],
    });
    expect(project).toMatchObject({
      project: { id: s.projectId, name: s.projectName, organizationId: s.owner.id },
      roles: ["PROJECT_OWNER"],
    });
    expect(project?.organization).toBeUndefined();
    expect(instance).toMatchObject({ instance: true, roles: ["IAM_OWNER"] });
    const [grantAdmin] = await rolesOf(s.partnerUser.id);
    expect(grantAdmin).toMatchObject({
      projectGrant: {
        id: s.grant.id,
        projectId: s.projectId,
        projectName: s.projectName,
        organizationId: s.owner.id,
        grantedOrganizationId: s.partner.id,
      },
      roles: ["PROJECT_GRANT_OWNER"],
    });

    // Update replaces the roles.
    const updated = await perms.updateAdministrator({
      userId: s.user.id,
      resource: onOrg(s.owner.id),
      roles: ["ORG_USER_MANAGER", "ORG_OWNER"],
    });
    expect(updated.changeDate).toBeInstanceOf(Date);
    expect((await rolesOf(s.user.id))[0]?.roles.sort()).toEqual(["ORG_OWNER", "ORG_USER_MANAGER"]);
    await perms.updateAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(s.projectId, s.partner.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });

    // Delete is idempotent; the deletion date says whether this request deleted the roles.
    for (const resource of [onInstance, onOrg(s.owner.id), onProject(s.projectId)]) {
      expect((await perms.deleteAdministrator({ userId: s.user.id, resource })).deletionDate).toBeInstanceOf(Date);
      expect((await perms.deleteAdministrator({ userId: s.user.id, resource })).deletionDate).toBeUndefined();
    }
    const grantResource = onGrant(s.projectId, s.partner.id);
    expect((await perms.deleteAdministrator({ userId: s.partnerUser.id, resource: grantResource })).deletionDate).toBeInstanceOf(Date);
    expect((await perms.deleteAdministrator({ userId: s.partnerUser.id, resource: grantResource })).deletionDate).toBeUndefined();
    expect(await rolesOf(s.user.id)).toEqual([]);
    expect(await rolesOf(s.partnerUser.id)).toEqual([]);
  });

  it("filters by every search filter, and/or/not nested, sorts and paginates", async () => {
    const s = await scene();
    const perms = permsV2();
    const second = await makeUser(dir(), s.owner.id);
    await api().db.prisma.user.update({ where: { id: second.id }, data: { displayName: `Grace ${second.username}` } });
    await perms.createAdministrator({ userId: s.user.id, resource: onOrg(s.owner.id), roles: ["ORG_OWNER"] });
    await perms.createAdministrator({ userId: second.id, resource: onOrg(s.owner.id), roles: ["ORG_USER_MANAGER"] });
    await perms.createAdministrator({ userId: second.id, resource: onProject(s.projectId), roles: ["PROJECT_OWNER"] });
    await perms.createAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(s.projectId, s.partner.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });
    const mine = ofUsers(s.user.id, second.id, s.partnerUser.id);
    const list = async (...filters: Filter[]) => {
      const res = await perms.listAdministrators({
        filters: [mine, ...filters],
        sortingColumn: AdministratorFieldName.ADMINISTRATOR_FIELD_NAME_CREATION_DATE,
        pagination: { asc: true },
      });
      const who = (id = "") => (id === s.user.id ? "u" : id === second.id ? "s" : "p");
      return res.administrators.map((a) => `${who(a.user?.id)}:${a.roles.join("+")}`);
    };
    const role = (roleKey: string): Filter => ({ role: { roleKey } });
    expect(await list()).toEqual(["u:ORG_OWNER", "s:ORG_USER_MANAGER", "s:PROJECT_OWNER", "p:PROJECT_GRANT_OWNER"]);
    expect(await list({ resource: { organizationId: s.owner.id } })).toEqual(["u:ORG_OWNER", "s:ORG_USER_MANAGER"]);
    expect(await list({ resource: { projectId: s.projectId } })).toEqual(["s:PROJECT_OWNER"]);
    expect(await list({ resource: { projectGrant: { projectId: s.projectId, organizationId: s.partner.id } } })).toEqual([
      "p:PROJECT_GRANT_OWNER",
    ]);
    expect(await list({ resource: { projectGrant: { projectId: s.projectId, organizationId: s.owner.id } } })).toEqual([]);
    expect(await list({ resource: { instance: true } })).toEqual([]);
    expect(await list(role("PROJECT_OWNER"))).toEqual(["s:PROJECT_OWNER"]);
    expect(await list({ userOrganizationId: { id: s.partner.id } })).toEqual(["p:PROJECT_GRANT_OWNER"]);
    expect(
      await list({
        userPreferredLoginName: {
          preferredLoginName: s.user.username.toUpperCase(),
          method: TextFilterMethod.TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE,
        },
      }),
    ).toEqual(["u:ORG_OWNER"]);
    expect(await list({ userDisplayName: { displayName: "Grace", method: TextFilterMethod.TEXT_FILTER_METHOD_STARTS_WITH } })).toEqual([
      "s:ORG_USER_MANAGER",
      "s:PROJECT_OWNER",
    ]);
    expect(await list({ or: { queries: [role("ORG_OWNER"), role("PROJECT_GRANT_OWNER")] } })).toEqual([
      "u:ORG_OWNER",
      "p:PROJECT_GRANT_OWNER",
    ]);
    expect(await list({ and: { queries: [ofUsers(second.id), { not: { query: role("PROJECT_OWNER") } }] } })).toEqual([
      "s:ORG_USER_MANAGER",
    ]);
    const past = new Date(Date.now() - 3_600_000);
    expect(await list({ creationDate: { timestamp: past, method: TimestampFilterMethod.TIMESTAMP_FILTER_METHOD_AFTER } })).toHaveLength(4);
    expect(await list({ changeDate: { timestamp: past, method: TimestampFilterMethod.TIMESTAMP_FILTER_METHOD_BEFORE_OR_EQUALS } })).toEqual(
      [],
    );

    const page = await perms.listAdministrators({
      filters: [mine],
      sortingColumn: AdministratorFieldName.ADMINISTRATOR_FIELD_NAME_USER_ID,
      pagination: { asc: true, limit: 2, offset: 1 },
    });
    expect(page.pagination?.totalResult.toNumber()).toBe(4);
    expect(page.pagination?.appliedLimit.toNumber()).toBe(2);
    expect(page.administrators.map((a) => a.user?.id)).toEqual([s.user.id, second.id, second.id, s.partnerUser.id].sort().slice(1, 3));
    const byChange = await perms.listAdministrators({
      filters: [mine],
      sortingColumn: AdministratorFieldName.ADMINISTRATOR_FIELD_NAME_CHANGE_DATE,
    });
    expect(byChange.administrators).toHaveLength(4);
  });

  it("answers bad input with InvalidArgument, unknown resources with NotFound, duplicates with AlreadyExists", async () => {
    const s = await scene();
    const perms = permsV2();
    const create = (resource: Resource | undefined, roles: string[], userId = s.user.id) =>
      codeOf(perms.createAdministrator({ userId, resource, roles }));
    expect(await create(undefined, ["ORG_OWNER"])).toBe("InvalidArgument");
    expect(await create({}, ["ORG_OWNER"])).toBe("InvalidArgument");
    expect(await create({ instance: false }, ["IAM_OWNER"])).toBe("InvalidArgument");
    expect(await create(onOrg(s.owner.id), ["PROJECT_OWNER"])).toBe("InvalidArgument");
    expect(await create(onOrg(s.owner.id), ["SUPERUSER"])).toBe("InvalidArgument");
    expect(await create(onOrg(s.owner.id), [])).toBe("InvalidArgument");
    expect(await create(onOrg("x"), ["ORG_OWNER"])).toBe("InvalidArgument");
    expect(await create(onProject("x"), ["PROJECT_OWNER"])).toBe("InvalidArgument");
    expect(await create(onGrant(s.projectId, ""), ["PROJECT_GRANT_OWNER"])).toBe("InvalidArgument");
    expect(await create(onGrant("", s.partner.id), ["PROJECT_GRANT_OWNER"])).toBe("InvalidArgument");
    expect(await create(onGrant(s.projectId, s.partner.id), ["PROJECT_OWNER"])).toBe("InvalidArgument");
    expect(await create(onOrg(s.owner.id), ["ORG_OWNER"], "x")).toBe("InvalidArgument");
    expect(await create(onOrg(s.owner.id), ["ORG_OWNER"], "123")).toBe("NotFound");
    expect(await create(onOrg("123"), ["ORG_OWNER"])).toBe("NotFound");
    expect(await create(onProject("123"), ["PROJECT_OWNER"])).toBe("NotFound");
    // The owner is not granted its own project: no such grant.
    expect(await create(onGrant(s.projectId, s.owner.id), ["PROJECT_GRANT_OWNER"])).toBe("NotFound");
    expect(await create(onGrant("123", s.partner.id), ["PROJECT_GRANT_OWNER"])).toBe("NotFound");
    expect(await create(onOrg(s.owner.id), ["ORG_OWNER"])).toBe("OK");
    expect(await create(onOrg(s.owner.id), ["ORG_OWNER"])).toBe("AlreadyExists");

    const update = (resource: Resource | undefined, roles: string[]) =>
      codeOf(perms.updateAdministrator({ userId: s.user.id, resource, roles }));
    expect(await update(onProject(s.projectId), ["PROJECT_OWNER"])).toBe("NotFound");
    expect(await update(onGrant(s.projectId, s.partner.id), ["PROJECT_GRANT_OWNER"])).toBe("NotFound");
    expect(await update(onOrg(s.owner.id), [])).toBe("InvalidArgument");
    expect(await update(undefined, ["ORG_OWNER"])).toBe("InvalidArgument");
    expect(await codeOf(perms.deleteAdministrator({ userId: "", resource: onOrg(s.owner.id) }))).toBe("InvalidArgument");
    expect(await codeOf(perms.deleteAdministrator({ userId: s.user.id }))).toBe("InvalidArgument");
    expect(await codeOf(perms.deleteAdministrator({ userId: s.user.id, resource: onGrant("123", s.partner.id) }))).toBe("OK");

    const list = (request: Parameters<typeof perms.listAdministrators>[0]) => codeOf(perms.listAdministrators(request));
    expect(await list({ pagination: { limit: 5000 } })).toBe("InvalidArgument");
    expect(await list({ sortingColumn: 99 as AdministratorFieldName })).toBe("InvalidArgument");
    expect(await list({ filters: [{ role: { roleKey: "ROOT" } }] })).toBe("InvalidArgument");
    expect(await list({ filters: [ofUsers("x")] })).toBe("InvalidArgument");
    expect(await list({ filters: [{ not: {} }] })).toBe("InvalidArgument");
    expect(await list({ filters: [{ resource: { projectGrant: { projectId: s.projectId, organizationId: "x" } } }] })).toBe(
      "InvalidArgument",
    );
    expect(await list({ filters: [{ creationDate: { method: TimestampFilterMethod.TIMESTAMP_FILTER_METHOD_AFTER } }] })).toBe(
      "InvalidArgument",
    );
    expect(await list({ filters: [{ creationDate: { timestamp: new Date(0), method: 9 as TimestampFilterMethod } }] })).toBe(
      "InvalidArgument",
    );
    expect(await codeOf(permsV2("wrong").listAdministrators({}))).toBe("Unauthenticated");
  });

  it("answers another tenant's caller exactly as v2beta does", async () => {
    const s = await scene();
    await permsV2().createAdministrator({ userId: s.user.id, resource: onOrg(s.owner.id), roles: ["ORG_OWNER"] });
    await permsV2().createAdministrator({
      userId: s.partnerUser.id,
      resource: onGrant(s.projectId, s.partner.id),
      roles: ["PROJECT_GRANT_OWNER"],
    });
    const other = await newOrg();
    const caller = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const v2 = permsV2(caller.token);
    const v2beta = api().client(InternalPermissionServiceV2beta, "grpc", caller.token);
    const helper = await makeUser(dir(), other.id);
    type Case = [
      string,
      Resource,
      (
        | { case: "organizationId" | "projectId"; value: string }
        | { case: "projectGrant"; value: { projectId: string; projectGrantId: string } }
        | { case: "instance"; value: boolean }
      ),
      string,
      string,
    ];
    const cases: Case[] = [
      ["the instance", onInstance, { case: "instance", value: true }, "IAM_OWNER", "PermissionDenied"],
      ["the owner organization", onOrg(s.owner.id), { case: "organizationId", value: s.owner.id }, "ORG_OWNER", "PermissionDenied"],
      ["the project", onProject(s.projectId), { case: "projectId", value: s.projectId }, "PROJECT_OWNER", "PermissionDenied"],
      [
        "the project grant",
        onGrant(s.projectId, s.partner.id),
        { case: "projectGrant", value: { projectId: s.projectId, projectGrantId: s.grant.id } },
        "PROJECT_GRANT_OWNER",
        "PermissionDenied",
      ],
      ["its own organization", onOrg(other.id), { case: "organizationId", value: other.id }, "ORG_USER_MANAGER", "OK"],
    ];
    for (const [where, v2Resource, v2betaResource, role, code] of cases) {
      const v2betaRef = { resource: v2betaResource };
      const expectBoth = async (method: string, viaV2: Promise<unknown>, viaV2beta: () => Promise<unknown>, expected: string) => {
        expect([method, where, await codeOf(viaV2)]).toEqual([method, where, expected]);
        // Undo what v2 did, so v2beta meets the same state.
        if (expected === "OK" && method === "create") await permsV2().deleteAdministrator({ userId: helper.id, resource: v2Resource });
        expect([method, where, await codeOf(viaV2beta())]).toEqual([method, where, expected]);
      };
      await expectBoth(
        "create",
        v2.createAdministrator({ userId: helper.id, resource: v2Resource, roles: [role] }),
        () => v2beta.createAdministrator({ userId: helper.id, resource: v2betaRef, roles: [role] }),
        code,
      );
      await expectBoth(
        "update",
        v2.updateAdministrator({ userId: helper.id, resource: v2Resource, roles: [role] }),
        () => v2beta.updateAdministrator({ userId: helper.id, resource: v2betaRef, roles: [role] }),
        code,
      );
      await expectBoth(
        "delete",
        v2.deleteAdministrator({ userId: s.user.id, resource: v2Resource }),
        () => v2beta.deleteAdministrator({ userId: s.user.id, resource: v2betaRef }),
        code,
      );
    }

    // Lists show only the caller's own organization, in either version.
    const v2Users = (await v2.listAdministrators({})).administrators.map((a) => a.user?.id).sort();
    const v2betaUsers = (await v2beta.listAdministrators({})).administrators.map((a) => a.user?.id).sort();
    expect(v2Users).toEqual(v2betaUsers);
    expect(v2Users).toEqual([caller.user.id, helper.id].sort());
    const grantFilter = { resource: { projectGrant: { projectId: s.projectId, organizationId: s.partner.id } } };
    expect((await v2.listAdministrators({ filters: [grantFilter] })).administrators).toEqual([]);

    // Nothing changed on the other tenant.
    expect((await rolesOf(s.user.id)).map((a) => a.roles)).toEqual([["ORG_OWNER"]]);
    expect((await rolesOf(s.partnerUser.id)).map((a) => a.roles)).toEqual([["PROJECT_GRANT_OWNER"]]);
  });
});
