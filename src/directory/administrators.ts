// Administrators: a user's administrator roles on one resource (the instance, an organization,
// a project or a project grant), as ZITADEL's InternalPermissionService models them.
import type { HeldRole } from "../access/user-administration.js";
import type { AdminResource, AdminRole, Administrator, Prisma, Project } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { deleteAudited } from "./audited-writes.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, invalidArgument, notFound } from "./errors.js";
import {
  dateWhere,
  displayNameWhere,
  MAX_FILTER_DEPTH,
  readPagination,
  textWhere,
  USER_NAMES,
  type DateFilter,
  type Page,
  type Pagination,
  type TextFilter,
  type Visibility,
} from "./list.js";
import { findGrant } from "./project-grants.js";
import { loadProject } from "./projects.js";
import { loadOrganization } from "./organizations.js";
import { optionalEnum, requireEnum, requireId, requireList, requireText } from "./validate.js";

export type { Administrator, AdminRole };

/** Which resource the roles are on; exactly one member is set. */
export interface ResourceRef {
  instance?: boolean | undefined;
  organizationId?: string | undefined;
  projectId?: string | undefined;
  /** The proto names the grant by its id; the granted organization's id works too. */
  projectGrant?: { projectId: string; projectGrantId?: string | undefined; organizationId?: string | undefined } | undefined;
}

/** Roles make sense only on their kind of resource. */
export const ROLES_BY_RESOURCE: Record<AdminResource, readonly AdminRole[]> = {
  INSTANCE: ["IAM_OWNER"],
  ORGANIZATION: ["ORG_OWNER", "ORG_USER_MANAGER"],
  PROJECT: ["PROJECT_OWNER"],
  PROJECT_GRANT: ["PROJECT_GRANT_OWNER"],
};

const RESOURCE_NAMES: Record<AdminResource, string> = {
  INSTANCE: "the instance",
  ORGANIZATION: "an organization",
  PROJECT: "a project",
  PROJECT_GRANT: "a project grant",
};

interface ResolvedResource {
  resource: AdminResource;
  resourceId: string;
  orgId: string | null;
  projectId: string | null;
  projectGrantId: string | null;
}

function readResource(ref: ResourceRef | undefined): ResourceRef {
  if (!ref || typeof ref !== "object") throw invalidArgument("resource", "is required");
  const set = [ref.instance === true, ref.organizationId !== undefined, ref.projectId !== undefined, ref.projectGrant !== undefined];
  if (set.filter(Boolean).length !== 1) {
    throw invalidArgument("resource", "set exactly one of instance, organizationId, projectId, projectGrant");
  }
  return ref;
}

/** Checks that the resource exists and returns its columns. */
async function resolveResource(tx: Tx, ref: ResourceRef): Promise<ResolvedResource> {
  if (ref.instance) return { resource: "INSTANCE", resourceId: "", orgId: null, projectId: null, projectGrantId: null };
  if (ref.organizationId !== undefined) {
    const org = await loadOrganization(tx, requireId("resource.organizationId", ref.organizationId));
    return { resource: "ORGANIZATION", resourceId: org.id, orgId: org.id, projectId: null, projectGrantId: null };
  }
  if (ref.projectId !== undefined) {
    const project = await loadProject(tx, requireId("resource.projectId", ref.projectId));
    return { resource: "PROJECT", resourceId: project.id, orgId: null, projectId: project.id, projectGrantId: null };
  }
  const projectId = requireId("resource.projectGrant.projectId", ref.projectGrant?.projectId);
  const grantId = ref.projectGrant?.projectGrantId;
  const grant = grantId
    ? await tx.projectGrant.findFirst({ where: { id: requireId("resource.projectGrant.projectGrantId", grantId), projectId } })
    : await findGrant(tx, projectId, requireId("resource.projectGrant.organizationId", ref.projectGrant?.organizationId));
  if (!grant) throw notFound("project grant", `${grantId ?? ref.projectGrant?.organizationId} of project ${projectId}`);
  return { resource: "PROJECT_GRANT", resourceId: grant.id, orgId: null, projectId: null, projectGrantId: grant.id };
}

/** Each role must belong on the resource; a role rolegate does not have (ZITADEL's ORG_OWNER_VIEWER, say) is named. */
function readRoles(resource: AdminResource, roles: unknown): AdminRole[] {
  const allowed = ROLES_BY_RESOURCE[resource];
  const list = requireList("roles", roles, (field, value) => {
    if (typeof value === "string" && !(allowed as readonly string[]).includes(value)) {
      throw invalidArgument(field, `${value} is not a role on ${RESOURCE_NAMES[resource]}; must be one of ${allowed.join(", ")}`);
    }
    return requireEnum(field, value, allowed);
  });
  if (list.length === 0) throw invalidArgument("roles", "must name at least one role");
  return list;
}

