// Authorizations (ZITADEL's user grants): role keys of one project for one user, held by an
// organization. Held by the project owner, any of the project's roles may be given; held by
// another organization, only the keys of that organization's project grant.
import type { ActiveState, Authorization, Prisma, Project, ProjectGrant } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { changeState, deleteAudited } from "./audited-writes.js";
import {
  displayNameWhere,
  readPagination,
  textWhere,
  USER_NAMES,
  type Page,
  type Pagination,
  type TextFilter,
  type Visibility,
} from "./list.js";
import { loadOrganization } from "./organizations.js";
import { findGrant } from "./project-grants.js";
import { assertRolesExist, loadProject } from "./projects.js";
import { optionalEnum, requireId, requireList, requireText } from "./validate.js";

export type { Authorization };

export interface CreateAuthorizationInput {
  userId: string;
  projectId: string;
  /** The holding organization; defaults to the project's owner (as ZITADEL). */
  organizationId?: string | undefined;
  roleKeys?: string[] | undefined;
}

const readRoleKeys = (value: unknown) => requireList("roleKeys", value, (f, v) => requireText(f, v));

export async function createAuthorization(ctx: DirectoryContext, input: CreateAuthorizationInput): Promise<Authorization> {
  const userId = requireId("userId", input.userId);
  const projectId = requireId("projectId", input.projectId);
  const requestedOrg =
    input.organizationId === undefined || input.organizationId === "" ? undefined : requireId("organizationId", input.organizationId);
  const roleKeys = readRoleKeys(input.roleKeys);
  let orgId = requestedOrg;
  const taken = () =>
    alreadyExists("userId", `user ${userId} already has an authorization on project ${projectId} held by organization ${orgId}`);
  return inTransaction(
    ctx,
    async (tx) => {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) throw notFound("user", userId);
      const project = await loadProject(tx, projectId);
      orgId = requestedOrg ?? project.orgId;
      await loadOrganization(tx, orgId);
      const projectGrantId = await checkRoleKeys(tx, project, orgId, roleKeys);
      const existing = await tx.authorization.findUnique({ where: { orgId_userId_projectId: { orgId, userId, projectId } } });
      assertThat(!existing, taken);
      const authorization = await tx.authorization.create({
        data: { id: newId(), userId, projectId, orgId, projectGrantId, roleKeys },
      });
      await writeAudit(tx, ctx.actor.id, {
        action: "authorization.created",
        targetType: "authorization",
        targetId: authorization.id,
        after: authorization,
      });
      return authorization;
    },
    taken,
  );
}

/**
 * Checks the role keys against what the holding organization may give, and returns the project
 * grant the authorization belongs to (null when the owner holds it).
 */
async function checkRoleKeys(tx: Tx, project: Project, orgId: string, roleKeys: string[]): Promise<string | null> {
  if (orgId === project.orgId) {
    await assertRolesExist(tx, project.id, roleKeys, "roleKeys");
    return null;
  }
  const grant = await findGrant(tx, project.id, orgId);
  assertThat(grant, () =>
    failedPrecondition(`organization ${orgId} neither owns project ${project.id} nor holds a grant of it`, "organizationId"),
  );
  assertThat(grant.state === "ACTIVE", () =>
    failedPrecondition(`the grant of project ${project.id} to organization ${orgId} is inactive`, "organizationId"),
  );
  const allowed = new Set(grant.roleKeys);
  const index = roleKeys.findIndex((k) => !allowed.has(k));
  if (index >= 0) {
    throw invalidArgument(`roleKeys[${index}]`, `role ${roleKeys[index]} is not granted to organization ${orgId}`);
  }
  return grant.id;
}

async function loadAuthorization(tx: Tx, id: string): Promise<Authorization> {
  const authorization = await tx.authorization.findUnique({ where: { id } });
  if (!authorization) throw notFound("authorization", id);
  return authorization;
}

export async function getAuthorization(ctx: DirectoryContext, id: string): Promise<Authorization> {
  return loadAuthorization(ctx.prisma, requireId("id", id));
}

