import { describe, expect, it } from "vitest";
import {
  activateProject,
  addProjectRole,
  createProject,
  deactivateProject,
  deleteProject,
  getProject,
  listProjectRoles,
  listProjects,
  removeProjectRole,
  updateProject,
  updateProjectRole,
} from "../../src/directory/projects.js";
import { createProjectGrant } from "../../src/directory/project-grants.js";
import { expectDomainError, unique, useDirectory } from "../support/directory.js";
import { makeOrg, makeProject } from "../support/fixtures.js";

const { ctx } = useDirectory();

describe("projects", () => {
  it("creates a project with the four settings (the seed example) and an audit entry", async () => {
    const org = await makeOrg(ctx());
    const project = await createProject(ctx(), {
      organizationId: org.id,
      name: "Portal",
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
    });
    expect(project).toMatchObject({
      orgId: org.id,
      name: "Portal",
      state: "ACTIVE",
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
    });
    expect(project.id).toMatch(/^[0-9]{17,19}$/);
    const audit = await ctx().prisma.auditEntry.findFirst({ where: { targetId: project.id } });
    expect(audit).toMatchObject({ action: "project.created", actorId: "tester" });
  });

  it("defaults the settings to off and UNSPECIFIED", async () => {
    const org = await makeOrg(ctx());
    const project = await createProject(ctx(), { organizationId: org.id, name: "Plain" });
    expect(project).toMatchObject({
      projectRoleAssertion: false,
      authorizationRequired: false,
      projectAccessRequired: false,
      privateLabelingSetting: "UNSPECIFIED",
    });
  });

  it("validates name (1–200), organization, settings", async () => {
    const org = await makeOrg(ctx());
    await expectDomainError(createProject(ctx(), { organizationId: org.id, name: "" }), "invalid_argument", "name");
    await expectDomainError(createProject(ctx(), { organizationId: org.id, name: "x".repeat(201) }), "invalid_argument", "name");
    expect((await createProject(ctx(), { organizationId: org.id, name: "x".repeat(200) })).name).toHaveLength(200);
    await expectDomainError(createProject(ctx(), { organizationId: "", name: "p" }), "invalid_argument", "organizationId");
    await expectDomainError(createProject(ctx(), { organizationId: "123", name: "p" }), "not_found");
    await expectDomainError(
      createProject(ctx(), { organizationId: org.id, name: "p", privateLabelingSetting: "NOPE" as never }),
      "invalid_argument",
      "privateLabelingSetting",
    );
    await expectDomainError(
      createProject(ctx(), { organizationId: org.id, name: "p", authorizationRequired: "yes" as never }),
      "invalid_argument",
      "authorizationRequired",
    );
  });

  it("updates fields and keeps the others", async () => {
    const org = await makeOrg(ctx());
    const project = await createProject(ctx(), { organizationId: org.id, name: "Before", projectRoleAssertion: true });
    const updated = await updateProject(ctx(), { id: project.id, name: "After", authorizationRequired: true });
    expect(updated).toMatchObject({ name: "After", projectRoleAssertion: true, authorizationRequired: true });
    await expectDomainError(updateProject(ctx(), { id: "1", name: "x" }), "not_found");
    await expectDomainError(updateProject(ctx(), { id: project.id, name: "" }), "invalid_argument", "name");
  });

  it("deactivates and activates without error when already in that state", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id);
    expect((await deactivateProject(ctx(), project.id)).state).toBe("INACTIVE");
    expect((await deactivateProject(ctx(), project.id)).state).toBe("INACTIVE");
    expect((await activateProject(ctx(), project.id)).state).toBe("ACTIVE");
    expect((await activateProject(ctx(), project.id)).state).toBe("ACTIVE");
    const actions = (await ctx().prisma.auditEntry.findMany({ where: { targetId: project.id }, orderBy: { id: "asc" } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual(["project.created", "project.deactivated", "project.activated"]);
    await expectDomainError(deactivateProject(ctx(), "1"), "not_found");
  });

  it("deletes idempotently", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id);
    expect(await deleteProject(ctx(), project.id)).toBe(true);
    expect(await deleteProject(ctx(), project.id)).toBe(false);
    expect(await deleteProject(ctx(), "170000000000000001")).toBe(false);
    await expectDomainError(getProject(ctx(), project.id), "not_found");
  });
});

