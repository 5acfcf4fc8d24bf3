// The directory side of the impact preview (docs/rules.md#r-impact-1): a dry run that performs a
// change in a transaction and rolls it back, and the reads that compare before and after (who may
// be affected, their access snapshots, the projects' available apps).
import { appAvailable } from "../access/policy.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { UserOnProject } from "./access-snapshots.js";
import type { Tx } from "./context.js";

class RolledBack<T> extends Error {
  constructor(readonly result: T) {
    super("dry run rolled back");
  }
}

/**
 * Runs `work` in one transaction that is always rolled back. `work` gets a client that looks like
 * the PrismaClient every directory operation takes, whose own transactions join this one, so the
 * very operation the API runs can run here, its permission checks, cascades and audit entries
 * included, and leave nothing behind.
 */
export async function dryRun<T>(prisma: PrismaClient, work: (dry: PrismaClient, tx: Tx) => Promise<T>): Promise<T> {
  try {
    await prisma.$transaction((tx) => work(joining(tx), tx).then((result) => Promise.reject(new RolledBack(result))), { timeout: 30_000 });
  } catch (error) {
    if (error instanceof RolledBack) return error.result as T;
    throw error;
  }
  throw new Error("unreachable: a dry run always rolls back");
}

/** `tx` as a PrismaClient whose $transaction runs in `tx` (interactive and batch forms). */
function joining(tx: Tx): PrismaClient {
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property === "$transaction") {
        return (work: unknown) => (typeof work === "function" ? work(tx) : Promise.all(work as Promise<unknown>[]));
      }
      return Reflect.get(target, property, receiver);
    },
  }) as unknown as PrismaClient;
}

/** Where to look: these projects (every user who may pass them), and these users or the users of
 * these organizations (every project they may pass). */
export interface ImpactScope {
  projectIds?: readonly string[];
  userIds?: readonly string[];
  orgIds?: readonly string[];
}

/** Above this many user × project pairs a preview is refused rather than computed. */
export const MAX_IMPACT_PAIRS = 100_000;

/**
 * The user × project pairs in the scope where the user may pass the project's checks now: the user
 * holds an authorization on it; or, without authorizationRequired, is of the owner or of a granted
 * organization; or the project requires neither. A superset: the before/after comparison decides.
 */
export async function impactPairs(tx: Tx, scope: ImpactScope): Promise<UserOnProject[]> {
  // Found from where access comes from, each scope read by its own index, in a UNION: the
  // authorizations in scope, and the users in scope of projects without authorizationRequired.
  // (A cross join of users and projects filtered on an OR walks every pair: seconds at 10⁴ × 10³.)
  const projectIds = scope.projectIds?.length ? [...scope.projectIds] : undefined;
  const userIds = scope.userIds?.length ? [...scope.userIds] : undefined;
  const orgIds = scope.orgIds?.length ? [...scope.orgIds] : undefined;
  const openProjects = Prisma.sql`(SELECT "id", "orgId", "projectAccessRequired" FROM "Project" WHERE NOT "authorizationRequired")`;
  const passesByOrg = Prisma.sql`(
    NOT p."projectAccessRequired" OR u."orgId" = p."orgId"
    OR EXISTS (SELECT 1 FROM "ProjectGrant" g WHERE g."projectId" = p."id" AND g."grantedOrgId" = u."orgId"))`;
  const byOrg = (usersInScope: Prisma.Sql) =>
    Prisma.sql`SELECT u."id", p."id" FROM ${openProjects} p CROSS JOIN "User" u WHERE ${usersInScope} AND ${passesByOrg}`;
  const selects = [
    projectIds && Prisma.sql`SELECT a."userId", a."projectId" FROM "Authorization" a WHERE a."projectId" = ANY(${projectIds}::text[])`,
    userIds && Prisma.sql`SELECT a."userId", a."projectId" FROM "Authorization" a WHERE a."userId" = ANY(${userIds}::text[])`,
    orgIds &&
      Prisma.sql`SELECT a."userId", a."projectId" FROM "Authorization" a JOIN "User" u ON u."id" = a."userId" WHERE u."orgId" = ANY(${orgIds}::text[])`,
    projectIds &&
      Prisma.sql`SELECT u."id", p."id" FROM ${openProjects} p CROSS JOIN "User" u WHERE p."id" = ANY(${projectIds}::text[]) AND ${passesByOrg}`,
    userIds && byOrg(Prisma.sql`u."id" = ANY(${userIds}::text[])`),
    orgIds && byOrg(Prisma.sql`u."orgId" = ANY(${orgIds}::text[])`),
  ].filter((select): select is Prisma.Sql => select !== undefined);
  if (selects.length === 0) return [];
  return tx.$queryRaw<UserOnProject[]>`
    SELECT "userId", "projectId" FROM (${Prisma.join(selects, " UNION ")}) AS pairs("userId", "projectId")
    ORDER BY "userId", "projectId"
    LIMIT ${MAX_IMPACT_PAIRS + 1}`;
}

export interface AppRef {
  id: string;
  projectId: string;
  name: string;
  clientId: string;
}

/** The projects' available apps (active, in an active project of an active organization). */
export async function availableApps(tx: Tx, projectIds: readonly string[]): Promise<AppRef[]> {
  const rows = await tx.application.findMany({
    where: { projectId: { in: [...projectIds] } },
    select: {
      id: true,
      projectId: true,
      name: true,
      clientId: true,
      state: true,
      project: { select: { state: true, org: { select: { state: true } } } },
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return rows
    .filter((a) => appAvailable({ app: a.state, project: a.project.state, projectOrg: a.project.org.state }))
    .map(({ id, projectId, name, clientId }) => ({ id, projectId, name, clientId }));
}

export interface ImpactUser {
  id: string;
  loginName: string;
  displayName: string;
  orgId: string;
  orgName: string;
}

/** Names for the answer: users with their organization, and projects. */
export async function describeImpact(tx: Tx, userIds: readonly string[], projectIds: readonly string[]) {
  const [users, projects] = await Promise.all([
    tx.user.findMany({
      where: { id: { in: [...userIds] } },
      select: { id: true, username: true, displayName: true, name: true, orgId: true, org: { select: { name: true } } },
    }),
    tx.project.findMany({ where: { id: { in: [...projectIds] } }, select: { id: true, name: true, orgId: true } }),
  ]);
  return {
    users: new Map<string, ImpactUser>(
      users.map((u) => [
        u.id,
        { id: u.id, loginName: u.username, displayName: u.displayName ?? u.name ?? u.username, orgId: u.orgId, orgName: u.org.name },
      ]),
    ),
    projects: new Map(projects.map((p) => [p.id, p])),
  };
}
