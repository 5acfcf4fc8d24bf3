// The one patch of a library outside oidc-provider (internals.ts holds oidc-provider's), here
// and nowhere else: connect-es answers a request body that is not valid protobuf with `internal`
// ("parse binary: …"), though the client sent it. ZITADEL (connect-go) answers invalid_argument,
// and so must we: nothing a client sends is `internal`.
//
// Why a patch and not an interceptor or the router's options (checked against
// @connectrpc/connect 2.1): the error is thrown by its binary serialization
// (protocol/serialization.js, createBinarySerialization), and a unary Connect request is parsed
// before the interceptors run (protocol-connect/handler-factory.js: parseUnaryMessage, then
// invokeUnaryImplementation), so no interceptor sees it; the handler then writes it out itself.
// `binaryOptions` only choose whether unknown fields are kept; no option replaces the
// serialization or maps its errors. Rewriting answers afterwards would mean decoding each
// protocol's error encoding (Connect JSON, gRPC trailers, gRPC-Web trailer frames).
//
// How: ConnectError assigns `code` in its constructor after `rawMessage`, so an accessor on the
// prototype reclassifies exactly these errors and leaves every other one as it is.
// test/api/bad-input.test.ts holds the answer; test/oidc/internals.test.ts checks the shape.
import { Code, ConnectError } from "@connectrpc/connect";

const CODE = Symbol("code");
type Reclassified = ConnectError & { [CODE]?: Code };

/** Installs the reclassification (once per process; later calls change nothing). */
export function reclassifyParseErrors(): void {
  if (Object.getOwnPropertyDescriptor(ConnectError.prototype, "code")) return;
  Object.defineProperty(ConnectError.prototype, "code", {
    configurable: true,
    enumerable: true,
    get(this: Reclassified) {
      return this[CODE];
    },
    set(this: Reclassified, code: Code) {
      const clientFault = code === Code.Internal && this.rawMessage?.startsWith("parse binary:");
      this[CODE] = clientFault ? Code.InvalidArgument : code;
    },
  });
}