/** Replaces the role keys: keys not in the request are revoked. */
export async function updateAuthorization(
  ctx: DirectoryContext,
  input: { id: string; roleKeys?: string[] | undefined },
): Promise<Authorization> {
  const id = requireId("id", input.id);
  const roleKeys = readRoleKeys(input.roleKeys);
  return inTransaction(ctx, async (tx) => {
    const before = await loadAuthorization(tx, id);
    const project = await loadProject(tx, before.projectId);
    const projectGrantId = await checkRoleKeys(tx, project, before.orgId, roleKeys);
    const after = await tx.authorization.update({ where: { id }, data: { roleKeys, projectGrantId } });
    await writeAudit(tx, ctx.actor.id, { action: "authorization.updated", targetType: "authorization", targetId: id, before, after });
    return after;
  });
}

/** As ZITADEL: (de)activating an authorization already in that state succeeds and changes nothing. */
export function deactivateAuthorization(ctx: DirectoryContext, id: string): Promise<Authorization> {
  return setAuthorizationState(ctx, id, "INACTIVE");
}

export function activateAuthorization(ctx: DirectoryContext, id: string): Promise<Authorization> {
  return setAuthorizationState(ctx, id, "ACTIVE");
}

async function setAuthorizationState(ctx: DirectoryContext, id: string, state: ActiveState): Promise<Authorization> {
  requireId("id", id);
  return changeState(ctx, {
    to: state,
    action: state === "ACTIVE" ? "authorization.activated" : "authorization.deactivated",
    targetType: "authorization",
    load: (tx) => loadAuthorization(tx, id),
    sameStateIsNoOp: true,
    save: (tx) => tx.authorization.update({ where: { id }, data: { state } }),
  });
}

/** Unknown ids succeed (idempotent). */
export async function deleteAuthorization(ctx: DirectoryContext, id: string): Promise<boolean> {
  requireId("id", id);
  return deleteAudited(ctx, {
    action: "authorization.deleted",
    targetType: "authorization",
    find: (tx) => tx.authorization.findUnique({ where: { id } }),
    remove: (tx) => tx.authorization.delete({ where: { id } }).then(() => true),
  });
}

export type AuthorizationSort = "creationDate" | "changeDate" | "id" | "userId" | "projectId" | "organizationId" | "userOrganizationId";

const AUTHORIZATION_SORTS = [
  "creationDate",
  "changeDate",
  "id",
  "userId",
  "projectId",
  "organizationId",
  "userOrganizationId",
] as const satisfies readonly AuthorizationSort[];

/** One set of conditions on authorizations, all of which must hold. Field names are those of ZITADEL's filters. */
export interface AuthorizationFilter {
  ids?: string[] | undefined;
  /** The holding organization. */
  organizationId?: string | undefined;
  state?: ActiveState | undefined;
  userId?: string | undefined;
  /** Authorizations of any of these users. */
  userIds?: string[] | undefined;
  userOrganizationId?: string | undefined;
  userPreferredLoginName?: TextFilter | undefined;
  /** The user's display name as the API shows it (display name, else machine name, else login name). */
  userDisplayName?: TextFilter | undefined;
  projectId?: string | undefined;
  projectName?: TextFilter | undefined;
  projectGrantId?: string | undefined;
  /** Authorizations holding a role key that matches (any text method). */
  roleKey?: TextFilter | undefined;
  /** Held by this organization, or on a project it owns (v1 ListUserGrants' with_granted). */
  heldByOrProjectOf?: string | undefined;
  userGivenName?: TextFilter | undefined;
  userFamilyName?: TextFilter | undefined;
  userEmail?: TextFilter | undefined;
  userType?: "HUMAN" | "MACHINE" | undefined;
  /** The holding organization's name or primary domain. */
  organizationName?: TextFilter | undefined;
  organizationDomain?: TextFilter | undefined;
}

/**
 * What one administrator may see (absent for instance owners: everything): its own authorizations,
 * those its organizations hold (userOrgIds: also user managers), those on projects of organizations
 * it owns (orgIds) or projects it administers, and those of grants it owns.
 */
export interface AuthorizationVisibility extends Visibility {
  userId: string;
  userOrgIds: string[];
}

export interface ListAuthorizationsInput extends AuthorizationFilter {
  pagination?: Pagination | undefined;
  /** Defaults to creationDate. */
  sortBy?: AuthorizationSort | undefined;
  /** Further conditions, each of which must hold (a request's filters: one kind may repeat). */
  filters?: AuthorizationFilter[] | undefined;
  visibleTo?: AuthorizationVisibility | undefined;
}