describe("project roles", () => {
  it("adds roles with key, display name and group; keys are unique per project", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id);
    const role = await addProjectRole(ctx(), {
      projectId: project.id,
      roleKey: "admin",
      displayName: "Administrator",
      group: "Management",
    });
    expect(role).toMatchObject({ key: "admin", displayName: "Administrator", group: "Management" });
    await expectDomainError(
      addProjectRole(ctx(), { projectId: project.id, roleKey: "admin", displayName: "Again" }),
      "already_exists",
      "roleKey",
    );
    // The same key in another project is fine.
    const other = await makeProject(ctx(), org.id);
    await addProjectRole(ctx(), { projectId: other.id, roleKey: "admin", displayName: "Administrator" });
  });

  it("validates key (1–200, no spaces), display name (required) and project", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id);
    await expectDomainError(addProjectRole(ctx(), { projectId: project.id, roleKey: "", displayName: "x" }), "invalid_argument", "roleKey");
    await expectDomainError(
      addProjectRole(ctx(), { projectId: project.id, roleKey: "k".repeat(201), displayName: "x" }),
      "invalid_argument",
      "roleKey",
    );
    await expectDomainError(
      addProjectRole(ctx(), { projectId: project.id, roleKey: "a b", displayName: "x" }),
      "invalid_argument",
      "roleKey",
    );
    await expectDomainError(
      addProjectRole(ctx(), { projectId: project.id, roleKey: "k", displayName: "" }),
      "invalid_argument",
      "displayName",
    );
    await expectDomainError(addProjectRole(ctx(), { projectId: "1", roleKey: "k", displayName: "K" }), "not_found");
  });

  it("updates display name and group but never the key", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id, ["viewer"]);
    const updated = await updateProjectRole(ctx(), { projectId: project.id, roleKey: "viewer", displayName: "Viewer", group: "Read" });
    expect(updated).toMatchObject({ key: "viewer", displayName: "Viewer", group: "Read" });
    await expectDomainError(updateProjectRole(ctx(), { projectId: project.id, roleKey: "nope", displayName: "x" }), "not_found");
  });

  it("removing an unknown role is not_found", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id);
    await expectDomainError(removeProjectRole(ctx(), { projectId: project.id, roleKey: "ghost" }), "not_found");
  });

  it("lists roles with key and display-name filters", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id, ["admin", "editor", "viewer"]);
    const all = await listProjectRoles(ctx(), { projectId: project.id, sortBy: "key", pagination: { asc: true } });
    expect(all.items.map((r) => r.key)).toEqual(["admin", "editor", "viewer"]);
    const filtered = await listProjectRoles(ctx(), { projectId: project.id, displayName: { value: "ed", method: "CONTAINS_IGNORE_CASE" } });
    expect(filtered.items.map((r) => r.key)).toEqual(["editor"]);
    const page = await listProjectRoles(ctx(), { projectId: project.id, sortBy: "key", pagination: { asc: true, offset: 2, limit: 5 } });
    expect(page).toMatchObject({ totalResult: 3, appliedLimit: 5 });
    expect(page.items.map((r) => r.key)).toEqual(["viewer"]);
  });
});

