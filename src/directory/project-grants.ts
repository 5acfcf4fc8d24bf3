// Project grants: a project shared with another organization, limited to a subset of its role
// keys. Narrowing a grant takes the removed keys from that organization's authorizations;
// deleting it deletes them (foreign key cascade).
import type { ActiveState, ProjectGrant } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, invalidArgument, notFound } from "./errors.js";
import { changeState, deleteAudited, refuseSameState } from "./audited-writes.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter, type Visibility } from "./list.js";
import { loadOrganization } from "./organizations.js";
import { assertRolesExist, loadProject } from "./projects.js";
import { optionalEnum, requireId, requireList, requireText } from "./validate.js";

export type { ProjectGrant };

export interface ProjectGrantKey {
  projectId: string;
  grantedOrganizationId: string;
}

export interface CreateProjectGrantInput extends ProjectGrantKey {
  roleKeys?: string[] | undefined;
}

function readKey(input: ProjectGrantKey) {
  return {
    projectId: requireId("projectId", input.projectId),
    grantedOrgId: requireId("grantedOrganizationId", input.grantedOrganizationId),
  };
}

const readRoleKeys = (value: unknown) => requireList("roleKeys", value, (f, v) => requireText(f, v));

export async function createProjectGrant(ctx: DirectoryContext, input: CreateProjectGrantInput): Promise<ProjectGrant> {
  const { projectId, grantedOrgId } = readKey(input);
  const roleKeys = readRoleKeys(input.roleKeys);
  const taken = () => alreadyExists("grantedOrganizationId", `project ${projectId} is already granted to organization ${grantedOrgId}`);
  return inTransaction(
    ctx,
    async (tx) => {
      const project = await loadProject(tx, projectId);
      await loadOrganization(tx, grantedOrgId);
      assertThat(project.orgId !== grantedOrgId, () =>
        invalidArgument("grantedOrganizationId", "a project cannot be granted to the organization that owns it"),
      );
      assertThat(!(await findGrant(tx, projectId, grantedOrgId)), taken);
      await assertRolesExist(tx, projectId, roleKeys, "roleKeys");
      const grant = await tx.projectGrant.create({ data: { id: newId(), projectId, grantedOrgId, roleKeys } });
      await writeAudit(tx, ctx.actor.id, { action: "project.grant.created", targetType: "projectGrant", targetId: grant.id, after: grant });
      return grant;
    },
    taken,
  );
}

export function findGrant(tx: Tx, projectId: string, grantedOrgId: string): Promise<ProjectGrant | null> {
  return tx.projectGrant.findUnique({ where: { projectId_grantedOrgId: { projectId, grantedOrgId } } });
}

/** The project's grant to one of these organizations or with one of these ids, with the granted organization's name. */
export async function findGrantVisibleTo(
  ctx: DirectoryContext,
  projectId: string,
  visibleTo: Pick<Visibility, "orgIds" | "grantIds">,
): Promise<(ProjectGrant & { grantedOrgName: string }) | null> {
  const grant = await ctx.prisma.projectGrant.findFirst({
    where: { projectId, OR: [{ grantedOrgId: { in: visibleTo.orgIds } }, { id: { in: visibleTo.grantIds } }] },
    include: { grantedOrg: { select: { name: true } } },
  });
  if (!grant) return null;
  const { grantedOrg, ...row } = grant;
  return { ...row, grantedOrgName: grantedOrg.name };
}

/** A grant by its own id (v1 names grants so), within its project. */
export function findGrantById(ctx: DirectoryContext, projectId: string, grantId: string): Promise<ProjectGrant | null> {
  return ctx.prisma.projectGrant.findFirst({ where: { id: requireId("grantId", grantId), projectId: requireId("projectId", projectId) } });
}

async function loadGrant(tx: Tx, projectId: string, grantedOrgId: string): Promise<ProjectGrant> {
  const grant = await findGrant(tx, projectId, grantedOrgId);
  if (!grant) throw notFound("project grant", `of project ${projectId} to organization ${grantedOrgId}`);
  return grant;
}

export async function getProjectGrant(ctx: DirectoryContext, input: ProjectGrantKey): Promise<ProjectGrant> {
  const { projectId, grantedOrgId } = readKey(input);
  return loadGrant(ctx.prisma, projectId, grantedOrgId);
}

/** Replaces the grant's role keys; keys taken away leave the organization's authorizations. */
export async function updateProjectGrant(ctx: DirectoryContext, input: CreateProjectGrantInput): Promise<ProjectGrant> {
  const { projectId, grantedOrgId } = readKey(input);
  const roleKeys = readRoleKeys(input.roleKeys);
  return inTransaction(ctx, async (tx) => {
    const before = await loadGrant(tx, projectId, grantedOrgId);
    await assertRolesExist(tx, projectId, roleKeys, "roleKeys");
    const after = await tx.projectGrant.update({ where: { id: before.id }, data: { roleKeys } });
    const narrowed = await tx.$executeRaw`
      UPDATE "Authorization"
      SET "roleKeys" = ARRAY(SELECT k FROM unnest("roleKeys") WITH ORDINALITY AS t(k, i) WHERE k = ANY(${roleKeys}::text[]) ORDER BY i),
          "updatedAt" = now()
      WHERE "projectGrantId" = ${before.id} AND NOT ("roleKeys" <@ ${roleKeys}::text[])`;
    await writeAudit(tx, ctx.actor.id, {
      action: "project.grant.updated",
      targetType: "projectGrant",
      targetId: before.id,
      before,
      after: { ...after, narrowedAuthorizations: narrowed },
    });
    return after;
  });
}