const ROW_INCLUDE = {
  user: {
    select: {
      ...USER_NAMES,
      givenName: true,
      familyName: true,
      email: true,
      type: true,
      org: { select: { name: true, primaryDomain: true } },
    },
  },
  org: { select: { name: true, primaryDomain: true } },
  project: { select: { name: true, orgId: true } },
  projectGrant: { select: { id: true, grantedOrgId: true } },
} satisfies Prisma.AuthorizationInclude;

/** An authorization with what the management API shows and checks: its user, holder, project and grant. */
export type AuthorizationRow = Prisma.AuthorizationGetPayload<{ include: typeof ROW_INCLUDE }>;

/** An authorization with its user, project and grant; unknown ids → null. */
export async function findAuthorization(ctx: DirectoryContext, id: string): Promise<AuthorizationRow | null> {
  return ctx.prisma.authorization.findUnique({ where: { id: requireId("id", id) }, include: ROW_INCLUDE });
}

/** A project role as the API shows it beside an authorization's keys. */
export interface RoleDetails {
  key: string;
  displayName: string;
  group: string;
}

/**
 * The roles behind the keys the given authorizations hold, in one query: each authorization's
 * keys in its order, with display name and group.
 */
export async function rolesOfAuthorizations(
  ctx: DirectoryContext,
  rows: readonly { projectId: string; roleKeys: string[] }[],
): Promise<RoleDetails[][]> {
  const wanted = rows.flatMap((row) => row.roleKeys.map((key) => ({ projectId: row.projectId, key })));
  const found = wanted.length
    ? await ctx.prisma.projectRole.findMany({
        where: { OR: wanted },
        select: { projectId: true, key: true, displayName: true, group: true },
      })
    : [];
  const byKey = new Map(found.map((role) => [`${role.projectId}/${role.key}`, role]));
  return rows.map((row) =>
    row.roleKeys.map((key) => {
      const role = byKey.get(`${row.projectId}/${key}`);
      // A key always names a role of the project (removing a role removes its key); a race shows the bare key.
      return { key, displayName: role?.displayName ?? "", group: role?.group ?? "" };
    }),
  );
}

/** Who would hold a new authorization on a project, with the grant it would belong to. */
export interface AuthorizationHolder {
  project: Project;
  /** The organization named, or else the project's owner. */
  orgId: string;
  /** The holder's grant of the project; null when the owner holds it or no grant exists. */
  grant: ProjectGrant | null;
}

/**
 * Resolves the holder of an authorization as createAuthorization does, for permission checks
 * before it: unknown projects are not found; a missing grant is left to createAuthorization.
 */
export async function authorizationHolder(
  ctx: DirectoryContext,
  input: { projectId: string; organizationId?: string | undefined },
): Promise<AuthorizationHolder> {
  const project = await loadProject(ctx.prisma, requireId("projectId", input.projectId));
  const orgId = input.organizationId ? requireId("organizationId", input.organizationId) : project.orgId;
  const grant = orgId === project.orgId ? null : await findGrant(ctx.prisma, project.id, orgId);
  return { project, orgId, grant };
}