export interface AdministratorInput {
  userId: string;
  resource: ResourceRef;
  roles?: string[] | undefined;
}

export async function createAdministrator(ctx: DirectoryContext, input: AdministratorInput): Promise<Administrator> {
  const userId = requireId("userId", input.userId);
  const ref = readResource(input.resource);
  const taken = () => alreadyExists("userId", `user ${userId} is already an administrator of this resource`);
  return inTransaction(
    ctx,
    async (tx) => {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) throw notFound("user", userId);
      const resolved = await resolveResource(tx, ref);
      const roles = readRoles(resolved.resource, input.roles);
      const existing = await findMembership(tx, userId, resolved);
      assertThat(!existing, taken);
      const admin = await tx.administrator.create({ data: { id: newId(), userId, roles, ...resolved } });
      await writeAudit(tx, ctx.actor.id, {
        action: "administrator.created",
        targetType: "administrator",
        targetId: admin.id,
        after: admin,
      });
      return admin;
    },
    taken,
  );
}

function findMembership(tx: Tx, userId: string, r: { resource: AdminResource; resourceId: string }) {
  return tx.administrator.findUnique({
    where: { userId_resource_resourceId: { userId, resource: r.resource, resourceId: r.resourceId } },
  });
}

/** Replaces the roles: roles not in the request are revoked. */
export async function updateAdministrator(ctx: DirectoryContext, input: AdministratorInput): Promise<Administrator> {
  const userId = requireId("userId", input.userId);
  const ref = readResource(input.resource);
  return inTransaction(ctx, async (tx) => {
    const resolved = await resolveResource(tx, ref);
    const roles = readRoles(resolved.resource, input.roles);
    const before = await findMembership(tx, userId, resolved);
    if (!before) throw notFound("administrator", `${userId} of this resource`);
    const after = await tx.administrator.update({ where: { id: before.id }, data: { roles } });
    await writeAudit(tx, ctx.actor.id, {
      action: "administrator.updated",
      targetType: "administrator",
      targetId: before.id,
      before,
      after,
    });
    return after;
  });
}

/** Unknown memberships (or resources) succeed: the desired state is reached. */
export async function deleteAdministrator(ctx: DirectoryContext, input: Omit<AdministratorInput, "roles">): Promise<boolean> {
  const userId = requireId("userId", input.userId);
  const ref = readResource(input.resource);
  return deleteAudited(ctx, {
    action: "administrator.deleted",
    targetType: "administrator",
    find: async (tx) => {
      let resolved: ResolvedResource;
      try {
        resolved = await resolveResource(tx, ref);
      } catch (error) {
        if ((error as { code?: string }).code === "not_found") return null;
        throw error;
      }
      return findMembership(tx, userId, resolved);
    },
    remove: (tx, before) => tx.administrator.delete({ where: { id: before.id } }).then(() => true),
  });
}

/** A project or project-grant resource's project, and the grant when it is one. */
export interface ResourceOwners {
  project: Project;
  grant?: { id: string; grantedOrgId: string } | undefined;
}

/**
 * The project (and grant) a project or project-grant resource is on, for permission checks before
 * a change; null for unknown projects and grants (the change answers for them) and for other resources.
 */
export async function findResourceOwners(ctx: DirectoryContext, ref: ResourceRef): Promise<ResourceOwners | null> {
  if (ref.projectId !== undefined) {
    const project = await ctx.prisma.project.findUnique({ where: { id: requireId("resource.projectId", ref.projectId) } });
    return project && { project };
  }
  if (!ref.projectGrant) return null;
  const projectId = requireId("resource.projectGrant.projectId", ref.projectGrant.projectId);
  const grantId = ref.projectGrant.projectGrantId;
  const grant = grantId
    ? await ctx.prisma.projectGrant.findFirst({ where: { id: requireId("resource.projectGrant.projectGrantId", grantId), projectId } })
    : await findGrant(ctx.prisma, projectId, requireId("resource.projectGrant.organizationId", ref.projectGrant.organizationId));
  if (!grant) return null;
  const project = await ctx.prisma.project.findUnique({ where: { id: grant.projectId } });
  return project && { project, grant: { id: grant.id, grantedOrgId: grant.grantedOrgId } };
}

export type AdministratorSort = "creationDate" | "changeDate" | "userId";

const ADMINISTRATOR_SORT = { creationDate: "createdAt", changeDate: "updatedAt", userId: "userId" } as const satisfies Record<
  AdministratorSort,
  keyof Prisma.AdministratorOrderByWithRelationInput
>;

/** Every administrator role. */
export const ADMIN_ROLES: readonly AdminRole[] = [...new Set(Object.values(ROLES_BY_RESOURCE).flat())];

