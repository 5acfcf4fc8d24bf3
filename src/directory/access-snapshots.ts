// The directory reads behind every access decision and role claim: one user on one or more
// projects, each read one SQL statement whatever the directory's size or the number of projects
// (and, for the impact preview, many users on many projects in four).
// Prisma would split nested selects into one statement per relation (~9 for a snapshot), so
// these reads are hand-written SQL (parameters bound by $queryRaw's tagged template) that return
// the nested shapes as JSON built in PostgreSQL. The same SQL runs on PostgreSQL and PGlite.
import type { AccessSnapshot, ProjectAccess, SnapshotAuthorization } from "../access/decide.js";
import { type ActiveState, type OrgState, Prisma, type PrismaClient, type User, type UserState } from "../generated/prisma/client.js";

export type { ProjectAccess };

/**
 * One authorization `a` as a SnapshotAuthorization (JSON), given its holding organization `ao`
 * and its project grant `ag` (left-joined: null when held by the project's owner).
 */
const AUTHORIZATION_JSON = Prisma.sql`json_build_object(
  'orgId', a."orgId",
  'orgPrimaryDomain', ao."primaryDomain",
  'roleKeys', COALESCE(a."roleKeys", ARRAY[]::text[]),
  'state', a."state",
  'grantState', ag."state"
)`;
const AUTHORIZATION_JOINS = Prisma.sql`JOIN "Organization" ao ON ao."id" = a."orgId"
  LEFT JOIN "ProjectGrant" ag ON ag."id" = a."projectGrantId"`;
// Creation order (as the rows were inserted), so claims list holding orgs in a stable order.
const AUTHORIZATION_ORDER = Prisma.sql`a."createdAt", a."id"`;

/** The access snapshot of a user on a project, or null when either does not exist. */
export async function loadProjectAccess(prisma: PrismaClient, userId: string, projectId: string): Promise<ProjectAccess | null> {
  return (await loadProjectsAccess(prisma, userId, [projectId])).get(projectId) ?? null;
}

/**
 * The access snapshots of a user on several projects, in one statement: every requested id is a
 * key of the result, null when the user or that project does not exist.
 */
export async function loadProjectsAccess(
  prisma: PrismaClient,
  userId: string,
  projectIds: readonly string[],
): Promise<Map<string, ProjectAccess | null>> {
  const ids = [...new Set(projectIds)];
  const byProject = new Map<string, ProjectAccess | null>(ids.map((id) => [id, null]));
  const pairs = ids.map((projectId) => ({ userId, projectId }));
  for (const row of await accessRows(prisma, pairs)) byProject.set(row.projectId, parseJson(row.access));
  return byProject;
}

export interface UserOnProject {
  userId: string;
  projectId: string;
}

/**
 * The access snapshots of users on projects, pair by pair (the impact preview's before and after):
 * user id → project id → snapshot; a pair whose user or project does not exist has no entry. For
 * thousands of pairs: four flat reads (users, projects, grants, authorizations) put together here,
 * rather than the per-pair JSON that accessRows builds (~80 µs a pair). Each piece has the shape
 * accessRows gives it, and a test compares the two pair by pair.
 */
