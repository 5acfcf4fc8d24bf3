import { ProjectService as ProjectServiceV2beta } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import {
  type ProjectServiceClient,
  ProjectServiceDefinition,
} from "@zitadel/node/dist/api/generated/zitadel/project/v2/project_service.js";
import {
  GrantedProjectState,
  PrivateLabelingSetting,
  ProjectGrantState,
  ProjectOrganizationIDFilter_Type as OrgFilterType,
  ProjectRoleFieldName,
  ProjectState,
} from "@zitadel/node/dist/api/generated/zitadel/project/v2/query.js";
import { type Channel, createChannel, createClient, Metadata } from "nice-grpc";
import { afterAll, describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { useApiServer } from "../support/api.js";
import { codeOf } from "../support/zitadel-node.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";

const api = useApiServer();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const newOrg = () => createOrganization(dir(), { name: unique("Org") });

let channel: Channel | undefined;
afterAll(() => channel?.close());

/** A client as ZITADEL's docs write it: one gRPC channel, the token in every call's metadata. */
function projectsV2(token = api().adminToken): ProjectServiceClient {
  channel ??= createChannel(api().url);
  return createClient(ProjectServiceDefinition, channel, { "*": { metadata: Metadata({ authorization: `Bearer ${token}` }) } });
}

const byOrg = (organizationId: string, type: OrgFilterType) => ({ organizationIdFilter: { organizationId, type } });

describe("zitadel.project.v2.ProjectService over gRPC (@zitadel/node)", () => {
  it("creates, reads, updates, deactivates and activates a project by projectId", async () => {
    const org = await newOrg();
    const projects = projectsV2();
    const { projectId, creationDate } = await projects.createProject({
      organizationId: org.id,
      name: "Portal",
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
    });
    expect(projectId).toMatch(/^[0-9]{17,19}$/);
    expect(creationDate).toBeInstanceOf(Date);
    const stored = await api().db.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(stored).toMatchObject({
      orgId: org.id,
      name: "Portal",
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
    });

    const expected = {
      projectId,
      organizationId: org.id,
      name: "Portal",
      state: ProjectState.PROJECT_STATE_ACTIVE,
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
      grantedState: GrantedProjectState.GRANTED_PROJECT_STATE_UNSPECIFIED,
    };
    expect((await projects.getProject({ projectId })).project).toMatchObject(expected);
    const listed = await projects.listProjects({ filters: [{ inProjectIdsFilter: { ids: [projectId] } }] });
    expect(listed.projects).toEqual([expect.objectContaining(expected)]);
    expect(listed.pagination?.totalResult.toNumber()).toBe(1);

    await projects.updateProject({ projectId, name: "Portal 2", authorizationRequired: false, projectAccessRequired: true });
    expect((await projects.getProject({ projectId })).project).toMatchObject({
      name: "Portal 2",
      projectRoleAssertion: true,
      authorizationRequired: false,
      projectAccessRequired: true,
    });

    const { changeDate } = await projects.deactivateProject({ projectId });
    expect(changeDate).toBeInstanceOf(Date);
    expect((await projects.getProject({ projectId })).project?.state).toBe(ProjectState.PROJECT_STATE_INACTIVE);
    await projects.activateProject({ projectId });
    expect((await projects.getProject({ projectId })).project?.state).toBe(ProjectState.PROJECT_STATE_ACTIVE);

    await projects.deleteProject({ projectId });
    await projects.deleteProject({ projectId }); // idempotent
    expect(await codeOf(projects.getProject({ projectId }))).toBe("NotFound");
    expect(await codeOf(projects.getProject({ projectId: "nope" }))).toBe("InvalidArgument");
  });

  it("adds, updates, lists and removes project roles", async () => {
    const org = await newOrg();
    const projects = projectsV2();
    const { projectId } = await projects.createProject({ organizationId: org.id, name: "Roles" });
    await projects.addProjectRole({ projectId, roleKey: "admin", displayName: "Administrator", group: "Management" });
    await projects.addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer" });
    await projects.updateProjectRole({ projectId, roleKey: "viewer", displayName: "Reader" });
    expect(await codeOf(projects.addProjectRole({ projectId, roleKey: "admin", displayName: "again" }))).toBe("AlreadyExists");

    const roles = await projects.listProjectRoles({
      projectId,
      sortingColumn: ProjectRoleFieldName.PROJECT_ROLE_FIELD_NAME_KEY,
      pagination: { asc: true },
    });
    expect(roles.projectRoles.map((r) => [r.key, r.displayName, r.group])).toEqual([
      ["admin", "Administrator", "Management"],
      ["viewer", "Reader", ""],
    ]);
    const byKey = await projects.listProjectRoles({ projectId, filters: [{ roleKeyFilter: { key: "view", method: 2 } }] });
    expect(byKey.projectRoles.map((r) => r.key)).toEqual(["viewer"]);

    await projects.removeProjectRole({ projectId, roleKey: "viewer" });
    expect((await projects.listProjectRoles({ projectId })).projectRoles.map((r) => r.key)).toEqual(["admin"]);
  });

  it("manages project grants and filters projects by organization: OWNED, GRANTED, OWNED_OR_GRANTED", async () => {
    const owner = await newOrg();
    const partner = await newOrg();
    const projects = projectsV2();
    const { projectId: shared } = await projects.createProject({ organizationId: owner.id, name: "Shared" });
    const { projectId: ownedByPartner } = await projects.createProject({ organizationId: partner.id, name: "Partner's" });
    for (const roleKey of ["viewer", "editor"]) await projects.addProjectRole({ projectId: shared, roleKey, displayName: roleKey });

    await projects.createProjectGrant({ projectId: shared, grantedOrganizationId: partner.id, roleKeys: ["viewer", "editor"] });
    await projects.updateProjectGrant({ projectId: shared, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
    const grantsOf = async (filter: object) => (await projects.listProjectGrants({ filters: [filter] })).projectGrants;
    expect(await grantsOf({ grantedOrganizationIdFilter: { id: partner.id } })).toEqual([
      expect.objectContaining({
        organizationId: owner.id,
        grantedOrganizationId: partner.id,
        grantedOrganizationName: partner.name,
        grantedRoleKeys: ["viewer"],
        projectId: shared,
        projectName: "Shared",
        state: ProjectGrantState.PROJECT_GRANT_STATE_ACTIVE,
      }),
    ]);
    expect((await grantsOf({ organizationIdFilter: { id: owner.id } })).map((g) => g.projectId)).toEqual([shared]);
    expect(await grantsOf({ inProjectIdsFilter: { ids: [ownedByPartner] } })).toEqual([]);

    const listed = async (type: OrgFilterType) =>
      (await projects.listProjects({ filters: [byOrg(partner.id, type)] })).projects
        .map((p) => [p.projectId, p.grantedOrganizationId ?? null])
        .sort();
    expect(await listed(OrgFilterType.OWNED)).toEqual([[ownedByPartner, null]]);
    expect(await listed(OrgFilterType.GRANTED)).toEqual([[shared, partner.id]]);
    const both = [
      [ownedByPartner, null],
      [shared, partner.id],
    ].sort();
    expect(await listed(OrgFilterType.OWNED_OR_GRANTED)).toEqual(both);
    expect(await listed(OrgFilterType.TYPE_UNSPECIFIED)).toEqual(both); // as ZITADEL: unspecified is both
    const granted = (await projects.listProjects({ filters: [byOrg(partner.id, OrgFilterType.GRANTED)] })).projects[0];
    expect(granted).toMatchObject({
      organizationId: owner.id,
      grantedOrganizationName: partner.name,
      grantedState: GrantedProjectState.GRANTED_PROJECT_STATE_ACTIVE,
    });

    await projects.deactivateProjectGrant({ projectId: shared, grantedOrganizationId: partner.id });
    expect((await grantsOf({ grantedOrganizationIdFilter: { id: partner.id } }))[0]?.state).toBe(
      ProjectGrantState.PROJECT_GRANT_STATE_INACTIVE,
    );
    await projects.activateProjectGrant({ projectId: shared, grantedOrganizationId: partner.id });
    expect((await grantsOf({ grantedOrganizationIdFilter: { id: partner.id } }))[0]?.state).toBe(
      ProjectGrantState.PROJECT_GRANT_STATE_ACTIVE,
    );
    await projects.deleteProjectGrant({ projectId: shared, grantedOrganizationId: partner.id });
    await projects.deleteProjectGrant({ projectId: shared, grantedOrganizationId: partner.id }); // idempotent
    expect(await grantsOf({ grantedOrganizationIdFilter: { id: partner.id } })).toEqual([]);
    expect(await listed(OrgFilterType.GRANTED)).toEqual([]);
  });

  it("answers another tenant's caller exactly as v2beta does", async () => {
    const owner = await newOrg();
    const other = await newOrg();
    const partner = await newOrg();
    const admin = projectsV2();
    const { projectId } = await admin.createProject({ organizationId: owner.id, name: "Private" });
    await admin.addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer" });
    await admin.createProjectGrant({ projectId, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
    const { token } = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const v2 = projectsV2(token);
    const v2beta = api().client(ProjectServiceV2beta, "grpc", token);
    const grant = { projectId, grantedOrganizationId: partner.id };

    const calls: [string, () => Promise<unknown>, () => Promise<unknown>, string][] = [
      [
        "createProject",
        () => v2.createProject({ organizationId: owner.id, name: "x" }),
        () => v2beta.createProject({ organizationId: owner.id, name: "x" }),
        "PermissionDenied",
      ],
      ["getProject", () => v2.getProject({ projectId }), () => v2beta.getProject({ id: projectId }), "NotFound"],
      [
        "updateProject",
        () => v2.updateProject({ projectId, name: "x" }),
        () => v2beta.updateProject({ id: projectId, name: "x" }),
        "NotFound",
      ],
      ["deactivateProject", () => v2.deactivateProject({ projectId }), () => v2beta.deactivateProject({ id: projectId }), "NotFound"],
      ["activateProject", () => v2.activateProject({ projectId }), () => v2beta.activateProject({ id: projectId }), "NotFound"],
      ["deleteProject", () => v2.deleteProject({ projectId }), () => v2beta.deleteProject({ id: projectId }), "PermissionDenied"],
      [
        "addProjectRole",
        () => v2.addProjectRole({ projectId, roleKey: "x", displayName: "x" }),
        () => v2beta.addProjectRole({ projectId, roleKey: "x", displayName: "x" }),
        "NotFound",
      ],
      [
        "updateProjectRole",
        () => v2.updateProjectRole({ projectId, roleKey: "viewer", displayName: "x" }),
        () => v2beta.updateProjectRole({ projectId, roleKey: "viewer", displayName: "x" }),
        "NotFound",
      ],
      [
        "removeProjectRole",
        () => v2.removeProjectRole({ projectId, roleKey: "viewer" }),
        () => v2beta.removeProjectRole({ projectId, roleKey: "viewer" }),
        "NotFound",
      ],
      ["listProjectRoles", () => v2.listProjectRoles({ projectId }), () => v2beta.listProjectRoles({ projectId }), "NotFound"],
      [
        "createProjectGrant",
        () => v2.createProjectGrant({ projectId, grantedOrganizationId: other.id }),
        () => v2beta.createProjectGrant({ projectId, grantedOrganizationId: other.id }),
        "NotFound",
      ],
      [
        "updateProjectGrant",
        () => v2.updateProjectGrant({ ...grant, roleKeys: [] }),
        () => v2beta.updateProjectGrant({ ...grant, roleKeys: [] }),
        "NotFound",
      ],
      ["deactivateProjectGrant", () => v2.deactivateProjectGrant(grant), () => v2beta.deactivateProjectGrant(grant), "NotFound"],
      ["activateProjectGrant", () => v2.activateProjectGrant(grant), () => v2beta.activateProjectGrant(grant), "NotFound"],
      ["deleteProjectGrant", () => v2.deleteProjectGrant(grant), () => v2beta.deleteProjectGrant(grant), "PermissionDenied"],
    ];
    for (const [name, viaV2, viaV2beta, code] of calls) {
      expect([name, await codeOf(viaV2())]).toEqual([name, code]);
      expect([name, await codeOf(viaV2beta())]).toEqual([name, code]);
    }

    // Lists show nothing of the other tenant, in either version.
    expect((await v2.listProjects({ filters: [byOrg(owner.id, OrgFilterType.OWNED_OR_GRANTED)] })).projects).toEqual([]);
    expect((await v2.listProjects({})).projects.map((p) => p.projectId)).not.toContain(projectId);
    expect((await v2beta.listProjects({})).projects.map((p) => p.id)).not.toContain(projectId);
    expect((await v2.listProjectGrants({ filters: [{ inProjectIdsFilter: { ids: [projectId] } }] })).projectGrants).toEqual([]);

    // Nothing changed.
    expect((await admin.getProject({ projectId })).project).toMatchObject({ name: "Private", state: ProjectState.PROJECT_STATE_ACTIVE });
    expect((await admin.listProjectRoles({ projectId })).projectRoles.map((r) => r.key)).toEqual(["viewer"]);
  });

  it("requires a valid bearer token", async () => {
    expect(await codeOf(projectsV2("wrong").listProjects({}))).toBe("Unauthenticated");
  });
});
