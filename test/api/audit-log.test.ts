// The audit log, read back: v1's change lists (@zitadel/node's management client over gRPC, and
// the REST path) for a project, a project grant, an app, a user and an organization, each only for
// callers who may read that resource; and admin.v1 ListEvents, for instance administrators only.
import { createAccessTokenInterceptor, createAdminClient, createManagementClient } from "@zitadel/node/dist/api/index.js";
import type { ManagementServiceClient } from "@zitadel/node/dist/api/generated/zitadel/management.js";
import { Metadata } from "nice-grpc";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { codeOf } from "../support/zitadel-node.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
let seed: ReturnType<typeof seeder>;
beforeAll(() => {
  seed = seeder(api());
});
const management = (token = api().adminToken): ManagementServiceClient =>
  createManagementClient(api().url, createAccessTokenInterceptor(token));
const inOrg = (orgId: string) => ({ metadata: Metadata({ "x-zitadel-orgid": orgId }) });
const keys = (changes: { result: { eventType?: { key: string } }[] }) => changes.result.map((c) => c.eventType?.key);

/** An organization with a project (a role, a grant to a partner) and an app, all changed through the API. */
async function scene() {
  const orgId = await seed.org(unique("Owner"));
  const partner = await seed.org(unique("Partner"));
  const mgmt = management();
  const { id: projectId } = await mgmt.addProject({ name: "Audited" }, inOrg(orgId));
  await mgmt.addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer", group: "" }, inOrg(orgId));
  const { grantId } = await mgmt.addProjectGrant({ projectId, grantedOrgId: partner, roleKeys: ["viewer"] }, inOrg(orgId));
  await mgmt.deactivateProjectGrant({ projectId, grantId }, inOrg(orgId));
  const app = await seed.apps.createApplication({
    projectId,
    name: "api",
    creationRequestType: { case: "apiRequest", value: { authMethodType: 1 } },
  });
  await seed.apps.createApplicationKey({ projectId, appId: app.appId });
  await mgmt.updateProject({ id: projectId, name: "Audited 2" }, inOrg(orgId));
  return { orgId, partner, projectId, grantId, appId: app.appId };
}

