// Authorizations (ZITADEL's user grants): role keys of one project for one user, held by an
// organization. Held by the project owner, any of the project's roles may be given; held by
// another organization, only the keys of that organization's project grant.
import type { ActiveState, Authorization, Project } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter } from "./list.js";
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
  const requestedOrg = input.organizationId === undefined || input.organizationId === "" ? undefined : requireId("organizationId", input.organizationId);
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
export async function updateAuthorization(ctx: DirectoryContext, input: { id: string; roleKeys?: string[] | undefined }): Promise<Authorization> {
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
  return inTransaction(ctx, async (tx) => {
    const before = await loadAuthorization(tx, id);
    if (before.state === state) return before;
    const after = await tx.authorization.update({ where: { id }, data: { state } });
    const action = state === "ACTIVE" ? "authorization.activated" : "authorization.deactivated";
    await writeAudit(tx, ctx.actor.id, { action, targetType: "authorization", targetId: id, before, after });
    return after;
  });
}

/** Unknown ids succeed (idempotent). */
export async function deleteAuthorization(ctx: DirectoryContext, id: string): Promise<boolean> {
  requireId("id", id);
  return inTransaction(ctx, async (tx) => {
    const before = await tx.authorization.findUnique({ where: { id } });
    if (!before) return false;
    await tx.authorization.delete({ where: { id } });
    await writeAudit(tx, ctx.actor.id, { action: "authorization.deleted", targetType: "authorization", targetId: id, before });
    return true;
  });
}

export type AuthorizationSort = "creationDate" | "changeDate" | "userId" | "projectId" | "organizationId";

export interface ListAuthorizationsInput {
  pagination?: Pagination | undefined;
  sortBy?: AuthorizationSort | undefined;
  ids?: string[] | undefined;
  /** The holding organization. */
  organizationId?: string | undefined;
  state?: ActiveState | undefined;
  userId?: string | undefined;
  userOrganizationId?: string | undefined;
  projectId?: string | undefined;
  projectName?: TextFilter | undefined;
  projectGrantId?: string | undefined;
  roleKey?: TextFilter | undefined;
}

const AUTHORIZATION_SORT = {
  creationDate: "createdAt",
  changeDate: "updatedAt",
  userId: "userId",
  projectId: "projectId",
  organizationId: "orgId",
} as const;

export async function listAuthorizations(ctx: DirectoryContext, input: ListAuthorizationsInput = {}): Promise<Page<Authorization>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy =
    optionalEnum("sortingColumn", input.sortBy, ["creationDate", "changeDate", "userId", "projectId", "organizationId"] as const) ??
    "creationDate";
  const id = (field: string, value: string | undefined) => (value === undefined ? undefined : requireId(field, value));
  const ids = input.ids === undefined ? undefined : requireList("authorizationIds", input.ids, requireId);
  const orgId = id("organizationId", input.organizationId);
  const userId = id("userId", input.userId);
  const userOrgId = id("userOrganizationId", input.userOrganizationId);
  const projectId = id("projectId", input.projectId);
  const projectGrantId = id("projectGrantId", input.projectGrantId);
  const state = optionalEnum("state", input.state, ["ACTIVE", "INACTIVE"] as const);
  const roleKey = input.roleKey ? textWhere("roleKey", input.roleKey) : undefined;
  if (roleKey && (roleKey.equals === undefined || roleKey.mode)) {
    throw invalidArgument("roleKey.method", "only TEXT_FILTER_METHOD_EQUALS is supported for role keys");
  }
  const where = {
    ...(ids ? { id: { in: ids } } : {}),
    ...(orgId ? { orgId } : {}),
    ...(userId ? { userId } : {}),
    ...(userOrgId ? { user: { orgId: userOrgId } } : {}),
    ...(projectId ? { projectId } : {}),
    ...(projectGrantId ? { projectGrantId } : {}),
    ...(state ? { state } : {}),
    ...(input.projectName ? { project: { name: textWhere("projectName", input.projectName) } } : {}),
    ...(roleKey ? { roleKeys: { has: roleKey.equals! } } : {}),
  };
  const direction = asc ? "asc" : "desc";
  const [items, total] = await Promise.all([
    ctx.prisma.authorization.findMany({
      where,
      orderBy: [{ [AUTHORIZATION_SORT[sortBy]]: direction }, { id: direction }],
      skip,
      take,
    }),
    ctx.prisma.authorization.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}