export function deactivateProjectGrant(ctx: DirectoryContext, input: ProjectGrantKey): Promise<ProjectGrant> {
  return setGrantState(ctx, input, "INACTIVE");
}

export function activateProjectGrant(ctx: DirectoryContext, input: ProjectGrantKey): Promise<ProjectGrant> {
  return setGrantState(ctx, input, "ACTIVE");
}

async function setGrantState(ctx: DirectoryContext, input: ProjectGrantKey, state: ActiveState): Promise<ProjectGrant> {
  const { projectId, grantedOrgId } = readKey(input);
  return changeState(ctx, {
    to: state,
    action: state === "ACTIVE" ? "project.grant.activated" : "project.grant.deactivated",
    targetType: "projectGrant",
    load: (tx) => loadGrant(tx, projectId, grantedOrgId),
    refusal: refuseSameState("the project grant", state),
    save: (tx, before) => tx.projectGrant.update({ where: { id: before.id }, data: { state } }),
  });
}

/** Deletes the grant and the authorizations that belong to it. Unknown grants succeed. */
export async function deleteProjectGrant(ctx: DirectoryContext, input: ProjectGrantKey): Promise<boolean> {
  const { projectId, grantedOrgId } = readKey(input);
  return deleteAudited(ctx, {
    action: "project.grant.deleted",
    targetType: "projectGrant",
    find: (tx) => findGrant(tx, projectId, grantedOrgId),
    remove: (tx, before) => tx.projectGrant.delete({ where: { id: before.id } }).then(() => true),
  });
}

export type ProjectGrantSort = "projectId" | "creationDate" | "changeDate";

export interface ListProjectGrantsInput {
  pagination?: Pagination | undefined;
  sortBy?: ProjectGrantSort | undefined;
  projectIds?: string[] | undefined;
  /** The grants' own ids. */
  ids?: string[] | undefined;
  /** The organization that owns the granted projects. */
  projectOwnerId?: string | undefined;
  grantedOrganizationId?: string | undefined;
  projectName?: TextFilter | undefined;
  roleKey?: TextFilter | undefined;
  /** Only grants of projects these memberships administer, or grants to their organizations. */
  visibleTo?: Visibility | undefined;
}

export type ProjectGrantRow = ProjectGrant & {
  project: { name: string; orgId: string; org: { name: string } };
  grantedOrg: { name: string };
};

const GRANT_SORT = { projectId: "projectId", creationDate: "createdAt", changeDate: "updatedAt" } as const;

export async function listProjectGrants(ctx: DirectoryContext, input: ListProjectGrantsInput = {}): Promise<Page<ProjectGrantRow>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy = optionalEnum("sortingColumn", input.sortBy, ["projectId", "creationDate", "changeDate"] as const) ?? "creationDate";
  const projectIds = input.projectIds === undefined ? undefined : requireList("inProjectIdsFilter", input.projectIds, requireId);
  const ids = input.ids === undefined ? undefined : requireList("grantIds", input.ids, requireId);
  const owner = input.projectOwnerId === undefined ? undefined : requireId("projectResourceOwnerFilter", input.projectOwnerId);
  const granted =
    input.grantedOrganizationId === undefined ? undefined : requireId("projectGrantResourceOwnerFilter", input.grantedOrganizationId);
  // A role-key filter matches grants holding a key that satisfies the text method.
  const roleKeyMatch = input.roleKey ? textWhere("roleKeyFilter", input.roleKey) : undefined;
  if (roleKeyMatch && (roleKeyMatch.equals === undefined || roleKeyMatch.mode)) {
    throw invalidArgument("roleKeyFilter.method", "only TEXT_FILTER_METHOD_EQUALS is supported for role keys");
  }
  const where = {
    ...(projectIds ? { projectId: { in: projectIds } } : {}),
    ...(ids ? { id: { in: ids } } : {}),
    ...(granted ? { grantedOrgId: granted } : {}),
    ...(owner || input.projectName
      ? {
          project: {
            ...(owner ? { orgId: owner } : {}),
            ...(input.projectName ? { name: textWhere("projectNameFilter", input.projectName) } : {}),
          },
        }
      : {}),
    ...(roleKeyMatch ? { roleKeys: { has: roleKeyMatch.equals! } } : {}),
    ...(input.visibleTo
      ? {
          OR: [
            { project: { orgId: { in: input.visibleTo.orgIds } } },
            { projectId: { in: input.visibleTo.projectIds } },
            { grantedOrgId: { in: input.visibleTo.orgIds } },
            { id: { in: input.visibleTo.grantIds } },
          ],
        }
      : {}),
  };
  const direction = asc ? "asc" : "desc";
  const [items, total] = await Promise.all([
    ctx.prisma.projectGrant.findMany({
      where,
      include: {
        project: { select: { name: true, orgId: true, org: { select: { name: true } } } },
        grantedOrg: { select: { name: true } },
      },
      orderBy: [{ [GRANT_SORT[sortBy]]: direction }, { id: direction }],
      skip,
      take,
    }),
    ctx.prisma.projectGrant.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}
