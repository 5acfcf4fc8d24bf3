// rolegate.access.v1.AccessService/PreviewImpact through a real server (docs/rules.md#r-impact-1):
// each change that can take access away, previewed as a dry run: who loses access, which roles,
// which apps; the same refusal the change would get; and nothing changed, nothing audited.
import { Code } from "@connectrpc/connect";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AccessService,
  type PreviewImpactRequest,
  type PreviewImpactResponse,
} from "../../src/generated/proto/rolegate/access/v1/access_service_pb.js";
import { useApiServer } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { expectCode } from "../support/connect.js";
import { CALLBACK } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
let seed: ReturnType<typeof seeder>;
beforeAll(() => {
  seed = seeder(api());
});

const access = (token?: string) => api().client(AccessService, "connect", token);
/** The change as plain fields (the client builds the messages). */
type Change = { case: PreviewImpactRequest["change"]["case"]; value?: unknown };
const preview = (change: Change, page: { offset?: number; limit?: number } = {}, token?: string) =>
  access(token).previewImpact({ change: change as never, ...page });

/** Every row of the directory, counted: a preview must leave each count as it was. */
async function directoryCounts() {
  const p = api().db.prisma;
  const [orgs, users, projects, roles, grants, authorizations, apps, audit, grantStates, authz] = await Promise.all([
    p.organization.count(),
    p.user.count(),
    p.project.count(),
    p.projectRole.count(),
    p.projectGrant.count(),
    p.authorization.count(),
    p.application.count(),
    p.auditEntry.count(),
    p.projectGrant.findMany({ select: { id: true, state: true, roleKeys: true }, orderBy: { id: "asc" } }),
    p.authorization.findMany({ select: { id: true, state: true, roleKeys: true }, orderBy: { id: "asc" } }),
  ]);
  const states = await Promise.all([
    p.organization.findMany({ select: { id: true, state: true }, orderBy: { id: "asc" } }),
    p.user.findMany({ select: { id: true, state: true }, orderBy: { id: "asc" } }),
    p.project.findMany({ select: { id: true, state: true }, orderBy: { id: "asc" } }),
    p.application.findMany({ select: { id: true, state: true }, orderBy: { id: "asc" } }),
  ]);
  return { orgs, users, projects, roles, grants, authorizations, apps, audit, grantStates, authz, states };
}

/** A preview that must change nothing. */
async function dryPreview(change: Change, page: { offset?: number; limit?: number } = {}, token?: string) {
  const before = await directoryCounts();
  const result = await preview(change, page, token);
  expect(await directoryCounts()).toEqual(before);
  return result;
}

const entryOf = (res: PreviewImpactResponse, userId: string, projectId: string) =>
  res.entries.find((e) => e.userId === userId && e.projectId === projectId);

/**
 * Acme owns a project (authorizationRequired, projectAccessRequired) with roles admin and viewer
 * and one app; ada holds both roles, bob viewer only; Beta holds a grant of both roles, and its
 * user pia holds both through it.
 */
async function scene() {
  const acme = await seed.org();
  const beta = await seed.org();
  const projectId = await seed.project(acme, { authorizationRequired: true, projectAccessRequired: true }, ["admin", "viewer"]);
  const { clientId } = await seed.webApp(projectId, CALLBACK);
  const app = await api().db.prisma.application.findUniqueOrThrow({ where: { clientId } });
  await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: beta, roleKeys: ["admin", "viewer"] });
  const ada = await seed.human(acme);
  const bob = await seed.human(acme);
  const pia = await seed.human(beta);
  const adaAuthorization = await seed.authorize(ada.id, projectId, ["admin", "viewer"]);
  await seed.authorize(bob.id, projectId, ["viewer"]);
  await seed.authorize(pia.id, projectId, ["admin", "viewer"], beta);
  return { acme, beta, projectId, app, ada, bob, pia, adaAuthorization };
}

