// Projects and their roles. Deleting a project removes its apps, roles, grants and authorizations
// (foreign keys cascade); removing a role removes its key from every grant and authorization.
import {
  Prisma,
  type ActiveState,
  type PrivateLabelingSetting,
  type Project,
  type ProjectGrant,
  type ProjectRole,
} from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, invalidArgument, notFound } from "./errors.js";
import { changeState, deleteAudited } from "./audited-writes.js";
import { readPagination, textSql, textWhere, type Page, type Pagination, type TextFilter, type Visibility } from "./list.js";
import { loadOrganization } from "./organizations.js";
import { optionalBoolean, optionalEnum, optionalText, requireId, requireList, requireText } from "./validate.js";

export type { Project, ProjectRole };

export const PRIVATE_LABELING_SETTINGS = [
  "UNSPECIFIED",
  "ENFORCE_PROJECT_RESOURCE_OWNER_POLICY",
  "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
] as const satisfies readonly PrivateLabelingSetting[];

export interface ProjectSettings {
  projectRoleAssertion?: boolean | undefined;
  authorizationRequired?: boolean | undefined;
  projectAccessRequired?: boolean | undefined;
  privateLabelingSetting?: PrivateLabelingSetting | undefined;
}

export interface CreateProjectInput extends ProjectSettings {
  organizationId: string;
  name: string;
  id?: string | undefined;
}

function readSettings(input: ProjectSettings) {
  return {
    projectRoleAssertion: optionalBoolean("projectRoleAssertion", input.projectRoleAssertion),
    authorizationRequired: optionalBoolean("authorizationRequired", input.authorizationRequired),
    projectAccessRequired: optionalBoolean("projectAccessRequired", input.projectAccessRequired),
    privateLabelingSetting: optionalEnum("privateLabelingSetting", input.privateLabelingSetting, PRIVATE_LABELING_SETTINGS),
  };
}

export async function createProject(ctx: DirectoryContext, input: CreateProjectInput): Promise<Project> {
  const orgId = requireId("organizationId", input.organizationId);
  const name = requireText("name", input.name);
  const id = input.id === undefined || input.id === "" ? newId() : requireId("id", input.id);
  const settings = readSettings(input);
  const taken = () => alreadyExists("id", `a project with id ${id} already exists`);
  return inTransaction(
    ctx,
    async (tx) => {
      await loadOrganization(tx, orgId);
      assertThat(!(await tx.project.findUnique({ where: { id } })), taken);
      const project = await tx.project.create({ data: { id, orgId, name, ...settings } });
      await writeAudit(tx, ctx.actor.id, { action: "project.created", targetType: "project", targetId: id, after: project });
      return project;
    },
    taken,
  );
}

export async function getProject(ctx: DirectoryContext, id: string): Promise<Project> {
  requireId("id", id);
  const project = await ctx.prisma.project.findUnique({ where: { id } });
  if (!project) throw notFound("project", id);
  return project;
}

/** The project, or null: for callers that treat an unknown id as success (idempotent deletes). */
export function findProject(ctx: DirectoryContext, id: string): Promise<Project | null> {
  return ctx.prisma.project.findUnique({ where: { id } });
}

export async function loadProject(tx: Tx, id: string): Promise<Project> {
  const project = await tx.project.findUnique({ where: { id } });
  if (!project) throw notFound("project", id);
  return project;
}

export interface UpdateProjectInput extends ProjectSettings {
  id: string;
  name?: string | undefined;
}

export async function updateProject(ctx: DirectoryContext, input: UpdateProjectInput): Promise<Project> {
  const id = requireId("id", input.id);
  const name = optionalText("name", input.name, { min: 1 });
  const settings = readSettings(input);
  return inTransaction(ctx, async (tx) => {
    const before = await loadProject(tx, id);
    const after = await tx.project.update({ where: { id }, data: { name, ...settings } });
    await writeAudit(tx, ctx.actor.id, { action: "project.updated", targetType: "project", targetId: id, before, after });
    return after;
  });
}

/** As ZITADEL: deactivating an inactive project (or activating an active one) is no error. */
export function deactivateProject(ctx: DirectoryContext, id: string): Promise<Project> {
  return setProjectState(ctx, id, "INACTIVE");
}

export function activateProject(ctx: DirectoryContext, id: string): Promise<Project> {
  return setProjectState(ctx, id, "ACTIVE");
}

async function setProjectState(ctx: DirectoryContext, id: string, state: ActiveState): Promise<Project> {
  requireId("id", id);
  return changeState(ctx, {
    to: state,
    action: state === "ACTIVE" ? "project.activated" : "project.deactivated",
    targetType: "project",
    load: (tx) => loadProject(tx, id),
    sameStateIsNoOp: true,
    save: (tx) => tx.project.update({ where: { id }, data: { state } }),
  });
}

