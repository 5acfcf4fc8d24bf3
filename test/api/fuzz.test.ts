// Sends well over a thousand malformed requests to every implemented management API method and
// checks that each gets a client error (never `internal`/`unknown`, never a 5xx), that the server
// keeps running, and that the directory is unchanged afterwards. Three classes of otherwise
// well-formed requests must each be invalid_argument naming the field: one string field with a
// control character (NUL above all), one with invalid UTF-8 bytes, one unknown JSON field.
import { ScalarType, type DescField, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import { InternalPermissionService } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import { OrganizationService as OrgV2 } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import { OrganizationService as OrgV2beta } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import { WebKeyService } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import { describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";

const SERVICES: DescService[] = [
  ProjectService,
  AuthorizationService,
  AppService,
  OrgV2,
  OrgV2beta,
  UserService,
  InternalPermissionService,
  WebKeyService,
];
const REQUESTS = 1200;

const api = useApiServer();

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

const BAD_VALUES: unknown[] = [
  "",
  " ",
  "x".repeat(5000),
  "abc",
  "-1",
  "12a",
  "' OR 1=1 --",
  "../../etc/passwd",
  "\u0000\uffff",
  "😀".repeat(300),
  -1,
  1e300,
  3.5,
  true,
  null,
  {},
  [],
  [null],
  { nested: { deeper: [1, "two"] } },
  "NOT_AN_ENUM",
  999999,
];

function badValueFor(field: DescField, rnd: ReturnType<typeof random>): unknown {
  if (field.fieldKind === "message" && rnd.next() < 0.5) {
    return Object.fromEntries(field.message.fields.map((f) => [f.jsonName, badValueFor(f, rnd)]));
  }
  if (field.fieldKind === "list" && rnd.next() < 0.5) return [rnd.pick(BAD_VALUES), rnd.pick(BAD_VALUES)];
  if (field.fieldKind === "enum" && rnd.next() < 0.5) return rnd.pick(["BOGUS", 4242, -7, "", null]);
  return rnd.pick(BAD_VALUES);
}

type Body = { contentType: string; body: string | Uint8Array };

const CONTROL_VALUES = ["\u0000", "a\u0000b", "123\u0000", "x\u0001", "\u0007bell", "esc\u001b[2J", "del\u007f", "c1\u0085", "c1\u009f"];
const INVALID_UTF8 = [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]];
const PLACEHOLDER = "\ue000PLACEHOLDER\ue000";

/**
 * A request with one string field set to `value` (reached through nested messages, lists and
 * oneofs) and nothing else, and the names an error may give the field: its JSON name, and its
 * proto name (protobuf-es's own JSON errors use it: "…DeleteUserRequest.user_id from JSON: …
 * invalid UTF8"); undefined when the message has no string.
 */
function oneStringField(
  desc: DescMessage,
  value: string,
  rnd: ReturnType<typeof random>,
  depth = 0,
): { json: Record<string, unknown>; field: string[] } | undefined {
  const candidates = desc.fields.filter(
    (f) =>
      (f.fieldKind === "scalar" && f.scalar === ScalarType.STRING) ||
      (f.fieldKind === "list" && f.listKind === "scalar" && f.scalar === ScalarType.STRING) ||
      ((f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message")) &&
        depth < 4 &&
        !f.message.typeName.startsWith("google.protobuf.")),
  );
  for (let tries = 0; tries < 8 && candidates.length > 0; tries++) {
    const f = rnd.pick(candidates);
    if (f.fieldKind === "scalar") return { json: { [f.jsonName]: value }, field: [f.jsonName, f.name] };
    if (f.fieldKind === "list" && f.listKind === "scalar") return { json: { [f.jsonName]: [value] }, field: [f.jsonName, f.name] };
    if (f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message")) {
      const inner = oneStringField(f.message, value, rnd, depth + 1);
      if (inner) return { json: { [f.jsonName]: f.fieldKind === "list" ? [inner.json] : inner.json }, field: inner.field };
    }
  }
  return undefined;
}

type Classified = Body & { expect: { code: "invalid_argument"; field: string[] } };

/** A request of one of the three classes that must be invalid_argument naming the field, or undefined. */
function classifiedBody(method: DescMethod, rnd: ReturnType<typeof random>): Classified | undefined {
  const kind = rnd.pick(["control", "utf8", "unknown"] as const);
  if (kind === "control") {
    const one = oneStringField(method.input, rnd.pick(CONTROL_VALUES), rnd);
    return (
      one && { contentType: "application/json", body: JSON.stringify(one.json), expect: { code: "invalid_argument", field: one.field } }
    );
  }
  if (kind === "utf8") {
    const one = oneStringField(method.input, PLACEHOLDER, rnd);
    if (!one) return undefined;
    const [before, after] = JSON.stringify(one.json).split(PLACEHOLDER) as [string, string];
    const body = Buffer.concat([Buffer.from(`${before}ok`), Buffer.from(rnd.pick(INVALID_UTF8)), Buffer.from(`ok${after}`)]);
    return { contentType: "application/json", body, expect: { code: "invalid_argument", field: one.field } };
  }
  // A field the request does not have, at the top or next to a string field deeper down.
  const name = `unknown${Math.floor(rnd.next() * 1000)}`;
  const one = rnd.next() < 0.5 ? oneStringField(method.input, "x", rnd) : undefined;
  const json = one ? injectUnknown(one.json, name) : { [name]: rnd.pick(BAD_VALUES) };
  return { contentType: "application/json", body: JSON.stringify(json), expect: { code: "invalid_argument", field: [name] } };
}

/** Adds `name` to the innermost object of a oneStringField request. */
function injectUnknown(json: Record<string, unknown>, name: string): Record<string, unknown> {
  const [key, value] = Object.entries(json)[0]!;
  const inner = Array.isArray(value) ? value[0] : value;
  if (inner && typeof inner === "object")
    return {
      [key]: Array.isArray(value)
        ? [injectUnknown(inner as Record<string, unknown>, name)]
        : injectUnknown(inner as Record<string, unknown>, name),
    };
  return { ...json, [name]: "x" };
}

function malformedBody(method: DescMethod, rnd: ReturnType<typeof random>): Body {
  const json = (value: unknown) => ({ contentType: "application/json", body: JSON.stringify(value) });
  switch (Math.floor(rnd.next() * 6)) {
    case 0:
      return { contentType: "application/json", body: rnd.pick(['{"', "{]", "not json", "null", "[]", '"str"', "1", "{".repeat(200)]) };
    case 1: {
      const bytes = new Uint8Array(1 + Math.floor(rnd.next() * 64)).map(() => Math.floor(rnd.next() * 256));
      return { contentType: "application/proto", body: bytes };
    }
    case 2:
      return json({ [`unknown_${Math.floor(rnd.next() * 1000)}`]: rnd.pick(BAD_VALUES) });
    case 3:
      return { contentType: rnd.pick(["text/plain", "application/xml", "application/json; charset=latin1"]), body: "{}" };
    default:
      // Every field of the request set to something invalid.
      return json(Object.fromEntries(method.input.fields.map((f) => [f.jsonName, badValueFor(f, rnd)])));
  }
}

async function snapshot() {
  const p = api().db.prisma;
  return Promise.all([
    p.organization.count(),
    p.user.count(),
    p.project.count(),
    p.projectRole.count(),
    p.projectGrant.count(),
    p.authorization.count(),
    p.application.count(),
    p.applicationKey.count(),
    p.administrator.count(),
    p.personalAccessToken.count(),
    p.machineSecret.count(),
    p.userKey.count(),
    p.userMetadata.count(),
    p.auditEntry.count(),
  ]);
}

describe("management API under malformed input", () => {
  it(`answers ${REQUESTS} malformed requests with client errors and changes nothing`, async () => {
    const post = (method: DescMethod, { contentType, body }: Body) =>
      fetch(`${api().url}/${method.parent.typeName}/${method.name}`, {
        method: "POST",
        headers: { "content-type": contentType, authorization: `Bearer ${api().adminToken}` },
        body: body as BodyInit,
      });

    // Only methods that exist: an empty request tells implemented from unimplemented ones.
    const methods: DescMethod[] = [];
    for (const service of SERVICES) {
      for (const method of service.methods) {
        const res = await post(method, { contentType: "application/json", body: "{}" });
        const body = (await res.json()) as { code?: string };
        if (body.code !== "unimplemented") methods.push(method);
      }
    }
    expect(methods.length).toBeGreaterThanOrEqual(17 + 7); // ProjectService and OrganizationService at least

    const before = await snapshot();
    const rnd = random(20261124);
    const failures: string[] = [];
    const misclassified: string[] = [];
    const codes = new Map<string, number>();
    let classifiedCount = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const method = rnd.pick(methods);
      // Half of the requests are of the three classes (when the method has a string field).
      const classified = rnd.next() < 0.5 ? classifiedBody(method, rnd) : undefined;
      const request: Body = classified ?? malformedBody(method, rnd);
      const res = await post(method, request);
      const text = await res.text();
      let code = String(res.status);
      let message = "";
      try {
        const body = JSON.parse(text) as { code?: string; message?: string };
        code = body.code ?? code;
        message = body.message ?? "";
      } catch {
        // a non-JSON answer is recorded by status
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
      const shown = `${method.parent.typeName}/${method.name} ${res.status} ${code}: ${Buffer.from(request.body).toString("utf8").slice(0, 200)} → ${text.slice(0, 200)}`;
      if (res.status >= 500 || code === "internal" || code === "unknown") failures.push(shown);
      if (classified) {
        classifiedCount++;
        const { expect: wanted } = classified;
        if (code !== wanted.code || !wanted.field.some((name) => message.includes(name))) {
          misclassified.push(`expected ${wanted.code} naming ${wanted.field.join(" or ")}: ${shown}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(misclassified).toEqual([]);
    expect(classifiedCount).toBeGreaterThan(REQUESTS / 4);
    expect(codes.get("invalid_argument") ?? 0).toBeGreaterThan(REQUESTS / 3);
    expect(await snapshot()).toEqual(before);
    expect((await fetch(`${api().url}/healthz`)).status).toBe(200);
    // No request was a bug: not one error (with its stack trace) in the server's log.
    expect(
      api()
        .logs()
        .filter((line) => Number(line.level) >= 50)
        .map((line) => line.msg),
    ).toEqual([]);
  }, 240_000);
});
