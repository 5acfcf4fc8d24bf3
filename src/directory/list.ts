// Pagination and text filters as the ZITADEL v2 list requests describe them.
import { Prisma } from "../generated/prisma/client.js";
import { invalidArgument } from "./errors.js";
import { requireCleanText, requireEnum } from "./validate.js";

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** How deep and/or/not conditions of list requests may nest; deeper trees are refused. */
export const MAX_FILTER_DEPTH = 10;

export interface Pagination {
  offset?: number | bigint | undefined;
  limit?: number | undefined;
  /** Ascending order; ZITADEL's default is descending unless asc is set. */
  asc?: boolean | undefined;
}

export interface Page<T> {
  items: T[];
  totalResult: number;
  appliedLimit: number;
}

export function readPagination(p: Pagination | undefined): { skip: number; take: number; asc: boolean } {
  const offset = Number(p?.offset ?? 0);
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalidArgument("pagination.offset", "must be a non-negative integer");
  const limit = p?.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw invalidArgument("pagination.limit", "must be a non-negative integer");
  if (limit > MAX_LIMIT) throw invalidArgument("pagination.limit", `must be at most ${MAX_LIMIT}`);
  return { skip: offset, take: limit === 0 ? DEFAULT_LIMIT : limit, asc: p?.asc ?? false };
}

export const TEXT_METHODS = [
  "EQUALS",
  "EQUALS_IGNORE_CASE",
  "STARTS_WITH",
  "STARTS_WITH_IGNORE_CASE",
  "CONTAINS",
  "CONTAINS_IGNORE_CASE",
  "ENDS_WITH",
  "ENDS_WITH_IGNORE_CASE",
] as const;
export type TextMethod = (typeof TEXT_METHODS)[number];

export interface TextFilter {
  value: string;
  method?: TextMethod | undefined;
}

/** A Prisma string filter for one of ZITADEL's text methods. */
export function textWhere(
  field: string,
  filter: TextFilter,
): { equals?: string; startsWith?: string; contains?: string; endsWith?: string; mode?: "insensitive" } {
  if (typeof filter.value !== "string") throw invalidArgument(field, "must be a string");
  if (filter.value.length > 200) throw invalidArgument(field, "must be at most 200 characters");
  requireCleanText(field, filter.value);
  const method = filter.method ?? "EQUALS";
  if (!TEXT_METHODS.includes(method)) throw invalidArgument(`${field}.method`, `must be one of ${TEXT_METHODS.join(", ")}`);
  const insensitive = method.endsWith("_IGNORE_CASE") ? { mode: "insensitive" as const } : {};
  const v = filter.value;
  if (method.startsWith("EQUALS")) return { equals: v, ...insensitive };
  if (method.startsWith("STARTS_WITH")) return { startsWith: v, ...insensitive };
  if (method.startsWith("CONTAINS")) return { contains: v, ...insensitive };
  return { endsWith: v, ...insensitive };
}

/** The same text methods as a SQL condition on `column`, for raw queries (LIKE patterns escaped). */
export function textSql(column: Prisma.Sql, field: string, filter: TextFilter): Prisma.Sql {
  const where = textWhere(field, filter);
  const escaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const op = where.mode ? Prisma.raw("ILIKE") : Prisma.raw("LIKE");
  if (where.equals !== undefined) {
    return where.mode ? Prisma.sql`lower(${column}) = lower(${where.equals})` : Prisma.sql`${column} = ${where.equals}`;
  }
  if (where.startsWith !== undefined) return Prisma.sql`${column} ${op} ${`${escaped(where.startsWith)}%`}`;
  if (where.contains !== undefined) return Prisma.sql`${column} ${op} ${`%${escaped(where.contains)}%`}`;
  return Prisma.sql`${column} ${op} ${`%${escaped(where.endsWith!)}`}`;
}

/**
 * Narrows a list to what one administrator may see (none for instance owners). The management
 * API derives it from the caller's memberships; the directory only applies it.
 */
export interface Visibility {
  orgIds: string[];
  projectIds: string[];
  grantIds: string[];
}

/** The user columns list rows name a user by (authorizations, administrators). */
export const USER_NAMES = { id: true, orgId: true, username: true, displayName: true, name: true } satisfies Prisma.UserSelect;

/**
 * Users whose public display name matches the text filter: the display name, or else a machine
 * user's name, or else the login name (as the management API shows it).
 */
export function displayNameWhere(field: string, filter: TextFilter): Prisma.UserWhereInput {
  const match = textWhere(field, filter);
  const noDisplayName = { OR: [{ displayName: null }, { displayName: "" }] };
  const noName = { OR: [{ name: null }, { name: "" }] };
  return {
    OR: [{ displayName: match }, { AND: [noDisplayName, { name: match }] }, { AND: [noDisplayName, noName, { username: match }] }],
  };
}

/** A timestamp condition: Prisma's comparison and the date to compare with. */
export interface DateFilter {
  method: "equals" | "gt" | "gte" | "lt" | "lte";
  value: Date;
}

const DATE_METHODS = ["equals", "gt", "gte", "lt", "lte"] as const satisfies readonly DateFilter["method"][];

/** A Prisma date filter for one of ZITADEL's timestamp conditions. */
export function dateWhere(field: string, filter: DateFilter): Prisma.DateTimeFilter {
  const method = requireEnum(`${field}.method`, filter.method, DATE_METHODS);
  if (!(filter.value instanceof Date) || Number.isNaN(filter.value.getTime()))
    throw invalidArgument(`${field}.timestamp`, "must be a date");
  return { [method]: filter.value };
}