export async function loadAccessMatrix(
  prisma: Pick<PrismaClient, "$queryRaw">,
  pairs: readonly UserOnProject[],
): Promise<Map<string, Map<string, ProjectAccess>>> {
  const matrix = new Map<string, Map<string, ProjectAccess>>();
  if (pairs.length === 0) return matrix;
  const userIds = [...new Set(pairs.map((p) => p.userId))];
  const projectIds = [...new Set(pairs.map((p) => p.projectId))];
  const users = await prisma.$queryRaw<{ id: string; orgId: string; state: UserState; orgState: OrgState }[]>`
    SELECT u."id", u."orgId", u."state", o."state" AS "orgState"
    FROM "User" u JOIN "Organization" o ON o."id" = u."orgId"
    WHERE u."id" = ANY(${userIds}::text[])`;
  const projects = await prisma.$queryRaw<
    (AccessSnapshot["project"] & { orgState: OrgState; projectRoleAssertion: boolean; roleKeys: string[] | null })[]
  >`
    SELECT p."id", p."orgId", p."state", p."authorizationRequired", p."projectAccessRequired", p."projectRoleAssertion",
      o."state" AS "orgState",
      (SELECT array_agg(r."key" ORDER BY r."key") FROM "ProjectRole" r WHERE r."projectId" = p."id") AS "roleKeys"
    FROM "Project" p JOIN "Organization" o ON o."id" = p."orgId"
    WHERE p."id" = ANY(${projectIds}::text[])`;
  const userOrgIds = [...new Set(users.map((u) => u.orgId))];
  const grants = await prisma.$queryRaw<{ id: string; projectId: string; grantedOrgId: string; state: ActiveState }[]>`
    SELECT g."id", g."projectId", g."grantedOrgId", g."state" FROM "ProjectGrant" g
    WHERE g."projectId" = ANY(${projectIds}::text[]) AND g."grantedOrgId" = ANY(${userOrgIds}::text[])`;
  // Thousands of rows: one JSON value (rows as arrays) parses far faster than rows cross the driver.
  type AuthorizationRow = [string, string, string, string, string[], ActiveState, ActiveState | null];
  const [{ rows }] = await prisma.$queryRaw<[{ rows: AuthorizationRow[] | string }]>`
    SELECT COALESCE(json_agg(json_build_array(
      a."userId", a."projectId", a."orgId", ao."primaryDomain", COALESCE(a."roleKeys", ARRAY[]::text[]), a."state", ag."state"
    ) ORDER BY ${AUTHORIZATION_ORDER}), '[]'::json) AS "rows"
    FROM "Authorization" a ${AUTHORIZATION_JOINS}
    WHERE (a."userId", a."projectId") IN (
      SELECT * FROM unnest(${pairs.map((p) => p.userId)}::text[], ${pairs.map((p) => p.projectId)}::text[])
    )`;

  const userById = new Map(users.map((u) => [u.id, u]));
  const projectById = new Map(projects.map((p) => [p.id, p]));
  const grantOf = new Map(grants.map((g) => [`${g.projectId}\n${g.grantedOrgId}`, { id: g.id, state: g.state }]));
  const authorizationsOf = new Map<string, SnapshotAuthorization[]>();
  for (const [userId, projectId, orgId, orgPrimaryDomain, roleKeys, state, grantState] of parseJson(rows)) {
    const key = `${userId}\n${projectId}`;
    const authorization = { orgId, orgPrimaryDomain, roleKeys, state, grantState };
    const list = authorizationsOf.get(key);
    if (list) list.push(authorization);
    else authorizationsOf.set(key, [authorization]);
  }
  for (const { userId, projectId } of pairs) {
    const user = userById.get(userId);
    const project = projectById.get(projectId);
    if (!user || !project) continue;
    const byProject = matrix.get(userId) ?? new Map<string, ProjectAccess>();
    matrix.set(userId, byProject);
    byProject.set(projectId, {
      snapshot: {
        user: { id: user.id, orgId: user.orgId, state: user.state },
        userOrg: { id: user.orgId, state: user.orgState },
        project: {
          id: project.id,
          orgId: project.orgId,
          state: project.state,
          authorizationRequired: project.authorizationRequired,
          projectAccessRequired: project.projectAccessRequired,
        },
        projectOrg: { id: project.orgId, state: project.orgState },
        userOrgGrant: grantOf.get(`${projectId}\n${user.orgId}`) ?? null,
        authorizations: authorizationsOf.get(`${userId}\n${projectId}`) ?? [],
      },
      projectRoleAssertion: project.projectRoleAssertion,
      projectRoleKeys: project.roleKeys ?? [],
    });
  }
  return matrix;
}

