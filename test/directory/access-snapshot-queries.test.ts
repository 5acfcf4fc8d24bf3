// The snapshot reads of the token paths: one SQL statement each (counted through Prisma's query
// log), with exactly what the former Prisma reads (kept below as `legacy`) returned, on
// PostgreSQL and on the embedded PGlite.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { errors } from "oidc-provider";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideAccess, type SnapshotAuthorization } from "../../src/access/decide.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import {
  loadAccessMatrix,
  loadProjectAccess,
  loadProjectsAccess,
  loadUserProfile,
  type ProjectAccess,
} from "../../src/directory/access-snapshots.js";
import { createAuthorization, deactivateAuthorization } from "../../src/directory/authorizations.js";
import type { DirectoryContext } from "../../src/directory/context.js";
import { deactivateOrganization } from "../../src/directory/organizations.js";
import { createProjectGrant, deactivateProjectGrant } from "../../src/directory/project-grants.js";
import { deactivateProject } from "../../src/directory/projects.js";
import { setUserMetadata } from "../../src/directory/user-metadata.js";
import { ReadCache } from "../../src/directory/read-cache.js";
import { PrismaClient } from "../../src/generated/prisma/client.js";
import type { ClientFacts } from "../../src/access/policy.js";
import { decidePath, type FactSources, refusal } from "../../src/oidc/policy-facts.js";
import { cachedReads, directReads } from "../../src/oidc/reads.js";
import { createEmptyDatabase } from "../support/database.js";
import { TEMPLATE_DB } from "../support/global-setup.js";
import { makeOrg, makeProject, makeUser } from "../support/fixtures.js";

// ---- The former implementation (Prisma reads: ~9, 3 and 3 statements), the reference. ----
const AUTHORIZATION_SELECT = {
  projectId: true,
  orgId: true,
  roleKeys: true,
  state: true,
  org: { select: { primaryDomain: true } },
  projectGrant: { select: { state: true } },
} as const;
type LegacyAuthorizationRow = {
  orgId: string;
  roleKeys: string[];
  state: "ACTIVE" | "INACTIVE";
  org: { primaryDomain: string };
  projectGrant: { state: "ACTIVE" | "INACTIVE" } | null;
};
const legacyAuthorization = (a: LegacyAuthorizationRow): SnapshotAuthorization => ({
  orgId: a.orgId,
  orgPrimaryDomain: a.org.primaryDomain,
  roleKeys: a.roleKeys,
  state: a.state,
  grantState: a.projectGrant?.state ?? null,
});
const legacy = {
  async projectAccess(prisma: PrismaClient, userId: string, projectId: string): Promise<ProjectAccess | null> {
    const [user, project, userOrgGrant, authorizations] = await Promise.all([
      prisma.user.findUnique({
        where: { id: userId },
        select: { id: true, orgId: true, state: true, org: { select: { id: true, state: true } } },
      }),
      prisma.project.findUnique({
        where: { id: projectId },
        select: {
          id: true,
          orgId: true,
          state: true,
          authorizationRequired: true,
          projectAccessRequired: true,
          projectRoleAssertion: true,
          org: { select: { id: true, state: true } },
          roles: { select: { key: true } },
        },
      }),
      prisma.projectGrant.findFirst({
        where: { projectId, grantedOrg: { users: { some: { id: userId } } } },
        select: { id: true, state: true },
      }),
      prisma.authorization.findMany({ where: { userId, projectId }, select: AUTHORIZATION_SELECT }),
    ]);
    if (!user || !project) return null;
    return {
      snapshot: {
        user: { id: user.id, orgId: user.orgId, state: user.state },
        userOrg: user.org,
        project: {
          id: project.id,
          orgId: project.orgId,
          state: project.state,
          authorizationRequired: project.authorizationRequired,
          projectAccessRequired: project.projectAccessRequired,
        },
        projectOrg: project.org,
        userOrgGrant,
        authorizations: authorizations.map(legacyAuthorization),
      },
      projectRoleAssertion: project.projectRoleAssertion,
      projectRoleKeys: project.roles.map((r) => r.key),
    };
  },
  userProfile(prisma: PrismaClient, userId: string) {
    return prisma.user.findUnique({
      where: { id: userId },
      include: {
        org: { select: { id: true, name: true, primaryDomain: true, state: true } },
        metadata: { select: { key: true, value: true } },
      },
    });
  },
};

