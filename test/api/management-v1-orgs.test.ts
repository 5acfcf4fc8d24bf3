// zitadel.management.v1 organizations and their metadata as existing automation calls them:
// @zitadel/node's createManagementClient over gRPC, and ZITADEL's REST gateway paths with plain
// fetch. "My org" is the request's organization: the x-zitadel-orgid header's, or the caller's own.
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import type { ManagementServiceClient } from "@zitadel/node/dist/api/generated/zitadel/management.js";
import { ClientError, Metadata } from "nice-grpc";
import { Code } from "@connectrpc/connect";
import { beforeAll, describe, expect, it } from "vitest";
import { createAdministrator } from "../../src/directory/administrators.js";
import { useApiServer } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { makeOrg } from "../support/fixtures.js";

const api = useApiServer();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const bytes = (s: string) => Buffer.from(s);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

let admin: { id: string; orgId: string };
beforeAll(async () => {
  const pat = await api().db.prisma.personalAccessToken.findFirstOrThrow({ include: { user: true } });
  admin = pat.user;
});

function management(token = api().adminToken): ManagementServiceClient {
  return createManagementClient(api().url, createAccessTokenInterceptor(token));
}
const inOrg = (orgId: string) => ({ metadata: Metadata({ "x-zitadel-orgid": orgId }) });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return "OK";
  if (error instanceof ClientError) return Code[error.code as number as Code];
  throw error;
}

async function rest(method: string, path: string, body: unknown, headers: Record<string, string>, token = api().adminToken) {
  const res = await fetch(new URL(path, api().url), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON came back
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

describe("zitadel.management.v1 organizations over gRPC (@zitadel/node createManagementClient)", () => {
  it("adds an organization with the caller as its owner, and shows it as my org in its context", async () => {
    const mgmt = management();
    const name = unique("V1 Org");
    const { id, details } = await mgmt.addOrg({ name });
    expect(details?.resourceOwner).toBe(id);
    expect(await api().db.prisma.administrator.findMany({ where: { orgId: id }, select: { userId: true, roles: true } })).toEqual([
      { userId: admin.id, roles: ["ORG_OWNER"] },
    ]);
    const { org } = await mgmt.getMyOrg({}, inOrg(id));
    expect(org).toMatchObject({ id, name, state: 1, details: { resourceOwner: id } });
    expect(org?.primaryDomain).toMatch(/\.localhost$/);
    expect((await mgmt.getMyOrg({})).org?.id).toBe(admin.orgId);
    expect((await mgmt.getOrgByDomainGlobal({ domain: org?.primaryDomain.toUpperCase() ?? "" })).org?.id).toBe(id);
    expect(await codeOf(mgmt.getOrgByDomainGlobal({ domain: "nope.localhost" }))).toBe("NotFound");
    expect(await codeOf(mgmt.getMyOrg({}, inOrg("123456")))).toBe("NotFound");
    expect(await codeOf(mgmt.addOrg({ name: "" }))).toBe("InvalidArgument");
  });

  it("updates, deactivates, reactivates and removes my org", async () => {
    const org = await makeOrg(dir());
    const mgmt = management();
    await mgmt.updateOrg({ name: "Renamed" }, inOrg(org.id));
    expect((await mgmt.getMyOrg({}, inOrg(org.id))).org?.name).toBe("Renamed");
    await mgmt.deactivateOrg({}, inOrg(org.id));
    expect((await mgmt.getMyOrg({}, inOrg(org.id))).org?.state).toBe(2);
    expect(await codeOf(mgmt.deactivateOrg({}, inOrg(org.id)))).toBe("FailedPrecondition");
    await mgmt.reactivateOrg({}, inOrg(org.id));
    expect((await mgmt.getMyOrg({}, inOrg(org.id))).org?.state).toBe(1);
    await mgmt.removeOrg({}, inOrg(org.id));
    expect(await api().db.prisma.organization.count({ where: { id: org.id } })).toBe(0);
    // The caller's own organization: not its to remove.
    expect(await codeOf(mgmt.removeOrg({}))).toBe("FailedPrecondition");
  });

  it("lets an organization's owner manage it but create none; keeps another tenant's owner out", async () => {
    const org = await makeOrg(dir());
    const other = await makeOrg(dir());
    const owner = management((await makeCaller(dir(), org.id, [{ resource: { organizationId: org.id }, roles: ["ORG_OWNER"] }])).token);
    const manager = management(
      (await makeCaller(dir(), org.id, [{ resource: { organizationId: org.id }, roles: ["ORG_USER_MANAGER"] }])).token,
    );
    const intruder = management(
      (await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }])).token,
    );

    expect(await codeOf(owner.addOrg({ name: unique("Nope") }))).toBe("PermissionDenied");
    await owner.updateOrg({ name: "By owner" });
    expect((await owner.getMyOrg({})).org?.name).toBe("By owner");
    expect((await manager.getMyOrg({})).org?.name).toBe("By owner");
    expect(await codeOf(manager.updateOrg({ name: "By manager" }))).toBe("PermissionDenied");
    expect(await codeOf(manager.deactivateOrg({}))).toBe("PermissionDenied");

    expect(await codeOf(intruder.getMyOrg({}, inOrg(org.id)))).toBe("NotFound");
    expect(await codeOf(intruder.getOrgByDomainGlobal({ domain: org.primaryDomain }))).toBe("NotFound");
    expect(await codeOf(intruder.updateOrg({ name: "Taken" }, inOrg(org.id)))).toBe("NotFound");
    expect(await codeOf(intruder.deactivateOrg({}, inOrg(org.id)))).toBe("NotFound");
    expect(await codeOf(intruder.removeOrg({}, inOrg(org.id)))).toBe("PermissionDenied");
    expect(await api().db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({
      name: "By owner",
      state: "ACTIVE",
    });
  });

  it("refuses to remove or deactivate an organization one of whose users holds a role the caller does not cover", async () => {
    const org = await makeOrg(dir());
    const owner = management(
      (await makeCaller(dir(), admin.orgId, [{ resource: { organizationId: org.id }, roles: ["ORG_OWNER"] }])).token,
    );
    const instanceOwner = await makeCaller(dir(), org.id);
    await createAdministrator(dir(), { userId: instanceOwner.user.id, resource: { instance: true }, roles: ["IAM_OWNER"] });
    try {
      expect(await codeOf(owner.deactivateOrg({}, inOrg(org.id)))).toBe("PermissionDenied");
      expect(await codeOf(owner.removeOrg({}, inOrg(org.id)))).toBe("PermissionDenied");
      expect(await api().db.prisma.organization.count({ where: { id: org.id, state: "ACTIVE" } })).toBe(1);
    } finally {
      await api().db.prisma.administrator.deleteMany({ where: { userId: instanceOwner.user.id } });
    }
  });
});