describe("v1 change lists", () => {
  it("list a project's changes with its roles and grants, newest first, paged by sequence", async () => {
    const s = await scene();
    const mgmt = management();
    const changes = await mgmt.listProjectChanges({ projectId: s.projectId }, inOrg(s.orgId));
    expect(keys(changes)).toEqual([
      "project.updated",
      "project.grant.deactivated",
      "project.grant.created",
      "project.role.added",
      "project.created",
    ]);
    const newest = changes.result[0]!;
    expect(newest).toMatchObject({ resourceOwnerId: s.orgId, editorPreferredLoginName: expect.any(String) });
    expect(newest.editorId).toBeTruthy();
    // Oldest first, two at a time, then on from the last sequence seen.
    const first = await mgmt.listProjectChanges({ projectId: s.projectId, query: { asc: true, limit: 2 } }, inOrg(s.orgId));
    expect(keys(first)).toEqual(["project.created", "project.role.added"]);
    const next = await mgmt.listProjectChanges(
      { projectId: s.projectId, query: { asc: true, limit: 2, sequence: first.result[1]!.sequence } },
      inOrg(s.orgId),
    );
    expect(keys(next)).toEqual(["project.grant.created", "project.grant.deactivated"]);

    expect(keys(await mgmt.listProjectGrantChanges({ projectId: s.projectId, grantId: s.grantId }, inOrg(s.orgId)))).toEqual([
      "project.grant.deactivated",
      "project.grant.created",
    ]);
    expect(keys(await mgmt.listAppChanges({ projectId: s.projectId, appId: s.appId }, inOrg(s.orgId)))).toEqual([
      "application.key.created",
      "application.created",
    ]);
  });

  it("list a user's and the organization's changes", async () => {
    const orgId = await seed.org(unique("Org"));
    const user = await seed.human(orgId);
    await seed.users.lockUser({ userId: user.id });
    await seed.users.unlockUser({ userId: user.id });
    const mgmt = management();
    expect(keys(await mgmt.listUserChanges({ userId: user.id }, inOrg(orgId)))).toEqual(["user.unlocked", "user.locked", "user.created"]);
    await mgmt.addCustomLabelPolicy({ primaryColor: "#123456" }, inOrg(orgId));
    expect(keys(await mgmt.listOrgChanges({}, inOrg(orgId)))).toEqual(["label_policy.added", "organization.created"]);
  });

  it("are read only by who may read the resource, and only in its organization's context", async () => {
    const s = await scene();
    const other = await seed.org(unique("Other"));
    const { token } = await makeCaller(dir(), other, [{ resource: { organizationId: other }, roles: ["ORG_OWNER"] }]);
    const intruder = management(token);
    expect(await codeOf(intruder.listProjectChanges({ projectId: s.projectId }, inOrg(s.orgId)))).toBe("NotFound");
    expect(await codeOf(intruder.listAppChanges({ projectId: s.projectId, appId: s.appId }, inOrg(s.orgId)))).toBe("NotFound");
    expect(await codeOf(intruder.listProjectGrantChanges({ projectId: s.projectId, grantId: s.grantId }, inOrg(s.orgId)))).toBe("NotFound");
    expect(await codeOf(intruder.listOrgChanges({}, inOrg(s.orgId)))).toBe("PermissionDenied");
    const victim = await seed.human(s.orgId);
    expect(await codeOf(intruder.listUserChanges({ userId: victim.id }, inOrg(s.orgId)))).toBe("PermissionDenied");
    // The instance owner, too, sees a project only in its organization's context.
    expect(await codeOf(management().listProjectChanges({ projectId: s.projectId }))).toBe("NotFound");
    // A user may read its own changes.
    const self = await makeCaller(dir(), other);
    expect(await codeOf(management(self.token).listUserChanges({ userId: self.user.id }, inOrg(other)))).toBe("OK");
  });

  it("are served on the REST paths too", async () => {
    const s = await scene();
    const res = await fetch(new URL(`/management/v1/projects/${s.projectId}/changes/_search`, api().url), {
      method: "POST",
      headers: { authorization: `Bearer ${api().adminToken}`, "x-zitadel-orgid": s.orgId },
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { result: { eventType: { key: string }; sequence: string }[] };
    expect(json.result.map((c) => c.eventType.key)).toContain("project.created");
  });
});

describe("admin.v1 ListEvents", () => {
  it("lists the instance's events with their payload, filtered by aggregate and type, for instance administrators only", async () => {
    const s = await scene();
    const admin = createAdminClient(api().url, createAccessTokenInterceptor(api().adminToken));
    const { events } = await admin.listEvents({ aggregateId: s.projectId, aggregateTypes: ["project"], limit: 10 });
    expect(events.map((e) => e.type?.type)).toEqual(["project.updated", "project.role.added", "project.created"]);
    expect(events[0]).toMatchObject({ aggregate: { id: s.projectId, type: { type: "project" } } });
    expect(events[0]!.payload).toMatchObject({ before: { name: "Audited" }, after: { name: "Audited 2" } });
    const created = await admin.listEvents({
      eventTypes: ["application.key.created"],
      aggregateTypes: ["application_key"],
      asc: true,
      limit: 1000,
    });
    const key = created.events.find((e) => (e.payload as { after?: { applicationId?: string } }).after?.applicationId === s.appId);
    expect(key).toBeDefined();
    // No private key, secret or hash in any payload (R-AUDIT-1).
    expect(JSON.stringify(created.events)).not.toMatch(/PRIVATE KEY|secretHash|clientSecretHash/);

    expect(await codeOf(admin.listEvents({ resourceOwner: s.orgId }))).toBe("InvalidArgument");
    const { token } = await makeCaller(dir(), s.orgId, [{ resource: { organizationId: s.orgId }, roles: ["ORG_OWNER"] }]);
    const orgOwner = createAdminClient(api().url, createAccessTokenInterceptor(token));
    expect(await codeOf(orgOwner.listEvents({}))).toBe("PermissionDenied");
  });
});
