// Administrators: a user's administrator roles on one resource (the instance, an organization,
// a project or a project grant), as ZITADEL's InternalPermissionService models them.
import type { AdminResource, AdminRole, Administrator } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, invalidArgument, notFound } from "./errors.js";
import { readPagination, type Page, type Pagination } from "./list.js";
import { findGrant } from "./project-grants.js";
import { loadProject } from "./projects.js";
import { loadOrganization } from "./organizations.js";
import { optionalEnum, requireEnum, requireId, requireList } from "./validate.js";

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

function readRoles(resource: AdminResource, roles: unknown): AdminRole[] {
  const allowed = ROLES_BY_RESOURCE[resource];
  const list = requireList("roles", roles, (field, value) => requireEnum(field, value, allowed));
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
      await writeAudit(tx, ctx.actor.id, { action: "administrator.created", targetType: "administrator", targetId: admin.id, after: admin });
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
    await writeAudit(tx, ctx.actor.id, { action: "administrator.updated", targetType: "administrator", targetId: before.id, before, after });
    return after;
  });
}

/** Unknown memberships (or resources) succeed: the desired state is reached. */
export async function deleteAdministrator(ctx: DirectoryContext, input: Omit<AdministratorInput, "roles">): Promise<boolean> {
  const userId = requireId("userId", input.userId);
  const ref = readResource(input.resource);
  return inTransaction(ctx, async (tx) => {
    let resolved: ResolvedResource;
    try {
      resolved = await resolveResource(tx, ref);
    } catch (error) {
      if ((error as { code?: string }).code === "not_found") return false;
      throw error;
    }
    const before = await findMembership(tx, userId, resolved);
    if (!before) return false;
    await tx.administrator.delete({ where: { id: before.id } });
    await writeAudit(tx, ctx.actor.id, { action: "administrator.deleted", targetType: "administrator", targetId: before.id, before });
    return true;
  });
}

export interface ListAdministratorsInput {
  pagination?: Pagination | undefined;
  userId?: string | undefined;
  resource?: AdminResource | undefined;
  resourceId?: string | undefined;
  role?: AdminRole | undefined;
}

export async function listAdministrators(ctx: DirectoryContext, input: ListAdministratorsInput = {}): Promise<Page<Administrator>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const userId = input.userId === undefined ? undefined : requireId("userId", input.userId);
  const resource = optionalEnum("resource", input.resource, ["INSTANCE", "ORGANIZATION", "PROJECT", "PROJECT_GRANT"] as const);
  const role = optionalEnum("role", input.role, ["IAM_OWNER", "ORG_OWNER", "ORG_USER_MANAGER", "PROJECT_OWNER", "PROJECT_GRANT_OWNER"] as const);
  const where = {
    ...(userId ? { userId } : {}),
    ...(resource ? { resource } : {}),
    ...(input.resourceId !== undefined ? { resourceId: input.resourceId } : {}),
    ...(role ? { roles: { has: role } } : {}),
  };
  const direction = asc ? "asc" : "desc";
  const [items, total] = await Promise.all([
    ctx.prisma.administrator.findMany({ where, orderBy: [{ createdAt: direction }, { id: direction }], skip, take }),
    ctx.prisma.administrator.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}

/** Every membership of one user: what the permission checks of the management API read. */
export function listMemberships(ctx: DirectoryContext, userId: string): Promise<Administrator[]> {
  return ctx.prisma.administrator.findMany({ where: { userId } });
}
