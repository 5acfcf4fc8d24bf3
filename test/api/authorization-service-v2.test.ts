// The released zitadel.authorization.v2.AuthorizationService, called as ZITADEL's users call it:
// @zitadel/node's generated client over gRPC with nice-grpc. Its behaviour is v2beta's
// (authorization-operations.ts); the messages are v2's: project, holding organization and roles as
// messages, several users in one filter. The last tests check a caller of another tenant against
// the v2beta service, call by call.
import { AuthorizationService as AuthorizationServiceV2beta } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import {
  AuthorizationFieldName,
  type AuthorizationsSearchFilter,
  type DeepPartial,
  State,
} from "@zitadel/node/dist/api/generated/zitadel/authorization/v2/authorization.js";
import { AuthorizationServiceDefinition } from "@zitadel/node/dist/api/generated/zitadel/authorization/v2/authorization_service.js";
import { TextFilterMethod } from "@zitadel/node/dist/api/generated/zitadel/filter/v2/filter.js";
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
const authzV2 = (token?: string) => client(AuthorizationServiceDefinition, token);

type Filter = DeepPartial<AuthorizationsSearchFilter>;

/**
 * Owner org with a project (roles admin, editor, viewer; editor in group "staff") granted to a
 * partner org (viewer, editor); a user in each org and one from a third org.
 */
async function scene() {
  const projects = client(ProjectServiceDefinition);
  const owner = await newOrg();
  const partner = await newOrg();
  const elsewhere = await newOrg();
  const projectName = unique("Portal");
  const { projectId } = await projects.createProject({ organizationId: owner.id, name: projectName });
  await projects.addProjectRole({ projectId, roleKey: "admin", displayName: "Administrator" });
  await projects.addProjectRole({ projectId, roleKey: "editor", displayName: "Editor", group: "staff" });
  await projects.addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer" });
  await projects.createProjectGrant({ projectId, grantedOrganizationId: partner.id, roleKeys: ["viewer", "editor"] });
  const grant = await api().db.prisma.projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: partner.id } });
  const ownUser = await makeUser(dir(), owner.id);
  const partnerUser = await makeUser(dir(), partner.id);
  const externalUser = await makeUser(dir(), elsewhere.id);
  return { projects, owner, partner, elsewhere, projectId, projectName, grant, ownUser, partnerUser, externalUser };
}

const get = async (id: string) =>
  (await authzV2().listAuthorizations({ filters: [{ authorizationIds: { ids: [id] } }] })).authorizations[0];

