import { Code } from "@connectrpc/connect";
import { OrganizationService as OrgV2 } from "@zitadel/proto/zitadel/org/v2/org_service_pb.js";
import { OrganizationService as OrgV2beta } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { describe, expect, it } from "vitest";
import { createAdministrator } from "../../src/directory/administrators.js";
import { TRANSPORTS, useApiServer } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { expectCode } from "../support/connect.js";
import { unique } from "../support/directory.js";

const api = useApiServer();

describe.each(TRANSPORTS)("OrganizationService over %s", (transport) => {
  const v2 = () => api().client(OrgV2, transport);
  const v2beta = () => api().client(OrgV2beta, transport);

  it("v2: adds and lists organizations, the first start's one among them", async () => {
    const name = unique("Acme");
    const added = await v2().addOrganization({ name });
    expect(added.organizationId).toMatch(/^[0-9]{17,19}$/);
    const listed = await v2().listOrganizations({ queries: [{ query: { case: "idQuery", value: { id: added.organizationId } } }] });
    expect(listed.result).toHaveLength(1);
    expect(listed.result[0]).toMatchObject({ id: added.organizationId, name, state: 1 });
    expect(listed.result[0]!.primaryDomain).toMatch(/\.localhost$/);
    expect(listed.details?.totalResult).toBe(1n);

    const first = await v2().listOrganizations({ queries: [{ query: { case: "defaultQuery", value: {} } }] });
    expect(first.result.map((o) => o.name)).toEqual(["Default"]);

    const byName = await v2().listOrganizations({
      queries: [{ query: { case: "nameQuery", value: { name: name.toUpperCase(), method: 1 } } }],
    });
    expect(byName.result.map((o) => o.id)).toEqual([added.organizationId]);
  });

  it("v2beta: creates, updates, deactivates, activates, lists and deletes", async () => {
    const created = await v2beta().createOrganization({ name: unique("Beta") });
    await v2beta().updateOrganization({ id: created.id, name: "Renamed" });
    await v2beta().deactivateOrganization({ id: created.id });
    await expectCode(v2beta().deactivateOrganization({ id: created.id }), Code.FailedPrecondition);
    let listed = await v2beta().listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: created.id } } }] });
    expect(listed.organizations[0]).toMatchObject({ name: "Renamed", state: 2 });
    await v2beta().activateOrganization({ id: created.id });
    listed = await v2beta().listOrganizations({
      filter: [{ filter: { case: "stateFilter", value: { state: 1 } } }, { filter: { case: "idFilter", value: { id: created.id } } }],
    });
    expect(listed.organizations).toHaveLength(1);
    await v2beta().deleteOrganization({ id: created.id });
    await v2beta().deleteOrganization({ id: created.id }); // idempotent
    listed = await v2beta().listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: created.id } } }] });
    expect(listed.organizations).toHaveLength(0);
  });

  it("v2beta: paginates and sorts by name", async () => {
    const tag = unique("pg").toLowerCase();
    for (const n of ["c", "a", "b"]) await v2beta().createOrganization({ name: `${tag}-${n}` });
    const page = await v2beta().listOrganizations({
      sortingColumn: 1,
      pagination: { offset: 1n, limit: 1, asc: true },
      filter: [{ filter: { case: "nameFilter", value: { name: tag, method: 2 } } }],
    });
    expect(page.organizations.map((o) => o.name)).toEqual([`${tag}-b`]);
    expect(page.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 1n });
  });

  it("answers bad input and unknown ids with the right codes", async () => {
    await expectCode(v2beta().createOrganization({ name: "" }), Code.InvalidArgument);
    await expectCode(v2().addOrganization({ name: " " }), Code.InvalidArgument);
    await expectCode(v2beta().updateOrganization({ id: "1", name: "x" }), Code.NotFound);
    await expectCode(v2beta().updateOrganization({ id: "abc", name: "x" }), Code.InvalidArgument);
    await expectCode(v2beta().listOrganizations({ pagination: { limit: 1001, offset: 0n, asc: false } }), Code.InvalidArgument);
    await expectCode(
      v2beta().listOrganizations({ filter: [{ filter: { case: "stateFilter", value: { state: 42 as never } } }] }),
      Code.InvalidArgument,
    );
    const twin = unique("Twin");
    await v2beta().createOrganization({ name: twin });
    await expectCode(v2beta().createOrganization({ name: twin }), Code.AlreadyExists);
    await expectCode(
      v2beta().createOrganization({ name: "x", admins: [{ userType: { case: "userId", value: "1" }, roles: [] }] }),
      Code.NotFound,
    );
  });

  it("counts management API calls by code at /metrics", async () => {
    await expectCode(v2beta().updateOrganization({ id: "1", name: "x" }), Code.NotFound);
    const text = await (await fetch(`${api().url}/metrics`)).text();
    expect(text).toMatch(/rolegate_api_calls_total\{code="ok"\} [1-9]/);
    expect(text).toMatch(/rolegate_api_calls_total\{code="NotFound"\} [1-9]/);
  });

  it("does not let the instance administrator delete its own organization", async () => {
    const first = await v2().listOrganizations({ queries: [{ query: { case: "defaultQuery", value: {} } }] });
    await expectCode(v2beta().deleteOrganization({ id: first.result[0]!.id }), Code.FailedPrecondition);
  });

  it("refuses to deactivate or delete an organization one of whose users holds a role the caller does not cover", async () => {
    const dir = { prisma: api().db.prisma, actor: { id: "test" } };
    const home = await v2beta().createOrganization({ name: unique("Home") });
    const target = await v2beta().createOrganization({ name: unique("Target") });
    // An owner of Target, itself a user of Home; an instance owner who is a user of Target.
    const { token } = await makeCaller(dir, home.id, [{ resource: { organizationId: target.id }, roles: ["ORG_OWNER"] }]);
    const instanceOwner = await makeCaller(dir, target.id);
    await createAdministrator(dir, { userId: instanceOwner.user.id, resource: { instance: true }, roles: ["IAM_OWNER"] });
    const asOwner = api().client(OrgV2beta, transport, token);
    try {
      const deactivate = await expectCode(asOwner.deactivateOrganization({ id: target.id }), Code.PermissionDenied);
      expect(deactivate.message).toContain("IAM_OWNER");
      await expectCode(asOwner.deleteOrganization({ id: target.id }), Code.PermissionDenied);
      const [still] = (await v2beta().listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: target.id } } }] }))
        .organizations;
      expect(still?.state).toBe(1); // ACTIVE

      // Without the instance owner among its users, the owner may.
      await api().db.prisma.administrator.deleteMany({ where: { userId: instanceOwner.user.id } });
      await asOwner.deactivateOrganization({ id: target.id });
      await asOwner.deleteOrganization({ id: target.id });
    } finally {
      await api().db.prisma.administrator.deleteMany({ where: { userId: instanceOwner.user.id } });
    }
  });
});
