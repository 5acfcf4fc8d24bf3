// The one mapping from domain errors to Connect codes. Anything else is a bug: logged, and
// answered as `internal` without details.
import { Code, ConnectError } from "@connectrpc/connect";
import { DomainError, type ErrorCode } from "../directory/errors.js";
import type { Logger } from "../log.js";

const CODES: Record<ErrorCode, Code> = {
  invalid_argument: Code.InvalidArgument,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  failed_precondition: Code.FailedPrecondition,
  permission_denied: Code.PermissionDenied,
  unauthenticated: Code.Unauthenticated,
};

export function toConnectError(error: unknown, log: Logger, procedure: string): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof DomainError) return new ConnectError(error.message, CODES[error.code]);
  log.error({ err: error, procedure }, "management API call failed");
  return new ConnectError("internal error", Code.Internal);
}