// Neither implementation promises an order of authorizations, role keys or metadata.
const byOrg = (list: SnapshotAuthorization[]) => [...list].sort((a, b) => a.orgId.localeCompare(b.orgId));
function normalized(access: ProjectAccess | null) {
  if (!access) return access;
  return {
    ...access,
    snapshot: { ...access.snapshot, authorizations: byOrg(access.snapshot.authorizations) },
    projectRoleKeys: [...access.projectRoleKeys].sort(),
  };
}

// ---- A directory with every case of the checks. ----
async function scene(ctx: DirectoryContext) {
  const owner = await makeOrg(ctx);
  const partner = await makeOrg(ctx);
  const revokedOrg = await makeOrg(ctx);
  const stranger = await makeOrg(ctx);
  const closed = await makeOrg(ctx);
  const gated = await makeProject(ctx, owner.id, ["admin", "viewer", "editor"], {
    authorizationRequired: true,
    projectAccessRequired: true,
    projectRoleAssertion: true,
  });
  const retired = await makeProject(ctx, owner.id);
  const open = await makeProject(ctx, owner.id, ["r"]);
  const closedOwned = await makeProject(ctx, closed.id, ["r"], { authorizationRequired: true });
  await createProjectGrant(ctx, { projectId: gated.id, grantedOrganizationId: partner.id, roleKeys: ["viewer", "editor"] });
  await createProjectGrant(ctx, { projectId: gated.id, grantedOrganizationId: revokedOrg.id, roleKeys: ["viewer"] });

  const users = {
    own: await makeUser(ctx, owner.id),
    granted: await makeUser(ctx, partner.id),
    revoked: await makeUser(ctx, revokedOrg.id),
    external: await makeUser(ctx, stranger.id),
    nobody: await makeUser(ctx, stranger.id),
    emptyRoles: await makeUser(ctx, owner.id),
    deactivatedAuth: await makeUser(ctx, owner.id),
    inactive: await makeUser(ctx, owner.id),
    locked: await makeUser(ctx, owner.id),
    closedOrg: await makeUser(ctx, closed.id),
  };
  const authorize = (userId: string, projectId: string, roleKeys: string[], organizationId?: string) =>
    createAuthorization(ctx, { userId, projectId, roleKeys, ...(organizationId ? { organizationId } : {}) });
  await authorize(users.own.id, gated.id, ["admin", "viewer"]);
  await authorize(users.own.id, gated.id, ["viewer"], partner.id);
  await authorize(users.own.id, open.id, ["r"]);
  await authorize(users.granted.id, gated.id, ["viewer", "editor"], partner.id);
  await authorize(users.revoked.id, gated.id, ["viewer"], revokedOrg.id);
  await authorize(users.external.id, gated.id, ["editor"], partner.id);
  await authorize(users.external.id, open.id, ["r"]);
  await authorize(users.emptyRoles.id, gated.id, []);
  const dropped = await authorize(users.deactivatedAuth.id, gated.id, ["admin"]);
  await authorize(users.inactive.id, gated.id, ["admin"]);
  await authorize(users.locked.id, gated.id, ["admin"]);
  await authorize(users.closedOrg.id, closedOwned.id, ["r"]);
  await deactivateAuthorization(ctx, dropped.id);
  await deactivateProjectGrant(ctx, { projectId: gated.id, grantedOrganizationId: revokedOrg.id });
  await deactivateProject(ctx, retired.id);
  await deactivateOrganization(ctx, closed.id);
  await ctx.prisma.user.update({ where: { id: users.inactive.id }, data: { state: "INACTIVE" } });
  await ctx.prisma.user.update({ where: { id: users.locked.id }, data: { state: "LOCKED" } });
  await setUserMetadata(ctx, {
    userId: users.own.id,
    metadata: [
      { key: "team", value: new TextEncoder().encode("engines") },
      { key: "blob", value: new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)) },
    ],
  });
  const projects = { gated, retired, open, closedOwned };
  return { owner, partner, users, projects };
}
type Scene = Awaited<ReturnType<typeof scene>>;

// What the checks decide on the gated project: the matrix is not vacuous.
const GATED_DECISIONS: Record<keyof Scene["users"], string> = {
  own: "allowed",
  granted: "allowed",
  revoked: "project_access_required",
  external: "project_access_required",
  nobody: "project_access_required",
  emptyRoles: "authorization_required",
  deactivatedAuth: "authorization_required",
  inactive: "user_inactive",
  locked: "user_locked",
  closedOrg: "user_org_inactive",
};

const UNKNOWN = "100000000000000001";

