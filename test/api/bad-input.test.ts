// Input PostgreSQL cannot store, or that would be stored other than it was sent, is refused with
// invalid_argument naming the field: control characters (NUL above all: PostgreSQL refuses 0x00),
// invalid UTF-8 and lone surrogates (never stored as U+FFFD), and JSON fields the request message
// does not have (a misspelled filter must not return everything). Nothing of it is a 500 or an
// error in the log, and nothing is stored.
import { Code } from "@connectrpc/connect";
import { InternalPermissionService } from "@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js";
import { OrganizationService } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { afterAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { expectCode } from "../support/connect.js";
import { unique } from "../support/directory.js";

const api = useApiServer();
const ORG = "zitadel.org.v2.OrganizationService";

/** A Connect JSON call with a body of exactly these bytes; the answer's code (or "ok") and message. */
async function post(procedure: string, body: string | Uint8Array, contentType = "application/json") {
  const res = await fetch(`${api().url}/${procedure}`, {
    method: "POST",
    headers: { "content-type": contentType, authorization: `Bearer ${api().adminToken}` },
    body: body as BodyInit,
  });
  const text = await res.text();
  const json = (contentType === "application/json" ? JSON.parse(text) : {}) as { code?: string; message?: string };
  return { status: res.status, code: res.ok ? "ok" : (json.code ?? String(res.status)), message: json.message ?? "", json };
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

afterAll(() => {
  // No 500 behind any of it: not one error (with its stack trace) in the server's log.
  const errors = api()
    .logs()
    .filter((line) => Number(line.level) >= 50);
  expect(errors).toEqual([]);
});

describe("control characters", () => {
  it("refuses NUL and other control characters in names, over Connect JSON and gRPC, naming the field", async () => {
    const before = await api().db.prisma.organization.count();
    for (const name of [
      "Acme\u0000Corp",
      "\u0000",
      "Acme\u0007",
      "Acme\u001b[31m",
      "Acme\u007f",
      "Acme\u0085",
      "Acme\u009f",
      "Acme\nCorp",
      "Acme\tCorp",
    ]) {
      const res = await post(`${ORG}/AddOrganization`, JSON.stringify({ name }));
      expect({ name, code: res.code, status: res.status }).toEqual({ name, code: "invalid_argument", status: 400 });
      expect(res.message).toMatch(/^name: /);
    }
    const grpc = api().client(OrganizationService, "grpc");
    await expectCode(grpc.addOrganization({ name: "Acme\u0000Corp" }), Code.InvalidArgument, "name");
    const connect = api().client(OrganizationService, "connect");
    await expectCode(connect.addOrganization({ name: "Acme\u0001Corp" }), Code.InvalidArgument, "name");
    expect(await api().db.prisma.organization.count()).toBe(before);
    // Printable text beyond ASCII is text, not a control character.
    const { organizationId } = await connect.addOrganization({ name: unique("Ärger & Co ✓ 😀") });
    expect(organizationId).toMatch(/^\d+$/);
  });

  it("refuses NUL in filters and in ids, naming the field", async () => {
    const list = await post(`${ORG}/ListOrganizations`, JSON.stringify({ queries: [{ nameQuery: { name: "Acme\u0000" } }] }));
    expect(list).toMatchObject({ code: "invalid_argument" });
    expect(list.message).toContain("nameQuery");
    const project = await post(
      "zitadel.project.v2beta.ProjectService/ListProjects",
      JSON.stringify({ filters: [{ projectNameFilter: { projectName: "\u0000" } }] }),
    );
    expect(project).toMatchObject({ code: "invalid_argument" });
    expect(project.message).toContain("projectName");
    const byId = await post("zitadel.org.v2beta.OrganizationService/DeactivateOrganization", JSON.stringify({ id: "12\u00003" }));
    expect(byId).toMatchObject({ code: "invalid_argument" });
    expect(byId.message).toMatch(/^id: /);
    const grpc = api().client(InternalPermissionService, "grpc");
    await expectCode(
      grpc.listAdministrators({
        filters: [{ filter: { case: "userPreferredLoginName", value: { preferredLoginName: "a\u0000", method: 0 } } }],
      }),
      Code.InvalidArgument,
      "preferredLoginName",
    );
    const projects = api().client(ProjectService, "grpc");
    await expectCode(projects.createProject({ organizationId: "1", name: "P\u0000" }), Code.InvalidArgument, "name");
  });
});

describe("invalid UTF-8 and lone surrogates", () => {
  it("refuses invalid UTF-8 in a Connect JSON string instead of storing U+FFFD, naming the field", async () => {
    const name = unique("Acme");
    for (const bad of [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const res = await post(`${ORG}/AddOrganization`, bytes(`{"name":"${name}`, bad, `"}`));
      expect({ bad, code: res.code }).toEqual({ bad, code: "invalid_argument" });
      expect(res.message).toMatch(/\bname\b.*UTF-?8/i);
    }
    // Outside a string, too (a key, or between tokens).
    expect((await post(`${ORG}/AddOrganization`, bytes(`{"na`, [0xff], `me":"${name}"}`))).code).toBe("invalid_argument");
    expect((await post(`${ORG}/AddOrganization`, bytes(`{"name":"${name}"}`, [0xff]))).code).toBe("invalid_argument");
    expect(await api().db.prisma.organization.count({ where: { name: { startsWith: name } } })).toBe(0);
  });

  it("refuses a lone surrogate (a JSON escape that is no character) naming the field", async () => {
    const res = await post(`${ORG}/AddOrganization`, `{"name":"Acme\\ud800"}`);
    expect(res.code).toBe("invalid_argument");
    expect(res.message).toMatch(/\bname\b.*UTF-?8/i);
  });

  it("refuses invalid UTF-8 in a binary protobuf string", async () => {
    // AddOrganizationRequest.name (field 1, length-delimited) = "Acme\xff".
    const body = new Uint8Array([0x0a, 5, 0x41, 0x63, 0x6d, 0x65, 0xff]);
    const res = await fetch(`${api().url}/${ORG}/AddOrganization`, {
      method: "POST",
      headers: { "content-type": "application/proto", authorization: `Bearer ${api().adminToken}` },
      body,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_argument");
  });
});

describe("unknown JSON fields", () => {
  it("refuses a field the request does not have, naming it, instead of dropping it", async () => {
    const org = await post(`${ORG}/AddOrganization`, JSON.stringify({ name: unique("Acme"), nmae: "typo" }));
    expect(org).toMatchObject({ code: "invalid_argument" });
    expect(org.message).toContain("nmae");
  });

  it("refuses a misspelled or unsupported filter rather than listing everything", async () => {
    const typo = await post(`${ORG}/ListOrganizations`, JSON.stringify({ queries: [{ nmeQuery: { name: "nobody" } }] }));
    expect(typo).toMatchObject({ code: "invalid_argument" });
    expect(typo.message).toContain("nmeQuery");
    const nested = await post(`${ORG}/ListOrganizations`, JSON.stringify({ queries: [{ nameQuery: { nmae: "nobody" } }] }));
    expect(nested).toMatchObject({ code: "invalid_argument" });
    expect(nested.message).toContain("nmae");
    const enumName = await post(
      `${ORG}/ListOrganizations`,
      JSON.stringify({ queries: [{ nameQuery: { name: "x", method: "TEXT_QUERY_METHOD_SOUNDS_LIKE" } }] }),
    );
    expect(enumName).toMatchObject({ code: "invalid_argument" });
    // The same request spelled right filters.
    const right = await post(`${ORG}/ListOrganizations`, JSON.stringify({ queries: [{ nameQuery: { name: "nobody" } }] }));
    expect(right).toMatchObject({ code: "ok" });
    expect((right.json as { result?: unknown[] }).result ?? []).toEqual([]);
  });
});
