// The console's projects, roles and project grants screens and the "Granted to us" view in
// headless Chromium: the instance administrator creates and changes projects, their roles and
// grants through the management API; a granted organization's owner sees what it may assign;
// bad input and another organization's owner change nothing.
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { InternalPermissionService } from "../../src/generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { alertText, CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, postForm, signInToConsole } from "../support/console.js";
import { unique } from "../support/directory.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

// Each test drives many pages in one browser on a shared machine: more than the default 30 s.
describe("the console's projects", { timeout: 120_000 }, () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  beforeAll(async () => {
    seed = seeder(api());
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
  }, 60_000);

  const url = (p: string) => `${api().url}/ui/console${p}`;
  const prisma = () => api().db.prisma;

  /** Everything a project form could change, with its timestamps: equal means nothing was written. */
  async function snapshot(projectId: string) {
    const [project, roles, grants, projects] = await Promise.all([
      prisma().project.findUnique({ where: { id: projectId } }),
      prisma().projectRole.findMany({ where: { projectId }, orderBy: { key: "asc" } }),
      prisma().projectGrant.findMany({ where: { projectId }, orderBy: { id: "asc" } }),
      prisma().project.count(),
    ]);
    return JSON.stringify({ project, roles, grants, projects });
  }

  /** Posts a form with repeated fields (checkboxes), as the browser does, with the page's CSRF token. */
  async function postEntries(page: Page, action: string, entries: [string, string][]) {
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const body = new URLSearchParams([["csrf", csrf], ...entries]).toString();
    const response = await page.request.post(action, {
      data: body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      maxRedirects: 0,
    });
    return { status: response.status(), text: await response.text() };
  }

  /** The page's alert, or where there is none (a 404 page) its heading. */
  const messageIn = (text: string) => (/role="alert">([^<]*)</.exec(text) ?? /<h1>([^<]*)</.exec(text))?.[1] ?? "";

  /** A bad post: the status, the message in an alert, never a 500, and the project unchanged. */
  async function expectRefused(
    page: Page,
    projectId: string,
    action: string,
    fields: Record<string, string> | [string, string][],
    status: number,
    message: RegExp,
  ) {
    const before = await snapshot(projectId);
    const response = Array.isArray(fields) ? await postEntries(page, url(action), fields) : await postForm(page, url(action), fields);
    expect(response.status, `${action} ${JSON.stringify(fields)}`).toBe(status);
    expect(messageIn(response.text)).toMatch(message);
    expect(await snapshot(projectId)).toBe(before);
    return response;
  }

  async function orgOwner(orgId: string) {
    const user = await seed.human(orgId);
    await api()
      .client(InternalPermissionService, "connect")
      .createAdministrator({ userId: user.id, resource: { resource: { case: "organizationId", value: orgId } }, roles: ["ORG_OWNER"] });
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, user.username, PASSWORD);
    return { page, context };
  }

  it("lists projects with search, pages and an organization filter, and creates one with its settings", async () => {
    const orgName = unique("Owner");
    const orgId = await seed.org(orgName);
    const prefix = unique("Paged");
    for (let i = 0; i < 21; i++) {
      await seed.projects.createProject({ organizationId: orgId, name: `${prefix} ${String(i).padStart(2, "0")}` });
    }
    const elsewhere = await seed.org();
    await seed.projects.createProject({ organizationId: elsewhere, name: `${prefix} elsewhere` });

    // Reached from the organization's page: its projects only.
    await admin.goto(url(`/organizations/${orgId}`));
    await admin.getByRole("link", { name: "Projects it owns" }).click();
    expect(admin.url()).toBe(url(`/projects?org=${orgId}`));
    expect(await admin.getByLabel("Organization", { exact: true }).first().inputValue()).toBe(orgId);
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).toContain("1–20 of 21");
    expect(await admin.locator("tbody tr").first().textContent()).toContain(orgName);

    // Search by name (any case), across organizations, then within one; 21 + 1 over two pages.
    await admin.goto(url(`/projects?q=${encodeURIComponent(prefix.toLowerCase())}`));
    expect(await admin.locator("tbody tr").count()).toBe(20);
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).toContain("1–20 of 22");
    await admin.getByRole("link", { name: "Next page" }).click();
    expect(await admin.locator("tbody tr").count()).toBe(2);
    await admin.goto(url(`/projects?q=${encodeURIComponent(prefix)}&org=${orgId}&page=2`));
    expect(await admin.locator("tbody tr").count()).toBe(1);
    const last = admin.locator("tbody tr").first();
    expect(await last.locator('[data-label="Name"]').textContent()).toBe(`${prefix} 20`);
    expect(await last.locator('[data-label="Owner organization"]').textContent()).toBe(orgName);
    expect(await last.locator('[data-label="State"]').textContent()).toBe("active");

    // Create: the organization, the name and the four settings.
    const name = unique("Shop");
    await admin.goto(url("/projects"));
    await admin.locator("#organizationId").selectOption(orgId);
    await admin.getByLabel("Name", { exact: true }).fill(name);
    await admin.getByLabel("Users need a role on this project to sign in (authorization required)").check();
    await admin.getByLabel("Tokens carry the roles (project role assertion)").check();
    await admin.getByLabel("Login branding").selectOption({ label: "The branding of the organization that owns the project" });
    await admin.getByRole("button", { name: "Create project" }).click();
    expect(await heading(admin)).toBe(name);
    expect(await admin.getByRole("status").textContent()).toBe("The project was created.");
    const created = await prisma().project.findFirstOrThrow({ where: { name } });
    expect(created).toMatchObject({
      orgId,
      authorizationRequired: true,
      projectAccessRequired: false,
      projectRoleAssertion: true,
      privateLabelingSetting: "ENFORCE_PROJECT_RESOURCE_OWNER_POLICY",
    });
    expect(admin.url()).toBe(url(`/projects/${created.id}?notice=created`));
  });

  it("writes out the four settings in words, changes them, renames, deactivates and activates", async () => {
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { projectAccessRequired: true });
    await admin.goto(url(`/projects/${projectId}`));
    const settings = () => admin.locator("ul.settings").textContent();
    expect(await settings()).toContain("Users need no role on this project to sign in (authorization required is off).");
    expect(await settings()).toContain(
      "Only users of organizations that own the project or hold an active grant may sign in (project access required).",
    );
    expect(await settings()).toContain("Tokens carry the roles only when the app's scopes ask for them (project role assertion is off).");
    expect(await settings()).toContain("Login branding: the instance's default branding.");

    await admin.getByLabel("Users need a role on this project to sign in (authorization required)").check();
    await admin
      .getByLabel("Only users of organizations that own the project or hold an active grant may sign in (project access required)")
      .uncheck();
    await admin.getByLabel("Tokens carry the roles (project role assertion)").check();
    await admin.getByLabel("Login branding").selectOption({ index: 2 });
    await admin.getByRole("button", { name: "Save settings" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The settings were saved.");
    expect(await settings()).toContain("Users need a role on this project to sign in (authorization required).");
    expect(await settings()).toContain("Users of any organization may sign in (project access required is off).");
    expect(await settings()).toContain("Tokens carry the roles (project role assertion).");
    expect(await settings()).toContain("Login branding: the branding of the user's organization once the user is known");
    expect(await prisma().project.findUniqueOrThrow({ where: { id: projectId } })).toMatchObject({
      authorizationRequired: true,
      projectAccessRequired: false,
      projectRoleAssertion: true,
      privateLabelingSetting: "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
    });

    const renamed = unique("Renamed");
    await admin.getByLabel("New name").fill(renamed);
    await admin.getByRole("button", { name: "Rename project" }).click();
    expect(await heading(admin)).toBe(renamed);

    // Deactivating is confirmed on a page of its own; activating is one button.
    await admin.getByRole("link", { name: "Deactivate project…" }).click();
    expect(await heading(admin)).toBe(`Deactivate ${renamed}?`);
    expect(await admin.getByRole("main").textContent()).toContain("its apps are unknown clients");
    await admin.getByRole("button", { name: "Deactivate project" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The project was deactivated.");
    expect((await prisma().project.findUniqueOrThrow({ where: { id: projectId } })).state).toBe("INACTIVE");
    await admin.getByRole("button", { name: "Activate project" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The project was activated.");
    expect((await prisma().project.findUniqueOrThrow({ where: { id: projectId } })).state).toBe("ACTIVE");
  });

  it("deletes a project after a confirmation page that says what goes with it", async () => {
    const orgId = await seed.org();
    const grantee = await seed.org();
    const projectId = await seed.project(orgId, {}, ["reader", "writer"]);
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: grantee, roleKeys: ["reader"] });
    await admin.goto(url(`/projects/${projectId}`));
    const name = await heading(admin);
    await admin.getByRole("link", { name: "Delete project…" }).click();
    expect(admin.url()).toBe(url(`/projects/${projectId}/delete`));
    expect(await heading(admin)).toBe(`Delete ${name}?`);
    const what = await admin.getByRole("main").textContent();
    expect(what).toContain("its 2 roles");
    expect(what).toContain("its 1 grant to other organizations");
    expect(what).toContain("all its apps");
    // Cancel leaves it; the button deletes it.
    await admin.getByRole("link", { name: "Cancel" }).click();
    expect(await heading(admin)).toBe(name);
    await admin.goto(url(`/projects/${projectId}/delete`));
    await admin.getByRole("button", { name: "Delete project" }).click();
    expect(admin.url()).toBe(url("/projects?notice=deleted"));
    expect(await admin.getByRole("status").textContent()).toBe("The project was deleted.");
    expect(await prisma().project.findUnique({ where: { id: projectId } })).toBeNull();
    expect(await prisma().projectGrant.count({ where: { projectId } })).toBe(0);
    const gone = await admin.goto(url(`/projects/${projectId}`));
    expect(gone?.status()).toBe(404);
  });

  it("adds roles, groups them, searches and pages them, changes and removes them", async () => {
    const orgId = await seed.org();
    const grantee = await seed.org();
    const projectId = await seed.project(orgId);
    await admin.goto(url(`/projects/${projectId}`));
    const add = async (key: string, displayName: string, group: string) => {
      await admin.getByLabel("Key", { exact: true }).fill(key);
      await admin.getByLabel("Display name", { exact: true }).fill(displayName);
      await admin.getByLabel("Group (optional)").fill(group);
      await admin.getByRole("button", { name: "Add role" }).click();
      expect(await admin.getByRole("status").textContent()).toBe("The role was added.");
    };
    await add("billing.read", "Read invoices", "Billing");
    await add("billing.write", "Write invoices", "Billing");
    await add("docs/read", "Read documents", "");
    await add("admin", "Administrator", "Admin");
    expect(admin.url()).toBe(url(`/projects/${projectId}?notice=role-added#roles`));

    // Grouped: one heading per group (named groups by name, then those without), keys in each.
    const roles = admin.locator("section[aria-labelledby=roles]");
    expect(await roles.locator("h3").allTextContents()).toEqual(["Group Admin", "Group Billing", "Without a group"]);
    const billing = roles.locator("h3:has-text('Group Billing') + table");
    expect(await billing.locator('td[data-label="Key"]').allTextContents()).toEqual(["billing.read", "billing.write"]);
    expect(await billing.locator('td[data-label="Display name"]').allTextContents()).toEqual(["Read invoices", "Write invoices"]);
    expect(await billing.locator('td[data-label="Group"]').allTextContents()).toEqual(["Billing", "Billing"]);

    // Search by key or by display name.
    const search = admin.getByRole("search", { name: "Search roles" });
    await search.getByLabel("Find roles").fill("BILLING");
    await search.getByRole("button", { name: "Search" }).click();
    expect(await roles.locator('td[data-label="Key"]').allTextContents()).toEqual(["billing.read", "billing.write"]);
    await admin.goto(url(`/projects/${projectId}?roles_q=documents&roles_by=name`));
    expect(await roles.locator('td[data-label="Key"]').allTextContents()).toEqual(["docs/read"]);

    // 21 more roles than a page holds: the next page has the rest, and the search is kept.
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: grantee, roleKeys: ["docs/read", "admin"] });
    for (let i = 0; i < 21; i++)
      await seed.projects.addProjectRole({ projectId, roleKey: `p${String(i).padStart(2, "0")}`, displayName: `P ${i}` });
    await admin.goto(url(`/projects/${projectId}?roles_q=p`));
    expect(await roles.getByRole("navigation", { name: "Pages of roles" }).textContent()).toContain("1–20 of 21");
    await roles.getByRole("link", { name: "Next page of roles" }).click();
    expect(admin.url()).toBe(url(`/projects/${projectId}?roles_q=p&roles_page=2#roles`));
    expect(await roles.locator('td[data-label="Key"]').allTextContents()).toEqual(["p20"]);

    // Change a role whose key needs encoding in the path; the key stays.
    await admin.goto(url(`/projects/${projectId}?roles_q=docs`));
    await admin.getByRole("link", { name: "Change or remove role docs/read" }).click();
    expect(admin.url()).toBe(url(`/projects/${projectId}/roles/docs%2Fread`));
    expect(await heading(admin)).toBe("Role docs/read");
    await admin.getByLabel("Display name", { exact: true }).fill("Read all documents");
    await admin.getByLabel("Group (optional)").fill("Docs");
    await admin.getByRole("button", { name: "Save role" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The role was changed.");
    expect(await prisma().projectRole.findUniqueOrThrow({ where: { projectId_key: { projectId, key: "docs/read" } } })).toMatchObject({
      displayName: "Read all documents",
      group: "Docs",
    });

    // Remove it: the confirmation names the grants that lose the key.
    await admin.goto(url(`/projects/${projectId}/roles/docs%2Fread`));
    await admin.getByRole("link", { name: "Remove role…" }).click();
    expect(await heading(admin)).toBe("Remove role docs/read?");
    expect(await admin.getByRole("main").textContent()).toMatch(/1 grant to other organizations: Org/);
    await admin.getByRole("button", { name: "Remove role" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The role was removed.");
    expect(await prisma().projectRole.findUnique({ where: { projectId_key: { projectId, key: "docs/read" } } })).toBeNull();
    expect((await prisma().projectGrant.findFirstOrThrow({ where: { projectId } })).roleKeys).toEqual(["admin"]);
  });

  it("grants a project with a subset of its roles, changes the subset, deactivates, activates and deletes the grant", async () => {
    const orgId = await seed.org();
    const granteeName = unique("Customer");
    const grantee = await seed.org(granteeName);
    const projectId = await seed.project(orgId, {}, ["reader", "writer", "owner"]);
    await seed.projects.updateProjectRole({ projectId, roleKey: "owner", displayName: "Owner", group: "Admin" });
    await admin.goto(url(`/projects/${projectId}`));
    const form = admin.locator("section[aria-labelledby=create-grant]");
    expect(await form.locator("legend").allTextContents()).toEqual(["Roles the organization may assign", "Group Admin", "Without a group"]);
    await form.getByLabel("Organization ID").fill(grantee);
    await form.getByRole("checkbox", { name: "reader reader" }).check();
    await form.getByRole("checkbox", { name: "owner Owner" }).check();
    await admin.getByRole("button", { name: "Grant project" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The project was granted.");
    const grant = () => prisma().projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: grantee } });
    expect((await grant()).roleKeys.sort()).toEqual(["owner", "reader"]);
    const row = admin.locator("section[aria-labelledby=grants] tbody tr");
    expect(await row.locator('[data-label="Granted organization"]').textContent()).toContain(granteeName);
    expect(await row.locator('[data-label="Roles"]').textContent()).toMatch(/owner|reader/);
    expect(await row.locator('[data-label="State"]').textContent()).toBe("active");

    // Search the grants by role key (exact).
    await admin.goto(url(`/projects/${projectId}?grants_q=writer`));
    expect(await admin.locator("section[aria-labelledby=grants] tbody tr").count()).toBe(0);
    await admin.goto(url(`/projects/${projectId}?grants_q=reader`));
    expect(await admin.locator("section[aria-labelledby=grants] tbody tr").count()).toBe(1);

    // 51 of the grantee's users hold owner, which the narrowing drops: two pages of preview.
    for (let i = 0; i < 51; i++) await seed.authorize((await seed.human(grantee)).id, projectId, ["owner"], grantee);

    // Change the subset.
    await admin.getByRole("link", { name: `Manage the grant to ${granteeName}` }).click();
    expect(await heading(admin)).toContain(`granted to ${granteeName}`);
    expect(await admin.getByRole("checkbox", { name: "owner Owner" }).isChecked()).toBe(true);
    await admin.getByRole("checkbox", { name: "owner Owner" }).uncheck();
    await admin.getByRole("checkbox", { name: "writer writer" }).check();
    await admin.getByRole("button", { name: "Save roles" }).click();
    // Narrowing is confirmed first, on a page that previews who loses the dropped role.
    expect(await heading(admin)).toBe(`Narrow the grant to ${granteeName}?`);
    expect(await admin.getByRole("heading", { name: "Who loses access" }).isVisible()).toBe(true);
    const impact = admin.locator("#impact");
    expect(await impact.locator("caption").textContent()).toMatch(/^1–50 of 51,/);
    // The page answers a form: its pager posts the same roles again, and shows the next page.
    await impact.getByRole("button", { name: "Next" }).click();
    expect(await heading(admin)).toBe(`Narrow the grant to ${granteeName}?`);
    expect(await impact.locator("caption").textContent()).toMatch(/^51–51 of 51,/);
    expect(await impact.locator("tbody tr").count()).toBe(1);
    expect((await grant()).roleKeys.sort()).toEqual(["owner", "reader"]);
    await impact.getByRole("button", { name: "Previous" }).click();
    expect(await impact.locator("caption").textContent()).toMatch(/^1–50 of 51,/);
    await admin.getByRole("button", { name: "Narrow grant" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The grant's roles were changed.");
    expect((await grant()).roleKeys.sort()).toEqual(["reader", "writer"]);

    // Deactivate (confirmed), activate, delete (confirmed).
    await admin.getByRole("link", { name: "Deactivate grant…" }).click();
    expect(await heading(admin)).toBe(`Deactivate the grant to ${granteeName}?`);
    await admin.getByRole("button", { name: "Deactivate grant" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The grant was deactivated.");
    expect((await grant()).state).toBe("INACTIVE");
    await admin.getByRole("button", { name: "Activate grant" }).click();
    expect((await grant()).state).toBe("ACTIVE");
    await admin.getByRole("link", { name: "Delete grant…" }).click();
    expect(await heading(admin)).toBe(`Delete the grant to ${granteeName}?`);
    expect(await admin.getByRole("main").textContent()).toContain("every authorization");
    await admin.getByRole("button", { name: "Delete grant" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The grant was deleted.");
    expect(await prisma().projectGrant.count({ where: { projectId } })).toBe(0);
  });

  it("refuses bad input on every form with the API's message, changing nothing", async () => {
    const orgId = await seed.org();
    const grantee = await seed.org();
    const projectId = await seed.project(orgId, {}, ["reader", "writer"]);
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: grantee, roleKeys: ["reader"] });
    await admin.goto(url(`/projects/${projectId}`));
    const p = `/projects/${projectId}`;
    const settings = { authorizationRequired: "on", privateLabelingSetting: "0" };

    // Create and change the project.
    for (const name of ["", " ", "x".repeat(201)]) {
      await expectRefused(admin, projectId, "/projects", { organizationId: orgId, name, privateLabelingSetting: "0" }, 400, /^name: /);
      await expectRefused(admin, projectId, `${p}/name`, { name }, 400, /^name: /);
    }
    await expectRefused(
      admin,
      projectId,
      "/projects",
      { organizationId: orgId, name: "Ok", privateLabelingSetting: "7" },
      400,
      /privateLabelingSetting/,
    );
    await expectRefused(
      admin,
      projectId,
      "/projects",
      { organizationId: "123456789", name: "Ok" },
      404,
      /organization 123456789 not found/,
    );
    await expectRefused(admin, projectId, "/projects", { organizationId: "not-an-id", name: "Ok" }, 400, /organizationId/);
    await expectRefused(admin, projectId, `${p}/settings`, { ...settings, privateLabelingSetting: "x" }, 400, /privateLabelingSetting/);

    // Roles: whitespace, empty, too long, taken; changes to an empty display name.
    await expectRefused(
      admin,
      projectId,
      `${p}/roles`,
      { roleKey: "read all", displayName: "Read" },
      400,
      /^roleKey: must not contain whitespace/,
    );
    await expectRefused(admin, projectId, `${p}/roles`, { roleKey: "", displayName: "Read" }, 400, /^roleKey: /);
    await expectRefused(admin, projectId, `${p}/roles`, { roleKey: "new", displayName: "" }, 400, /^displayName: /);
    await expectRefused(admin, projectId, `${p}/roles`, { roleKey: "new", displayName: "New", group: "g".repeat(201) }, 400, /^group: /);
    await expectRefused(admin, projectId, `${p}/roles`, { roleKey: "reader", displayName: "Reader" }, 409, /already exists/);
    await expectRefused(admin, projectId, `${p}/roles/reader`, { displayName: "", group: "" }, 400, /^displayName: /);
    await expectRefused(admin, projectId, `${p}/roles/nope/remove`, {}, 404, /not found/);

    // Grants: to the owner, with a role the project lacks, to unknown or malformed organizations, twice.
    const third = await seed.org();
    await expectRefused(
      admin,
      projectId,
      `${p}/grants`,
      [
        ["grantedOrganizationId", orgId],
        ["roleKeys", "reader"],
      ],
      400,
      /organization that owns it/,
    );
    await expectRefused(
      admin,
      projectId,
      `${p}/grants`,
      [
        ["grantedOrganizationId", third],
        ["roleKeys", "reader"],
        ["roleKeys", "ghost"],
      ],
      400,
      /^roleKeys\[1\]: role ghost does not exist/,
    );
    await expectRefused(admin, projectId, `${p}/grants`, [["grantedOrganizationId", "123456789"]], 404, /organization 123456789 not found/);
    await expectRefused(admin, projectId, `${p}/grants`, [["grantedOrganizationId", "acme"]], 400, /^grantedOrganizationId: /);
    await expectRefused(admin, projectId, `${p}/grants`, [["grantedOrganizationId", grantee]], 409, /already granted/);
    await expectRefused(
      admin,
      projectId,
      `${p}/grants/${grantee}`,
      [["roleKeys", "ghost"]],
      400,
      /^roleKeys\[0\]: role ghost does not exist/,
    );
    await expectRefused(admin, projectId, `${p}/grants/${grantee}/activate`, {}, 409, /already active/i);
    await expectRefused(admin, projectId, `${p}/grants/${third}/delete`, {}, 404, /^Grant not found$/);

    // In the browser: the message on the page, the field marked, the typed values kept.
    await admin.goto(url(p));
    await admin.getByLabel("Key", { exact: true }).fill("has space");
    await admin.getByLabel("Display name", { exact: true }).fill("Spaced");
    await admin.getByRole("button", { name: "Add role" }).click();
    expect(await alertText(admin)).toContain("roleKey: must not contain whitespace");
    expect(await admin.getByLabel("Key", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByLabel("Key", { exact: true }).inputValue()).toBe("has space");
    expect(await admin.getByLabel("Display name", { exact: true }).inputValue()).toBe("Spaced");

    await admin.goto(url(p));
    const form = admin.locator("section[aria-labelledby=create-grant]");
    await form.getByLabel("Organization ID").fill(orgId);
    await form.getByRole("checkbox", { name: "writer writer" }).check();
    await admin.getByRole("button", { name: "Grant project" }).click();
    expect(await alertText(admin)).toContain("a project cannot be granted to the organization that owns it");
    expect(await admin.getByLabel("Organization ID").getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByRole("checkbox", { name: "writer writer" }).isChecked()).toBe(true);
  });

  it("keeps another organization's owner out: refused, nothing changed", async () => {
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, {}, ["reader"]);
    const { page, context } = await orgOwner(await seed.org());
    await page.goto(url("/projects"));
    const p = `/projects/${projectId}`;
    // The project is not theirs to see: the API answers not found, for reading and for changing.
    const missing = await page.goto(url(p));
    expect(missing?.status()).toBe(404);
    await expectRefused(page, projectId, `${p}/settings`, { authorizationRequired: "on", privateLabelingSetting: "0" }, 404, /not found/);
    await expectRefused(page, projectId, `${p}/roles`, { roleKey: "intruder", displayName: "Intruder" }, 404, /not found/);
    await expectRefused(page, projectId, `${p}/grants`, [["grantedOrganizationId", orgId]], 404, /not found/);
    // Creating a project in an organization they do not administer is refused outright.
    const refused = await expectRefused(
      page,
      projectId,
      "/projects",
      { organizationId: orgId, name: unique("Intruder") },
      403,
      /^You are not allowed to do this/,
    );
    expect(refused.text).toContain("You are not allowed to do this");
    await context.close();
  });

  it("shows a granted organization's owner what it was granted, and lets it change nothing", async () => {
    const ownerName = unique("Vendor");
    const orgId = await seed.org(ownerName);
    const granteeName = unique("Client");
    const grantee = await seed.org(granteeName);
    const projectId = await seed.project(orgId, { authorizationRequired: true, projectAccessRequired: true }, [
      "viewer",
      "editor",
      "admin",
    ]);
    const other = await seed.project(orgId, {}, ["viewer"]);
    const notGranted = await seed.project(orgId, {}, ["viewer"]);
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: grantee, roleKeys: ["viewer", "editor"] });
    await seed.projects.createProjectGrant({ projectId: other, grantedOrganizationId: grantee, roleKeys: ["viewer"] });
    await seed.projects.deactivateProjectGrant({ projectId: other, grantedOrganizationId: grantee });

    const { page, context } = await orgOwner(grantee);
    // The navigation's link (the overview links there too).
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Granted to us" }).click();
    expect(await heading(page)).toBe("Granted to us");
    expect(await page.getByLabel("Granted organization").inputValue()).toBe(grantee);
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(2);
    const names = await prisma().project.findMany({ where: { id: { in: [projectId, other, notGranted] } } });
    const nameOf = (id: string) => names.find((n) => n.id === id)!.name;
    const row = rows.filter({ hasText: nameOf(projectId) });
    expect(await row.locator('[data-label="Roles you may assign"]').textContent()).toBe("viewer, editor");
    expect(await row.locator('[data-label="Grant state"]').textContent()).toBe("active");
    // The granting organization by name, though the grantee's owner may not list it.
    expect(await row.locator('[data-label="Granted by"]').textContent()).toBe(ownerName);
    const inactive = rows.filter({ hasText: nameOf(other) });
    expect(await inactive.locator('[data-label="Grant state"]').textContent()).toContain("inactive");
    expect(await page.getByRole("main").textContent()).not.toContain(nameOf(notGranted));
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.screenshot({ path: path.join(SCREENSHOTS, `console-granted-${width}.png`), fullPage: true });
    }

    // The search narrows by project name.
    await page.goto(url(`/granted?q=${encodeURIComponent(nameOf(other))}`));
    expect(await rows.count()).toBe(1);

    // The project as the grant shows it: the settings in words and the roles to assign, no forms.
    await page.goto(url(`/granted`));
    await row.getByRole("link").click();
    expect(await heading(page)).toBe(nameOf(projectId));
    const main = await page.getByRole("main").textContent();
    expect(main).toContain("Users need a role on this project to sign in (authorization required).");
    expect(main).toContain(`Granted to ${granteeName}`);
    expect(main).toMatch(/Roles you may assign\s*viewer, editor/);
    expect(await page.locator("form[method=post]").count()).toBe(1); // sign-out only
    const p = `/projects/${projectId}`;
    await expectRefused(page, projectId, `${p}/name`, { name: "Taken over" }, 404, /not found/);
    await expectRefused(page, projectId, `${p}/grants/${grantee}`, [["roleKeys", "admin"]], 404, /^Grant not found$/);
    await expectRefused(page, projectId, `${p}/delete`, {}, 403, /^You are not allowed to do this/);
    await context.close();
  });

  it("shows the project page with grouped roles and grants at phone and desktop widths", async () => {
    const orgId = await seed.org(unique("Acme Corp"));
    const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true });
    const roles: [string, string, string?][] = [
      ["invoice.read", "Read invoices", "Billing"],
      ["invoice.write", "Write invoices", "Billing"],
      ["user.manage", "Manage users", "Administration"],
      ["support", "Support agent"],
    ];
    for (const [roleKey, displayName, group] of roles) await seed.projects.addProjectRole({ projectId, roleKey, displayName, group });
    for (const [name, keys] of [
      ["Globex", ["invoice.read"]],
      ["Initech", ["invoice.read", "invoice.write", "support"]],
    ] as const) {
      await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: await seed.org(unique(name)), roleKeys: [...keys] });
    }
    await admin.goto(url(`/projects/${projectId}`));
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-project-${width}.png`), fullPage: true });
      // Nothing wider than the screen.
      expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    expect(await admin.locator("section[aria-labelledby=grants] tbody tr").count()).toBe(2);
  });
});