/** Compares every (user, project) snapshot, unknown ids included, with the former reads. */
async function expectSameAsLegacy(prisma: PrismaClient, s: Scene) {
  const userIds = [...Object.values(s.users).map((u) => u.id), UNKNOWN];
  const projectIds = [...Object.values(s.projects).map((p) => p.id), UNKNOWN];
  // The impact preview's matrix, every pair at once (one twice): the same snapshots, no unknown ids.
  const pairs = userIds.flatMap((userId) => projectIds.map((projectId) => ({ userId, projectId })));
  const matrix = await loadAccessMatrix(prisma, [...pairs, pairs[0]!]);
  expect(matrix.has(UNKNOWN)).toBe(false);
  for (const { userId, projectId } of pairs) {
    const expected = normalized(await legacy.projectAccess(prisma, userId, projectId));
    expect(normalized(matrix.get(userId)?.get(projectId) ?? null), `matrix: ${userId} on ${projectId}`).toEqual(expected);
  }
  for (const userId of userIds) {
    const batch = await loadProjectsAccess(prisma, userId, projectIds);
    expect([...batch.keys()]).toEqual(projectIds);
    for (const projectId of projectIds) {
      const expected = normalized(await legacy.projectAccess(prisma, userId, projectId));
      expect(normalized(await loadProjectAccess(prisma, userId, projectId)), `${userId} on ${projectId}`).toEqual(expected);
      expect(normalized(batch.get(projectId)!)).toEqual(expected);
    }
    const sortMetadata = <T extends { metadata: { key: string }[] }>(u: T | null) =>
      u && { ...u, metadata: [...u.metadata].sort((a, b) => a.key.localeCompare(b.key)) };
    expect(sortMetadata(await loadUserProfile(prisma, userId))).toEqual(sortMetadata(await legacy.userProfile(prisma, userId)));
  }
  for (const [name, user] of Object.entries(s.users)) {
    const access = await loadProjectAccess(prisma, user.id, s.projects.gated.id);
    const decision = decideAccess(access!.snapshot);
    expect(decision.allowed ? "allowed" : decision.reason, name).toBe(GATED_DECISIONS[name as keyof Scene["users"]]);
    for (const p of [s.projects.retired, s.projects.closedOwned]) {
      expect(decideAccess((await loadProjectAccess(prisma, user.id, p.id))!.snapshot)).toMatchObject({ reason: "project_unavailable" });
    }
  }
  expect(await loadProjectAccess(prisma, UNKNOWN, s.projects.gated.id)).toBeNull();
  expect(await loadProjectAccess(prisma, s.users.own.id, UNKNOWN)).toBeNull();
  expect(await loadUserProfile(prisma, UNKNOWN)).toBeNull();
  const profile = (await loadUserProfile(prisma, s.users.own.id))!;
  expect(profile.org).toEqual({ id: s.owner.id, name: s.owner.name, primaryDomain: s.owner.primaryDomain, state: "ACTIVE" });
  expect(profile.updatedAt).toBeInstanceOf(Date);
  expect(new TextDecoder().decode(profile.metadata.find((m) => m.key === "team")!.value)).toBe("engines");
}

