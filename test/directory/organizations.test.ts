import { describe, expect, it } from "vitest";
import {
  activateOrganization,
  createOrganization,
  deactivateOrganization,
  deleteOrganization,
  deriveDomain,
  findDefaultOrganizationId,
  findOrganization,
  getOrganization,
  getOrganizationIdByDomain,
  listOrganizations,
  updateOrganization,
} from "../../src/directory/organizations.js";
import { expectDomainError, unique, useDirectory } from "../support/directory.js";

const { ctx } = useDirectory();

describe("organizations", () => {
  it("creates an organization with an id, a derived primary domain and an audit entry", async () => {
    const name = unique("Acme Corp");
    const org = await createOrganization(ctx(), { name });
    expect(org.id).toMatch(/^[0-9]{17,19}$/);
    expect(org.primaryDomain).toBe(deriveDomain(name, org.id));
    expect(org.primaryDomain).toMatch(/^acme-corp-.*\.localhost$/);
    expect(org.state).toBe("ACTIVE");
    const audit = await ctx().prisma.auditEntry.findMany({ where: { targetId: org.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: "tester", action: "organization.created", targetType: "organization" });
    expect(audit[0]!.after).toMatchObject({ name, primaryDomain: org.primaryDomain });
  });

  it("derives domains from any name", () => {
    expect(deriveDomain("ACME Corp", "1")).toBe("acme-corp.localhost");
    expect(deriveDomain("Société Générale", "1")).toBe("societe-generale.localhost");
    expect(deriveDomain("日本", "42")).toBe("org-42.localhost");
  });

  it("validates the name and the domain", async () => {
    await expectDomainError(createOrganization(ctx(), { name: "" }), "invalid_argument", "name");
    await expectDomainError(createOrganization(ctx(), { name: "   " }), "invalid_argument", "name");
    await expectDomainError(createOrganization(ctx(), { name: "x".repeat(201) }), "invalid_argument", "name");
    await expectDomainError(createOrganization(ctx(), { name: 42 as unknown as string }), "invalid_argument", "name");
    await expectDomainError(createOrganization(ctx(), { name: "ok", primaryDomain: "not a domain" }), "invalid_argument", "primaryDomain");
    await expectDomainError(createOrganization(ctx(), { name: "ok", id: "abc" }), "invalid_argument", "id");
  });

  it("keeps primary domains unique in the instance, even under concurrent creates", async () => {
    const domain = `${unique("dup")}.example.com`;
    await createOrganization(ctx(), { name: "First", primaryDomain: domain });
    await expectDomainError(createOrganization(ctx(), { name: "Second", primaryDomain: domain }), "already_exists", "primaryDomain");

    const raced = `${unique("race")}.example.com`;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => createOrganization(ctx(), { name: `Racer ${i}`, primaryDomain: raced })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "already_exists", field: "primaryDomain" });
    }
    expect(await ctx().prisma.organization.count({ where: { primaryDomain: raced } })).toBe(1);
  });

  it("rejects a second organization whose derived domain is taken, naming the name", async () => {
    const name = unique("Twin");
    await createOrganization(ctx(), { name });
    await expectDomainError(createOrganization(ctx(), { name }), "already_exists", "name");
  });

  it("updates name and domain", async () => {
    const org = await createOrganization(ctx(), { name: unique("Old") });
    const domain = `${unique("new")}.example.com`;
    const updated = await updateOrganization(ctx(), { id: org.id, name: "New name", primaryDomain: domain });
    expect(updated).toMatchObject({ name: "New name", primaryDomain: domain });
    await expectDomainError(updateOrganization(ctx(), { id: "1", name: "x" }), "not_found");
    await expectDomainError(updateOrganization(ctx(), { id: org.id, name: "" }), "invalid_argument", "name");
  });

  it("deactivates and activates, refusing a change to the state it already has", async () => {
    const org = await createOrganization(ctx(), { name: unique("States") });
    await expectDomainError(activateOrganization(ctx(), org.id), "failed_precondition");
    expect((await deactivateOrganization(ctx(), org.id)).state).toBe("INACTIVE");
    await expectDomainError(deactivateOrganization(ctx(), org.id), "failed_precondition");
    expect((await activateOrganization(ctx(), org.id)).state).toBe("ACTIVE");
    const actions = (await ctx().prisma.auditEntry.findMany({ where: { targetId: org.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["organization.created", "organization.deactivated", "organization.activated"]);
  });

  it("deletes idempotently", async () => {
    const org = await createOrganization(ctx(), { name: unique("Gone") });
    expect(await deleteOrganization(ctx(), org.id)).toBe(true);
    expect(await deleteOrganization(ctx(), org.id)).toBe(false);
    await expectDomainError(getOrganization(ctx(), org.id), "not_found");
  });

  it("lists with filters, sorting and pagination", async () => {
    const tag = unique("list");
    const created = [];
    for (const n of ["b", "a", "c"]) created.push(await createOrganization(ctx(), { name: `${tag}-${n}` }));
    const byName = await listOrganizations(ctx(), {
      name: { value: tag, method: "STARTS_WITH" },
      sortBy: "name",
      pagination: { asc: true },
    });
    expect(byName.items.map((o) => o.name)).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect(byName.totalResult).toBe(3);
    expect(byName.appliedLimit).toBe(100);

    const page = await listOrganizations(ctx(), {
      name: { value: tag.toUpperCase(), method: "STARTS_WITH_IGNORE_CASE" },
      sortBy: "name",
      pagination: { asc: false, offset: 1, limit: 1 },
    });
    expect(page.items.map((o) => o.name)).toEqual([`${tag}-b`]);
    expect(page.totalResult).toBe(3);

    const none = await listOrganizations(ctx(), { name: { value: tag.toUpperCase(), method: "STARTS_WITH" } });
    expect(none.items).toEqual([]);

    await expectDomainError(listOrganizations(ctx(), { pagination: { limit: 1001 } }), "invalid_argument", "pagination.limit");
    await expectDomainError(listOrganizations(ctx(), { pagination: { offset: -1 } }), "invalid_argument", "pagination.offset");
  });

  it("finds an organization by id or primary domain, and the default (first created) organization", async () => {
    const org = await createOrganization(ctx(), { name: unique("Found") });
    expect(await findOrganization(ctx(), org.id)).toMatchObject({ id: org.id, name: org.name });
    expect(await findOrganization(ctx(), "1")).toBeNull();
    expect(await getOrganizationIdByDomain(ctx(), org.primaryDomain)).toBe(org.id);
    const error = await expectDomainError(getOrganizationIdByDomain(ctx(), "nowhere.localhost"), "not_found");
    expect(error.message).toBe("organization nowhere.localhost not found");

    // Created at the same instant, the smaller id comes first.
    const [a, b] = [await createOrganization(ctx(), { name: unique("First") }), await createOrganization(ctx(), { name: unique("First") })];
    const longAgo = new Date("2000-01-01T00:00:00Z");
    await ctx().prisma.organization.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { createdAt: longAgo } });
    expect(await findDefaultOrganizationId(ctx())).toBe([a.id, b.id].sort()[0]);
  });
});
