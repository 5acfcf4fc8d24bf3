// Shared conversions between protobuf messages and directory types.
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { invalidArgument } from "../directory/errors.js";
import { TEXT_METHODS, type DateFilter, type Pagination, type TextFilter } from "../directory/list.js";

export const ts = (date: Date): Timestamp => timestampFromDate(date);
export const now = (): Timestamp => timestampFromDate(new Date());

/** Maps a protobuf enum number to a domain value; unknown numbers (binary clients) are rejected. */
export function fromEnum<T>(field: string, value: number, table: Record<number, T>): T {
  if (!Object.hasOwn(table, value)) throw invalidArgument(field, `unknown enum value ${value}`);
  return table[value] as T;
}

export function optionalFromEnum<T>(field: string, value: number | undefined, table: Record<number, T>): T | undefined {
  return value === undefined ? undefined : fromEnum(field, value, table);
}

/** Inverts an enum table for responses. */
export function toEnum<T extends string>(table: Record<number, T | undefined>, value: T): number {
  for (const [number, name] of Object.entries(table)) if (name === value) return Number(number);
  return 0;
}

export function pagination(p: { offset: bigint; limit: number; asc: boolean } | undefined): Pagination | undefined {
  if (!p) return undefined;
  if (p.offset > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidArgument("pagination.offset", "is too large");
  return { offset: Number(p.offset), limit: p.limit, asc: p.asc };
}

export function paginationResponse(page: { totalResult: number; appliedLimit: number }) {
  return { totalResult: BigInt(page.totalResult), appliedLimit: BigInt(page.appliedLimit) };
}

/** zitadel.filter.v2beta.TextFilterMethod numbers are the index into TEXT_METHODS. */
export function textFilter(field: string, value: string, method: number): TextFilter {
  return { value, method: fromEnum(`${field}.method`, method, { ...TEXT_METHODS }) };
}

/** zitadel.filter.v2.TimestampFilterMethod numbers as the directory's date comparisons. */
export const TIMESTAMP_METHOD: Record<number, DateFilter["method"]> = { 0: "equals", 1: "gt", 2: "gte", 3: "lt", 4: "lte" };

/** A user's public display name: its display name, a machine user's name, or else its login name. */
export function displayNameOf(user: { username: string; displayName: string | null; name: string | null }): string {
  return user.displayName || user.name || user.username;
}
