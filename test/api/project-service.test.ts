import { Code } from "@connectrpc/connect";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { PrivateLabelingSetting, ProjectFieldName, ProjectState } from "@zitadel/proto/zitadel/project/v2beta/query_pb.js";
import { TextFilterMethod } from "@zitadel/proto/zitadel/filter/v2beta/filter_pb.js";
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { TRANSPORTS, useApiServer } from "../support/api.js";
import { unique } from "../support/directory.js";
import { expectCode } from "../support/connect.js";

const api = useApiServer();

const newOrg = () => createOrganization({ prisma: api().db.prisma, actor: { id: "test" } }, { name: unique("Org") });

describe.each(TRANSPORTS)("ProjectService over %s", (transport) => {
  const projects = () => api().client(ProjectService, transport);

  it("runs the seed example: project, role, grant, update, deactivate, list, delete", async () => {
    const org = await newOrg();
    const partner = await newOrg();
    const { id: projectId, creationDate } = await projects().createProject({
      organizationId: org.id,
      name: "Portal",
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: PrivateLabelingSetting.ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
    });
    expect(projectId).toMatch(/^[0-9]{17,19}$/);
    expect(creationDate).toBeDefined();

    await projects().addProjectRole({ projectId, roleKey: "admin", displayName: "Administrator", group: "Management" });
    await projects().addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer" });
    await projects().addProjectRole({ projectId, roleKey: "editor", displayName: "Editor" });
    await projects().createProjectGrant({ projectId, grantedOrganizationId: partner.id, roleKeys: ["viewer", "editor"] });

    const { project } = await projects().getProject({ id: projectId });
    expect(project).toMatchObject({
      id: projectId,
      organizationId: org.id,
      name: "Portal",
      state: ProjectState.ACTIVE,
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: PrivateLabelingSetting.ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
    });

    await projects().updateProject({ id: projectId, projectRoleCheck: false, hasProjectCheck: true });
    expect((await projects().getProject({ id: projectId })).project).toMatchObject({
      authorizationRequired: false,
      projectAccessRequired: true,
    });

    await projects().updateProjectGrant({ projectId, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
    await projects().deactivateProjectGrant({ projectId, grantedOrganizationId: partner.id });
    await projects().deactivateProject({ id: projectId });
    await projects().deactivateProject({ id: projectId }); // no error when already inactive
    expect((await projects().getProject({ id: projectId })).project?.state).toBe(ProjectState.INACTIVE);
    await projects().activateProject({ id: projectId });

    const roles = await projects().listProjectRoles({ projectId, sortingColumn: 1, pagination: { asc: true } });
    expect(roles.projectRoles.map((r) => r.key)).toEqual(["admin", "editor", "viewer"]);
    expect(roles.projectRoles[0]).toMatchObject({ displayName: "Administrator", group: "Management" });
    expect(roles.pagination?.totalResult).toBe(3n);

    const granted = await projects().listProjects({
      filters: [{ filter: { case: "projectGrantResourceOwnerFilter", value: { id: partner.id } } }],
    });
    expect(granted.projects).toHaveLength(1);
    expect(granted.projects[0]).toMatchObject({ id: projectId, grantedOrganizationId: partner.id, grantedOrganizationName: partner.name });

    await projects().deleteProject({ id: projectId });
    await projects().deleteProject({ id: projectId }); // idempotent
    await expectCode(projects().getProject({ id: projectId }), Code.NotFound);
  });

  it("lists with name filters, sorting and pagination", async () => {
    const org = await newOrg();
    const tag = unique("p").toLowerCase();
    for (const n of ["b", "a", "c"]) await projects().createProject({ organizationId: org.id, name: `${tag}-${n}` });
    const res = await projects().listProjects({
      sortingColumn: ProjectFieldName.NAME,
      pagination: { asc: true, limit: 2, offset: 1n },
      filters: [
        { filter: { case: "projectResourceOwnerFilter", value: { id: org.id } } },
        {
          filter: {
            case: "projectNameFilter",
            value: { projectName: tag.toUpperCase(), method: TextFilterMethod.STARTS_WITH_IGNORE_CASE },
          },
        },
      ],
    });
    expect(res.projects.map((p) => p.name)).toEqual([`${tag}-b`, `${tag}-c`]);
    expect(res.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 2n });
  });

  it("answers bad input with invalid_argument, unknown ids with not_found, duplicates with already_exists", async () => {
    const org = await newOrg();
    await expectCode(projects().createProject({ organizationId: org.id, name: "" }), Code.InvalidArgument);
    await expectCode(
      projects().createProject({ organizationId: org.id, name: "x", privateLabelingSetting: 99 as PrivateLabelingSetting }),
      Code.InvalidArgument,
    );
    await expectCode(projects().getProject({ id: "nope" }), Code.InvalidArgument);
    await expectCode(projects().getProject({ id: "123" }), Code.NotFound);
    await expectCode(projects().listProjects({ pagination: { limit: 5000 } }), Code.InvalidArgument);
    const { id } = await projects().createProject({ organizationId: org.id, name: "dups" });
    await projects().addProjectRole({ projectId: id, roleKey: "a", displayName: "A" });
    const dup = await expectCode(projects().addProjectRole({ projectId: id, roleKey: "a", displayName: "A" }), Code.AlreadyExists);
    expect(dup.rawMessage).toContain("roleKey");
    await expectCode(
      projects().createProjectGrant({ projectId: id, grantedOrganizationId: (await newOrg()).id, roleKeys: ["zzz"] }),
      Code.InvalidArgument,
    );
  });

  it("requires a valid bearer token", async () => {
    await expectCode(api().client(ProjectService, transport, "wrong").listProjects({}), Code.Unauthenticated);
  });
});
