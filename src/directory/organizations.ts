// Organizations: the tenants. Deleting one removes its users, projects and every authorization
// it holds or that refers to it (foreign keys cascade; see prisma/schema.prisma).
import type { Organization, OrgState } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, invalidArgument, notFound } from "./errors.js";
import { changeState, deleteAudited, refuseSameState } from "./audited-writes.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter } from "./list.js";
import { optionalEnum, optionalText, requireDomain, requireId, requireText } from "./validate.js";

export type { Organization };

/** Derived primary domains end in this suffix, as ZITADEL appends the instance domain. */
export const DOMAIN_SUFFIX = "localhost";

export interface CreateOrganizationInput {
  name: string;
  /** Defaults to the name as a domain label, e.g. "ACME Corp" → acme-corp.localhost. */
  primaryDomain?: string | undefined;
  /** A caller-chosen id (ZITADEL's `organizationId`); generated when absent. */
  id?: string | undefined;
}

export async function createOrganization(ctx: DirectoryContext, input: CreateOrganizationInput): Promise<Organization> {
  const name = requireText("name", input.name);
  const id = input.id === undefined || input.id === "" ? newId() : requireId("id", input.id);
  const derived = input.primaryDomain === undefined || input.primaryDomain === "";
  const primaryDomain = derived ? deriveDomain(name, id) : requireDomain("primaryDomain", input.primaryDomain);
  const domainTaken = () =>
    derived
      ? alreadyExists("name", `an organization named like "${name}" already exists (domain ${primaryDomain})`)
      : alreadyExists("primaryDomain", `the domain ${primaryDomain} is already taken`);

  return inTransaction(
    ctx,
    async (tx) => {
      assertThat(!(await tx.organization.findUnique({ where: { id } })), () =>
        alreadyExists("id", `an organization with id ${id} already exists`),
      );
      assertThat(!(await tx.organization.findUnique({ where: { primaryDomain } })), domainTaken);
      const org = await tx.organization.create({ data: { id, name, primaryDomain } });
      await writeAudit(tx, ctx.actor.id, { action: "organization.created", targetType: "organization", targetId: id, after: org });
      return org;
    },
    domainTaken,
  );
}

export function deriveDomain(name: string, id: string): string {
  const label = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return `${label || `org-${id}`}.${DOMAIN_SUFFIX}`;
}

export async function getOrganization(ctx: DirectoryContext, id: string): Promise<Organization> {
  requireId("id", id);
  const org = await ctx.prisma.organization.findUnique({ where: { id } });
  if (!org) throw notFound("organization", id);
  return org;
}

/** The organization, or null: for callers that treat an unknown id as success (idempotent deletes). */
export function findOrganization(ctx: DirectoryContext, id: string): Promise<Organization | null> {
  return ctx.prisma.organization.findUnique({ where: { id } });
}

/** The id of the first organization created (ZITADEL's default organization); null when there is none. */
export async function findDefaultOrganizationId(ctx: DirectoryContext): Promise<string | null> {
  const first = await ctx.prisma.organization.findFirst({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
  return first?.id ?? null;
}

/** The id of the organization with this primary domain; the caller normalizes the domain (lower case). */
export async function getOrganizationIdByDomain(ctx: DirectoryContext, primaryDomain: string): Promise<string> {
  const org = await ctx.prisma.organization.findUnique({ where: { primaryDomain }, select: { id: true } });
  if (!org) throw notFound("organization", primaryDomain);
  return org.id;
}

/** Loads an organization inside a transaction, locking it against concurrent changes. */
export async function loadOrganization(tx: Tx, id: string): Promise<Organization> {
  const org = await tx.organization.findUnique({ where: { id } });
  if (!org) throw notFound("organization", id);
  return org;
}

export interface UpdateOrganizationInput {
  id: string;
  name?: string | undefined;
  primaryDomain?: string | undefined;
}

export async function updateOrganization(ctx: DirectoryContext, input: UpdateOrganizationInput): Promise<Organization> {
  const id = requireId("id", input.id);
  const name = optionalText("name", input.name, { min: 1 });
  const primaryDomain = input.primaryDomain === undefined ? undefined : requireDomain("primaryDomain", input.primaryDomain);
  const taken = () => alreadyExists("primaryDomain", `the domain ${primaryDomain} is already taken`);
  return inTransaction(
    ctx,
    async (tx) => {
      const before = await loadOrganization(tx, id);
      if (primaryDomain && primaryDomain !== before.primaryDomain) {
        assertThat(!(await tx.organization.findUnique({ where: { primaryDomain } })), taken);
      }
      const after = await tx.organization.update({ where: { id }, data: { name, primaryDomain } });
      await writeAudit(tx, ctx.actor.id, { action: "organization.updated", targetType: "organization", targetId: id, before, after });
      return after;
    },
    taken,
  );
}

export function deactivateOrganization(ctx: DirectoryContext, id: string): Promise<Organization> {
  return setOrganizationState(ctx, id, "INACTIVE");
}

export function activateOrganization(ctx: DirectoryContext, id: string): Promise<Organization> {
  return setOrganizationState(ctx, id, "ACTIVE");
}

async function setOrganizationState(ctx: DirectoryContext, id: string, state: OrgState): Promise<Organization> {
  requireId("id", id);
  return changeState(ctx, {
    to: state,
    action: state === "ACTIVE" ? "organization.activated" : "organization.deactivated",
    targetType: "organization",
    load: (tx) => loadOrganization(tx, id),
    refusal: refuseSameState(`organization ${id}`, state),
    save: (tx) => tx.organization.update({ where: { id }, data: { state } }),
  });
}

/** Deletes an organization and everything that cascades from it. Unknown ids succeed (idempotent). */
export async function deleteOrganization(ctx: DirectoryContext, id: string): Promise<boolean> {
  requireId("id", id);
  return deleteAudited(ctx, {
    action: "organization.deleted",
    targetType: "organization",
    find: (tx) => tx.organization.findUnique({ where: { id } }),
    remove: (tx) => tx.organization.delete({ where: { id } }).then(() => true),
  });
}

export type OrganizationSort = "id" | "name" | "creationDate" | "changeDate";

export interface ListOrganizationsInput {
  pagination?: Pagination | undefined;
  sortBy?: OrganizationSort | undefined;
  ids?: string[] | undefined;
  name?: TextFilter | undefined;
  domain?: TextFilter | undefined;
  state?: OrgState | undefined;
}

const ORG_SORT = { id: "id", name: "name", creationDate: "createdAt", changeDate: "updatedAt" } as const;

export async function listOrganizations(ctx: DirectoryContext, input: ListOrganizationsInput = {}): Promise<Page<Organization>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy = optionalEnum("sortingColumn", input.sortBy, ["id", "name", "creationDate", "changeDate"] as const) ?? "creationDate";
  const state = optionalEnum("stateFilter", input.state, ["ACTIVE", "INACTIVE"] as const);
  if (input.ids !== undefined && !Array.isArray(input.ids)) throw invalidArgument("idFilter", "must be a list");
  const where = {
    ...(input.ids ? { id: { in: input.ids } } : {}),
    ...(input.name ? { name: textWhere("nameFilter", input.name) } : {}),
    ...(input.domain ? { primaryDomain: textWhere("domainFilter", input.domain) } : {}),
    ...(state ? { state } : {}),
  };
  const direction = asc ? "asc" : "desc";
  const [items, total] = await Promise.all([
    ctx.prisma.organization.findMany({
      where,
      orderBy: [{ [ORG_SORT[sortBy]]: direction }, { id: direction }],
      skip,
      take,
    }),
    ctx.prisma.organization.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}
