// zitadel.management.v1 projects, roles and project grants, as existing automation calls them:
// @zitadel/node's createManagementClient over gRPC, and ZITADEL's REST gateway paths with plain
// fetch. v1 acts within one organization: the x-zitadel-orgid header's, or the caller's own.
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import type { ManagementServiceClient } from "@zitadel/node/dist/api/generated/zitadel/management.js";
import { Metadata } from "nice-grpc";
import { Code } from "@connectrpc/connect";
import { beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { useApiServer } from "../support/api.js";
import { codeOf } from "../support/zitadel-node.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";

const api = useApiServer();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const newOrg = () => createOrganization(dir(), { name: unique("Org") });

let adminOrgId: string;
beforeAll(async () => {
  const admin = await api().db.prisma.personalAccessToken.findFirstOrThrow({ include: { user: true } });
  adminOrgId = admin.user.orgId;
});

function management(token = api().adminToken): ManagementServiceClient {
  return createManagementClient(api().url, createAccessTokenInterceptor(token));
}
const inOrg = (orgId: string) => ({ metadata: Metadata({ "x-zitadel-orgid": orgId }) });

/** A REST call as a script makes it: JSON in, JSON out, the token as a bearer. */
async function rest(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = api().adminToken) {
  const res = await fetch(new URL(path, api().url), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON came back
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

describe("zitadel.management.v1 projects over gRPC (@zitadel/node createManagementClient)", () => {
  it("adds a project in the caller's own organization, or in the x-zitadel-orgid organization", async () => {
    const mgmt = management();
    const own = await mgmt.addProject({ name: "Own", projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: false });
    expect(own.id).toMatch(/^[0-9]+$/);
    expect(own.details?.resourceOwner).toBe(adminOrgId);

    const org = await newOrg();
    const there = await mgmt.addProject({ name: "There", hasProjectCheck: true }, inOrg(org.id));
    expect(there.details?.resourceOwner).toBe(org.id);
    expect(await api().db.prisma.project.findUniqueOrThrow({ where: { id: there.id } })).toMatchObject({
      orgId: org.id,
      projectAccessRequired: true,
      authorizationRequired: false,
    });

    // Each project is found only within its organization.
    expect((await mgmt.getProjectByID({ id: there.id }, inOrg(org.id))).project).toMatchObject({
      id: there.id,
      name: "There",
      hasProjectCheck: true,
      projectRoleCheck: false,
      details: { resourceOwner: org.id },
    });
    expect(await codeOf(mgmt.getProjectByID({ id: there.id }))).toBe("NotFound");
    expect((await mgmt.listProjects({ queries: [] }, inOrg(org.id))).result.map((p) => p.id)).toEqual([there.id]);
    const named = await mgmt.listProjects({ queries: [{ nameQuery: { name: "Ther", method: 2 } }] }, inOrg(org.id));
    expect(named.result.map((p) => p.name)).toEqual(["There"]);
    expect(named.details?.totalResult.toNumber()).toBe(1);
  });

  it("updates, deactivates, reactivates and removes a project", async () => {
    const org = await newOrg();
    const mgmt = management();
    const { id } = await mgmt.addProject({ name: "P" }, inOrg(org.id));
    await mgmt.updateProject({ id, name: "P2", projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true }, inOrg(org.id));
    expect((await mgmt.getProjectByID({ id }, inOrg(org.id))).project).toMatchObject({
      name: "P2",
      projectRoleCheck: true,
      hasProjectCheck: true,
    });
    // Another organization's context cannot change it.
    expect(await codeOf(mgmt.updateProject({ id, name: "X" }))).toBe("NotFound");
    await mgmt.deactivateProject({ id }, inOrg(org.id));
    expect((await mgmt.getProjectByID({ id }, inOrg(org.id))).project?.state).toBe(2);
    await mgmt.reactivateProject({ id }, inOrg(org.id));
    expect((await mgmt.getProjectByID({ id }, inOrg(org.id))).project?.state).toBe(1);
    await mgmt.removeProject({ id }); // the wrong organization: nothing happens
    expect((await mgmt.getProjectByID({ id }, inOrg(org.id))).project?.id).toBe(id);
    await mgmt.removeProject({ id }, inOrg(org.id));
    await mgmt.removeProject({ id }, inOrg(org.id)); // idempotent
    expect(await codeOf(mgmt.getProjectByID({ id }, inOrg(org.id)))).toBe("NotFound");
  });

  it("adds roles one by one and in bulk (all or none), updates, lists and removes them", async () => {
    const org = await newOrg();
    const mgmt = management();
    const { id: projectId } = await mgmt.addProject({ name: "Roles" }, inOrg(org.id));
    await mgmt.addProjectRole({ projectId, roleKey: "admin", displayName: "Admin", group: "g" }, inOrg(org.id));
    await mgmt.bulkAddProjectRoles(
      {
        projectId,
        roles: [
          { key: "viewer", displayName: "Viewer", group: "" },
          { key: "editor", displayName: "Editor", group: "g" },
        ],
      },
      inOrg(org.id),
    );
    // One existing key refuses the whole batch.
    const batch = {
      projectId,
      roles: [
        { key: "auditor", displayName: "Auditor", group: "" },
        { key: "admin", displayName: "Again", group: "" },
      ],
    };
    expect(await codeOf(mgmt.bulkAddProjectRoles(batch, inOrg(org.id)))).toBe("AlreadyExists");
    expect(await codeOf(mgmt.bulkAddProjectRoles({ projectId, roles: [] }, inOrg(org.id)))).toBe("InvalidArgument");
    await mgmt.updateProjectRole({ projectId, roleKey: "viewer", displayName: "Reader", group: "r" }, inOrg(org.id));
    const roles = await mgmt.listProjectRoles({ projectId, queries: [] }, inOrg(org.id));
    expect(roles.result.map((r) => [r.key, r.displayName, r.group]).sort()).toEqual([
      ["admin", "Admin", "g"],
      ["editor", "Editor", "g"],
      ["viewer", "Reader", "r"],
    ]);
    expect(roles.result[0]?.details?.resourceOwner).toBe(org.id);
    const byKey = await mgmt.listProjectRoles({ projectId, queries: [{ keyQuery: { key: "edit", method: 2 } }] }, inOrg(org.id));
    expect(byKey.result.map((r) => r.key)).toEqual(["editor"]);
    await mgmt.removeProjectRole({ projectId, roleKey: "editor" }, inOrg(org.id));
    expect((await mgmt.listProjectRoles({ projectId, queries: [] }, inOrg(org.id))).result.map((r) => r.key).sort()).toEqual([
      "admin",
      "viewer",
    ]);
  });

  it("grants a project by grant id, and shows it to the granted organization as a granted project", async () => {
    const owner = await newOrg();
    const partner = await newOrg();
    const mgmt = management();
    const { id: projectId } = await mgmt.addProject({ name: "Shared" }, inOrg(owner.id));
    for (const key of ["a", "b"]) await mgmt.addProjectRole({ projectId, roleKey: key, displayName: key, group: "" }, inOrg(owner.id));
    const { grantId } = await mgmt.addProjectGrant({ projectId, grantedOrgId: partner.id, roleKeys: ["a", "b"] }, inOrg(owner.id));

    const expected = {
      grantId,
      grantedOrgId: partner.id,
      grantedOrgName: partner.name,
      projectId,
      projectName: "Shared",
      projectOwnerId: owner.id,
      projectOwnerName: owner.name,
      state: 1,
    };
    expect((await mgmt.getProjectGrantByID({ projectId, grantId }, inOrg(owner.id))).projectGrant).toMatchObject(expected);
    await mgmt.updateProjectGrant({ projectId, grantId, roleKeys: ["a"] }, inOrg(owner.id));
    expect((await mgmt.listProjectGrants({ projectId, queries: [] }, inOrg(owner.id))).result).toEqual([
      expect.objectContaining({ ...expected, grantedRoleKeys: ["a"] }),
    ]);
    const all = await mgmt.listAllProjectGrants({ queries: [{ grantedOrgIdQuery: { grantedOrgId: partner.id } }] }, inOrg(owner.id));
    expect(all.result.map((g) => g.grantId)).toEqual([grantId]);

    // The partner's administrator sees it as a granted project, in its own context.
    const { token } = await makeCaller(dir(), partner.id, [{ resource: { organizationId: partner.id }, roles: ["ORG_OWNER"] }]);
    const partnerMgmt = management(token);
    const granted = await partnerMgmt.listGrantedProjects({ queries: [] });
    expect(granted.result).toEqual([expect.objectContaining({ ...expected, grantedRoleKeys: ["a"] })]);
    expect((await partnerMgmt.getGrantedProjectByID({ projectId, grantId })).grantedProject?.grantId).toBe(grantId);
    // The grant's roles only (a, not b), the project's owner as their resource owner, with v1's queries.
    const grantedRoles = await partnerMgmt.listGrantedProjectRoles({ projectId, grantId, queries: [] });
    expect(grantedRoles.result.map((r) => [r.key, r.displayName, r.details?.resourceOwner])).toEqual([["a", "a", owner.id]]);
    expect(Number(grantedRoles.details?.totalResult)).toBe(1);
    const byKey = (key: string) => [{ keyQuery: { key } }];
    expect((await partnerMgmt.listGrantedProjectRoles({ projectId, grantId, queries: byKey("b") })).result).toEqual([]);
    // Nobody else sees them: not the owner in its own context (no grant to it), nor a third organization.
    expect(await codeOf(mgmt.listGrantedProjectRoles({ projectId, grantId, queries: [] }, inOrg(owner.id)))).toBe("NotFound");
    const stranger = await newOrg();
    const { token: strangerToken } = await makeCaller(dir(), stranger.id, [
      { resource: { organizationId: stranger.id }, roles: ["ORG_OWNER"] },
    ]);
    expect(await codeOf(management(strangerToken).listGrantedProjectRoles({ projectId, grantId, queries: [] }))).toBe("NotFound");
    expect(await codeOf(management(strangerToken).listGrantedProjectRoles({ projectId, grantId, queries: [] }, inOrg(partner.id)))).toBe(
      "NotFound",
    );
    // ...but cannot manage it, nor reach the owner's context.
    expect(await codeOf(partnerMgmt.updateProjectGrant({ projectId, grantId, roleKeys: ["a", "b"] }))).toBe("NotFound");
    expect(await codeOf(partnerMgmt.getProjectByID({ id: projectId }, inOrg(owner.id)))).toBe("NotFound");
    expect((await partnerMgmt.listProjects({ queries: [] }, inOrg(owner.id))).result).toEqual([]);

    await mgmt.deactivateProjectGrant({ projectId, grantId }, inOrg(owner.id));
    expect(await codeOf(mgmt.deactivateProjectGrant({ projectId, grantId }, inOrg(owner.id)))).toBe("FailedPrecondition");
    await mgmt.reactivateProjectGrant({ projectId, grantId }, inOrg(owner.id));
    expect(await codeOf(mgmt.updateProjectGrant({ projectId, grantId: "1234", roleKeys: [] }, inOrg(owner.id)))).toBe("NotFound");
    await mgmt.removeProjectGrant({ projectId, grantId }, inOrg(owner.id));
    await mgmt.removeProjectGrant({ projectId, grantId }, inOrg(owner.id)); // idempotent
    expect(await codeOf(mgmt.getProjectGrantByID({ projectId, grantId }, inOrg(owner.id)))).toBe("NotFound");
  });

  it("keeps another tenant's administrator out", async () => {
    const org = await newOrg();
    const other = await newOrg();
    const { id: projectId } = await management().addProject({ name: "Mine" }, inOrg(org.id));
    const { token } = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const intruder = management(token);
    expect(await codeOf(intruder.addProject({ name: "In" }, inOrg(org.id)))).toBe("PermissionDenied");
    expect(await codeOf(intruder.getProjectByID({ id: projectId }, inOrg(org.id)))).toBe("NotFound");
    expect(await codeOf(intruder.addProjectRole({ projectId, roleKey: "x", displayName: "x", group: "" }, inOrg(org.id)))).toBe("NotFound");
    expect((await intruder.listProjects({ queries: [] }, inOrg(org.id))).result).toEqual([]);
    await intruder.removeProject({ id: projectId }, inOrg(org.id)).catch(() => undefined);
    expect(await api().db.prisma.project.count({ where: { id: projectId } })).toBe(1);
    expect(await codeOf(management("not-a-token").listProjects({ queries: [] }))).toBe("Unauthenticated");
  });

  it("answers unimplemented for v1 methods outside rolegate's model", async () => {
    expect(await codeOf(management().listActions({ queries: [] }))).toBe("Unimplemented");
  });
});

describe("zitadel.management.v1 projects over ZITADEL's REST gateway (/management/v1)", () => {
  it("maps paths, bodies and the org header onto the same methods", async () => {
    const org = await newOrg();
    const header = { "x-zitadel-orgid": org.id };
    const created = await rest("POST", "/management/v1/projects", { name: "Rest", projectRoleCheck: true }, header);
    expect(created.status).toBe(200);
    const id = created.json.id as string;
    expect(created.json.details).toMatchObject({ resourceOwner: org.id });

    const got = await rest("GET", `/management/v1/projects/${id}`, undefined, header);
    expect(got).toMatchObject({
      status: 200,
      json: { project: { id, name: "Rest", projectRoleCheck: true, state: "PROJECT_STATE_ACTIVE" } },
    });
    expect((await rest("PUT", `/management/v1/projects/${id}`, { name: "Rest 2", hasProjectCheck: true }, header)).status).toBe(200);
    const search = await rest("POST", "/management/v1/projects/_search", { queries: [{ nameQuery: { name: "Rest 2" } }] }, header);
    expect(search.json.result).toEqual([expect.objectContaining({ id, name: "Rest 2", hasProjectCheck: true })]);
    expect(search.json.details.totalResult).toBe("1");

    // Role keys may hold slashes: the template's {role_key=**} takes the rest of the path.
    expect(
      (await rest("POST", `/management/v1/projects/${id}/roles`, { roleKey: "docs/reader", displayName: "Reader" }, header)).status,
    ).toBe(200);
    expect((await rest("PUT", `/management/v1/projects/${id}/roles/docs/reader`, { displayName: "Docs reader" }, header)).status).toBe(200);
    const roles = await rest("POST", `/management/v1/projects/${id}/roles/_search`, {}, header);
    expect(roles.json.result).toEqual([expect.objectContaining({ key: "docs/reader", displayName: "Docs reader" })]);
    expect((await rest("DELETE", `/management/v1/projects/${id}/roles/docs/reader`, undefined, header)).status).toBe(200);

    expect((await rest("POST", `/management/v1/projects/${id}/_deactivate`, {}, header)).status).toBe(200);
    expect((await rest("GET", `/management/v1/projects/${id}`, undefined, header)).json.project.state).toBe("PROJECT_STATE_INACTIVE");
    expect((await rest("DELETE", `/management/v1/projects/${id}`, undefined, header)).status).toBe(200);
  });

  it("answers errors in grpc-gateway's shape with its HTTP status", async () => {
    const org = await newOrg();
    const header = { "x-zitadel-orgid": org.id };
    expect(await rest("GET", "/management/v1/projects/123456", undefined, header)).toMatchObject({
      status: 404,
      json: { code: Code.NotFound, message: expect.any(String), details: [] },
    });
    expect(await rest("POST", "/management/v1/projects", { name: "" }, header)).toMatchObject({
      status: 400,
      json: { code: Code.InvalidArgument },
    });
    expect(await rest("POST", "/management/v1/projects", "{not json", header)).toMatchObject({
      status: 400,
      json: { code: Code.InvalidArgument },
    });
    expect(await rest("POST", "/management/v1/projects", { name: "x", nope: 1 }, header)).toMatchObject({
      status: 400,
      json: { code: Code.InvalidArgument },
    });
    expect(await rest("GET", "/management/v1/projects/1", undefined, header, "bad-token")).toMatchObject({
      status: 401,
      json: { code: Code.Unauthenticated },
    });
    expect(await rest("PATCH", "/management/v1/projects/1", {}, header)).toMatchObject({ status: 405 });
    expect(await rest("GET", "/management/v1/no/such/path", undefined, header)).toMatchObject({
      status: 404,
      json: { code: Code.NotFound },
    });
    expect(await rest("GET", "/management/v1/projects/%E0%A4%A", undefined, header)).toMatchObject({
      status: 400,
      json: { code: Code.InvalidArgument },
    });
    // Query parameters fill the fields a GET has no body for; unknown ones are refused like unknown JSON fields.
    expect(await rest("GET", "/management/v1/projects/123?nope=1", undefined, header)).toMatchObject({
      status: 400,
      json: { code: Code.InvalidArgument },
    });
    // A v1 method rolegate does not serve.
    expect(await rest("POST", "/management/v1/actions/_search", {}, header)).toMatchObject({
      status: 501,
      json: { code: Code.Unimplemented },
    });
  });
});
