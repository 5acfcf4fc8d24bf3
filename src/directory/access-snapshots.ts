// The directory reads behind every access decision and role claim: one user on one or more
// projects, loaded with a fixed number of parallel queries whatever the directory's size.
import type { AccessSnapshot, SnapshotAuthorization } from "../access/decide.js";
import type { PrismaClient } from "../generated/prisma/client.js";

export interface ProjectAccess {
  snapshot: AccessSnapshot;
  projectRoleAssertion: boolean;
  projectRoleKeys: string[];
}

const AUTHORIZATION_SELECT = {
  projectId: true,
  orgId: true,
  roleKeys: true,
  state: true,
  org: { select: { primaryDomain: true } },
  projectGrant: { select: { state: true } },
} as const;

type AuthorizationRow = {
  projectId: string;
  orgId: string;
  roleKeys: string[];
  state: "ACTIVE" | "INACTIVE";
  org: { primaryDomain: string };
  projectGrant: { state: "ACTIVE" | "INACTIVE" } | null;
};

const toSnapshotAuthorization = (a: AuthorizationRow): SnapshotAuthorization => ({
  orgId: a.orgId,
  orgPrimaryDomain: a.org.primaryDomain,
  roleKeys: a.roleKeys,
  state: a.state,
  grantState: a.projectGrant?.state ?? null,
});

/** The access snapshot of a user on a project, or null when either does not exist. */
export async function loadProjectAccess(prisma: PrismaClient, userId: string, projectId: string): Promise<ProjectAccess | null> {
  const [user, project, userOrgGrant, authorizations] = await Promise.all([
    prisma.user.findUnique({ where: { id: userId }, select: { id: true, orgId: true, state: true, org: { select: { id: true, state: true } } } }),
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
    // The grant of the project to the user's own organization, joined through the user.
    prisma.projectGrant.findFirst({ where: { projectId, grantedOrg: { users: { some: { id: userId } } } }, select: { id: true, state: true } }),
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
      authorizations: authorizations.map(toSnapshotAuthorization),
    },
    projectRoleAssertion: project.projectRoleAssertion,
    projectRoleKeys: project.roles.map((r) => r.key),
  };
}

/** The user's authorizations on several projects at once (aud-scope projects), by project id. */
export async function loadAuthorizationsByProject(
  prisma: PrismaClient,
  userId: string,
  projectIds: string[],
): Promise<Map<string, SnapshotAuthorization[]>> {
  const byProject = new Map<string, SnapshotAuthorization[]>(projectIds.map((id) => [id, []]));
  if (projectIds.length === 0) return byProject;
  const rows = await prisma.authorization.findMany({ where: { userId, projectId: { in: projectIds } }, select: AUTHORIZATION_SELECT });
  for (const row of rows) byProject.get(row.projectId)?.push(toSnapshotAuthorization(row));
  return byProject;
}

/** A user with its organization and metadata: the source of profile and reserved-scope claims. */
export function loadUserProfile(prisma: PrismaClient, userId: string) {
  return prisma.user.findUnique({
    where: { id: userId },
    include: { org: { select: { id: true, name: true, primaryDomain: true } }, metadata: { select: { key: true, value: true } } },
  });
}

export type UserProfile = NonNullable<Awaited<ReturnType<typeof loadUserProfile>>>;
