// The console (R-CONSOLE-1..3) in headless Chromium: a fresh install's instance administrator signs
// in at `/` through the login UI (and its password-change step, with no consent screen), and
// the console acts through the management API with the user's own rights.
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { alertText, CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, postForm, signInToConsole } from "../support/console.js";
import { unique } from "../support/directory.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

describe("the console", () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  beforeAll(async () => {
    seed = seeder(api());
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
  }, 60_000);

  const orgCount = () => api().db.prisma.organization.count();

  it("greets the first start's administrator at / after the password change, without a consent screen", async () => {
    expect(admin.url()).toBe(`${api().url}/ui/console/`);
    expect(await heading(admin)).toBe("Welcome, Instance Administrator");
    expect(await admin.getByRole("main").textContent()).toContain("IAM_OWNER on the whole instance");
    // First-party: the management audience was granted without a consent being stored.
    expect(await api().db.prisma.managementConsent.count()).toBe(0);
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-overview-${width}.png`), fullPage: true });
    }
  });

  it("lists, searches, pages and creates organizations", async () => {
    const name = unique("Acme");
    await admin.goto(`${api().url}/ui/console/organizations`);
    await admin.getByLabel("Name", { exact: true }).fill(name);
    await admin.getByRole("button", { name: "Create organization" }).click();
    expect(await heading(admin)).toBe(name);
    expect(await admin.getByRole("status").textContent()).toBe("The organization was created.");
    const created = await api().db.prisma.organization.findFirstOrThrow({ where: { name } });
    expect(admin.url()).toBe(`${api().url}/ui/console/organizations/${created.id}?notice=created`);

    await admin.goto(`${api().url}/ui/console/organizations?q=${encodeURIComponent(name.toLowerCase())}`);
    const rows = admin.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(name);

    // 21 more organizations than fit on a page: the second page holds the rest.
    const prefix = unique("Paged");
    for (let i = 0; i < 21; i++) await seed.org(`${prefix} ${String(i).padStart(2, "0")}`);
    await admin.goto(`${api().url}/ui/console/organizations?q=${prefix}`);
    expect(await admin.locator("tbody tr").count()).toBe(20);
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).toContain("1–20 of 21");
    await admin.getByRole("link", { name: "Next page" }).click();
    expect(await admin.locator("tbody tr").count()).toBe(1);
    expect(await admin.locator("tbody tr").textContent()).toContain(`${prefix} 20`);
  });

  it("renames an organization and shows a bad name's error on the page, changing nothing", async () => {
    const orgId = await seed.org();
    await admin.goto(`${api().url}/ui/console/organizations/${orgId}`);
    const renamed = unique("Renamed");
    await admin.getByLabel("New name").fill(renamed);
    await admin.getByRole("button", { name: "Rename organization" }).click();
    expect(await heading(admin)).toBe(renamed);

    for (const bad of ["", " ", "x".repeat(201)]) {
      const before = await orgCount();
      const created = await postForm(admin, `${api().url}/ui/console/organizations`, { name: bad });
      expect(created.status).toBe(400);
      expect(created.text).toMatch(/role="alert">[^<]*name/);
      expect(await orgCount()).toBe(before);
      const rename = await postForm(admin, `${api().url}/ui/console/organizations/${orgId}/name`, { name: bad });
      expect(rename.status).toBe(400);
      expect((await api().db.prisma.organization.findUniqueOrThrow({ where: { id: orgId } })).name).toBe(renamed);
    }
    // In the browser: the message on the page, the field marked, the typed value kept.
    await admin.getByLabel("New name").fill(" ");
    await admin.getByRole("button", { name: "Rename organization" }).click();
    expect(await alertText(admin)).toMatch(/name/);
    expect(await admin.getByLabel("New name").getAttribute("aria-invalid")).toBe("true");
  });

  it("deactivates an organization after a confirmation page that previews who loses access, and activates it again", async () => {
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true }, ["reader"]);
    await seed.webApp(projectId, "https://app.example.com/cb");
    const user = await seed.human(orgId);
    await seed.authorize(user.id, projectId, ["reader"]);
    const stateOf = async () => (await api().db.prisma.organization.findUniqueOrThrow({ where: { id: orgId } })).state;

    await admin.goto(`${api().url}/ui/console/organizations/${orgId}`);
    await admin.getByRole("link", { name: "Deactivate organization…" }).click();
    const impact = admin.locator("#impact");
    expect(await impact.getByRole("status").textContent()).toContain("1 user would lose something");
    expect(await impact.locator("tbody tr").textContent()).toContain(user.username);
    expect(await stateOf()).toBe("ACTIVE");
    await admin.getByRole("button", { name: "Deactivate organization" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("The organization was deactivated");
    expect(await stateOf()).toBe("INACTIVE");
    await admin.getByRole("button", { name: "Activate organization" }).click();
    expect(await stateOf()).toBe("ACTIVE");

    // A user of another organization: the preview and the change are refused alike.
    const other = await seed.org();
    const outsider = await seed.human(other);
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, outsider.username, PASSWORD);
    const preview = await page.goto(`${api().url}/ui/console/organizations/${orgId}/deactivate`);
    expect(preview?.status()).toBe(404);
    const posted = await postForm(page, `${api().url}/ui/console/organizations/${orgId}/deactivate`, {});
    expect([403, 404]).toContain(posted.status);
    expect(await stateOf()).toBe("ACTIVE");
    await context.close();
  });

  it("refuses a form without its CSRF token, or with another session's, and changes nothing", async () => {
    const before = await orgCount();
    for (const csrf of ["", "forged", "a".repeat(43)]) {
      const response = await postForm(admin, `${api().url}/ui/console/organizations`, { name: unique("Forged") }, csrf);
      expect(response.status).toBe(403);
      expect(response.text).toContain("This form has expired");
    }
    // Without the session cookie (another site's form, or a signed-out browser): nothing happens.
    const anonymous = await fetch(`${api().url}/ui/console/organizations`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: unique("Anonymous") }),
      redirect: "manual",
    });
    expect(anonymous.status).toBe(401);
    expect(await orgCount()).toBe(before);
  });

  it("gives a user without administrator roles only what the API lets them do", async () => {
    const orgId = await seed.org();
    const user = await seed.human(orgId);
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, user.username, PASSWORD);
    expect(await page.getByRole("main").textContent()).toContain("You hold no administrator role");
    const before = await orgCount();
    const response = await postForm(page, `${api().url}/ui/console/organizations`, { name: unique("Escalation") });
    expect(response.status).toBe(403);
    expect(response.text).toContain("You are not allowed to do this");
    expect(await orgCount()).toBe(before);
    // Another organization's page answers as if it did not exist.
    await page.goto(`${api().url}/ui/console/organizations/${await seed.org()}`);
    expect(await heading(page)).toBe("Organization not found");
    await context.close();
  });

  it("answers an unknown page with the console's 404 and a broken callback with a clear page", async () => {
    const missing = await admin.goto(`${api().url}/ui/console/no-such-page`);
    expect(missing?.status()).toBe(404);
    const callback = await admin.goto(`${api().url}/ui/console/auth/callback?code=abc&state=forged`);
    expect(callback?.status()).toBe(400);
    expect(await alertText(admin)).toContain("not the one the console started");
  });

  it("signs out: the session ends and the next visit asks for the password again", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, "admin", CONSOLE_ADMIN_NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign out" }).click();
    // The end-session page asks to confirm (no ID token hint), then comes back to the console.
    await page.getByRole("button", { name: /sign out|yes/i }).click();
    await page.getByLabel("Login name").waitFor();
    expect(page.url()).toContain("/ui/login/");
    await context.close();
  });
});
