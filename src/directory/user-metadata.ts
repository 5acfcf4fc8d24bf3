// User metadata (any user): key/value pairs, e.g. for the urn:zitadel:iam:user:metadata claim.
import type { UserMetadata } from "../generated/prisma/client.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext } from "./context.js";
import { invalidArgument, notFound } from "./errors.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter } from "./list.js";
import { loadUser } from "./user-rows.js";
import { requireId, requireList, requireText } from "./validate.js";

export const MAX_METADATA_KEY_LENGTH = 200;
export const MAX_METADATA_VALUE_BYTES = 64 * 1024;

export interface MetadataEntry {
  key: string;
  value: Uint8Array;
}

/** Sets the given keys (overwriting their values); keys not given stay untouched. */
export async function setUserMetadata(
  ctx: DirectoryContext,
  input: { userId: string; metadata: MetadataEntry[] },
): Promise<UserMetadata[]> {
  const userId = requireId("userId", input.userId);
  const entries = readMetadata(input.metadata);
  return inTransaction(ctx, async (tx) => {
    await loadUser(tx, userId);
    const rows: UserMetadata[] = [];
    for (const { key, value } of entries) {
      rows.push(
        await tx.userMetadata.upsert({ where: { userId_key: { userId, key } }, create: { userId, key, value }, update: { value } }),
      );
    }
    await writeAudit(tx, ctx.actor.id, {
      action: "user.metadata.set",
      targetType: "user",
      targetId: userId,
      after: rows.map(describeMetadata),
    });
    return rows;
  });
}

export interface ListUserMetadataInput {
  userId: string;
  key?: TextFilter | undefined;
  /** Ordered by key; descending unless asc, as ZITADEL's lists. */
  pagination?: Pagination | undefined;
}

/** A page of a user's metadata, optionally filtered by key (ListUserMetadata). */
export async function listUserMetadataPage(ctx: DirectoryContext, input: ListUserMetadataInput): Promise<Page<UserMetadata>> {
  const userId = requireId("userId", input.userId);
  const { skip, take, asc } = readPagination(input.pagination);
  const where = { userId, key: input.key ? textWhere("keyFilter", input.key) : undefined };
  if (!(await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw notFound("user", userId);
  const [rows, total] = await Promise.all([
    ctx.prisma.userMetadata.findMany({ where, orderBy: { key: asc ? "asc" : "desc" }, skip, take }),
    ctx.prisma.userMetadata.count({ where }),
  ]);
  return { items: rows, totalResult: total, appliedLimit: take };
}

export async function listUserMetadata(ctx: DirectoryContext, userId: string): Promise<UserMetadata[]> {
  requireId("userId", userId);
  const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { metadata: { orderBy: { key: "asc" } } } });
  if (!user) throw notFound("user", userId);
  return user.metadata;
}

/** Deletes the given keys; keys the user does not have are ignored. Returns how many were deleted. */
export async function deleteUserMetadata(ctx: DirectoryContext, input: { userId: string; keys: string[] }): Promise<number> {
  const userId = requireId("userId", input.userId);
  const keys = requireList("keys", input.keys, (field, key) => requireText(field, key, { max: MAX_METADATA_KEY_LENGTH }));
  if (keys.length === 0) throw invalidArgument("keys", "must name at least one key");
  return inTransaction(ctx, async (tx) => {
    await loadUser(tx, userId);
    const before = await tx.userMetadata.findMany({ where: { userId, key: { in: keys } } });
    if (before.length === 0) return 0;
    await tx.userMetadata.deleteMany({ where: { userId, key: { in: keys } } });
    await writeAudit(tx, ctx.actor.id, {
      action: "user.metadata.deleted",
      targetType: "user",
      targetId: userId,
      before: before.map(describeMetadata),
    });
    return before.length;
  });
}

/** Validates entries (user and organization metadata alike); a key given twice keeps its last value. */
export function readMetadata(value: unknown): { key: string; value: Uint8Array<ArrayBuffer> }[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidArgument("metadata", "must list at least one entry");
  const byKey = new Map<string, Uint8Array<ArrayBuffer>>();
  value.forEach((entry: Partial<MetadataEntry> | null | undefined, i) => {
    const key = requireText(`metadata[${i}].key`, entry?.key, { max: MAX_METADATA_KEY_LENGTH });
    byKey.set(key, readMetadataValue(`metadata[${i}].value`, entry?.value));
  });
  return [...byKey].map(([key, bytes]) => ({ key, value: bytes }));
}

function readMetadataValue(field: string, value: unknown): Uint8Array<ArrayBuffer> {
  if (!(value instanceof Uint8Array)) throw invalidArgument(field, "must be bytes");
  if (value.length === 0) throw invalidArgument(field, "must not be empty");
  if (value.length > MAX_METADATA_VALUE_BYTES) throw invalidArgument(field, `must be at most ${MAX_METADATA_VALUE_BYTES} bytes`);
  return new Uint8Array(value); // a copy the caller cannot change mid-write
}

export function describeMetadata(entry: { key: string; value: Uint8Array }) {
  return { key: entry.key, value: Buffer.from(entry.value).toString("base64") };
}