/**
 * Conditions on administrators, all of which must hold; and/or/not nest them. Field names in
 * errors are those of ZITADEL's filters.
 */
export interface AdministratorFilter {
  userId?: string | undefined;
  /** Administrators that are any of these users. */
  userIds?: string[] | undefined;
  userOrganizationId?: string | undefined;
  userPreferredLoginName?: TextFilter | undefined;
  /** The user's display name as the API shows it (display name, else machine name, else login name). */
  userDisplayName?: TextFilter | undefined;
  userGivenName?: TextFilter | undefined;
  userFamilyName?: TextFilter | undefined;
  userEmail?: TextFilter | undefined;
  resource?: AdminResource | undefined;
  resourceId?: string | undefined;
  /** Administrators of one project grant, named by its project and the organization it is granted to. */
  projectGrant?: { projectId: string; grantedOrganizationId: string } | undefined;
  role?: AdminRole | undefined;
  createdAt?: DateFilter | undefined;
  updatedAt?: DateFilter | undefined;
  and?: AdministratorFilter[] | undefined;
  /** Any of these; an empty list restricts nothing (as ZITADEL's empty or-filter). */
  or?: AdministratorFilter[] | undefined;
  not?: AdministratorFilter | undefined;
}

/**
 * What one administrator may see (absent for instance owners: everything): its own roles, the
 * administrators of organizations it owns (orgIds), of projects it administers, and of grants it
 * administers or that were made to its organizations.
 */
export interface AdministratorVisibility extends Visibility {
  userId: string;
}

export interface ListAdministratorsInput extends AdministratorFilter {
  pagination?: Pagination | undefined;
  /** Defaults to creationDate. */
  sortBy?: AdministratorSort | undefined;
  /** Further conditions, each of which must hold (a request's filters; errors name them filters[i]). */
  filters?: AdministratorFilter[] | undefined;
  visibleTo?: AdministratorVisibility | undefined;
}

const ROW_INCLUDE = {
  user: { select: { ...USER_NAMES, givenName: true, familyName: true, email: true, type: true } },
  org: { select: { id: true, name: true } },
  project: { select: { id: true, name: true, orgId: true } },
  projectGrant: { select: { id: true, projectId: true, grantedOrgId: true, project: { select: { name: true, orgId: true } } } },
} satisfies Prisma.AdministratorInclude;

/** An administrator with its user and the resource its roles are on. */
export type AdministratorRow = Prisma.AdministratorGetPayload<{ include: typeof ROW_INCLUDE }>;