describe("zitadel.authorization.v2.AuthorizationService over gRPC (@zitadel/node)", () => {
  it("creates, lists, updates, (de)activates and deletes owner-held, grant-held and external authorizations", async () => {
    const s = await scene();
    const authz = authzV2();
    const own = await authz.createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["admin", "editor"] });
    expect(own.id).toMatch(/^[0-9]{17,19}$/);
    expect(own.creationDate).toBeInstanceOf(Date);
    const ownRow = await get(own.id);
    expect(ownRow).toEqual({
      id: own.id,
      creationDate: own.creationDate,
      changeDate: own.creationDate,
      project: { id: s.projectId, name: s.projectName, organizationId: s.owner.id },
      organization: { id: s.owner.id, name: s.owner.name },
      user: {
        id: s.ownUser.id,
        preferredLoginName: s.ownUser.username,
        displayName: expect.stringMatching(/./),
        avatarUrl: "",
        organizationId: s.owner.id,
      },
      state: State.STATE_ACTIVE,
      roles: [
        { key: "admin", displayName: "Administrator", group: "" },
        { key: "editor", displayName: "Editor", group: "staff" },
      ],
    });

    // Held by the granted organization; organizationId names the holder.
    const held = await authz.createAuthorization({
      userId: s.partnerUser.id,
      projectId: s.projectId,
      organizationId: s.partner.id,
      roleKeys: ["viewer"],
    });
    expect(await get(held.id)).toMatchObject({
      project: { id: s.projectId, organizationId: s.owner.id },
      organization: { id: s.partner.id, name: s.partner.name },
      user: { id: s.partnerUser.id, organizationId: s.partner.id },
      roles: [{ key: "viewer", displayName: "Viewer", group: "" }],
    });

    // External user grant, the owner named explicitly.
    const external = await authz.createAuthorization({
      userId: s.externalUser.id,
      projectId: s.projectId,
      organizationId: s.owner.id,
      roleKeys: ["viewer"],
    });
    expect(await get(external.id)).toMatchObject({ organization: { id: s.owner.id }, user: { organizationId: s.elsewhere.id } });

    // Update replaces the keys (docs/rules.md#r-authz-5).
    const updated = await authz.updateAuthorization({ id: own.id, roleKeys: ["viewer"] });
    expect(updated.changeDate!.getTime()).toBeGreaterThanOrEqual(own.creationDate!.getTime());
    expect((await get(own.id))!.roles.map((r) => r.key)).toEqual(["viewer"]);
    await authz.updateAuthorization({ id: own.id, roleKeys: [] });
    expect((await get(own.id))!.roles).toEqual([]);

    // (De)activation is idempotent.
    const off = await authz.deactivateAuthorization({ id: held.id });
    expect((await authz.deactivateAuthorization({ id: held.id })).changeDate).toEqual(off.changeDate);
    expect((await get(held.id))!.state).toBe(State.STATE_INACTIVE);
    await authz.activateAuthorization({ id: held.id });
    await authz.activateAuthorization({ id: held.id });
    expect((await get(held.id))!.state).toBe(State.STATE_ACTIVE);

    // Delete is idempotent; the deletion date says whether this request deleted it.
    expect((await authz.deleteAuthorization({ id: external.id })).deletionDate).toBeInstanceOf(Date);
    expect((await authz.deleteAuthorization({ id: external.id })).deletionDate).toBeUndefined();
    expect(await get(external.id)).toBeUndefined();
  });

  it("filters by every search filter, sorts and paginates", async () => {
    const s = await scene();
    const authz = authzV2();
    const second = await makeUser(dir(), s.owner.id);
    await api().db.prisma.user.update({ where: { id: second.id }, data: { displayName: `Ada ${second.username}` } });
    const a1 = await authz.createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["admin"] });
    const a2 = await authz.createAuthorization({ userId: second.id, projectId: s.projectId, roleKeys: ["viewer", "editor"] });
    const a3 = await authz.createAuthorization({
      userId: s.partnerUser.id,
      projectId: s.projectId,
      organizationId: s.partner.id,
      roleKeys: ["viewer"],
    });
    await authz.deactivateAuthorization({ id: a2.id });
    const ids = async (...filters: Filter[]) =>
      (await authz.listAuthorizations({ filters: [{ projectId: { id: s.projectId } }, ...filters] })).authorizations
        .map((a) => a.id)
        .sort();
    const sorted = (...list: { id: string }[]) => list.map((a) => a.id).sort();

    expect(await ids()).toEqual(sorted(a1, a2, a3));
    expect(await ids({ authorizationIds: { ids: [a1.id, a3.id] } })).toEqual(sorted(a1, a3));
    expect(await ids({ organizationId: { id: s.partner.id } })).toEqual(sorted(a3));
    expect(await ids({ state: { state: State.STATE_INACTIVE } })).toEqual(sorted(a2));
    expect(await ids({ inUserIds: { ids: [second.id, s.partnerUser.id] } })).toEqual(sorted(a2, a3));
    expect(await ids({ inUserIds: { ids: [s.externalUser.id] } })).toEqual([]);
    expect(await ids({ userOrganizationId: { id: s.owner.id } })).toEqual(sorted(a1, a2));
    expect(
      await ids({
        userPreferredLoginName: {
          loginName: s.partnerUser.username.toUpperCase(),
          method: TextFilterMethod.TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE,
        },
      }),
    ).toEqual(sorted(a3));
    expect(await ids({ userDisplayName: { displayName: "Ada ", method: TextFilterMethod.TEXT_FILTER_METHOD_STARTS_WITH } })).toEqual(
      sorted(a2),
    );
    expect(
      await ids({
        projectName: { name: s.projectName.slice(2).toLowerCase(), method: TextFilterMethod.TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE },
      }),
    ).toEqual(sorted(a1, a2, a3));
    expect(await ids({ projectName: { name: "nothing like it" } })).toEqual([]);
    expect(await ids({ roleKey: { key: "viewer" } })).toEqual(sorted(a2, a3));
    expect(await ids({ roleKey: { key: "ADM", method: TextFilterMethod.TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE } })).toEqual(sorted(a1));
    expect(await ids({ projectGrantId: { id: s.grant.id } })).toEqual(sorted(a3));

    const page = await authz.listAuthorizations({
      sortingColumn: AuthorizationFieldName.AUTHORIZATION_FIELD_NAME_ID,
      pagination: { asc: true, limit: 2, offset: 1 },
      filters: [{ projectId: { id: s.projectId } }],
    });
    expect(page.pagination?.totalResult.toNumber()).toBe(3);
    expect(page.pagination?.appliedLimit.toNumber()).toBe(2);
    expect(page.authorizations.map((a) => a.id)).toEqual(sorted(a1, a2, a3).slice(1));
    const byUser = await authz.listAuthorizations({
      sortingColumn: AuthorizationFieldName.AUTHORIZATION_FIELD_NAME_USER_ID,
      pagination: { asc: false },
      filters: [{ projectId: { id: s.projectId } }],
    });
    expect(byUser.authorizations.map((a) => a.user?.id)).toEqual([s.ownUser.id, second.id, s.partnerUser.id].sort().reverse());
    for (const column of Object.values(AuthorizationFieldName).filter((v): v is number => typeof v === "number" && v >= 0)) {
      const res = await authz.listAuthorizations({ sortingColumn: column, filters: [{ projectId: { id: s.projectId } }] });
      expect([column, res.authorizations.length]).toEqual([column, 3]);
    }
  });

  it("answers bad input with InvalidArgument, unknown ids with NotFound, a missing grant with FailedPrecondition", async () => {
    const s = await scene();
    const authz = authzV2();
    const create = (input: { userId?: string; projectId?: string; organizationId?: string; roleKeys?: string[] }) =>
      codeOf(authz.createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: [], ...input }));
    expect(await create({ userId: "" })).toBe("InvalidArgument");
    expect(await create({ projectId: "x" })).toBe("InvalidArgument");
    expect(await create({ organizationId: "x" })).toBe("InvalidArgument");
    expect(await create({ roleKeys: ["ghost"] })).toBe("InvalidArgument");
    // The partner's grant does not include admin (docs/rules.md#r-authz-2).
    expect(await create({ userId: s.partnerUser.id, organizationId: s.partner.id, roleKeys: ["admin"] })).toBe("InvalidArgument");
    expect(await create({ userId: "123" })).toBe("NotFound");
    expect(await create({ projectId: "123" })).toBe("NotFound");
    expect(await create({ organizationId: s.elsewhere.id })).toBe("FailedPrecondition");
    expect(await create({})).toBe("OK");
    expect(await create({ roleKeys: ["viewer"] })).toBe("AlreadyExists");

    for (const method of ["updateAuthorization", "activateAuthorization", "deactivateAuthorization", "deleteAuthorization"] as const) {
      expect([method, await codeOf(authz[method]({ id: "" }))]).toEqual([method, "InvalidArgument"]);
      expect([method, await codeOf(authz[method]({ id: "not-an-id" }))]).toEqual([method, "InvalidArgument"]);
      expect([method, await codeOf(authz[method]({ id: "123" }))]).toEqual([method, method === "deleteAuthorization" ? "OK" : "NotFound"]);
    }

    const list = (request: Parameters<typeof authz.listAuthorizations>[0]) => codeOf(authz.listAuthorizations(request));
    expect(await list({ pagination: { limit: 5000 } })).toBe("InvalidArgument");
    expect(await list({ sortingColumn: 99 as AuthorizationFieldName })).toBe("InvalidArgument");
    expect(await list({ filters: [{ state: { state: State.STATE_UNSPECIFIED } }] })).toBe("InvalidArgument");
    expect(await list({ filters: [{ inUserIds: { ids: ["x"] } }] })).toBe("InvalidArgument");
    expect(await list({ filters: [{ authorizationIds: { ids: ["x"] } }] })).toBe("InvalidArgument");
    expect(await list({ filters: [{ roleKey: { key: "a", method: 42 as TextFilterMethod } }] })).toBe("InvalidArgument");
    expect(await codeOf(authzV2("wrong").listAuthorizations({}))).toBe("Unauthenticated");
  });

  it("lets a PROJECT_GRANT_OWNER manage its organization's authorizations within the grant's roles", async () => {
    const s = await scene();
    const grantOwner = await makeCaller(dir(), s.partner.id, [
      { resource: { projectGrant: { projectId: s.projectId, organizationId: s.partner.id } }, roles: ["PROJECT_GRANT_OWNER"] },
    ]);
    const authz = authzV2(grantOwner.token);
    const held = await authz.createAuthorization({
      userId: s.partnerUser.id,
      projectId: s.projectId,
      organizationId: s.partner.id,
      roleKeys: ["viewer"],
    });
    await authz.updateAuthorization({ id: held.id, roleKeys: ["editor"] });
    expect(await codeOf(authz.updateAuthorization({ id: held.id, roleKeys: ["admin"] }))).toBe("InvalidArgument");
    expect(await codeOf(authz.createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["viewer"] }))).toBe(
      "PermissionDenied",
    );
    const ownerHeld = await authzV2().createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["admin"] });
    expect(await codeOf(authz.deactivateAuthorization({ id: ownerHeld.id }))).toBe("PermissionDenied");
    expect((await authz.listAuthorizations({})).authorizations.map((a) => a.id)).toEqual([held.id]);
  });

  it("answers another tenant's caller exactly as v2beta does", async () => {
    const s = await scene();
    const ownerHeld = await authzV2().createAuthorization({ userId: s.ownUser.id, projectId: s.projectId, roleKeys: ["admin"] });
    const other = await newOrg();
    const { token } = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const stranger = await makeUser(dir(), other.id);
    const v2 = authzV2(token);
    const v2beta = api().client(AuthorizationServiceV2beta, "grpc", token);
    const id = ownerHeld.id;
    const create = { userId: stranger.id, projectId: s.projectId, roleKeys: ["viewer"] };

    const calls: [string, () => Promise<unknown>, () => Promise<unknown>, string][] = [
      ["createAuthorization", () => v2.createAuthorization(create), () => v2beta.createAuthorization(create), "PermissionDenied"],
      [
        "createAuthorization held by the partner",
        () => v2.createAuthorization({ ...create, organizationId: s.partner.id }),
        () => v2beta.createAuthorization({ ...create, organizationId: s.partner.id }),
        "PermissionDenied",
      ],
      [
        "updateAuthorization",
        () => v2.updateAuthorization({ id, roleKeys: [] }),
        () => v2beta.updateAuthorization({ id, roleKeys: [] }),
        "PermissionDenied",
      ],
      ["activateAuthorization", () => v2.activateAuthorization({ id }), () => v2beta.activateAuthorization({ id }), "PermissionDenied"],
      [
        "deactivateAuthorization",
        () => v2.deactivateAuthorization({ id }),
        () => v2beta.deactivateAuthorization({ id }),
        "PermissionDenied",
      ],
      ["deleteAuthorization", () => v2.deleteAuthorization({ id }), () => v2beta.deleteAuthorization({ id }), "PermissionDenied"],
      [
        "updateAuthorization of an unknown id",
        () => v2.updateAuthorization({ id: "123" }),
        () => v2beta.updateAuthorization({ id: "123" }),
        "NotFound",
      ],
      ["listAuthorizations", () => v2.listAuthorizations({}), () => v2beta.listAuthorizations({}), "OK"],
    ];
    for (const [name, viaV2, viaV2beta, code] of calls) {
      expect([name, await codeOf(viaV2())]).toEqual([name, code]);
      expect([name, await codeOf(viaV2beta())]).toEqual([name, code]);
    }

    // Lists show nothing of the other tenant, in either version.
    const v2List = await v2.listAuthorizations({ filters: [{ projectId: { id: s.projectId } }] });
    const v2betaList = await v2beta.listAuthorizations({ filters: [{ filter: { case: "projectId", value: { id: s.projectId } } }] });
    expect(v2List.authorizations).toEqual([]);
    expect(v2betaList.authorizations).toEqual([]);
    expect(v2List.pagination?.totalResult.toNumber()).toBe(0);

    // Nothing changed.
    expect(await get(id)).toMatchObject({ state: State.STATE_ACTIVE, roles: [{ key: "admin" }] });
  });
});
