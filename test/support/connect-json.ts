// A Connect (JSON over HTTP/1.1) transport to the management API with a bearer token, as a
// user's code builds one. Free of vitest, so bench/ uses it too.
import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";

/** Sends the token as `Authorization: Bearer <token>` on every call. */
export const bearer =
  (token: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };

export function connectJsonTransport(baseUrl: string, token: string): Transport {
  return createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors: [bearer(token)] });
}
