// Organization metadata (docs/rules.md#r-org-4): the limits of user metadata, audited, removed with
// the organization.
import { describe, expect, it } from "vitest";
import { deleteOrgMetadata, getOrgMetadata, listOrgMetadata, setOrgMetadata } from "../../src/directory/org-metadata.js";
import { deleteOrganization } from "../../src/directory/organizations.js";
import { useDirectory } from "../support/directory.js";
import { makeOrg } from "../support/fixtures.js";

const { ctx } = useDirectory();
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "ok",
    (e: { code?: string; field?: string }) => `${e.code}${e.field ? ` ${e.field}` : ""}`,
  );
}

describe("organization metadata", () => {
  it("sets, overwrites, lists, gets and deletes entries, each change audited", async () => {
    const org = await makeOrg(ctx());
    await setOrgMetadata(ctx(), {
      orgId: org.id,
      metadata: [
        { key: "b", value: bytes("2") },
        { key: "a", value: bytes("1") },
      ],
    });
    await setOrgMetadata(ctx(), { orgId: org.id, metadata: [{ key: "a", value: bytes("one") }] });
    const page = await listOrgMetadata(ctx(), { orgId: org.id, pagination: { asc: true } });
    expect(page.items.map((m) => [m.key, text(m.value)])).toEqual([
      ["a", "one"],
      ["b", "2"],
    ]);
    expect(page.totalResult).toBe(2);
    const filtered = await listOrgMetadata(ctx(), { orgId: org.id, key: { value: "b" } });
    expect(filtered.items.map((m) => m.key)).toEqual(["b"]);
    expect(text((await getOrgMetadata(ctx(), { orgId: org.id, key: "a" })).value)).toBe("one");
    expect(await codeOf(getOrgMetadata(ctx(), { orgId: org.id, key: "nope" }))).toBe("not_found");

    expect(await deleteOrgMetadata(ctx(), { orgId: org.id, keys: ["a", "nope"] })).toBe(1);
    expect(await deleteOrgMetadata(ctx(), { orgId: org.id, keys: ["a"] })).toBe(0);
    expect((await listOrgMetadata(ctx(), { orgId: org.id })).items.map((m) => m.key)).toEqual(["b"]);
    const actions = await ctx().prisma.auditEntry.findMany({ where: { targetId: org.id }, orderBy: { id: "asc" } });
    expect(actions.map((a) => a.action).filter((a) => a.startsWith("organization.metadata"))).toEqual([
      "organization.metadata.set",
      "organization.metadata.set",
      "organization.metadata.deleted",
    ]);
  });

  it("refuses what user metadata refuses, and unknown organizations", async () => {
    const org = await makeOrg(ctx());
    await setOrgMetadata(ctx(), { orgId: org.id, metadata: [{ key: "k".repeat(200), value: new Uint8Array(64 * 1024) }] });
    const cases: [unknown, string][] = [
      [[], "invalid_argument metadata"],
      [[{ key: "", value: bytes("v") }], "invalid_argument metadata[0].key"],
      [[{ key: "k".repeat(201), value: bytes("v") }], "invalid_argument metadata[0].key"],
      [[{ key: "k", value: new Uint8Array(0) }], "invalid_argument metadata[0].value"],
      [[{ key: "k", value: new Uint8Array(64 * 1024 + 1) }], "invalid_argument metadata[0].value"],
    ];
    for (const [metadata, expected] of cases) {
      expect(await codeOf(setOrgMetadata(ctx(), { orgId: org.id, metadata: metadata as never }))).toBe(expected);
    }
    expect(await codeOf(deleteOrgMetadata(ctx(), { orgId: org.id, keys: [] }))).toBe("invalid_argument keys");
    expect(await codeOf(setOrgMetadata(ctx(), { orgId: "123456", metadata: [{ key: "k", value: bytes("v") }] }))).toBe("not_found");
    expect(await codeOf(listOrgMetadata(ctx(), { orgId: "123456" }))).toBe("not_found");
  });

  it("is removed with its organization", async () => {
    const org = await makeOrg(ctx());
    await setOrgMetadata(ctx(), { orgId: org.id, metadata: [{ key: "a", value: bytes("1") }] });
    await deleteOrganization(ctx(), org.id);
    expect(await ctx().prisma.orgMetadata.count({ where: { orgId: org.id } })).toBe(0);
  });
});