describe("access snapshot reads on PostgreSQL", () => {
  let db: Database;
  let pool: pg.Pool;
  let prisma: PrismaClient; // the same database, with every statement counted
  let statements: string[] = [];
  let s: Scene;

  beforeAll(async () => {
    const url = await createEmptyDatabase(TEMPLATE_DB);
    db = await openDatabase({ databaseUrl: url, dataDir: "/nonexistent" });
    pool = new pg.Pool({ connectionString: url, max: 4 });
    const logged = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: "event", level: "query" }] });
    logged.$on("query", (e) => statements.push(e.query));
    prisma = logged;
    s = await scene({ prisma: db.prisma, actor: { id: "tester" } });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
    await db?.close();
  });

  async function counted<T>(run: () => Promise<T>): Promise<{ result: T; statements: number }> {
    statements = [];
    const result = await run();
    return { result, statements: statements.length };
  }

  it("read one snapshot, several projects' snapshots and a profile in one statement each", async () => {
    const { own } = s.users;
    const ids = Object.values(s.projects).map((p) => p.id);
    expect((await counted(() => loadProjectAccess(prisma, own.id, s.projects.gated.id))).statements).toBe(1);
    expect((await counted(() => loadProjectAccess(prisma, own.id, UNKNOWN))).statements).toBe(1);
    expect((await counted(() => loadProjectsAccess(prisma, own.id, [...ids, UNKNOWN]))).statements).toBe(1);
    expect((await counted(() => loadUserProfile(prisma, own.id))).statements).toBe(1);
    // Nothing asked, nothing read.
    expect((await counted(() => loadProjectsAccess(prisma, own.id, []))).statements).toBe(0);
    // The former reads, for the record.
    expect((await counted(() => legacy.projectAccess(prisma, own.id, s.projects.gated.id))).statements).toBeGreaterThan(1);
  });

  it("return what the former Prisma reads returned, case by case", async () => {
    await expectSameAsLegacy(prisma, s);
  });

  it("cached: a batch loads only the projects not cached, in one statement, into the per-project entries", async () => {
    const reads = cachedReads(prisma, new ReadCache(60_000));
    const { own } = s.users;
    const { gated, open, retired, closedOwned } = s.projects;
    const first = await counted(() => reads.projectsAccess(own.id, [gated.id, open.id, UNKNOWN, gated.id]));
    expect(first.statements).toBe(1);
    expect([...first.result.keys()]).toEqual([gated.id, open.id, UNKNOWN]);
    expect(first.result.get(UNKNOWN)).toBeNull();
    expect(normalized(first.result.get(gated.id)!)).toEqual(normalized(await legacy.projectAccess(prisma, own.id, gated.id)));
    expect((await counted(() => reads.projectAccess(own.id, open.id))).statements).toBe(0);
    expect((await counted(() => reads.projectsAccess(own.id, [gated.id, open.id]))).statements).toBe(0);
    const more = await counted(() => reads.projectsAccess(own.id, [gated.id, retired.id, closedOwned.id]));
    expect(more.statements).toBe(1);
    expect(more.result.get(retired.id)!.snapshot.project.state).toBe("INACTIVE");
    // Concurrent requests share the loads.
    const both = await counted(() =>
      Promise.all([reads.projectsAccess(s.users.granted.id, [gated.id, open.id]), reads.projectAccess(s.users.granted.id, open.id)]),
    );
    expect(both.statements).toBe(1);
    expect(both.result[1]).toBe(both.result[0].get(open.id));
  });

  it("the client-credentials path reads the machine user and every aud-scope project in two statements, and names the first project denied", async () => {
    const aud = (id: string) => `urn:zitadel:iam:org:project:id:${id}:aud`;
    const sources: FactSources = { reads: directReads(prisma), managementConsented: async () => false };
    const machine: ClientFacts = {
      id: "machine",
      kind: "machine",
      accessTokenType: "BEARER",
      accessTokenRoleAssertion: false,
      idTokenRoleAssertion: false,
      idTokenUserinfoAssertion: false,
    };
    const checkMachineAccess = async (userId: string, scopes: string[]) => {
      const { outcome } = await decidePath(sources, { path: "client_credentials", client: machine, subjectId: userId, scopes });
      if (!outcome.allowed) throw refusal(outcome);
    };
    const { gated, open, retired } = s.projects;
    const ok = await counted(() =>
      checkMachineAccess(s.users.own.id, ["openid", aud(gated.id), aud(open.id), "urn:zitadel:iam:org:projects:roles"]),
    );
    expect(ok.statements).toBe(2);
    expect((await counted(() => checkMachineAccess(s.users.own.id, ["openid"]))).statements).toBe(1);

    const denied = async (userId: string, scopes: string[]) => {
      statements = [];
      const error = await checkMachineAccess(userId, scopes).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(statements.length).toBe(2);
      expect(error).toBeInstanceOf(errors.InvalidScope);
      return error as InstanceType<typeof errors.InvalidScope> & { scope?: string };
    };
    const external = await denied(s.users.external.id, [aud(open.id), aud(gated.id)]);
    expect(external.error_description).toBe(`access to project ${gated.id} denied: Your organization has no access to this application`);
    expect(external.scope).toBe(aud(gated.id));
    const first = await denied(s.users.own.id, [aud(gated.id), aud(retired.id), aud(UNKNOWN)]);
    expect(first.error_description).toBe(`access to project ${retired.id} denied: This application is not available`);
    const unknown = await denied(s.users.own.id, [aud(UNKNOWN)]);
    expect(unknown.error_description).toContain(`access to project ${UNKNOWN} denied`);
  });
});

describe("access snapshot reads on PGlite", () => {
  it("return what the former Prisma reads returned, case by case", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "rolegate-snapshots-"));
    const db = await openDatabase({ dataDir });
    try {
      const s = await scene({ prisma: db.prisma, actor: { id: "tester" } });
      await expectSameAsLegacy(db.prisma, s);
      const access = await loadProjectsAccess(db.prisma, s.users.granted.id, [s.projects.gated.id]);
      expect(access.get(s.projects.gated.id)!.snapshot.userOrgGrant).toMatchObject({ state: "ACTIVE" });
    } finally {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
