// Input validation shared by every directory operation. Each check names the field it rejects.
import { isId } from "../ids.js";
import { textProblem } from "../access/text.js";
import { invalidArgument } from "./errors.js";

export { textProblem };

export interface LengthRule {
  min?: number;
  max?: number;
  /** Free text over several lines (a description): tab, line feed and carriage return are allowed. */
  multiline?: boolean;
}

/** Throws invalid_argument naming `field` when `value` cannot be stored as text (textProblem). */
export function requireCleanText(field: string, value: string, options: { multiline?: boolean } = {}): string {
  const problem = textProblem(value, options);
  if (problem) throw invalidArgument(field, problem);
  return value;
}

/** A required string, trimmed, within length bounds (default 1–200), without control characters. */
export function requireText(field: string, value: unknown, { min = 1, max = 200, multiline = false }: LengthRule = {}): string {
  if (typeof value !== "string") throw invalidArgument(field, "is required");
  const text = requireCleanText(field, value, { multiline }).trim();
  if (text.length < min) throw invalidArgument(field, min <= 1 ? "must not be empty" : `must be at least ${min} characters`);
  if (text.length > max) throw invalidArgument(field, `must be at most ${max} characters`);
  return text;
}

/** Proto3 leaves unset strings empty, so "" means "not given" for optional fields. */
export function isAbsent(value: unknown): value is undefined | null | "" {
  return value === undefined || value === null || value === "";
}

/** An optional string: undefined stays undefined, otherwise the rules of requireText apply. */
export function optionalText(field: string, value: unknown, rule: LengthRule = {}): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireText(field, value, { min: 0, ...rule });
}

export function requireId(field: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalidArgument(field, "is required");
  if (!isId(value)) throw invalidArgument(field, "must be a decimal id");
  return value;
}

export function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidArgument(field, "must be true or false");
  return value;
}

export function requireEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(field, `must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

export function optionalEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  return requireEnum(field, value, allowed);
}

/** A list of distinct strings, each validated by `item`. */
export function requireList<T>(
  field: string,
  value: unknown,
  item: (field: string, value: unknown) => T,
  { max = 1000 }: { max?: number } = {},
): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidArgument(field, "must be a list");
  if (value.length > max) throw invalidArgument(field, `must have at most ${max} entries`);
  const items = value.map((entry, i) => item(`${field}[${i}]`, entry));
  return [...new Set(items)];
}

const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function requireDomain(field: string, value: unknown): string {
  const domain = requireText(field, value, { max: 253 }).toLowerCase();
  if (!DOMAIN.test(domain)) throw invalidArgument(field, "must be a domain name like acme.example.com");
  return domain;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export function requireEmail(field: string, value: unknown): string {
  const email = requireText(field, value, { max: 254 });
  if (!EMAIL.test(email)) throw invalidArgument(field, "must be an email address");
  return email;
}
