// Calls to a `zitadel.*` or `rolegate.*` method nobody serves: a service rolegate does not serve at all, or a method
// a served service does not have. They answer `unimplemented` in the caller's protocol, as grpc-go
// and connect do (gRPC and gRPC-Web: HTTP 200 with grpc-status 12; Connect: HTTP 501 with
// {"code":"unimplemented"}, the protocol's mapping), not a bare HTTP 404 that clients can only
// report as "HTTP 404".
import { create, createFileRegistry } from "@bufbuild/protobuf";
import type { GenService } from "@bufbuild/protobuf/codegenv2";
import { type EmptySchema, FileDescriptorProtoSchema, file_google_protobuf_empty } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createConnectRouter, createContextKey, createContextValues } from "@connectrpc/connect";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.js";

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** `/zitadel.<package>.<Service>/<Method>`: the path of a ZITADEL RPC (or of rolegate's own, `/rolegate.…`). */
const RPC_PATH = /^\/((?:zitadel|rolegate)\.[^/]+)\/([^/]+)$/;

/** The procedure the call asked for (`zitadel.admin.v1.AdminService/ListEvents`). */
const PROCEDURE = createContextKey("");

/**
 * A stand-in service whose methods answer `unimplemented` naming the procedure asked for: one
 * unary method for Connect's unary requests, one client-streaming method for everything framed in
 * envelopes (gRPC, gRPC-Web, Connect streaming), which answers without reading the request.
 */
const Unserved = (() => {
  const file = create(FileDescriptorProtoSchema, {
    name: "rolegate/unserved.proto",
    package: "rolegate.unserved",
    syntax: "proto3",
    dependency: [file_google_protobuf_empty.proto.name],
    service: [
      {
        name: "Unserved",
        method: [
          { name: "Unary", inputType: ".google.protobuf.Empty", outputType: ".google.protobuf.Empty" },
          { name: "Stream", inputType: ".google.protobuf.Empty", outputType: ".google.protobuf.Empty", clientStreaming: true },
        ],
      },
    ],
  });
  const registry = createFileRegistry(file, (name) =>
    name === file_google_protobuf_empty.proto.name ? file_google_protobuf_empty : undefined,
  );
  return registry.getService("rolegate.unserved.Unserved") as GenService<{
    unary: { methodKind: "unary"; input: typeof EmptySchema; output: typeof EmptySchema };
    stream: { methodKind: "client_streaming"; input: typeof EmptySchema; output: typeof EmptySchema };
  }>;
})();

export interface UnservedOptions {
  readMaxBytes: number;
  log: Logger;
  countCall?: ((code: string) => void) | undefined;
}

/**
 * The management API's fallback: POSTs to a `zitadel.*` or `rolegate.*` RPC path answer `unimplemented` (with
 * connect-node's own framing for each protocol); every other request goes to `otherwise`.
 */
export function unservedMethods({ readMaxBytes, log, countCall }: UnservedOptions, otherwise: NodeHandler): NodeHandler {
  const notImplemented = (procedure: string) => {
    countCall?.("Unimplemented");
    log.info({ procedure, code: "Unimplemented" }, "api call");
    return new ConnectError(`${procedure} is not implemented`, Code.Unimplemented);
  };
  // The body of a Connect unary request is read before the method runs: any JSON object passes.
  const router = createConnectRouter({
    readMaxBytes,
    acceptCompression: [compressionGzip, compressionBrotli],
    jsonOptions: { ignoreUnknownFields: true },
  });
  router.service(Unserved, {
    unary: (_req, ctx) => Promise.reject(notImplemented(ctx.values.get(PROCEDURE))),
    stream: (_requests, ctx) => Promise.reject(notImplemented(ctx.values.get(PROCEDURE))),
  });
  const handler = (name: string) => router.handlers.find((h) => h.method.name === name) as UniversalHandler;
  const [unary, stream] = [handler("Unary"), handler("Stream")];

  return (req, res) => {
    const match = req.method === "POST" ? RPC_PATH.exec(req.url?.split("?", 1)[0] ?? "") : null;
    if (!match) return otherwise(req, res);
    const contextValues = createContextValues().set(PROCEDURE, `${match[1]}/${match[2]}`);
    const answer = stream.supportedContentType(req.headers["content-type"] ?? "") ? stream : unary;
    answer(universalRequestFromNodeRequest(req, res, undefined, contextValues))
      .then((uRes) => universalResponseToNodeResponse(uRes, res))
      .catch((error: unknown) => {
        if (ConnectError.from(error).code !== Code.Aborted) log.warn({ err: error }, "unimplemented answer failed");
      });
  };
}