export async function listAdministrators(ctx: DirectoryContext, input: ListAdministratorsInput = {}): Promise<Page<AdministratorRow>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy = optionalEnum("sortingColumn", input.sortBy, ["creationDate", "changeDate", "userId"] as const) ?? "creationDate";
  const where: Prisma.AdministratorWhereInput = {
    AND: [
      ...(input.visibleTo ? [visibleWhere(input.visibleTo)] : []),
      administratorWhere(input, "", 0),
      ...(input.filters ?? []).map((f, i) => administratorWhere(f, `filters[${i}]`, 0)),
    ],
  };
  const direction = asc ? "asc" : "desc";
  const [items, total] = await Promise.all([
    ctx.prisma.administrator.findMany({
      where,
      include: ROW_INCLUDE,
      orderBy: [{ [ADMINISTRATOR_SORT[sortBy]]: direction }, { id: direction }],
      skip,
      take,
    }),
    ctx.prisma.administrator.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}

function visibleWhere(v: AdministratorVisibility): Prisma.AdministratorWhereInput {
  return {
    OR: [
      { userId: v.userId },
      { resource: "ORGANIZATION", resourceId: { in: v.orgIds } },
      { resource: "PROJECT", resourceId: { in: v.projectIds } },
      { resource: "PROJECT", project: { orgId: { in: v.orgIds } } },
      {
        resource: "PROJECT_GRANT",
        projectGrant: {
          OR: [
            { id: { in: v.grantIds } },
            { grantedOrgId: { in: v.orgIds } },
            { projectId: { in: v.projectIds } },
            { project: { orgId: { in: v.orgIds } } },
          ],
        },
      },
    ],
  };
}

/** One set of conditions; `path` names it in errors ("" at the top, else e.g. filters[0].and.queries[1]). */
function administratorWhere(f: AdministratorFilter, path: string, depth: number): Prisma.AdministratorWhereInput {
  if (depth > MAX_FILTER_DEPTH) throw invalidArgument(path || "filters", `filters nest at most ${MAX_FILTER_DEPTH} levels deep`);
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const nested = (list: AdministratorFilter[], name: string) =>
    list.map((q, i) => administratorWhere(q, at(`${name}.queries[${i}]`), depth + 1));
  const conditions: Prisma.AdministratorWhereInput[] = [];
  if (f.userId !== undefined) conditions.push({ userId: requireId(at("userId"), f.userId) });
  if (f.userIds !== undefined) conditions.push({ userId: { in: requireList(at("inUserIdsFilter.ids"), f.userIds, requireId) } });
  if (f.userOrganizationId !== undefined)
    conditions.push({ user: { orgId: requireId(at("userOrganizationId.id"), f.userOrganizationId) } });
  if (f.userPreferredLoginName) {
    const name = at("userPreferredLoginName.preferredLoginName");
    conditions.push({ user: { username: textWhere(name, f.userPreferredLoginName) } });
  }
  if (f.userDisplayName) conditions.push({ user: displayNameWhere(at("userDisplayName.displayName"), f.userDisplayName) });
  if (f.userGivenName) conditions.push({ user: { givenName: textWhere(at("firstNameQuery.firstName"), f.userGivenName) } });
  if (f.userFamilyName) conditions.push({ user: { familyName: textWhere(at("lastNameQuery.lastName"), f.userFamilyName) } });
  if (f.userEmail) conditions.push({ user: { email: textWhere(at("emailQuery.email"), f.userEmail) } });
  const resource = optionalEnum(at("resource"), f.resource, ["INSTANCE", "ORGANIZATION", "PROJECT", "PROJECT_GRANT"] as const);
  if (resource) conditions.push({ resource });
  if (f.resourceId !== undefined) conditions.push({ resourceId: requireText(at("resourceId"), f.resourceId, { min: 0 }) });
  if (f.projectGrant) {
    const projectId = requireId(at("resource.projectGrant.projectId"), f.projectGrant.projectId);
    const grantedOrgId = requireId(at("resource.projectGrant.organizationId"), f.projectGrant.grantedOrganizationId);
    conditions.push({ resource: "PROJECT_GRANT", projectGrant: { projectId, grantedOrgId } });
  }
  const role = optionalEnum(at("role.roleKey"), f.role, ADMIN_ROLES);
  if (role) conditions.push({ roles: { has: role } });
  if (f.createdAt) conditions.push({ createdAt: dateWhere(at("creationDate"), f.createdAt) });
  if (f.updatedAt) conditions.push({ updatedAt: dateWhere(at("changeDate"), f.updatedAt) });
  if (f.and) conditions.push({ AND: nested(f.and, "and") });
  if (f.or?.length) conditions.push({ OR: nested(f.or, "or") });
  if (f.not) conditions.push({ NOT: administratorWhere(f.not, at("not.query"), depth + 1) });
  // No condition: {} rather than an empty list, whose meaning Prisma does not keep consistent.
  return conditions.length ? { AND: conditions } : {};
}

/** Every membership of one user: what the permission checks of the management API read. */
export function listMemberships(ctx: DirectoryContext, userId: string): Promise<Administrator[]> {
  return ctx.prisma.administrator.findMany({ where: { userId } });
}

/**
 * Every administrator role of one user, each with the owners of its resource: what a caller's
 * roles must cover before it may change that user (decideUserOperation).
 */
export async function findHeldRoles(ctx: DirectoryContext, userId: string): Promise<HeldRole[]> {
  return (await heldRolesWhere(ctx, { userId })).get(userId) ?? [];
}

/** The same for every user of an organization who holds any, by user id. */
export function findHeldRolesOfOrganizationUsers(ctx: DirectoryContext, orgId: string): Promise<Map<string, HeldRole[]>> {
  return heldRolesWhere(ctx, { user: { orgId } });
}

async function heldRolesWhere(ctx: DirectoryContext, where: Prisma.AdministratorWhereInput): Promise<Map<string, HeldRole[]>> {
  const rows = await ctx.prisma.administrator.findMany({
    where,
    select: {
      userId: true,
      roles: true,
      orgId: true,
      project: { select: { id: true, orgId: true } },
      projectGrant: { select: { id: true, grantedOrgId: true, project: { select: { id: true, orgId: true } } } },
    },
  });
  const byUser = new Map<string, HeldRole[]>();
  for (const row of rows) {
    // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every role (TypeScript checks it)
    const held = row.roles.map((role): HeldRole => {
      switch (role) {
        case "IAM_OWNER":
          return { role };
        case "ORG_OWNER":
        case "ORG_USER_MANAGER":
          return { role, orgId: row.orgId ?? "" };
        case "PROJECT_OWNER":
          return { role, project: row.project ?? { id: "", orgId: "" } };
        case "PROJECT_GRANT_OWNER": {
          const grant = row.projectGrant;
          return {
            role,
            project: grant?.project ?? { id: "", orgId: "" },
            grant: { id: grant?.id ?? "", grantedOrgId: grant?.grantedOrgId ?? "" },
          };
        }
      }
    });
    byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), ...held]);
  }
  return byUser;
}
