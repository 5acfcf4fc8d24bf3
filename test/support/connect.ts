import { Code, ConnectError } from "@connectrpc/connect";
import { expect } from "vitest";

/** Asserts that a management API call fails with `code`; returns the error for more checks. */
export async function expectCode(promise: Promise<unknown>, code: Code): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${Code[code]}`).toBeInstanceOf(ConnectError);
  expect(Code[(error as ConnectError).code]).toBe(Code[code]);
  return error as ConnectError;
}
