import { Code } from "@connectrpc/connect";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import {
  AuthorizationFieldName,
  State,
  type AuthorizationsSearchFilterSchema,
} from "@zitadel/proto/zitadel/authorization/v2beta/authorization_pb.js";
import { TextFilterMethod } from "@zitadel/proto/zitadel/filter/v2beta/filter_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
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

type Filter = MessageInitShape<typeof AuthorizationsSearchFilterSchema>;
const byIds = (...ids: string[]): Filter => ({ filter: { case: "authorizationIds", value: { ids } } });

const newOrg = () => createOrganization(dir(), { name: unique("Org") });

/**
 * Owner org with a project (roles admin, editor, viewer) granted to a partner org (viewer, editor);
 * a user in each org and one from a third org (for external user grants).
 */
async function scene(transport: Transport) {
  const projects = api().client(ProjectService, transport);
  const owner = await newOrg();
  const partner = await newOrg();
  const elsewhere = await newOrg();
  const { id: projectId } = await projects.createProject({ organizationId: owner.id, name: unique("Portal") });
  for (const key of ["admin", "editor", "viewer"])
    await projects.addProjectRole({ projectId, roleKey: key, displayName: key.toUpperCase() });
  await projects.createProjectGrant({ projectId, grantedOrganizationId: partner.id, roleKeys: ["viewer", "editor"] });
  const grant = await api().db.prisma.projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: partner.id } });
  const ownUser = await makeUser(dir(), owner.id);
  const partnerUser = await makeUser(dir(), partner.id);
  const externalUser = await makeUser(dir(), elsewhere.id);
  return { projects, owner, partner, elsewhere, projectId, grant, ownUser, partnerUser, externalUser };
}

