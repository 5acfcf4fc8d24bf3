// When keys and tokens expire: machine users' personal access tokens and keys, and application
// keys. ZITADEL gives those created without an expiration one that never comes in practice.
import { invalidArgument } from "./errors.js";

/** The expiration of tokens and keys created without one: effectively never. */
export const NEVER_EXPIRES = new Date("9999-01-01T00:00:00Z");

/** A requested expiration: absent means NEVER_EXPIRES; otherwise a date in the future. */
export function readExpiration(value: unknown): Date {
  if (value === undefined || value === null) return NEVER_EXPIRES;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalidArgument("expirationDate", "must be a date");
  if (isExpired(value)) throw invalidArgument("expirationDate", "must be in the future");
  return value;
}

export function isExpired(expirationDate: Date): boolean {
  return expirationDate.getTime() <= Date.now();
}