async function accessRows(prisma: Pick<PrismaClient, "$queryRaw">, pairs: readonly UserOnProject[]) {
  if (pairs.length === 0) return [];
  const userIds = pairs.map((p) => p.userId);
  const projectIds = pairs.map((p) => p.projectId);
  return prisma.$queryRaw<{ userId: string; projectId: string; access: ProjectAccess | string }[]>`
    SELECT u."id" AS "userId", p."id" AS "projectId", json_build_object(
      'snapshot', json_build_object(
        'user', json_build_object('id', u."id", 'orgId', u."orgId", 'state', u."state"),
        'userOrg', json_build_object('id', uo."id", 'state', uo."state"),
        'project', json_build_object(
          'id', p."id",
          'orgId', p."orgId",
          'state', p."state",
          'authorizationRequired', p."authorizationRequired",
          'projectAccessRequired', p."projectAccessRequired"
        ),
        'projectOrg', json_build_object('id', po."id", 'state', po."state"),
        'userOrgGrant', (
          SELECT json_build_object('id', g."id", 'state', g."state")
          FROM "ProjectGrant" g
          WHERE g."projectId" = p."id" AND g."grantedOrgId" = u."orgId"
        ),
        'authorizations', COALESCE((
          SELECT json_agg(${AUTHORIZATION_JSON} ORDER BY ${AUTHORIZATION_ORDER})
          FROM "Authorization" a ${AUTHORIZATION_JOINS}
          WHERE a."userId" = u."id" AND a."projectId" = p."id"
        ), '[]'::json)
      ),
      'projectRoleAssertion', p."projectRoleAssertion",
      'projectRoleKeys', COALESCE((
        SELECT json_agg(r."key" ORDER BY r."key") FROM "ProjectRole" r WHERE r."projectId" = p."id"
      ), '[]'::json)
    ) AS "access"
    FROM (SELECT DISTINCT * FROM unnest(${userIds}::text[], ${projectIds}::text[]) AS t("userId", "projectId")) pair
    JOIN "User" u ON u."id" = pair."userId"
    JOIN "Organization" uo ON uo."id" = u."orgId"
    JOIN "Project" p ON p."id" = pair."projectId"
    JOIN "Organization" po ON po."id" = p."orgId"`;
}

export type UserProfile = User & {
  org: { id: string; name: string; primaryDomain: string; state: OrgState };
  metadata: { key: string; value: Prisma.Bytes }[];
};

/** A user with its organization and metadata: the source of profile and reserved-scope claims. */
export async function loadUserProfile(prisma: PrismaClient, userId: string): Promise<UserProfile | null> {
  // Every column of "User" as Prisma's model has it (no @map in the schema): both driver adapters
  // return dates as Date and enum columns as their text (the Prisma enum's names).
  const rows = await prisma.$queryRaw<(User & { org: UserProfile["org"] | string; metadata: { key: string; value: string }[] | string })[]>`
    SELECT u.*,
      json_build_object('id', o."id", 'name', o."name", 'primaryDomain', o."primaryDomain", 'state', o."state") AS "org",
      COALESCE((
        SELECT json_agg(json_build_object('key', m."key", 'value', encode(m."value", 'hex')) ORDER BY m."key")
        FROM "UserMetadata" m WHERE m."userId" = u."id"
      ), '[]'::json) AS "metadata"
    FROM "User" u
    JOIN "Organization" o ON o."id" = u."orgId"
    WHERE u."id" = ${userId}`;
  const row = rows[0];
  if (!row) return null;
  return {
    ...row,
    org: parseJson(row.org),
    metadata: parseJson(row.metadata).map((m) => ({ key: m.key, value: new Uint8Array(Buffer.from(m.value, "hex")) })),
  };
}

/** A json column: parsed by Prisma already, or (some driver adapters) still its text. */
export function parseJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}