describe("listProjects", () => {
  it("lists owned, granted and owned-or-granted projects, granted ones as rows with the granted org", async () => {
    const tag = unique("lp");
    const owner = await makeOrg(ctx());
    const partner = await makeOrg(ctx());
    const a = await createProject(ctx(), { organizationId: owner.id, name: `${tag} Alpha` });
    const b = await createProject(ctx(), { organizationId: owner.id, name: `${tag} Beta` });
    await createProject(ctx(), { organizationId: partner.id, name: `${tag} Gamma` });
    await addProjectRole(ctx(), { projectId: a.id, roleKey: "viewer", displayName: "Viewer" });
    await createProjectGrant(ctx(), { projectId: a.id, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });

    const asc = { asc: true };
    const owned = await listProjects(ctx(), { ownedBy: owner.id, sortBy: "name", pagination: asc });
    expect(owned.items.map((r) => r.project.id)).toEqual([a.id, b.id]);
    expect(owned.items.every((r) => r.grant === undefined)).toBe(true);

    const granted = await listProjects(ctx(), { grantedTo: partner.id, sortBy: "name", pagination: asc });
    expect(granted.items).toHaveLength(1);
    expect(granted.items[0]!.project.id).toBe(a.id);
    expect(granted.items[0]!.grant).toMatchObject({
      grantedOrgId: partner.id,
      grantedOrgName: partner.name,
      roleKeys: ["viewer"],
      state: "ACTIVE",
    });

    const either = await listProjects(ctx(), { ownedOrGrantedTo: partner.id, sortBy: "name", pagination: asc });
    expect(either.items.map((r) => [r.project.name, r.grant ? "granted" : "owned"])).toEqual([
      [`${tag} Alpha`, "granted"],
      [`${tag} Gamma`, "owned"],
    ]);
    expect(either.totalResult).toBe(2);
  });

  it("filters names with every text method, sorts, and paginates", async () => {
    const tag = unique("names").toLowerCase();
    const org = await makeOrg(ctx());
    for (const n of ["Apple", "apricot", "Banana"]) await createProject(ctx(), { organizationId: org.id, name: `${tag}-${n}` });
    const names = async (
      value: string,
      method: Parameters<typeof listProjects>[1] extends infer I
        ? I extends { name?: infer F }
          ? F extends { method?: infer M }
            ? M
            : never
          : never
        : never,
    ) =>
      (await listProjects(ctx(), { ownedBy: org.id, name: { value, method }, sortBy: "name", pagination: { asc: true } })).items.map((r) =>
        r.project.name.slice(tag.length + 1),
      );
    expect(await names(`${tag}-Apple`, "EQUALS")).toEqual(["Apple"]);
    expect(await names(`${tag}-APPLE`, "EQUALS")).toEqual([]);
    expect(await names(`${tag}-APPLE`, "EQUALS_IGNORE_CASE")).toEqual(["Apple"]);
    expect(await names(`${tag}-ap`, "STARTS_WITH")).toEqual(["apricot"]);
    expect(await names(`${tag}-AP`, "STARTS_WITH_IGNORE_CASE")).toEqual(["Apple", "apricot"]);
    expect(await names("an", "CONTAINS")).toEqual(["Banana"]);
    expect(await names("AN", "CONTAINS_IGNORE_CASE")).toEqual(["Banana"]);
    expect(await names("cot", "ENDS_WITH")).toEqual(["apricot"]);
    expect(await names("COT", "ENDS_WITH_IGNORE_CASE")).toEqual(["apricot"]);
    expect(await names("%", "CONTAINS")).toEqual([]); // LIKE wildcards are escaped

    // Name order follows the database collation; descending must be ascending reversed.
    const short = (rows: { project: { name: string } }[]) => rows.map((r) => r.project.name.slice(tag.length + 1));
    const ascending = short((await listProjects(ctx(), { ownedBy: org.id, sortBy: "name", pagination: { asc: true } })).items);
    const descending = short((await listProjects(ctx(), { ownedBy: org.id, sortBy: "name", pagination: { asc: false } })).items);
    expect([...ascending].sort()).toEqual(["Apple", "Banana", "apricot"]);
    expect(descending).toEqual([...ascending].reverse());

    const page = await listProjects(ctx(), { ownedBy: org.id, sortBy: "name", pagination: { asc: true, offset: 1, limit: 1 } });
    expect(short(page.items)).toEqual([ascending[1]]);
    expect(page).toMatchObject({ totalResult: 3, appliedLimit: 1 });
    const beyond = await listProjects(ctx(), { ownedBy: org.id, pagination: { offset: 10 } });
    expect(beyond).toMatchObject({ items: [], totalResult: 3, appliedLimit: 100 });

    await expectDomainError(listProjects(ctx(), { pagination: { limit: 1001 } }), "invalid_argument", "pagination.limit");
    await expectDomainError(listProjects(ctx(), { ownedBy: "x" }), "invalid_argument", "organizationIdFilter");
    await expectDomainError(
      listProjects(ctx(), { name: { value: "a", method: "LIKE" as never } }),
      "invalid_argument",
      "projectNameFilter.method",
    );
  });

  it("filters by ids", async () => {
    const org = await makeOrg(ctx());
    const a = await makeProject(ctx(), org.id);
    await makeProject(ctx(), org.id);
    const res = await listProjects(ctx(), { ids: [a.id] });
    expect(res.items.map((r) => r.project.id)).toEqual([a.id]);
    expect((await listProjects(ctx(), { ids: [] })).items).toEqual([]);
  });
});