describe.each(TRANSPORTS)("AuthorizationService over %s", (transport) => {
  const authz = () => api().client(AuthorizationService, transport);
  const get = async (id: string) => (await authz().listAuthorizations({ filters: [byIds(id)] })).authorizations[0];

  it("creates, lists, updates, (de)activates and deletes owner-held, grant-held and external authorizations", async () => {
    const s = await scene(transport);
    const own = await authz().createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["admin"] });
    expect(own.id).toMatch(/^[0-9]{17,19}$/);
    expect(own.creationDate).toBeDefined();
    const ownRow = await get(own.id);
    expect(ownRow).toMatchObject({
      id: own.id,
      projectId: s.projectId,
      projectOrganizationId: s.owner.id,
      organizationId: s.owner.id,
      state: State.ACTIVE,
      roles: ["admin"],
      user: { id: s.ownUser.id, preferredLoginName: s.ownUser.username, organizationId: s.owner.id },
    });
    expect(ownRow!.projectName).toMatch(/^Portal-/);
    expect(ownRow!.projectGrantId).toBeUndefined();
    expect(ownRow!.grantedOrganizationId).toBeUndefined();
    expect(ownRow!.user!.displayName).not.toBe("");
    expect(ownRow!.creationDate).toEqual(ownRow!.changeDate);

    // Held by the granted organization: belongs to its grant.
    const held = await authz().createAuthorization({
      userId: s.partnerUser.id,
      projectId: s.projectId,
      organizationId: s.partner.id,
      roleKeys: ["viewer"],
    });
    expect(await get(held.id)).toMatchObject({
      organizationId: s.partner.id,
      projectOrganizationId: s.owner.id,
      projectGrantId: s.grant.id,
      grantedOrganizationId: s.partner.id,
      roles: ["viewer"],
      user: { id: s.partnerUser.id, organizationId: s.partner.id },
    });

    // External user grant: a user of a third organization authorized by the owner.
    const external = await authz().createAuthorization({
      userId: s.externalUser.id,
      projectId: s.projectId,
      organizationId: s.owner.id,
      roleKeys: ["viewer"],
    });
    expect(await get(external.id)).toMatchObject({ organizationId: s.owner.id, user: { organizationId: s.elsewhere.id } });

    // Update replaces the keys.
    const updated = await authz().updateAuthorization({ id: own.id, roleKeys: ["editor", "viewer"] });
    expect(timestampMs(updated.changeDate!)).toBeGreaterThanOrEqual(timestampMs(own.creationDate!));
    expect((await get(own.id))!.roles).toEqual(["editor", "viewer"]);
    await authz().updateAuthorization({ id: own.id, roleKeys: [] });
    expect((await get(own.id))!.roles).toEqual([]);

    // (De)activation is idempotent.
    const off = await authz().deactivateAuthorization({ id: held.id });
    const offAgain = await authz().deactivateAuthorization({ id: held.id });
    expect(offAgain.changeDate).toEqual(off.changeDate);
    expect((await get(held.id))!.state).toBe(State.INACTIVE);
    await authz().activateAuthorization({ id: held.id });
    await authz().activateAuthorization({ id: held.id });
    expect((await get(held.id))!.state).toBe(State.ACTIVE);

    // Delete is idempotent; the deletion date says whether this request deleted it.
    expect((await authz().deleteAuthorization({ id: external.id })).deletionDate).toBeDefined();
    expect((await authz().deleteAuthorization({ id: external.id })).deletionDate).toBeUndefined();
    expect(await get(external.id)).toBeUndefined();
  });

  it("shows the project's cascades: removed roles, narrowed and deleted grants", async () => {
    const s = await scene(transport);
    const own = await authz().createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["admin", "viewer"] });
    const held = await authz().createAuthorization({
      userId: s.partnerUser.id,
      projectId: s.projectId,
      organizationId: s.partner.id,
      roleKeys: ["viewer", "editor"],
    });

    await s.projects.removeProjectRole({ projectId: s.projectId, roleKey: "admin" });
    expect((await get(own.id))!.roles).toEqual(["viewer"]);

    await s.projects.updateProjectGrant({ projectId: s.projectId, grantedOrganizationId: s.partner.id, roleKeys: ["editor"] });
    expect((await get(held.id))!.roles).toEqual(["editor"]);
    await expectCode(authz().updateAuthorization({ id: held.id, roleKeys: ["viewer"] }), Code.InvalidArgument);

    await s.projects.deleteProjectGrant({ projectId: s.projectId, grantedOrganizationId: s.partner.id });
    expect(await get(held.id)).toBeUndefined();
    expect(await get(own.id)).toBeDefined();
  });

  it("filters, sorts and paginates the list", async () => {
    const s = await scene(transport);
    const second = await makeUser(dir(), s.owner.id);
    await api().db.prisma.user.update({ where: { id: second.id }, data: { displayName: `Ada ${second.username}` } });
    const a1 = await authz().createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["admin"] });
    const a2 = await authz().createAuthorization({ userId: second.id, projectId: s.projectId, roleKeys: ["viewer", "editor"] });
    const a3 = await authz().createAuthorization({
      userId: s.partnerUser.id,
      projectId: s.projectId,
      organizationId: s.partner.id,
      roleKeys: ["viewer"],
    });
    await authz().deactivateAuthorization({ id: a2.id });
    const ids = async (...filters: Filter[]) => {
      const res = await authz().listAuthorizations({
        filters: [{ filter: { case: "projectId", value: { id: s.projectId } } }, ...filters],
      });
      return res.authorizations.map((a) => a.id).sort();
    };
    const sorted = (...list: { id: string }[]) => list.map((a) => a.id).sort();

    expect(await ids()).toEqual(sorted(a1, a2, a3));
    expect(await ids({ filter: { case: "organizationId", value: { id: s.partner.id } } })).toEqual(sorted(a3));
    expect(await ids({ filter: { case: "projectGrantId", value: { id: s.grant.id } } })).toEqual(sorted(a3));
    expect(await ids({ filter: { case: "userId", value: { id: second.id } } })).toEqual(sorted(a2));
    expect(await ids({ filter: { case: "userOrganizationId", value: { id: s.owner.id } } })).toEqual(sorted(a1, a2));
    expect(await ids({ filter: { case: "state", value: { state: State.INACTIVE } } })).toEqual(sorted(a2));
    expect(await ids({ filter: { case: "roleKey", value: { key: "viewer" } } })).toEqual(sorted(a2, a3));
    expect(await ids({ filter: { case: "roleKey", value: { key: "ADM", method: TextFilterMethod.STARTS_WITH_IGNORE_CASE } } })).toEqual(
      sorted(a1),
    );
    expect(
      await ids({
        filter: {
          case: "userPreferredLoginName",
          value: { loginName: s.partnerUser.username.toUpperCase(), method: TextFilterMethod.EQUALS_IGNORE_CASE },
        },
      }),
    ).toEqual(sorted(a3));
    expect(
      await ids({ filter: { case: "userDisplayName", value: { displayName: "Ada ", method: TextFilterMethod.STARTS_WITH } } }),
    ).toEqual(sorted(a2));
    const projectName = (await get(a1.id))!.projectName;
    expect(
      await ids({
        filter: { case: "projectName", value: { name: projectName.slice(2).toLowerCase(), method: TextFilterMethod.CONTAINS_IGNORE_CASE } },
      }),
    ).toEqual(sorted(a1, a2, a3));
    expect(await ids(byIds(a1.id, a3.id))).toEqual(sorted(a1, a3));

    const page = await authz().listAuthorizations({
      sortingColumn: AuthorizationFieldName.ID,
      pagination: { asc: true, limit: 2, offset: 1n },
      filters: [{ filter: { case: "projectId", value: { id: s.projectId } } }],
    });
    expect(page.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 2n });
    expect(page.authorizations.map((a) => a.id)).toEqual(sorted(a1, a2, a3).slice(1));
    for (const column of [
      AuthorizationFieldName.USER_ORGANIZATION_ID,
      AuthorizationFieldName.CHANGED_DATE,
      AuthorizationFieldName.ORGANIZATION_ID,
    ]) {
      const res = await authz().listAuthorizations({
        sortingColumn: column,
        filters: [{ filter: { case: "projectId", value: { id: s.projectId } } }],
      });
      expect(res.authorizations).toHaveLength(3);
    }
  });

  it("answers bad input with invalid_argument, unknown ids with not_found, duplicates with already_exists", async () => {
    const s = await scene(transport);
    const create = (input: { userId?: string; projectId?: string; organizationId?: string; roleKeys?: string[] }) =>
      authz().createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: [], ...input });
    expect((await expectCode(create({ userId: "" }), Code.InvalidArgument)).rawMessage).toContain("userId");
    expect((await expectCode(create({ projectId: "x" }), Code.InvalidArgument)).rawMessage).toContain("projectId");
    expect((await expectCode(create({ organizationId: "x" }), Code.InvalidArgument)).rawMessage).toContain("organizationId");
    expect((await expectCode(create({ roleKeys: ["ghost"] }), Code.InvalidArgument)).rawMessage).toContain("roleKeys");
    await expectCode(create({ roleKeys: [""] }), Code.InvalidArgument);
    await expectCode(create({ userId: s.partnerUser.id, organizationId: s.partner.id, roleKeys: ["admin"] }), Code.InvalidArgument);
    await expectCode(create({ userId: "123" }), Code.NotFound);
    await expectCode(create({ projectId: "123" }), Code.NotFound);
    await expectCode(create({ organizationId: s.elsewhere.id }), Code.FailedPrecondition);
    await create({});
    const dup = await expectCode(create({ roleKeys: ["viewer"] }), Code.AlreadyExists);
    expect(dup.rawMessage).toContain("userId");

    await s.projects.deactivateProjectGrant({ projectId: s.projectId, grantedOrganizationId: s.partner.id });
    await expectCode(create({ userId: s.partnerUser.id, organizationId: s.partner.id }), Code.FailedPrecondition);

    for (const method of ["updateAuthorization", "activateAuthorization", "deactivateAuthorization", "deleteAuthorization"] as const) {
      await expectCode(authz()[method]({ id: "" }), Code.InvalidArgument);
      await expectCode(authz()[method]({ id: "not-an-id" }), Code.InvalidArgument);
    }
    await expectCode(authz().updateAuthorization({ id: "123" }), Code.NotFound);
    await expectCode(authz().activateAuthorization({ id: "123" }), Code.NotFound);
    await expectCode(authz().deactivateAuthorization({ id: "123" }), Code.NotFound);
    await authz().deleteAuthorization({ id: "123" });

    await expectCode(authz().listAuthorizations({ pagination: { limit: 5000 } }), Code.InvalidArgument);
    await expectCode(authz().listAuthorizations({ sortingColumn: 99 as AuthorizationFieldName }), Code.InvalidArgument);
    await expectCode(
      authz().listAuthorizations({ filters: [{ filter: { case: "state", value: { state: State.UNSPECIFIED } } }] }),
      Code.InvalidArgument,
    );
    await expectCode(authz().listAuthorizations({ filters: [{ filter: { case: "userId", value: { id: "x" } } }] }), Code.InvalidArgument);
    await expectCode(authz().listAuthorizations({ filters: [byIds("x")] }), Code.InvalidArgument);
    await expectCode(
      authz().listAuthorizations({ filters: [{ filter: { case: "roleKey", value: { key: "a", method: 42 as TextFilterMethod } } }] }),
      Code.InvalidArgument,
    );
    await expectCode(api().client(AuthorizationService, transport, "wrong").listAuthorizations({}), Code.Unauthenticated);
  });

  it("lets each administrator role do what it may, and nothing else", async () => {
    const s = await scene(transport);
    const { owner, partner, elsewhere, projectId, grant } = s;
    const client = (token: string) => createApiClient(api().url, AuthorizationService, transport, token);
    const otherProject = await s.projects.createProject({ organizationId: owner.id, name: unique("Other") });
    const foreignProject = await s.projects.createProject({ organizationId: elsewhere.id, name: unique("Foreign") });
    await s.projects.addProjectRole({ projectId: foreignProject.id, roleKey: "viewer", displayName: "Viewer" });
    const foreign = await authz().createAuthorization({ userId: s.externalUser.id, projectId: foreignProject.id, roleKeys: ["viewer"] });
    const ownerHeld = await authz().createAuthorization({ userId: s.ownUser.id, projectId, roleKeys: ["admin"] });
    const grantHeld = await authz().createAuthorization({
      userId: s.partnerUser.id,
      projectId,
      organizationId: partner.id,
      roleKeys: ["viewer"],
    });
    const visible = async (token: string) => (await client(token).listAuthorizations({})).authorizations.map((a) => a.id);

    // ORG_OWNER: everything in its organization, nothing of another tenant.
    const orgOwner = await makeCaller(dir(), owner.id, [{ resource: { organizationId: owner.id }, roles: ["ORG_OWNER"] }]);
    const extra = await makeUser(dir(), owner.id);
    await client(orgOwner.token).createAuthorization({ userId: extra.id, projectId, roleKeys: ["admin"] });
    await client(orgOwner.token).updateAuthorization({ id: grantHeld.id, roleKeys: ["viewer", "editor"] });
    expect(await visible(orgOwner.token)).toEqual(expect.arrayContaining([ownerHeld.id, grantHeld.id]));
    expect(await visible(orgOwner.token)).not.toContain(foreign.id);
    expect((await client(orgOwner.token).listAuthorizations({ filters: [byIds(foreign.id)] })).authorizations).toEqual([]);
    await expectCode(
      client(orgOwner.token).createAuthorization({ userId: extra.id, projectId: foreignProject.id, roleKeys: ["viewer"] }),
      Code.PermissionDenied,
    );
    await expectCode(client(orgOwner.token).updateAuthorization({ id: foreign.id, roleKeys: [] }), Code.PermissionDenied);
    await expectCode(client(orgOwner.token).deactivateAuthorization({ id: foreign.id }), Code.PermissionDenied);
    await expectCode(client(orgOwner.token).deleteAuthorization({ id: foreign.id }), Code.PermissionDenied);

    // ORG_USER_MANAGER: sees what its organization holds, changes nothing.
    const userManager = await makeCaller(dir(), owner.id, [{ resource: { organizationId: owner.id }, roles: ["ORG_USER_MANAGER"] }]);
    expect(await visible(userManager.token)).toContain(ownerHeld.id);
    expect(await visible(userManager.token)).not.toContain(foreign.id);
    await expectCode(
      client(userManager.token).createAuthorization({ userId: (await makeUser(dir(), owner.id)).id, projectId, roleKeys: [] }),
      Code.PermissionDenied,
    );
    await expectCode(client(userManager.token).deactivateAuthorization({ id: ownerHeld.id }), Code.PermissionDenied);

    // PROJECT_OWNER: its project's authorizations only.
    const projectOwner = await makeCaller(dir(), owner.id, [{ resource: { projectId }, roles: ["PROJECT_OWNER"] }]);
    const third = await makeUser(dir(), owner.id);
    await client(projectOwner.token).createAuthorization({ userId: third.id, projectId, roleKeys: ["viewer"] });
    await client(projectOwner.token).deactivateAuthorization({ id: ownerHeld.id });
    await client(projectOwner.token).activateAuthorization({ id: ownerHeld.id });
    await expectCode(
      client(projectOwner.token).createAuthorization({ userId: third.id, projectId: otherProject.id, roleKeys: [] }),
      Code.PermissionDenied,
    );
    expect(await visible(projectOwner.token)).not.toContain(foreign.id);

    // PROJECT_GRANT_OWNER: the authorizations its organization holds, within the grant's roles.
    const grantOwner = await makeCaller(dir(), partner.id, [
      { resource: { projectGrant: { projectId, projectGrantId: grant.id } }, roles: ["PROJECT_GRANT_OWNER"] },
    ]);
    const partnerUser2 = await makeUser(dir(), partner.id);
    const byGrantOwner = await client(grantOwner.token).createAuthorization({
      userId: partnerUser2.id,
      projectId,
      organizationId: partner.id,
      roleKeys: ["viewer"],
    });
    await client(grantOwner.token).updateAuthorization({ id: byGrantOwner.id, roleKeys: ["editor"] });
    expect((await visible(grantOwner.token)).sort()).toEqual([grantHeld.id, byGrantOwner.id].sort());
    const outside = await expectCode(
      client(grantOwner.token).updateAuthorization({ id: byGrantOwner.id, roleKeys: ["admin"] }),
      Code.InvalidArgument,
    );
    expect(outside.rawMessage).toContain("roleKeys");
    await expectCode(
      client(grantOwner.token).createAuthorization({
        userId: (await makeUser(dir(), partner.id)).id,
        projectId,
        organizationId: partner.id,
        roleKeys: ["admin"],
      }),
      Code.InvalidArgument,
    );
    await expectCode(
      client(grantOwner.token).createAuthorization({ userId: partnerUser2.id, projectId, roleKeys: ["viewer"] }),
      Code.PermissionDenied,
    );
    await expectCode(client(grantOwner.token).updateAuthorization({ id: ownerHeld.id, roleKeys: ["viewer"] }), Code.PermissionDenied);
    await expectCode(client(grantOwner.token).deleteAuthorization({ id: ownerHeld.id }), Code.PermissionDenied);

    // The granted organization's owner manages what its organization holds, not the owner's.
    const partnerOwner = await makeCaller(dir(), partner.id, [{ resource: { organizationId: partner.id }, roles: ["ORG_OWNER"] }]);
    await client(partnerOwner.token).deactivateAuthorization({ id: grantHeld.id });
    await expectCode(client(partnerOwner.token).deactivateAuthorization({ id: ownerHeld.id }), Code.PermissionDenied);
    expect(await visible(partnerOwner.token)).not.toContain(ownerHeld.id);

    // A caller without roles sees only its own authorizations.
    const plain = await makeCaller(dir(), owner.id);
    const mine = await authz().createAuthorization({ userId: plain.user.id, projectId, roleKeys: ["viewer"] });
    expect(await visible(plain.token)).toEqual([mine.id]);
    await expectCode(client(plain.token).deleteAuthorization({ id: mine.id }), Code.PermissionDenied);

    await client(orgOwner.token).deleteAuthorization({ id: byGrantOwner.id });
    expect(await get(byGrantOwner.id)).toBeUndefined();
  });
});