export async function listAuthorizations(ctx: DirectoryContext, input: ListAuthorizationsInput = {}): Promise<Page<AuthorizationRow>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy = optionalEnum("sortingColumn", input.sortBy, AUTHORIZATION_SORTS) ?? "creationDate";
  const conditions = await Promise.all([input, ...(input.filters ?? [])].map((f) => authorizationWhere(ctx, f)));
  const where: Prisma.AuthorizationWhereInput = {
    AND: [...(input.visibleTo ? [visibleWhere(input.visibleTo)] : []), ...conditions],
  };
  const direction = asc ? "asc" : "desc";
  const orderBy: Prisma.AuthorizationOrderByWithRelationInput[] = [
    sortBy === "userOrganizationId" ? { user: { orgId: direction } } : { [AUTHORIZATION_SORT[sortBy]]: direction },
    { id: direction },
  ];
  const [items, total] = await Promise.all([
    ctx.prisma.authorization.findMany({ where, include: ROW_INCLUDE, orderBy, skip, take }),
    ctx.prisma.authorization.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}

const AUTHORIZATION_SORT = {
  creationDate: "createdAt",
  changeDate: "updatedAt",
  id: "id",
  userId: "userId",
  projectId: "projectId",
  organizationId: "orgId",
} as const satisfies Record<Exclude<AuthorizationSort, "userOrganizationId">, keyof Prisma.AuthorizationOrderByWithRelationInput>;

function visibleWhere(v: AuthorizationVisibility): Prisma.AuthorizationWhereInput {
  return {
    OR: [
      { userId: v.userId },
      { orgId: { in: v.userOrgIds } },
      { project: { orgId: { in: v.orgIds } } },
      { projectId: { in: v.projectIds } },
      { projectGrantId: { in: v.grantIds } },
    ],
  };
}

async function authorizationWhere(ctx: DirectoryContext, f: AuthorizationFilter): Promise<Prisma.AuthorizationWhereInput> {
  const id = (field: string, value: string | undefined) => (value === undefined ? undefined : requireId(field, value));
  const conditions: Prisma.AuthorizationWhereInput[] = [];
  if (f.ids !== undefined) conditions.push({ id: { in: requireList("authorizationIds.ids", f.ids, requireId) } });
  const orgId = id("organizationId.id", f.organizationId);
  if (orgId) conditions.push({ orgId });
  const state = optionalEnum("state.state", f.state, ["ACTIVE", "INACTIVE"] as const);
  if (state) conditions.push({ state });
  const userId = id("userId.id", f.userId);
  if (userId) conditions.push({ userId });
  if (f.userIds !== undefined) conditions.push({ userId: { in: requireList("inUserIds.ids", f.userIds, requireId) } });
  const userOrgId = id("userOrganizationId.id", f.userOrganizationId);
  if (userOrgId) conditions.push({ user: { orgId: userOrgId } });
  if (f.userPreferredLoginName) {
    conditions.push({ user: { username: textWhere("userPreferredLoginName.loginName", f.userPreferredLoginName) } });
  }
  if (f.userDisplayName) conditions.push({ user: displayNameWhere("userDisplayName.displayName", f.userDisplayName) });
  const projectId = id("projectId.id", f.projectId);
  if (projectId) conditions.push({ projectId });
  if (f.projectName) conditions.push({ project: { name: textWhere("projectName.name", f.projectName) } });
  const projectGrantId = id("projectGrantId.id", f.projectGrantId);
  if (projectGrantId) conditions.push({ projectGrantId });
  if (f.roleKey) conditions.push(await roleKeyWhere(ctx, f.roleKey));
  const heldOrOwned = id("withGranted", f.heldByOrProjectOf);
  if (heldOrOwned) conditions.push({ OR: [{ orgId: heldOrOwned }, { project: { orgId: heldOrOwned } }] });
  if (f.userGivenName) conditions.push({ user: { givenName: textWhere("firstName", f.userGivenName) } });
  if (f.userFamilyName) conditions.push({ user: { familyName: textWhere("lastName", f.userFamilyName) } });
  if (f.userEmail) conditions.push({ user: { email: textWhere("email", f.userEmail) } });
  if (f.userType) conditions.push({ user: { type: f.userType } });
  if (f.organizationName) conditions.push({ org: { name: textWhere("orgName", f.organizationName) } });
  if (f.organizationDomain) conditions.push({ org: { primaryDomain: textWhere("orgDomain", f.organizationDomain) } });
  // No condition: {} rather than an empty list, whose meaning Prisma does not keep consistent.
  return conditions.length ? { AND: conditions } : {};
}

/** Authorizations holding a role key that matches the text filter. */
async function roleKeyWhere(ctx: DirectoryContext, filter: TextFilter): Promise<Prisma.AuthorizationWhereInput> {
  const match = textWhere("roleKey.key", filter);
  if (match.equals !== undefined && !match.mode) return { roleKeys: { has: match.equals } };
  // Every key an authorization holds is a role of its project: match the keys there.
  const roles = await ctx.prisma.projectRole.findMany({ where: { key: match }, select: { key: true }, distinct: ["key"] });
  return { roleKeys: { hasSome: roles.map((r) => r.key) } };
}
