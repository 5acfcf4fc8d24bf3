// ZITADEL's REST gateway (grpc-gateway): each method's `google.api.http` rule maps an HTTP method
// and path (`PUT /management/v1/projects/{id}`) to the RPC. The request message is built from the
// path variables, the body and the query string as grpc-gateway builds it, then runs through the
// very handler Connect calls use (same interceptors: authentication, text checks, errors), so REST
// is a third way in, not a second implementation. Errors answer in grpc-gateway's shape
// `{code, message, details}` with its HTTP status for the code.
import type { IncomingMessage as Http1Request, ServerResponse as Http1Response } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import {
  type DescField,
  type DescMessage,
  type DescMethod,
  type DescService,
  getOption,
  type JsonObject,
  type JsonValue,
} from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import { http } from "@zitadel/proto/google/api/annotations_pb.js";
import type { Logger } from "../log.js";

/** A service reachable over REST, below `prefix` (ZITADEL mounts management at /management/v1). */
export interface RestMount {
  service: DescService;
  prefix: string;
}

export interface RestGatewayOptions {
  mounts: RestMount[];
  /** The RPC handlers (connect's router), found by request path. */
  handlers: () => readonly UniversalHandler[];
  readMaxBytes: number;
  log: Logger;
}

type IncomingMessage = Http1Request | Http2ServerRequest;
type ServerResponse = Http1Response | Http2ServerResponse;

type Segment = { literal: string } | { field: string; rest: boolean };

interface Route {
  verb: string;
  segments: Segment[];
  /** Literal segments: the more, the more specific (`/projects/_search` before `/projects/{id}`). */
  literals: number;
  body: string;
  method: DescMethod;
}

/** grpc-gateway's HTTP status for each code (runtime.HTTPStatusFromCode). */
const HTTP_STATUS: Record<Code, number> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** Headers the gateway passes on to the RPC (grpc-gateway's default matcher plus ZITADEL's x-zitadel-*). */
const FORWARDED = /^(authorization|x-zitadel-.+|accept-language|x-forwarded-for|user-agent)$/i;

function parseTemplate(template: string): Segment[] {
  return template
    .split("/")
    .filter(Boolean)
    .map((part) => {
      const variable = /^\{([a-z0-9_.]+)(?:=(.*))?\}$/i.exec(part);
      if (!variable) return { literal: part };
      return { field: variable[1]!, rest: variable[2] === "**" };
    });
}

function routesOf({ service, prefix }: RestMount): Route[] {
  const routes: Route[] = [];
  for (const method of service.methods) {
    if (method.methodKind !== "unary") continue;
    const rule = getOption(method, http);
    for (const binding of [rule, ...rule.additionalBindings]) {
      const { case: verb, value } = binding.pattern;
      if (!verb || verb === "custom" || typeof value !== "string") continue;
      const segments = [...parseTemplate(prefix), ...parseTemplate(value)];
      routes.push({
        verb: verb.toUpperCase(),
        segments,
        literals: segments.filter((s) => "literal" in s).length,
        body: binding.body,
        method,
      });
    }
  }
  return routes.sort((a, b) => b.literals - a.literals);
}

/** The path variables when `path` fits the route, else undefined. */
function match(route: Route, parts: string[]): Map<string, string> | undefined {
  const values = new Map<string, string>();
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    if ("literal" in segment) {
      if (parts[i] !== segment.literal) return undefined;
    } else if (segment.rest) {
      if (i !== route.segments.length - 1 || parts.length <= i) return undefined;
      values.set(segment.field, parts.slice(i).join("/"));
      return values;
    } else {
      if (parts[i] === undefined || parts[i] === "") return undefined;
      values.set(segment.field, parts[i]!);
    }
  }
  return parts.length === route.segments.length ? values : undefined;
}

function fieldNamed(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((f) => f.name === name || f.jsonName === name);
}

/** A path variable or query value as JSON for the field it names (`a.b` walks into messages). */
function assign(target: JsonObject, message: DescMessage, path: string, raw: string, source: string): void {
  const [head, ...tail] = path.split(".");
  const field = fieldNamed(message, head!);
  if (!field) throw new ConnectError(`unknown ${source} parameter "${path}"`, Code.InvalidArgument);
  if (tail.length > 0) {
    if (field.fieldKind !== "message") throw new ConnectError(`unknown ${source} parameter "${path}"`, Code.InvalidArgument);
    target[field.jsonName] ??= {};
    const inner = target[field.jsonName] as JsonObject;
    assign(inner, field.message, tail.join("."), raw, source);
    return;
  }
  const value = scalarJson(field, raw, path);
  if (field.fieldKind === "list") {
    target[field.jsonName] ??= [];
    (target[field.jsonName] as JsonValue[]).push(value);
  } else {
    target[field.jsonName] = value;
  }
}

function scalarJson(field: DescField, raw: string, path: string): JsonValue {
  const kind = field.fieldKind === "list" ? (field.listKind === "scalar" ? "scalar" : field.listKind) : field.fieldKind;
  if (kind === "enum") return raw;
  if (kind !== "scalar") throw new ConnectError(`parameter "${path}" cannot be set from the URL`, Code.InvalidArgument);
  const scalar = field.scalar!;
  if (scalar === 8 /* BOOL */) {
    if (raw !== "true" && raw !== "false") throw new ConnectError(`parameter "${path}" must be true or false`, Code.InvalidArgument);
    return raw === "true";
  }
  return raw; // ProtoJSON reads numbers (and 64-bit integers) from strings as well
}