/** Deletes a project with its apps, roles, grants and authorizations. Unknown ids succeed. */
export async function deleteProject(ctx: DirectoryContext, id: string): Promise<boolean> {
  requireId("id", id);
  return deleteAudited(ctx, {
    action: "project.deleted",
    targetType: "project",
    find: (tx) => tx.project.findUnique({ where: { id } }),
    remove: (tx) => tx.project.delete({ where: { id } }).then(() => true),
  });
}

export type ProjectSort = "id" | "name" | "creationDate" | "changeDate";

export interface ListProjectsInput {
  pagination?: Pagination | undefined;
  sortBy?: ProjectSort | undefined;
  name?: TextFilter | undefined;
  ids?: string[] | undefined;
  /** Projects owned by this organization. */
  ownedBy?: string | undefined;
  /** Projects granted to this organization (one row per grant). */
  grantedTo?: string | undefined;
  /** Both of the above for one organization. */
  ownedOrGrantedTo?: string | undefined;
  /** Only what these memberships reach; without an organization filter, granted rows are included. */
  visibleTo?: Visibility | undefined;
}

/** A row of ListProjects: a project, and for a granted project the grant it is seen through. */
export interface ProjectRow {
  project: Project;
  grant?: { id: string; grantedOrgId: string; grantedOrgName: string; roleKeys: string[]; state: ActiveState } | undefined;
}

const PROJECT_SORT = { id: "id", name: "name", creationDate: "createdAt", changeDate: "updatedAt" } as const;

type ProjectRowRecord = Project & {
  grantId: string | null;
  grantedOrgId: string | null;
  grantedOrgName: string | null;
  grantRoleKeys: string[] | null;
  grantState: ActiveState | null;
  total: bigint;
};

/**
 * Lists projects as ZITADEL's ListProjects does: owned projects as plain rows, granted projects as
 * one row per grant carrying the granted organization. One query (a UNION) with the count.
 */
export async function listProjects(ctx: DirectoryContext, input: ListProjectsInput = {}): Promise<Page<ProjectRow>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy = optionalEnum("sortingColumn", input.sortBy, ["id", "name", "creationDate", "changeDate"] as const) ?? "creationDate";
  const ownedBy = input.ownedBy === undefined ? undefined : requireId("organizationIdFilter", input.ownedBy);
  const grantedTo = input.grantedTo === undefined ? undefined : requireId("organizationIdFilter", input.grantedTo);
  const either = input.ownedOrGrantedTo === undefined ? undefined : requireId("organizationIdFilter", input.ownedOrGrantedTo);
  const ids = input.ids === undefined ? undefined : requireList("inProjectIdsFilter", input.ids, requireId);

  const common: Prisma.Sql[] = [];
  if (input.name) common.push(textSql(Prisma.sql`p."name"`, "projectNameFilter", input.name));
  if (ids) common.push(ids.length ? Prisma.sql`p."id" IN (${Prisma.join(ids)})` : Prisma.sql`FALSE`);

  // Without an organization filter every project is listed once, as owned.
  const ownerOrg = ownedBy ?? either;
  const grantOrg = grantedTo ?? either;
  const visible = input.visibleTo;
  const wantOwned = ownerOrg !== undefined || grantOrg === undefined;
  const wantGranted = grantOrg !== undefined || (visible !== undefined && ownerOrg === undefined);

  const parts: Prisma.Sql[] = [];
  if (wantOwned) {
    const where = [...common, ...(ownerOrg ? [Prisma.sql`p."orgId" = ${ownerOrg}`] : [])];
    if (visible)
      where.push(Prisma.sql`(${anyOf(Prisma.sql`p."orgId"`, visible.orgIds)} OR ${anyOf(Prisma.sql`p."id"`, visible.projectIds)})`);
    parts.push(Prisma.sql`SELECT p.*, NULL::text AS "grantId", NULL::text AS "grantedOrgId", NULL::text AS "grantedOrgName",
        NULL::text[] AS "grantRoleKeys", NULL::"ActiveState" AS "grantState"
      FROM "Project" p WHERE ${and(where)}`);
  }
  if (wantGranted) {
    const where = [...common, ...(grantOrg ? [Prisma.sql`g."grantedOrgId" = ${grantOrg}`] : [])];
    if (visible) {
      where.push(Prisma.sql`(${anyOf(Prisma.sql`g."grantedOrgId"`, visible.orgIds)} OR ${anyOf(Prisma.sql`g."id"`, visible.grantIds)})`);
    }
    parts.push(Prisma.sql`SELECT p.*, g."id" AS "grantId", g."grantedOrgId", o."name" AS "grantedOrgName",
        g."roleKeys" AS "grantRoleKeys", g."state" AS "grantState"
      FROM "ProjectGrant" g JOIN "Project" p ON p."id" = g."projectId" JOIN "Organization" o ON o."id" = g."grantedOrgId"
      WHERE ${and(where)}`);
  }
  const direction = Prisma.raw(asc ? "ASC" : "DESC");
  const column = Prisma.raw(`"${PROJECT_SORT[sortBy]}"`);
  const rows = await ctx.prisma.$queryRaw<ProjectRowRecord[]>`
    SELECT *, count(*) OVER () AS total FROM (${Prisma.join(parts, " UNION ALL ")}) AS rows
    ORDER BY ${column} ${direction}, "id" ${direction}, "grantId" ${direction} NULLS FIRST
    LIMIT ${take} OFFSET ${skip}`;
  const total = rows.length ? Number(rows[0]!.total) : skip > 0 ? await countProjectRows(ctx, parts) : 0;
  return {
    items: rows.map(({ grantId, grantedOrgId, grantedOrgName, grantRoleKeys, grantState, total: _total, ...project }) => ({
      project,
      grant: grantId
        ? { id: grantId, grantedOrgId: grantedOrgId!, grantedOrgName: grantedOrgName!, roleKeys: grantRoleKeys ?? [], state: grantState! }
        : undefined,
    })),
    totalResult: total,
    appliedLimit: take,
  };
}

