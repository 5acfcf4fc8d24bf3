// connect-es answers a request body that is not valid protobuf with `internal` ("parse binary:
// …"), though the client sent it and no hook runs before that error is written. ZITADEL
// (connect-go) answers invalid_argument, and so must we: nothing a client sends is `internal`.
// ConnectError assigns `code` in its constructor after `rawMessage`, so an accessor on the
// prototype reclassifies exactly these errors and leaves every other one as it is.
import { Code, ConnectError } from "@connectrpc/connect";

const CODE = Symbol("code");
type Reclassified = ConnectError & { [CODE]?: Code };

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