async function readJson(req: IncomingMessage, limit: number): Promise<JsonValue | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ConnectError(`request body larger than ${limit} bytes`, Code.ResourceExhausted);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new ConnectError("request body is not valid JSON", Code.InvalidArgument);
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The request message as JSON: body first, then the query string, then the path (which wins). */
async function requestJson(
  req: IncomingMessage,
  route: Route,
  url: URL,
  pathValues: Map<string, string>,
  limit: number,
): Promise<JsonObject> {
  const input = route.method.input;
  let json: JsonObject = {};
  if (route.body) {
    const body = await readJson(req, limit);
    if (route.body === "*") {
      if (body !== undefined && !isObject(body)) throw new ConnectError("request body must be a JSON object", Code.InvalidArgument);
      json = body ?? {};
    } else if (body !== undefined) {
      const field = fieldNamed(input, route.body);
      if (field) json[field.jsonName] = body;
    }
  }
  if (route.body !== "*") {
    const bound = new Set([...pathValues.keys(), route.body].filter(Boolean));
    for (const [key, value] of url.searchParams) {
      if (bound.has(key)) continue;
      assign(json, input, key, value, "query");
    }
  }
  for (const [path, value] of pathValues) assign(json, input, path, decodePathValue(path, value), "path");
  return json;
}

function decodePathValue(path: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ConnectError(`path parameter "${path}" is not valid percent-encoding`, Code.InvalidArgument);
  }
}

async function readAll(body: AsyncIterable<Uint8Array> | undefined): Promise<string> {
  if (!body) return "";
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** An error as grpc-gateway answers it: `{code, message, details}` with the code's HTTP status. */
export function gatewayError(e: ConnectError): { status: number; body: JsonObject } {
  return { status: HTTP_STATUS[e.code], body: { code: e.code, message: e.rawMessage, details: [] } };
}

/** Connect's error body (`{"code":"not_found","message":…}`) as a ConnectError. */
function fromConnectBody(status: number, text: string): ConnectError {
  let parsed: { code?: string; message?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // not JSON: keep the defaults below
  }
  const code = codeFromName(parsed.code) ?? (status === 404 ? Code.Unimplemented : Code.Unknown);
  return new ConnectError(parsed.message ?? Code[code], code);
}

function codeFromName(name: string | undefined): Code | undefined {
  if (!name) return undefined;
  const key = name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase()) as keyof typeof Code;
  const code = Code[key];
  return typeof code === "number" ? code : undefined;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(body);
}

/** The gateway: which paths it serves, and how. */
export function restGateway({ mounts, handlers, readMaxBytes, log }: RestGatewayOptions) {
  const routes = mounts.flatMap(routesOf);
  const prefixes = mounts.map((m) => `${m.prefix.replace(/\/$/, "")}/`);
  const handlerFor = (method: DescMethod) => {
    const path = `/${method.parent.typeName}/${method.name}`;
    return handlers().find((h) => h.requestPath === path);
  };

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split("/").filter(Boolean);
    const verb = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    let found: { route: Route; values: Map<string, string> } | undefined;
    let pathKnown = false;
    for (const route of routes) {
      const values = match(route, parts);
      if (!values) continue;
      pathKnown = true;
      if (route.verb === verb) {
        found = { route, values };
        break;
      }
    }
    if (!found) {
      req.resume(); // unread bodies would reset the connection
      const code = pathKnown ? Code.Unimplemented : Code.NotFound;
      const status = pathKnown ? 405 : 404;
      send(res, status, JSON.stringify({ code, message: pathKnown ? "Method Not Allowed" : "Not Found", details: [] }));
      return;
    }
    const handler = handlerFor(found.route.method);
    const header = new Headers({ "content-type": "application/json" });
    for (const [name, value] of Object.entries(req.headers)) {
      if (FORWARDED.test(name) && typeof value === "string") header.set(name, value);
    }
    if (!handler) {
      req.resume();
      const procedure = `${found.route.method.parent.typeName}/${found.route.method.name}`;
      send(res, 501, JSON.stringify({ code: Code.Unimplemented, message: `${procedure} is not implemented`, details: [] }));
      return;
    }
    const body = await requestJson(req, found.route, url, found.values, readMaxBytes);
    const controller = new AbortController();
    res.once("close", () => controller.abort());
    const answer = await handler({
      httpVersion: req.httpVersion,
      method: "POST",
      url: `http://gateway${handler.requestPath}`,
      header,
      body,
      signal: controller.signal,
    });
    const text = await readAll(answer.body);
    if (answer.status === 200) {
      send(res, 200, text);
      return;
    }
    const error = gatewayError(fromConnectBody(answer.status, text));
    send(res, error.status, JSON.stringify(error.body));
  }

  return {
    /** Whether the path is below one of the mounts. */
    serves(url: string | undefined): boolean {
      const path = url?.split("?", 1)[0] ?? "";
      return prefixes.some((p) => path.startsWith(p));
    },
    handle(req: IncomingMessage, res: ServerResponse): void {
      const url = new URL(req.url ?? "/", "http://gateway");
      serve(req, res, url).catch((error: unknown) => {
        const e = ConnectError.from(error);
        if (e.code === Code.Internal || e.code === Code.Unknown) log.error({ err: error, path: url.pathname }, "REST gateway failed");
        const answer = gatewayError(e);
        if (!res.headersSent) send(res, answer.status, JSON.stringify(answer.body));
      });
    },
  };
}
