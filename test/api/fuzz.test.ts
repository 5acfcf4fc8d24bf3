// Sends well over a thousand malformed requests to every implemented management API method and
// checks that each gets a client error (never `internal`/`unknown`, never a 5xx), that the server
// keeps running, and that the directory is unchanged afterwards.
import type { DescField, DescMethod, DescService } from "@bufbuild/protobuf";
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

const SERVICES: DescService[] = [ProjectService, AuthorizationService, AppService, OrgV2, OrgV2beta, UserService, InternalPermissionService, WebKeyService];
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
    const codes = new Map<string, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const method = rnd.pick(methods);
      const request = malformedBody(method, rnd);
      const res = await post(method, request);
      const text = await res.text();
      let code = String(res.status);
      try {
        code = (JSON.parse(text) as { code?: string }).code ?? code;
      } catch {
        // a non-JSON answer is recorded by status
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (res.status >= 500 || code === "internal" || code === "unknown") {
        failures.push(`${method.parent.typeName}/${method.name} ${res.status} ${code}: ${String(request.body).slice(0, 200)} → ${text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(codes.get("invalid_argument") ?? 0).toBeGreaterThan(REQUESTS / 3);
    expect(await snapshot()).toEqual(before);
    expect((await fetch(`${api().url}/healthz`)).status).toBe(200);
  }, 240_000);
});
