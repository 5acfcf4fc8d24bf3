// zitadel.management.v1 members (rolegate's administrators) as existing automation calls them:
// @zitadel/node's createManagementClient over gRPC, and ZITADEL's REST gateway paths with plain
// fetch, within the request's organization (x-zitadel-orgid, else the caller's own).
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import type { ManagementServiceClient } from "@zitadel/node/dist/api/generated/zitadel/management.js";
import { ClientError, Metadata } from "nice-grpc";
import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { createProjectGrant } from "../../src/directory/project-grants.js";
import { useApiServer } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { makeOrg, makeProject, makeUser } from "../support/fixtures.js";

const api = useApiServer();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });

function management(token = api().adminToken): ManagementServiceClient {
  return createManagementClient(api().url, createAccessTokenInterceptor(token));
}
const inOrg = (orgId: string) => ({ metadata: Metadata({ "x-zitadel-orgid": orgId }) });

/** The status code, and for errors the message (to check which field or role it names). */
async function outcome(promise: Promise<unknown>): Promise<{ code: string; message?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return { code: "OK" };
  if (error instanceof ClientError) return { code: Code[error.code as number as Code], message: error.details };
  throw error;
}
const codeOf = async (promise: Promise<unknown>) => (await outcome(promise)).code;

async function rest(method: string, path: string, body: unknown, headers: Record<string, string>, token = api().adminToken) {
  const res = await fetch(new URL(path, api().url), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON came back
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** An organization with a user, a project, and a grant of the project to a partner organization. */
async function scene() {
  const org = await makeOrg(dir());
  const partner = await makeOrg(dir());
  const user = await makeUser(dir(), org.id);
  const project = await makeProject(dir(), org.id, ["a"]);
  const grant = await createProjectGrant(dir(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["a"] });
  return { org, partner, user, project, grant };
}

describe("zitadel.management.v1 members over gRPC (@zitadel/node createManagementClient)", () => {
  it("lists the member roles rolegate has on each kind of resource", async () => {
    const mgmt = management();
    expect((await mgmt.listOrgMemberRoles({})).result).toEqual(["ORG_OWNER", "ORG_USER_MANAGER"]);
    const project = await mgmt.listProjectMemberRoles({});
    expect(project.result).toEqual(["PROJECT_OWNER"]);
    expect(project.details?.totalResult.toNumber()).toBe(1);
    expect((await mgmt.listProjectGrantMemberRoles({})).result).toEqual(["PROJECT_GRANT_OWNER"]);
  });

  it("adds, lists, updates and removes the request organization's members", async () => {
    const { org, user } = await scene();
    const mgmt = management();
    const added = await mgmt.addOrgMember({ userId: user.id, roles: ["ORG_USER_MANAGER"] }, inOrg(org.id));
    expect(added.details?.resourceOwner).toBe(org.id);
    expect(await codeOf(mgmt.addOrgMember({ userId: user.id, roles: ["ORG_OWNER"] }, inOrg(org.id)))).toBe("AlreadyExists");

    const listed = await mgmt.listOrgMembers({ queries: [] }, inOrg(org.id));
    expect(listed.result).toEqual([
      expect.objectContaining({
        userId: user.id,
        roles: ["ORG_USER_MANAGER"],
        preferredLoginName: user.username,
        email: user.email,
        userType: 1,
        userResourceOwner: org.id,
        details: expect.objectContaining({ resourceOwner: org.id }),
      }),
    ]);
    expect(listed.details?.totalResult.toNumber()).toBe(1);
    const byEmail = await mgmt.listOrgMembers({ queries: [{ emailQuery: { email: user.email ?? "", method: 0 } }] }, inOrg(org.id));
    expect(byEmail.result.map((m) => m.userId)).toEqual([user.id]);
    const nobody = await mgmt.listOrgMembers({ queries: [{ emailQuery: { email: "nobody@example.com", method: 0 } }] }, inOrg(org.id));
    expect(nobody.result).toEqual([]);
    // The caller's own organization is another one: none of these members there.
    expect((await mgmt.listOrgMembers({ queries: [{ userIdQuery: { userId: user.id } }] })).result).toEqual([]);

    await mgmt.updateOrgMember({ userId: user.id, roles: ["ORG_OWNER", "ORG_USER_MANAGER"] }, inOrg(org.id));
    expect((await mgmt.listOrgMembers({ queries: [] }, inOrg(org.id))).result[0]?.roles.sort()).toEqual(["ORG_OWNER", "ORG_USER_MANAGER"]);
    await mgmt.removeOrgMember({ userId: user.id }, inOrg(org.id));
    await mgmt.removeOrgMember({ userId: user.id }, inOrg(org.id)); // idempotent
    expect((await mgmt.listOrgMembers({ queries: [] }, inOrg(org.id))).result).toEqual([]);
    expect(await codeOf(mgmt.updateOrgMember({ userId: user.id, roles: ["ORG_OWNER"] }, inOrg(org.id)))).toBe("NotFound");
  });

  it("refuses roles rolegate does not have, or that do not belong on the resource, naming the role", async () => {
    const { org, user, project, grant } = await scene();
    const mgmt = management();
    for (const [call, role] of [
      [() => mgmt.addOrgMember({ userId: user.id, roles: ["ORG_OWNER_VIEWER"] }, inOrg(org.id)), "ORG_OWNER_VIEWER"],
      [() => mgmt.addOrgMember({ userId: user.id, roles: ["PROJECT_OWNER"] }, inOrg(org.id)), "PROJECT_OWNER"],
      [
        () => mgmt.addProjectMember({ projectId: project.id, userId: user.id, roles: ["PROJECT_OWNER_VIEWER"] }, inOrg(org.id)),
        "PROJECT_OWNER_VIEWER",
      ],
      [
        () =>
          mgmt.addProjectGrantMember(
            { projectId: project.id, grantId: grant.id, userId: user.id, roles: ["PROJECT_GRANT_OWNER_VIEWER"] },
            inOrg(org.id),
          ),
        "PROJECT_GRANT_OWNER_VIEWER",
      ],
    ] as const) {
      const result = await outcome(call());
      expect(result.code).toBe("InvalidArgument");
      expect(result.message).toContain(role);
    }
    expect(await codeOf(mgmt.addOrgMember({ userId: user.id, roles: [] }, inOrg(org.id)))).toBe("InvalidArgument");
    expect(await api().db.prisma.administrator.count({ where: { userId: user.id } })).toBe(0);
  });

  it("manages a project's members, within the project's organization only", async () => {
    const { org, user, project } = await scene();
    const mgmt = management();
    const member = { projectId: project.id, userId: user.id };
    expect(await codeOf(mgmt.addProjectMember({ ...member, roles: ["PROJECT_OWNER"] }))).toBe("NotFound"); // another organization's project
    await mgmt.addProjectMember({ ...member, roles: ["PROJECT_OWNER"] }, inOrg(org.id));
    const listed = await mgmt.listProjectMembers({ projectId: project.id, queries: [] }, inOrg(org.id));
    expect(listed.result.map((m) => [m.userId, m.roles])).toEqual([[user.id, ["PROJECT_OWNER"]]]);
    expect(await codeOf(mgmt.listProjectMembers({ projectId: project.id, queries: [] }))).toBe("NotFound");
    expect(await codeOf(mgmt.listProjectMembers({ projectId: "123456", queries: [] }, inOrg(org.id)))).toBe("NotFound");
    await mgmt.updateProjectMember({ ...member, roles: ["PROJECT_OWNER"] }, inOrg(org.id));
    expect(await codeOf(mgmt.updateProjectMember({ ...member, roles: ["PROJECT_OWNER"] }))).toBe("NotFound");
    await mgmt.removeProjectMember(member); // the wrong organization: left alone
    expect(await api().db.prisma.administrator.count({ where: { userId: user.id, projectId: project.id } })).toBe(1);
    await mgmt.removeProjectMember(member, inOrg(org.id));
    await mgmt.removeProjectMember(member, inOrg(org.id));
    expect(await api().db.prisma.administrator.count({ where: { userId: user.id, projectId: project.id } })).toBe(0);
  });

  it("manages a project grant's members, naming the grant by its id", async () => {
    const { org, partner, project, grant } = await scene();
    const partnerUser = await makeUser(dir(), partner.id);
    const mgmt = management();
    const member = { projectId: project.id, grantId: grant.id, userId: partnerUser.id };
    await mgmt.addProjectGrantMember({ ...member, roles: ["PROJECT_GRANT_OWNER"] }, inOrg(org.id));
    const listed = await mgmt.listProjectGrantMembers({ projectId: project.id, grantId: grant.id, queries: [] }, inOrg(org.id));
    expect(listed.result.map((m) => [m.userId, m.roles, m.userResourceOwner])).toEqual([
      [partnerUser.id, ["PROJECT_GRANT_OWNER"], partner.id],
    ]);
    // A grant id of another project, or the partner's context, is not found.
    const other = await makeProject(dir(), org.id);
    expect(
      await codeOf(mgmt.addProjectGrantMember({ ...member, projectId: other.id, roles: ["PROJECT_GRANT_OWNER"] }, inOrg(org.id))),
    ).toBe("NotFound");
    expect(await codeOf(mgmt.listProjectGrantMembers({ projectId: project.id, grantId: grant.id, queries: [] }, inOrg(partner.id)))).toBe(
      "NotFound",
    );
    await mgmt.updateProjectGrantMember({ ...member, roles: ["PROJECT_GRANT_OWNER"] }, inOrg(org.id));
    await mgmt.removeProjectGrantMember(member, inOrg(org.id));
    await mgmt.removeProjectGrantMember(member, inOrg(org.id));
    expect((await mgmt.listProjectGrantMembers({ projectId: project.id, grantId: grant.id, queries: [] }, inOrg(org.id))).result).toEqual(
      [],
    );
  });

  it("lists a user's memberships, filtered by resource", async () => {
    const { org, user, project, grant } = await scene();
    const mgmt = management();
    await mgmt.addOrgMember({ userId: user.id, roles: ["ORG_USER_MANAGER"] }, inOrg(org.id));
    await mgmt.addProjectMember({ projectId: project.id, userId: user.id, roles: ["PROJECT_OWNER"] }, inOrg(org.id));
    await mgmt.addProjectGrantMember(
      { projectId: project.id, grantId: grant.id, userId: user.id, roles: ["PROJECT_GRANT_OWNER"] },
      inOrg(org.id),
    );
    const all = await mgmt.listUserMemberships({ userId: user.id, queries: [] }, inOrg(org.id));
    expect(all.details?.totalResult.toNumber()).toBe(3);
    expect(all.result.map((m) => [m.orgId ?? m.projectId ?? m.projectGrantId, m.roles, m.displayName]).sort()).toEqual(
      [
        [org.id, ["ORG_USER_MANAGER"], org.name],
        [project.id, ["PROJECT_OWNER"], project.name],
        [grant.id, ["PROJECT_GRANT_OWNER"], project.name],
      ].sort(),
    );
    const projects = await mgmt.listUserMemberships(
      { userId: user.id, queries: [{ projectQuery: { projectId: project.id } }] },
      inOrg(org.id),
    );
    expect(projects.result.map((m) => m.projectId)).toEqual([project.id]);
    // A user of another organization has no memberships in this one's context.
    expect((await mgmt.listUserMemberships({ userId: user.id, queries: [] })).result).toEqual([]);
  });

  it("lets no one escalate: an ORG_USER_MANAGER cannot make itself or anyone ORG_OWNER", async () => {
    const { org, user } = await scene();
    const { user: manager, token } = await makeCaller(dir(), org.id, [
      { resource: { organizationId: org.id }, roles: ["ORG_USER_MANAGER"] },
    ]);
    const mgmt = management(token);
    expect(await codeOf(mgmt.addOrgMember({ userId: user.id, roles: ["ORG_OWNER"] }))).toBe("PermissionDenied");
    expect(await codeOf(mgmt.addOrgMember({ userId: user.id, roles: ["ORG_USER_MANAGER"] }))).toBe("PermissionDenied");
    expect(await codeOf(mgmt.updateOrgMember({ userId: manager.id, roles: ["ORG_OWNER"] }))).toBe("PermissionDenied");
    expect(await codeOf(mgmt.removeOrgMember({ userId: manager.id }))).toBe("PermissionDenied");
    expect(await api().db.prisma.administrator.findMany({ where: { orgId: org.id }, select: { userId: true, roles: true } })).toEqual([
      { userId: manager.id, roles: ["ORG_USER_MANAGER"] },
    ]);
    // It sees its own membership, and nobody else's.
    expect((await mgmt.listOrgMembers({ queries: [] })).result.map((m) => m.userId)).toEqual([manager.id]);
  });

  it("keeps another tenant's ORG_OWNER out", async () => {
    const { org, user, project, grant } = await scene();
    const other = await makeOrg(dir());
    const { token } = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const intruder = management(token);
    await management().addOrgMember({ userId: user.id, roles: ["ORG_OWNER"] }, inOrg(org.id));
    expect(await codeOf(intruder.addOrgMember({ userId: user.id, roles: ["ORG_OWNER"] }, inOrg(org.id)))).toBe("PermissionDenied");
    expect(await codeOf(intruder.removeOrgMember({ userId: user.id }, inOrg(org.id)))).toBe("PermissionDenied");
    expect((await intruder.listOrgMembers({ queries: [] }, inOrg(org.id))).result).toEqual([]);
    expect(
      await codeOf(intruder.addProjectMember({ projectId: project.id, userId: user.id, roles: ["PROJECT_OWNER"] }, inOrg(org.id))),
    ).toBe("PermissionDenied");
    expect(await codeOf(intruder.addProjectMember({ projectId: project.id, userId: user.id, roles: ["PROJECT_OWNER"] }))).toBe("NotFound");
    expect(
      await codeOf(
        intruder.addProjectGrantMember(
          { projectId: project.id, grantId: grant.id, userId: user.id, roles: ["PROJECT_GRANT_OWNER"] },
          inOrg(org.id),
        ),
      ),
    ).toBe("PermissionDenied");
    expect((await intruder.listUserMemberships({ userId: user.id, queries: [] }, inOrg(org.id))).result).toEqual([]);
    expect(await api().db.prisma.administrator.count({ where: { userId: user.id } })).toBe(1);
  });

  it("gives a member added through v1 the rights of its role", async () => {
    const { org, project } = await scene();
    const { user, token } = await makeCaller(dir(), org.id);
    const own = management(token);
    const role = { projectId: project.id, roleKey: "added", displayName: "Added", group: "" };
    expect(await codeOf(own.addProjectRole(role))).toBe("NotFound");
    await management().addProjectMember({ projectId: project.id, userId: user.id, roles: ["PROJECT_OWNER"] }, inOrg(org.id));
    await own.addProjectRole(role);
    expect((await own.listProjectRoles({ projectId: project.id, queries: [] })).result.map((r) => r.key).sort()).toEqual(["a", "added"]);
    // ...but no more: a PROJECT_OWNER cannot make itself ORG_OWNER, nor touch another project.
    expect(await codeOf(own.addOrgMember({ userId: user.id, roles: ["ORG_OWNER"] }))).toBe("PermissionDenied");
    const other = await makeProject(dir(), org.id);
    expect(await codeOf(own.addProjectMember({ projectId: other.id, userId: user.id, roles: ["PROJECT_OWNER"] }))).toBe("PermissionDenied");
    await management().removeProjectMember({ projectId: project.id, userId: user.id }, inOrg(org.id));
    expect(await codeOf(own.addProjectRole({ ...role, roleKey: "again" }))).toBe("NotFound");
  });
});

describe("zitadel.management.v1 members over ZITADEL's REST gateway (/management/v1)", () => {
  it("maps the member paths onto the same methods", async () => {
    const { org, user, project } = await scene();
    const header = { "x-zitadel-orgid": org.id };
    expect((await rest("POST", "/management/v1/orgs/members/roles/_search", undefined, header)).json.result).toEqual([
      "ORG_OWNER",
      "ORG_USER_MANAGER",
    ]);
    expect((await rest("POST", "/management/v1/orgs/me/members", { userId: user.id, roles: ["ORG_OWNER"] }, header)).status).toBe(200);
    expect((await rest("PUT", `/management/v1/orgs/me/members/${user.id}`, { roles: ["ORG_USER_MANAGER"] }, header)).status).toBe(200);
    const search = await rest("POST", "/management/v1/orgs/me/members/_search", {}, header);
    expect(search.json.result).toEqual([expect.objectContaining({ userId: user.id, roles: ["ORG_USER_MANAGER"], userType: "TYPE_HUMAN" })]);
    expect((await rest("DELETE", `/management/v1/orgs/me/members/${user.id}`, undefined, header)).status).toBe(200);

    const path = `/management/v1/projects/${project.id}/members`;
    expect((await rest("POST", path, { userId: user.id, roles: ["PROJECT_OWNER"] }, header)).status).toBe(200);
    expect((await rest("POST", `${path}/_search`, {}, header)).json.result).toEqual([expect.objectContaining({ userId: user.id })]);
    expect(await rest("POST", path, { userId: user.id, roles: ["PROJECT_OWNER_VIEWER"] }, header)).toMatchObject({
      status: 400,
      json: { code: Code.InvalidArgument, message: expect.stringContaining("PROJECT_OWNER_VIEWER") },
    });
    const memberships = await rest("POST", `/management/v1/users/${user.id}/memberships/_search`, {}, header);
    expect(memberships.json.result).toEqual([expect.objectContaining({ projectId: project.id, roles: ["PROJECT_OWNER"] })]);
  });
});