async function countProjectRows(ctx: DirectoryContext, parts: Prisma.Sql[]): Promise<number> {
  const [row] = await ctx.prisma.$queryRaw<{ total: bigint }[]>`
    SELECT count(*) AS total FROM (${Prisma.join(parts, " UNION ALL ")}) AS rows`;
  return Number(row?.total ?? 0);
}

function anyOf(column: Prisma.Sql, values: string[]): Prisma.Sql {
  return values.length ? Prisma.sql`${column} IN (${Prisma.join(values)})` : Prisma.sql`FALSE`;
}

function and(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

// ---- Roles ---------------------------------------------------------------------------------

export interface AddProjectRoleInput {
  projectId: string;
  roleKey: string;
  displayName: string;
  group?: string | undefined;
}

function readRoleKey(field: string, value: unknown): string {
  const key = requireText(field, value);
  if (/\s/.test(key)) throw invalidArgument(field, "must not contain whitespace");
  return key;
}

export async function addProjectRole(ctx: DirectoryContext, input: AddProjectRoleInput): Promise<ProjectRole> {
  const [role] = await addRoles(ctx, requireId("projectId", input.projectId), [readRole("", input)]);
  return role!;
}

/** Adds several roles at once (v1 BulkAddProjectRoles): all of them, or none. */
export async function addProjectRoles(
  ctx: DirectoryContext,
  input: { projectId: string; roles: Omit<AddProjectRoleInput, "projectId">[] },
) {
  const projectId = requireId("projectId", input.projectId);
  if (input.roles.length === 0) throw invalidArgument("roles", "must not be empty");
  const roles = input.roles.map((role, i) => readRole(`roles[${i}].`, { ...role, projectId }));
  roles.forEach((role, i) => {
    if (roles.findIndex((r) => r.key === role.key) !== i) throw invalidArgument(`roles[${i}].key`, `${role.key} is listed twice`);
  });
  return addRoles(ctx, projectId, roles);
}

interface NewRole {
  key: string;
  displayName: string;
  group: string | null;
}

function readRole(prefix: string, input: AddProjectRoleInput): NewRole {
  return {
    key: readRoleKey(`${prefix}${prefix ? "key" : "roleKey"}`, input.roleKey),
    displayName: requireText(`${prefix}displayName`, input.displayName),
    group: optionalText(`${prefix}group`, input.group) || null,
  };
}

async function addRoles(ctx: DirectoryContext, projectId: string, roles: NewRole[]): Promise<ProjectRole[]> {
  const keys = roles.map((r) => r.key);
  const taken = () => alreadyExists("roleKey", `a role of ${keys.join(", ")} already exists in project ${projectId}`);
  return inTransaction(
    ctx,
    async (tx) => {
      await loadProject(tx, projectId);
      const existing = await tx.projectRole.findMany({ where: { projectId, key: { in: keys } }, select: { key: true } });
      assertThat(existing.length === 0, () =>
        alreadyExists("roleKey", `the role ${existing.map((r) => r.key).join(", ")} already exists in project ${projectId}`),
      );
      const created: ProjectRole[] = [];
      for (const role of roles) {
        const row = await tx.projectRole.create({ data: { projectId, ...role } });
        await writeAudit(tx, ctx.actor.id, { action: "project.role.added", targetType: "project", targetId: projectId, after: row });
        created.push(row);
      }
      return created;
    },
    taken,
  );
}

export interface UpdateProjectRoleInput {
  projectId: string;
  roleKey: string;
  displayName?: string | undefined;
  group?: string | undefined;
}

/** The key is immutable (as in ZITADEL): remove the role and add a new one to rename it. */
export async function updateProjectRole(ctx: DirectoryContext, input: UpdateProjectRoleInput): Promise<ProjectRole> {
  const projectId = requireId("projectId", input.projectId);
  const key = requireText("roleKey", input.roleKey);
  const displayName = optionalText("displayName", input.displayName, { min: 1 });
  const group = optionalText("group", input.group);
  return inTransaction(ctx, async (tx) => {
    const before = await tx.projectRole.findUnique({ where: { projectId_key: { projectId, key } } });
    if (!before) throw notFound("role", `${key} of project ${projectId}`);
    const after = await tx.projectRole.update({
      where: { projectId_key: { projectId, key } },
      data: { displayName, group: group === undefined ? undefined : group || null },
    });
    await writeAudit(tx, ctx.actor.id, { action: "project.role.updated", targetType: "project", targetId: projectId, before, after });
    return after;
  });
}

/** Removes a role and its key from every project grant and authorization of the project. */
export async function removeProjectRole(ctx: DirectoryContext, input: { projectId: string; roleKey: string }): Promise<void> {
  const projectId = requireId("projectId", input.projectId);
  const key = requireText("roleKey", input.roleKey);
  await inTransaction(ctx, async (tx) => {
    const before = await tx.projectRole.findUnique({ where: { projectId_key: { projectId, key } } });
    if (!before) throw notFound("role", `${key} of project ${projectId}`);
    await tx.projectRole.delete({ where: { projectId_key: { projectId, key } } });
    const grants = await tx.$executeRaw`
      UPDATE "ProjectGrant" SET "roleKeys" = array_remove("roleKeys", ${key}), "updatedAt" = now()
      WHERE "projectId" = ${projectId} AND ${key} = ANY("roleKeys")`;
    const authorizations = await tx.$executeRaw`
      UPDATE "Authorization" SET "roleKeys" = array_remove("roleKeys", ${key}), "updatedAt" = now()
      WHERE "projectId" = ${projectId} AND ${key} = ANY("roleKeys")`;
    await writeAudit(tx, ctx.actor.id, {
      action: "project.role.removed",
      targetType: "project",
      targetId: projectId,
      before,
      after: { removedFromGrants: grants, removedFromAuthorizations: authorizations },
    });
  });
}

export type ProjectRoleSort = "key" | "displayName" | "creationDate" | "changeDate";

export interface ListProjectRolesInput {
  projectId: string;
  pagination?: Pagination | undefined;
  sortBy?: ProjectRoleSort | undefined;
  key?: TextFilter | undefined;
  displayName?: TextFilter | undefined;
  /** Only these keys (a grant's). */
  keys?: readonly string[] | undefined;
}

const ROLE_SORT = { key: "key", displayName: "displayName", creationDate: "createdAt", changeDate: "updatedAt" } as const;

export async function listProjectRoles(ctx: DirectoryContext, input: ListProjectRolesInput): Promise<Page<ProjectRole>> {
  const projectId = requireId("projectId", input.projectId);
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy =
    optionalEnum("sortingColumn", input.sortBy, ["key", "displayName", "creationDate", "changeDate"] as const) ?? "creationDate";
  const where = {
    projectId,
    AND: [
      ...(input.key ? [{ key: textWhere("roleKeyFilter", input.key) }] : []),
      ...(input.keys ? [{ key: { in: [...input.keys] } }] : []),
    ],
    ...(input.displayName ? { displayName: textWhere("displayNameFilter", input.displayName) } : {}),
  };
  const direction = asc ? "asc" : "desc";
  const [items, total] = await Promise.all([
    ctx.prisma.projectRole.findMany({ where, orderBy: [{ [ROLE_SORT[sortBy]]: direction }, { key: direction }], skip, take }),
    ctx.prisma.projectRole.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}

/** Every key in `keys` must be a role of the project; names the first unknown one. */
export async function assertRolesExist(tx: Tx, projectId: string, keys: string[], field: string): Promise<void> {
  if (keys.length === 0) return;
  const found = await tx.projectRole.findMany({ where: { projectId, key: { in: keys } }, select: { key: true } });
  const known = new Set(found.map((r) => r.key));
  const index = keys.findIndex((k) => !known.has(k));
  if (index >= 0) throw invalidArgument(`${field}[${index}]`, `role ${keys[index]} does not exist in project ${projectId}`);
}

export type { ProjectGrant };