describe("zitadel.management.v1 organization metadata over gRPC", () => {
  it("sets, lists, gets and removes the request organization's metadata", async () => {
    const org = await makeOrg(dir());
    const mgmt = management();
    const set = await mgmt.setOrgMetadata({ key: "tier", value: bytes("gold") }, inOrg(org.id));
    expect(set.details?.resourceOwner).toBe(org.id);
    await mgmt.bulkSetOrgMetadata(
      {
        metadata: [
          { key: "region", value: bytes("eu") },
          { key: "tier", value: bytes("platinum") },
        ],
      },
      inOrg(org.id),
    );
    const list = await mgmt.listOrgMetadata({ queries: [] }, inOrg(org.id));
    expect(list.result.map((m) => [m.key, text(m.value)]).sort()).toEqual([
      ["region", "eu"],
      ["tier", "platinum"],
    ]);
    expect(list.details?.totalResult.toNumber()).toBe(2);
    const byKey = await mgmt.listOrgMetadata({ queries: [{ keyQuery: { key: "reg", method: 2 } }] }, inOrg(org.id));
    expect(byKey.result.map((m) => m.key)).toEqual(["region"]);
    expect(text((await mgmt.getOrgMetadata({ key: "tier" }, inOrg(org.id))).metadata?.value)).toBe("platinum");
    // Another organization's context has none of it.
    expect(await codeOf(mgmt.getOrgMetadata({ key: "tier" }))).toBe("NotFound");
    expect((await mgmt.listOrgMetadata({ queries: [] })).result.map((m) => m.key)).not.toContain("region");

    await mgmt.removeOrgMetadata({ key: "tier" }, inOrg(org.id));
    await mgmt.removeOrgMetadata({ key: "tier" }, inOrg(org.id)); // idempotent
    expect(await codeOf(mgmt.getOrgMetadata({ key: "tier" }, inOrg(org.id)))).toBe("NotFound");
    await mgmt.bulkSetOrgMetadata({ metadata: [{ key: "a", value: bytes("1") }] }, inOrg(org.id));
    await mgmt.bulkRemoveOrgMetadata({ keys: ["a", "region"] }, inOrg(org.id));
    expect((await mgmt.listOrgMetadata({ queries: [] }, inOrg(org.id))).result).toEqual([]);

    expect(await codeOf(mgmt.setOrgMetadata({ key: "", value: bytes("x") }, inOrg(org.id)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.setOrgMetadata({ key: "k", value: Buffer.alloc(64 * 1024 + 1) }, inOrg(org.id)))).toBe("InvalidArgument");
    expect(await codeOf(mgmt.bulkRemoveOrgMetadata({ keys: [] }, inOrg(org.id)))).toBe("InvalidArgument");
  });

  it("lets only the organization's owners read and write it", async () => {
    const org = await makeOrg(dir());
    const other = await makeOrg(dir());
    await management().setOrgMetadata({ key: "secret", value: bytes("s") }, inOrg(org.id));
    const owner = management((await makeCaller(dir(), org.id, [{ resource: { organizationId: org.id }, roles: ["ORG_OWNER"] }])).token);
    const manager = management(
      (await makeCaller(dir(), org.id, [{ resource: { organizationId: org.id }, roles: ["ORG_USER_MANAGER"] }])).token,
    );
    const member = management((await makeCaller(dir(), org.id)).token);
    const intruder = management(
      (await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }])).token,
    );

    expect(text((await owner.getOrgMetadata({ key: "secret" })).metadata?.value)).toBe("s");
    await owner.setOrgMetadata({ key: "by-owner", value: bytes("o") });
    for (const caller of [manager, member]) {
      expect(await codeOf(caller.getOrgMetadata({ key: "secret" }))).toBe("PermissionDenied");
      expect(await codeOf(caller.listOrgMetadata({ queries: [] }))).toBe("PermissionDenied");
      expect(await codeOf(caller.setOrgMetadata({ key: "x", value: bytes("x") }))).toBe("PermissionDenied");
      expect(await codeOf(caller.removeOrgMetadata({ key: "secret" }))).toBe("PermissionDenied");
    }
    expect(await codeOf(intruder.getOrgMetadata({ key: "secret" }, inOrg(org.id)))).toBe("NotFound");
    expect(await codeOf(intruder.bulkSetOrgMetadata({ metadata: [{ key: "x", value: bytes("x") }] }, inOrg(org.id)))).toBe("NotFound");
    expect(await codeOf(intruder.bulkRemoveOrgMetadata({ keys: ["secret"] }, inOrg(org.id)))).toBe("NotFound");
    expect((await api().db.prisma.orgMetadata.findMany({ where: { orgId: org.id }, orderBy: { key: "asc" } })).map((m) => m.key)).toEqual([
      "by-owner",
      "secret",
    ]);
  });
});