describe("PreviewImpact", { timeout: 90_000 }, () => {
  it("removing a role: who loses it, and whoever held only that role loses access and the app", async () => {
    const s = await scene();
    const admin = await dryPreview({ case: "removeProjectRole", value: { projectId: s.projectId, roleKey: "admin" } });
    expect(admin.affectedUsers).toBe(2);
    expect(admin.usersLosingAccess).toBe(0);
    expect(entryOf(admin, s.ada.id, s.projectId)).toMatchObject({
      losesAccess: false,
      lostRoles: [{ roleKey: "admin", organizationId: s.acme }],
      lostApps: [],
      loginName: s.ada.username,
      organizationId: s.acme,
    });
    expect(entryOf(admin, s.pia.id, s.projectId)?.lostRoles).toEqual([
      expect.objectContaining({ roleKey: "admin", organizationId: s.beta }),
    ]);
    expect(entryOf(admin, s.bob.id, s.projectId)).toBeUndefined();

    const viewer = await dryPreview({ case: "removeProjectRole", value: { projectId: s.projectId, roleKey: "viewer" } });
    expect(viewer.usersLosingAccess).toBe(1);
    expect(entryOf(viewer, s.bob.id, s.projectId)).toMatchObject({
      losesAccess: true,
      lostRoles: [{ roleKey: "viewer", organizationId: s.acme }],
      lostApps: [{ applicationId: s.app.id, name: s.app.name, clientId: s.app.clientId }],
    });
  });

  it("narrowing, deactivating and deleting a grant: the granted organization's users only", async () => {
    const s = await scene();
    const grant = { projectId: s.projectId, grantedOrganizationId: s.beta };
    const narrowed = await dryPreview({ case: "updateProjectGrant", value: { ...grant, roleKeys: ["viewer"] } });
    expect(narrowed.entries.map((e) => e.userId)).toEqual([s.pia.id]);
    expect(narrowed.entries[0]).toMatchObject({ losesAccess: false, lostRoles: [{ roleKey: "admin", organizationId: s.beta }] });
    for (const kind of ["deactivateProjectGrant", "deleteProjectGrant"] as const) {
      const res = await dryPreview({ case: kind, value: grant });
      expect(res.entries.map((e) => e.userId)).toEqual([s.pia.id]);
      expect(res.entries[0]).toMatchObject({ losesAccess: true, lostApps: [expect.objectContaining({ applicationId: s.app.id })] });
      expect(res.entries[0]!.lostRoles.map((r) => r.roleKey).sort()).toEqual(["admin", "viewer"]);
    }
  });

  it("deactivating or deleting the project or its app, deactivating an organization", async () => {
    const s = await scene();
    for (const kind of ["deactivateProject", "deleteProject"] as const) {
      const res = await dryPreview({ case: kind, value: s.projectId });
      expect(res.usersLosingAccess).toBe(3);
      expect(res.entries.map((e) => e.userId).sort()).toEqual([s.ada.id, s.bob.id, s.pia.id].sort());
    }
    for (const kind of ["deactivateApplication", "deleteApplication"] as const) {
      const res = await dryPreview({ case: kind, value: s.app.id });
      // The project still lets them in (another app could come); the app is what they lose.
      expect(res.usersLosingAccess).toBe(0);
      expect(res.affectedUsers).toBe(3);
      for (const entry of res.entries)
        expect(entry).toMatchObject({
          losesAccess: false,
          lostRoles: [],
          lostApps: [expect.objectContaining({ applicationId: s.app.id })],
        });
    }
    const beta = await dryPreview({ case: "deactivateOrganization", value: s.beta });
    expect(beta.entries.map((e) => e.userId)).toEqual([s.pia.id]);
    const acme = await dryPreview({ case: "deactivateOrganization", value: s.acme });
    // The owner inactive: its project's apps are unavailable to everyone, and its users are out.
    expect(acme.entries.map((e) => e.userId).sort()).toEqual([s.ada.id, s.bob.id, s.pia.id].sort());
  });

  it("an authorization's change or removal, and a user's deactivation, lock or deletion", async () => {
    const s = await scene();
    const narrowed = await dryPreview({ case: "updateAuthorization", value: { id: s.adaAuthorization, roleKeys: ["viewer"] } });
    expect(narrowed.entries).toEqual([
      expect.objectContaining({
        userId: s.ada.id,
        losesAccess: false,
        lostRoles: [expect.objectContaining({ roleKey: "admin", organizationId: s.acme })],
      }),
    ]);
    for (const kind of ["deactivateAuthorization", "deleteAuthorization"] as const) {
      const res = await dryPreview({ case: kind, value: s.adaAuthorization });
      expect(res.entries.map((e) => [e.userId, e.losesAccess])).toEqual([[s.ada.id, true]]);
    }
    for (const kind of ["deactivateUser", "lockUser", "deleteUser"] as const) {
      const res = await dryPreview({ case: kind, value: s.bob.id });
      expect(res.entries.map((e) => [e.userId, e.projectId, e.losesAccess])).toEqual([[s.bob.id, s.projectId, true]]);
    }
  });

  it("counts every user of every organization for a project that requires neither role nor access", async () => {
    const owner = await seed.org();
    const projectId = await seed.project(owner, { authorizationRequired: false, projectAccessRequired: false });
    await seed.webApp(projectId, CALLBACK);
    const stranger = await seed.human(await seed.org());
    const res = await dryPreview({ case: "deactivateProject", value: projectId }, { limit: 1000 });
    expect(res.usersLosingAccess).toBe(await api().db.prisma.user.count());
    expect(res.entries.some((e) => e.userId === stranger.id)).toBe(true);
  });

  it("names only the users and projects the caller administers; the others are counted, anonymous", async () => {
    const ctx = { prisma: api().db.prisma, actor: { id: "test" } };
    // An open project: its owner's preview reaches every user of the instance.
    const owner = await seed.org();
    const projectId = await seed.project(owner, { authorizationRequired: false, projectAccessRequired: false });
    const own = await seed.human(owner);
    const stranger = await seed.human(await seed.org());
    const ownerToken = (await makeCaller(ctx, owner, [{ resource: { organizationId: owner }, roles: ["ORG_OWNER"] }])).token;
    const res = await preview({ case: "deactivateProject", value: projectId }, { limit: 1000 }, ownerToken);
    expect(res.usersLosingAccess).toBe(await api().db.prisma.user.count());
    expect(res.entries.find((e) => e.userId === own.id)).toMatchObject({ loginName: own.username, projectId });
    const named = new Set(res.entries.map((e) => e.loginName));
    expect(named.has(stranger.username)).toBe(false);
    expect(res.entries.filter((e) => e.userId === "").length).toBeGreaterThan(0);
    expect(res.entries.find((e) => e.userId === "")).toMatchObject({ displayName: "a user of another organization", organizationId: "" });

    // Beta's owner deletes pia, who holds roles on Acme's project: counted, the project unnamed.
    const s = await scene();
    const betaOwner = await makeCaller(ctx, s.beta, [{ resource: { organizationId: s.beta }, roles: ["ORG_OWNER"] }]);
    const deleted = await preview({ case: "deleteUser", value: s.pia.id }, {}, betaOwner.token);
    // Acme's project and the open projects of other tests: all of other organizations.
    expect(deleted.totalEntries).toBeGreaterThanOrEqual(1);
    for (const entry of deleted.entries) {
      expect(entry).toMatchObject({
        userId: s.pia.id,
        projectId: "",
        projectName: "a project of another organization",
        lostRoles: [],
        lostApps: [],
      });
    }
  });

  it("pages the entries with offset and limit, the counts covering all", async () => {
    const s = await scene();
    const all = await dryPreview({ case: "deactivateProject", value: s.projectId });
    const second = await dryPreview({ case: "deactivateProject", value: s.projectId }, { offset: 1, limit: 1 });
    expect(second.totalEntries).toBe(3);
    expect(second.entries).toEqual([all.entries[1]]);
    await expectCode(preview({ case: "deactivateProject", value: s.projectId }, { limit: 1001 }), Code.InvalidArgument, "limit");
  });

  it("answers with the refusal the change itself would get, and changes nothing", async () => {
    const s = await scene();
    const other = await seed.org();
    const ctx = { prisma: api().db.prisma, actor: { id: "test" } };
    const outsider = await makeCaller(ctx, other, [{ resource: { organizationId: other }, roles: ["ORG_OWNER"] }]);
    const before = await directoryCounts();
    await expectCode(preview({ case: "deactivateProject", value: s.projectId }, {}, outsider.token), Code.NotFound);
    await expectCode(
      preview({ case: "removeProjectRole", value: { projectId: s.projectId, roleKey: "admin" } }, {}, outsider.token),
      Code.NotFound,
    );
    await expectCode(preview({ case: "deleteUser", value: s.ada.id }, {}, outsider.token), Code.NotFound);
    await expectCode(preview({ case: "deactivateOrganization", value: s.acme }, {}, outsider.token), Code.NotFound);
    expect(await directoryCounts()).toEqual(before);
    // The granted organization's owner may not narrow the grant it holds.
    const betaOwner = await makeCaller(ctx, s.beta, [{ resource: { organizationId: s.beta }, roles: ["ORG_OWNER"] }]);
    await expectCode(
      preview(
        { case: "updateProjectGrant", value: { projectId: s.projectId, grantedOrganizationId: s.beta, roleKeys: [] } },
        {},
        betaOwner.token,
      ),
      Code.NotFound,
    );
  });

  it("refuses a request without a change, with malformed ids, or naming what does not exist", async () => {
    await expectCode(preview({ case: undefined }), Code.InvalidArgument, "change");
    await expectCode(preview({ case: "deactivateProject", value: "not-an-id" }), Code.InvalidArgument, "projectId");
    await expectCode(preview({ case: "deactivateApplication", value: "" }), Code.InvalidArgument, "applicationId");
    await expectCode(preview({ case: "deleteAuthorization", value: "123" }), Code.NotFound);
    await expectCode(preview({ case: "removeProjectRole", value: { projectId: "123", roleKey: "admin" } }), Code.NotFound);
  });
});
