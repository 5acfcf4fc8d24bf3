// One error type for everything a caller can get wrong. Each edge (management API, OIDC,
// login pages) maps `code` once; a plain Error reaching an edge is a bug.
export type ErrorCode =
  | "invalid_argument"
  | "not_found"
  | "already_exists"
  | "failed_precondition"
  | "permission_denied"
  | "unauthenticated";

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request field at fault (camelCase, as in the proto's JSON). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalidArgument = (field: string, message: string) => new DomainError("invalid_argument", `${field}: ${message}`, field);
export const notFound = (what: string, id: string) => new DomainError("not_found", `${what} ${id} not found`);
export const alreadyExists = (field: string, message: string) => new DomainError("already_exists", `${field}: ${message}`, field);
export const permissionDenied = (message: string) => new DomainError("permission_denied", message);
export const unauthenticated = (message: string) => new DomainError("unauthenticated", message);
export const failedPrecondition = (message: string, field?: string) => new DomainError("failed_precondition", message, field);

export function assertThat(condition: unknown, error: () => DomainError): asserts condition {
  if (!condition) throw error();
}

/** Prisma's unique-constraint violation (P2002), raised when two writers race past a check. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