describe("zitadel.management.v1 organizations over ZITADEL's REST gateway (/management/v1)", () => {
  it("maps /orgs/me, /global/orgs/_by_domain and /metadata onto the same methods", async () => {
    const org = await makeOrg(dir());
    const header = { "x-zitadel-orgid": org.id };
    expect(await rest("GET", "/management/v1/orgs/me", undefined, header)).toMatchObject({
      status: 200,
      json: { org: { id: org.id, name: org.name, state: "ORG_STATE_ACTIVE" } },
    });
    const byDomain = await rest("GET", `/management/v1/global/orgs/_by_domain?domain=${org.primaryDomain}`, undefined, {});
    expect(byDomain.json.org?.id).toBe(org.id);
    expect((await rest("PUT", "/management/v1/orgs/me", { name: "Rest name" }, header)).status).toBe(200);
    expect((await rest("POST", "/management/v1/orgs/me/_deactivate", {}, header)).status).toBe(200);
    expect((await rest("GET", "/management/v1/orgs/me", undefined, header)).json.org).toMatchObject({
      name: "Rest name",
      state: "ORG_STATE_INACTIVE",
    });
    expect((await rest("POST", "/management/v1/orgs/me/_reactivate", {}, header)).status).toBe(200);

    const value = Buffer.from("blue").toString("base64");
    expect((await rest("POST", "/management/v1/metadata/color", { value }, header)).status).toBe(200);
    expect(
      (
        await rest(
          "POST",
          "/management/v1/metadata/_bulk",
          { metadata: [{ key: "size", value: Buffer.from("L").toString("base64") }] },
          header,
        )
      ).status,
    ).toBe(200);
    expect((await rest("GET", "/management/v1/metadata/color", undefined, header)).json.metadata).toMatchObject({ key: "color", value });
    const search = await rest("POST", "/management/v1/metadata/_search", { queries: [{ keyQuery: { key: "size" } }] }, header);
    expect(search.json.result).toEqual([expect.objectContaining({ key: "size" })]);
    expect((await rest("DELETE", "/management/v1/metadata/color", undefined, header)).status).toBe(200);
    expect((await rest("DELETE", "/management/v1/metadata/_bulk", { keys: ["size"] }, header)).status).toBe(200);
    expect((await rest("POST", "/management/v1/metadata/_search", {}, header)).json.result ?? []).toEqual([]);

    const created = await rest("POST", "/management/v1/orgs", { name: unique("Rest org") }, {});
    expect(created.status).toBe(200);
    expect((await rest("DELETE", "/management/v1/orgs/me", undefined, { "x-zitadel-orgid": created.json.id })).status).toBe(200);
    expect(await api().db.prisma.organization.count({ where: { id: created.json.id } })).toBe(0);
  });
});
