// Organization metadata: key/value pairs of an organization (ZITADEL's SetOrgMetadata), with the
// limits of user metadata. Removed with the organization (foreign key cascade).
import type { OrgMetadata } from "../generated/prisma/client.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext } from "./context.js";
import { invalidArgument, notFound } from "./errors.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter } from "./list.js";
import { loadOrganization } from "./organizations.js";
import { describeMetadata, MAX_METADATA_KEY_LENGTH, type MetadataEntry, readMetadata } from "./user-metadata.js";
import { requireId, requireList, requireText } from "./validate.js";

export type { OrgMetadata };

/** Sets the given keys (overwriting their values); keys not given stay untouched. */
export async function setOrgMetadata(ctx: DirectoryContext, input: { orgId: string; metadata: MetadataEntry[] }): Promise<OrgMetadata[]> {
  const orgId = requireId("orgId", input.orgId);
  const entries = readMetadata(input.metadata);
  return inTransaction(ctx, async (tx) => {
    await loadOrganization(tx, orgId);
    const rows: OrgMetadata[] = [];
    for (const { key, value } of entries) {
      rows.push(await tx.orgMetadata.upsert({ where: { orgId_key: { orgId, key } }, create: { orgId, key, value }, update: { value } }));
    }
    await writeAudit(tx, ctx.actor.id, {
      action: "organization.metadata.set",
      targetType: "organization",
      targetId: orgId,
      after: rows.map(describeMetadata),
    });
    return rows;
  });
}

export interface ListOrgMetadataInput {
  orgId: string;
  key?: TextFilter | undefined;
  /** Ordered by key; descending unless asc, as ZITADEL's lists. */
  pagination?: Pagination | undefined;
}

/** A page of an organization's metadata, optionally filtered by key. */
export async function listOrgMetadata(ctx: DirectoryContext, input: ListOrgMetadataInput): Promise<Page<OrgMetadata>> {
  const orgId = requireId("orgId", input.orgId);
  const { skip, take, asc } = readPagination(input.pagination);
  const where = { orgId, key: input.key ? textWhere("keyQuery", input.key) : undefined };
  if (!(await ctx.prisma.organization.findUnique({ where: { id: orgId }, select: { id: true } }))) throw notFound("organization", orgId);
  const [rows, total] = await Promise.all([
    ctx.prisma.orgMetadata.findMany({ where, orderBy: { key: asc ? "asc" : "desc" }, skip, take }),
    ctx.prisma.orgMetadata.count({ where }),
  ]);
  return { items: rows, totalResult: total, appliedLimit: take };
}

/** One entry; not found when the organization does not have the key. */
export async function getOrgMetadata(ctx: DirectoryContext, input: { orgId: string; key: string }): Promise<OrgMetadata> {
  const orgId = requireId("orgId", input.orgId);
  const key = requireText("key", input.key, { max: MAX_METADATA_KEY_LENGTH });
  const row = await ctx.prisma.orgMetadata.findUnique({ where: { orgId_key: { orgId, key } } });
  if (!row) throw notFound("metadata", `${key} of organization ${orgId}`);
  return row;
}

/** Deletes the given keys; keys the organization does not have are ignored. Returns how many were deleted. */
export async function deleteOrgMetadata(ctx: DirectoryContext, input: { orgId: string; keys: string[] }): Promise<number> {
  const orgId = requireId("orgId", input.orgId);
  const keys = requireList("keys", input.keys, (field, key) => requireText(field, key, { max: MAX_METADATA_KEY_LENGTH }));
  if (keys.length === 0) throw invalidArgument("keys", "must name at least one key");
  return inTransaction(ctx, async (tx) => {
    await loadOrganization(tx, orgId);
    const before = await tx.orgMetadata.findMany({ where: { orgId, key: { in: keys } } });
    if (before.length === 0) return 0;
    await tx.orgMetadata.deleteMany({ where: { orgId, key: { in: keys } } });
    await writeAudit(tx, ctx.actor.id, {
      action: "organization.metadata.deleted",
      targetType: "organization",
      targetId: orgId,
      before: before.map(describeMetadata),
    });
    return before.length;
  });
}
