// A zitadel.* method rolegate does not serve (an unserved service, or a served service's unknown
// method) answers `unimplemented` in the caller's protocol, not a bare HTTP 404; other unknown
// paths keep the plain 404.
import { create, createFileRegistry, type DescService } from "@bufbuild/protobuf";
import type { GenService } from "@bufbuild/protobuf/codegenv2";
import { type EmptySchema, FileDescriptorProtoSchema, file_google_protobuf_empty } from "@bufbuild/protobuf/wkt";
import { Code, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AuthService } from "@zitadel/proto/zitadel/auth_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { expectCode } from "../support/connect.js";
import { bearer } from "../support/connect-json.js";

const api = useApiServer();

const TRANSPORTS: Record<string, (baseUrl: string, token: string) => Transport> = {
  grpc: (baseUrl, token) => createGrpcTransport({ baseUrl, interceptors: [bearer(token)] }),
  "gRPC-Web": (baseUrl, token) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors: [bearer(token)] }),
  "Connect JSON": (baseUrl, token) => createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [bearer(token)] }),
  "Connect binary": (baseUrl, token) =>
    createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true, interceptors: [bearer(token)] }),
};

type Unknown = GenService<{
  noSuchMethod: { methodKind: "unary"; input: typeof EmptySchema; output: typeof EmptySchema };
  noSuchStream: { methodKind: "server_streaming"; input: typeof EmptySchema; output: typeof EmptySchema };
}>;

/** A service `pkg.name` with a unary `NoSuchMethod` and a server-streaming `NoSuchStream` (Empty → Empty). */
function serviceDesc(pkg: string, name: string): Unknown {
  const empty = ".google.protobuf.Empty";
  const file = create(FileDescriptorProtoSchema, {
    name: `${pkg.replaceAll(".", "/")}/test.proto`,
    package: pkg,
    syntax: "proto3",
    dependency: [file_google_protobuf_empty.proto.name],
    service: [
      {
        name,
        method: [
          { name: "NoSuchMethod", inputType: empty, outputType: empty },
          { name: "NoSuchStream", inputType: empty, outputType: empty, serverStreaming: true },
        ],
      },
    ],
  });
  return createFileRegistry(file, (dep) =>
    dep === file_google_protobuf_empty.proto.name ? file_google_protobuf_empty : undefined,
  ).getService(`${pkg}.${name}`) as Unknown;
}

describe.each(Object.keys(TRANSPORTS))("over %s", (transport) => {
  const client = <S extends DescService>(service: S) => createClient(service, TRANSPORTS[transport]!(api().url, api().adminToken));

  it("answers unimplemented for a zitadel.* service rolegate does not serve, naming the method", async () => {
    const error = await expectCode(client(AuthService).getMyUser({}), Code.Unimplemented);
    expect(error.rawMessage).toBe("zitadel.auth.v1.AuthService/GetMyUser is not implemented");
  });

  it("answers unimplemented for a method a served service does not have, unary or streaming", async () => {
    const projects = client(serviceDesc("zitadel.project.v2beta", "ProjectService"));
    const error = await expectCode(projects.noSuchMethod({}), Code.Unimplemented);
    expect(error.rawMessage).toBe("zitadel.project.v2beta.ProjectService/NoSuchMethod is not implemented");
    const stream = async () => {
      for await (const _ of projects.noSuchStream({})) expect.fail("no message expected");
    };
    await expectCode(stream(), Code.Unimplemented, "zitadel.project.v2beta.ProjectService/NoSuchStream");
  });

  it("answers unimplemented for a rolegate.* method no service serves, naming the method", async () => {
    const error = await expectCode(client(serviceDesc("rolegate.access.v1", "AccessService")).noSuchMethod({}), Code.Unimplemented);
    expect(error.rawMessage).toBe("rolegate.access.v1.AccessService/NoSuchMethod is not implemented");
    const unknown = await expectCode(client(serviceDesc("rolegate.nothing.v1", "NothingService")).noSuchMethod({}), Code.Unimplemented);
    expect(unknown.rawMessage).toBe("rolegate.nothing.v1.NothingService/NoSuchMethod is not implemented");
  });

  it("still answers the calls rolegate does serve", async () => {
    await expect(client(ProjectService).listProjects({})).resolves.toBeDefined();
  });
});

describe("on the wire", () => {
  const post = (path: string, contentType: string, body: BodyInit) =>
    fetch(`${api().url}${path}`, { method: "POST", headers: { "content-type": contentType }, body });

  // The Connect protocol's code table maps unimplemented to HTTP 501 (and reads a bare 404 as unimplemented).
  it("Connect unary: HTTP 501 with the code in a JSON body, whatever the request body holds", async () => {
    for (const body of ['{"query":{"limit":1},"unknownField":true}', "{}"]) {
      const res = await post("/zitadel.auth.v1.AuthService/GetMyUser", "application/json", body);
      expect(res.status).toBe(501);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ code: "unimplemented", message: "zitadel.auth.v1.AuthService/GetMyUser is not implemented" });
    }
  });

  it("gRPC-Web: HTTP 200 with grpc-status 12 in the trailer frame", async () => {
    const res = await post("/zitadel.foo.v1.FooService/Bar", "application/grpc-web+proto", new Uint8Array([0, 0, 0, 0, 0]));
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body[0]).toBe(0x80); // the trailer flag
    const trailer = new TextDecoder().decode(body.subarray(5));
    expect(trailer).toContain("grpc-status: 12\r\n");
    expect(trailer).toContain(`grpc-message: ${encodeURIComponent("zitadel.foo.v1.FooService/Bar is not implemented")}\r\n`);
  });

  it("keeps the plain 404 for paths outside zitadel.* and for other verbs", async () => {
    for (const res of [
      await post("/acme.v1.FooService/Bar", "application/json", "{}"),
      await post("/acme.v1.FooService/Bar", "application/grpc-web+proto", new Uint8Array([0, 0, 0, 0, 0])),
      await fetch(`${api().url}/zitadel.foo.v1.FooService/Bar`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers.get("grpc-status")).toBeNull();
      expect(res.headers.get("content-type") ?? "").not.toMatch(/^application\/json/);
    }
  });

  it("counts the answers in /metrics", async () => {
    const metrics = await (await fetch(`${api().url}/metrics`)).text();
    expect(metrics).toMatch(/code="Unimplemented"\} [1-9]/);
  });
});
