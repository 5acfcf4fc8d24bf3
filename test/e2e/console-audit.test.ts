// The console's audit trail (R-CONSOLE-75..): the instance's through admin.v1 ListEvents (instance
// administrators only), and one object's through v1's change lists (R-AUDIT-2), in headless Chromium.
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { alertText, CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, signInToConsole } from "../support/console.js";
import { unique } from "../support/directory.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

/** The trail's rows as { when, who, what, resource, changes } by their cells' labels. */
async function rows(page: Page) {
  return page
    .locator("table.trail tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) =>
        Object.fromEntries(
          [...tr.querySelectorAll("td")].map((td) => [td.dataset.label, (td.textContent ?? "").replace(/\s+/g, " ").trim()]),
        ),
      ),
    );
}

describe("the console's audit trail", () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  beforeAll(async () => {
    seed = seeder(api());
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
  }, 60_000);

  it("shows an organization created and renamed in the console on its trail, the admin as editor, the rename's change", async () => {
    const name = unique("Audited");
    await admin.goto(`${api().url}/ui/console/organizations`);
    await admin.getByLabel("Name", { exact: true }).fill(name);
    await admin.getByRole("button", { name: "Create organization" }).click();
    const renamed = unique("Renamed");
    await admin.getByLabel("New name").fill(renamed);
    await admin.getByRole("button", { name: "Rename organization" }).click();
    const org = await api().db.prisma.organization.findFirstOrThrow({ where: { name: renamed } });

    await admin.getByRole("link", { name: "Audit trail" }).click();
    expect(admin.url()).toBe(`${api().url}/ui/console/audit/org/${org.id}`);
    expect(await heading(admin)).toBe(`Audit trail of organization ${renamed}`);
    const trail = await rows(admin);
    expect(trail.map((r) => [r.What, r.Who])).toEqual([
      ["organization.updated", "Instance Administrator (admin)"],
      ["organization.created", "Instance Administrator (admin)"],
    ]);
    expect(trail[0]!.Changes).toContain(`name: ${name} → ${renamed}`);
    expect(trail[1]!.Changes).toContain(`name: ${name}`);
    expect(trail[0]!.When).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

    // The instance's trail, filtered to the organization: the same two, with the resource.
    await admin.goto(`${api().url}/ui/console/audit`);
    await admin.getByLabel("Resource ID").fill(org.id);
    await admin.getByRole("button", { name: "Filter" }).click();
    const filtered = await rows(admin);
    expect(filtered.map((r) => [r.What, r.Who, r.Resource])).toEqual([
      ["organization.updated", "Instance Administrator", `Organization ${org.id}`],
      ["organization.created", "Instance Administrator", `Organization ${org.id}`],
    ]);
    expect(filtered[0]!.Changes).toContain(`name: ${name} → ${renamed}`);
    await admin.getByLabel("Event type").fill("organization.updated");
    await admin.getByRole("button", { name: "Filter" }).click();
    expect((await rows(admin)).map((r) => r.What)).toEqual(["organization.updated"]);
    // The resource links to its own trail.
    await admin.getByRole("link", { name: `Organization ${org.id}` }).click();
    expect(await heading(admin)).toBe(`Audit trail of organization ${renamed}`);
  });

  it("pages the instance's trail newest first and filters it by editor and resource type", async () => {
    const prefix = unique("Paged");
    const orgIds: string[] = [];
    for (let i = 0; i < 22; i++) orgIds.push(await seed.org(`${prefix} ${i}`));
    const machine = await api().db.prisma.auditEntry.findFirstOrThrow({ where: { targetId: orgIds[0] } });
    await admin.goto(`${api().url}/ui/console/audit?kind=organization&editor=${machine.actorId}`);
    const first = await rows(admin);
    expect(first).toHaveLength(20);
    // Newest first: the last organization created leads.
    expect(first.map((r) => r.Resource)).toEqual(
      orgIds
        .slice(2)
        .reverse()
        .map((id) => `Organization ${id}`),
    );
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).not.toContain("Newer entries");
    await admin.getByRole("link", { name: "Older entries" }).click();
    const second = await rows(admin);
    expect(second.slice(0, 2).map((r) => r.Resource)).toEqual([orgIds[1], orgIds[0]].map((id) => `Organization ${id}`));
    expect(admin.url()).toContain("kind=organization");
    await admin.getByRole("link", { name: "Newer entries" }).click();
    expect(await rows(admin)).toEqual(first);

    // By login name; an unknown one is said so.
    await admin.goto(`${api().url}/ui/console/audit?editor=admin&kind=organization`);
    expect(new Set((await rows(admin)).map((r) => r.Who))).toEqual(new Set(["Instance Administrator"]));
    const unknown = await admin.goto(`${api().url}/ui/console/audit?editor=${unique("nobody")}`);
    expect(unknown?.status()).toBe(404);
    expect(await alertText(admin)).toContain("There is no user with the login name");
    expect(await admin.getByLabel("Editor").getAttribute("aria-invalid")).toBe("true");

    for (const width of [390, 1280]) {
      await admin.goto(`${api().url}/ui/console/audit`);
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-audit-${width}.png`), fullPage: true });
    }
  });

  it("shows the trails of a user, a project and an app, and answers what it cannot find with 404", async () => {
    const orgId = await seed.org();
    const user = await seed.human(orgId);
    const projectId = await seed.project(orgId, {}, ["reader"]);
    const app = await seed.webApp(projectId, "https://app.example.com/cb");
    const appId = (await api().db.prisma.application.findUniqueOrThrow({ where: { clientId: app.clientId } })).id;

    await admin.goto(`${api().url}/ui/console/audit/user/${user.id}`);
    expect(await heading(admin)).toBe(`Audit trail of user ${user.username}`);
    expect((await rows(admin)).map((r) => r.What)).toContain("user.created");

    await admin.goto(`${api().url}/ui/console/audit/project/${projectId}`);
    // The project's own entries and its roles'.
    expect((await rows(admin)).map((r) => r.What)).toEqual(["project.role.added", "project.created"]);
    expect((await rows(admin))[0]!.Changes).toContain("reader");

    // The app names its project, so the link needs none.
    await admin.goto(`${api().url}/ui/console/audit/app/${appId}`);
    expect((await rows(admin)).map((r) => r.What)).toEqual(["application.created"]);
    // The secret's hash is never in a payload.
    expect(await admin.getByRole("main").textContent()).not.toMatch(/secretHash|clientSecret/);

    for (const url of ["audit/app/123456789012345678", "audit/user/123", "audit/project/abc", "audit/org/%0a", `audit/group/${orgId}`]) {
      const response = await admin.goto(`${api().url}/ui/console/${url}`);
      expect(response?.status(), url).toBe(404);
    }
  });

  it("refuses the instance's trail to a user who is no instance administrator, who still sees their own changes", async () => {
    const orgId = await seed.org();
    const user = await seed.human(orgId);
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, user.username, PASSWORD);
    const response = await page.goto(`${api().url}/ui/console/audit`);
    expect(response?.status()).toBe(403);
    expect(await alertText(page)).toContain("You are not allowed to do this");
    expect(await page.locator("table.trail").count()).toBe(0);
    // Their organization's trail is its owners'.
    expect((await page.goto(`${api().url}/ui/console/audit/org/${orgId}`))?.status()).toBe(403);
    // Their own changes: who and what, without the payloads (ListEvents is refused them).
    await page.goto(`${api().url}/ui/console/audit/user/${user.id}`);
    expect((await rows(page)).map((r) => r.What)).toContain("user.created");
    expect(await page.getByRole("main").textContent()).toContain("shown to instance administrators");
    await context.close();
  });
});
