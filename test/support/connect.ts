import { Code, ConnectError } from "@connectrpc/connect";
import { expect } from "vitest";

/**
 * Asserts that a management API call fails with `code` (and, when given, a message naming
 * `field`); returns the error for more checks.
 */
export async function expectCode(promise: Promise<unknown>, code: Code, field?: string): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${Code[code]}`).toBeInstanceOf(ConnectError);
  expect(Code[(error as ConnectError).code], (error as ConnectError).rawMessage).toBe(Code[code]);
  if (field) expect((error as ConnectError).rawMessage).toContain(field);
  return error as ConnectError;
}
