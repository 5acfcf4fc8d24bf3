// The console's applications screens (R-CONSOLE-50..) in headless Chromium: listing with search,
// a project filter and pages; creating OIDC and API apps with the client secret shown once on the
// POST's answer; settings in words and their form; a new secret; deactivating; deleting after a
// confirmation; keys with their key file offered once. Bad input and another tenant's owner change nothing.
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { verifySecret } from "../../src/directory/secrets.js";
import { InternalPermissionService } from "../../src/generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { alertText, CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, postForm, signInToConsole } from "../support/console.js";
import { unique } from "../support/directory.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

/** A valid OIDC form as the create and settings forms post it. */
const OIDC_FORM = {
  kind: "oidc",
  appType: "WEB",
  authMethod: "BASIC",
  redirectUris: "https://app.example.com/cb",
  responseTypes: "CODE",
  grantTypes: "AUTHORIZATION_CODE",
  accessTokenType: "BEARER",
};

describe("the console's applications", () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  let orgId: string;
  let projectId: string;
  const base = () => `${api().url}/ui/console`;
  const appByClientId = (clientId: string) => api().db.prisma.application.findUniqueOrThrow({ where: { clientId } });
  const appById = (id: string) => api().db.prisma.application.findUnique({ where: { id } });
  const projectName = async (id: string) => (await api().db.prisma.project.findUniqueOrThrow({ where: { id } })).name;

  beforeAll(async () => {
    seed = seeder(api());
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
    orgId = await seed.org();
    projectId = await seed.project(orgId);
  }, 60_000);

  async function screenshots(name: string) {
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-${width}.png`), fullPage: true });
    }
  }

  /** An app key-authenticated API app, made through the API. */
  async function keyApiApp(project: string) {
    const created = await seed.apps.createApplication({
      projectId: project,
      name: unique("keyed"),
      creationRequestType: { case: "apiRequest", value: { authMethodType: 1 } },
    });
    return created.appId;
  }

  it("lists applications with their project, type, client id and state; searches, filters by project and pages", async () => {
    const other = await seed.project(orgId);
    const web = await appByClientId((await seed.webApp(projectId, "https://list.example.com/cb")).clientId);
    const apiApp = await appByClientId((await seed.basicApiApp(other)).clientId);

    await admin.goto(`${base()}/applications?project=${projectId}`);
    expect(await heading(admin)).toBe(`Applications of ${await projectName(projectId)}`);
    const row = admin.locator("tbody tr", { hasText: web.name });
    expect(await row.textContent()).toMatch(
      new RegExp(`${web.name}[\\s\\S]*${await projectName(projectId)}[\\s\\S]*OIDC web[\\s\\S]*${web.clientId}[\\s\\S]*active`),
    );
    expect(await admin.locator("tbody tr", { hasText: apiApp.name }).count()).toBe(0);

    // Without the project filter, the search finds it and the console finds its project.
    await admin.goto(`${base()}/applications?q=${encodeURIComponent(apiApp.name.toUpperCase())}`);
    expect(await admin.locator("tbody tr").count()).toBe(1);
    expect(await admin.locator("tbody tr").textContent()).toMatch(
      new RegExp(`${apiApp.name}[\\s\\S]*${await projectName(other)}[\\s\\S]*API`),
    );
    await admin.getByRole("link", { name: apiApp.name }).click();
    expect(await heading(admin)).toBe(apiApp.name);

    // The project filter in the search form, and 21 apps: the second page holds the last.
    const paged = await seed.project(orgId);
    const prefix = unique("Paged");
    for (let i = 0; i < 21; i++) {
      await seed.apps.createApplication({
        projectId: paged,
        name: `${prefix} ${String(i).padStart(2, "0")}`,
        creationRequestType: { case: "apiRequest", value: { authMethodType: 0 } },
      });
    }
    await admin.goto(`${base()}/applications?q=${prefix}`);
    await admin.getByLabel("Project", { exact: true }).selectOption(paged);
    await admin.getByRole("button", { name: "Search" }).click();
    expect(new URL(admin.url()).searchParams.get("project")).toBe(paged);
    expect(await admin.locator("tbody tr").count()).toBe(20);
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).toContain("1–20 of 21");
    await admin.getByRole("link", { name: "Next page" }).click();
    expect(await admin.locator("tbody tr").count()).toBe(1);
    expect(await admin.locator("tbody tr").textContent()).toContain(`${prefix} 20`);

    const unknown = await admin.goto(`${base()}/applications?project=123456789012345678`);
    expect(unknown?.status()).toBe(404);
  });

  it("creates an OIDC web app and shows its client secret once, on the answer to the POST", async () => {
    const name = unique("Shop");
    await admin.goto(`${base()}/applications/new?project=${projectId}`);
    expect(await admin.getByLabel("Project", { exact: true }).inputValue()).toBe(projectId);
    await admin.getByLabel("Name", { exact: true }).fill(name);
    await admin.getByLabel("Redirect URIs", { exact: true }).fill("https://shop.example.com/cb\n\n  https://shop.example.com/cb2  ");
    await admin.getByLabel("Post-logout redirect URIs").fill("https://shop.example.com/bye");
    await admin.getByLabel(/^Refresh token/).check();
    await admin.getByLabel(/^JWT/).check();
    await admin.getByLabel("Roles in the access token").check();
    await screenshots("applications-new");

    const answer = admin.waitForResponse((r) => r.request().method() === "POST");
    await admin.getByRole("button", { name: "Create application" }).click();
    expect((await answer).status()).toBe(201);
    // The answer to the POST, not a redirect: the secret is in no URL.
    expect(admin.url()).toBe(`${base()}/applications`);
    expect(await heading(admin)).toBe(`${name} was created`);
    const clientId = (await admin.locator("#client-id").textContent())!;
    const secret = (await admin.locator("#client-secret-value").textContent())!;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await admin.getByRole("status").textContent()).toContain("shown only this once");
    await screenshots("applications-secret");

    const stored = await appByClientId(clientId);
    expect(verifySecret(secret, stored.clientSecretHash)).toBe(true);
    expect(stored).toMatchObject({
      name,
      projectId,
      appType: "WEB",
      authMethod: "BASIC",
      redirectUris: ["https://shop.example.com/cb", "https://shop.example.com/cb2"],
      postLogoutRedirectUris: ["https://shop.example.com/bye"],
      grantTypes: ["AUTHORIZATION_CODE", "REFRESH_TOKEN"],
      accessTokenType: "JWT",
      accessTokenRoleAssertion: true,
      idTokenRoleAssertion: false,
      devMode: false,
    });

    await admin.getByRole("link", { name: "Continue to the application" }).click();
    expect(await heading(admin)).toBe(name);
    expect(admin.url()).not.toContain(secret);
    expect(await admin.content()).not.toContain(secret);
    const main = (await admin.getByRole("main").textContent())!;
    expect(main).toContain("a client secret in the Authorization header");
    expect(main).toContain("https://shop.example.com/cb2");
    expect(main).toMatch(/Grant types\s*Authorization code, Refresh token/);
  });

  it("creates a key-authenticated API app; a key's file is offered once as a data: download, and the key is removed after a confirmation", async () => {
    const name = unique("Orders API");
    await admin.goto(`${base()}/applications/new?kind=api&project=${projectId}`);
    await admin.getByLabel("Name", { exact: true }).fill(name);
    await admin.getByLabel(/^Private key JWT/).check();
    await admin.getByRole("button", { name: "Create application" }).click();
    expect(await heading(admin)).toBe(`${name} was created`);
    expect(await admin.locator("#client-secret-value").count()).toBe(0);
    expect(await admin.getByRole("main").textContent()).toContain("authenticates with a key");
    const app = await appByClientId((await admin.locator("#client-id").textContent())!);
    expect(app).toMatchObject({ kind: "API", authMethod: "PRIVATE_KEY_JWT", clientSecretHash: null });

    await admin.getByRole("link", { name: "Continue to the application" }).click();
    await admin.getByLabel("Expiration date (optional)").fill("2031-01-15");
    await admin.getByRole("button", { name: "Add a key" }).click();
    expect(await heading(admin)).toBe(`A new key for ${name}`);
    const link = admin.locator("#key-file");
    const href = (await link.getAttribute("href"))!;
    expect(href.startsWith("data:application/json;base64,")).toBe(true);
    const file = JSON.parse(Buffer.from(href.slice(href.indexOf(",") + 1), "base64").toString("utf8"));
    expect(file).toMatchObject({ type: "application", clientId: app.clientId, appId: app.id });
    expect(await link.getAttribute("download")).toBe(`${file.keyId}.json`);
    expect(file.key).toContain("PRIVATE KEY");
    const stored = await api().db.prisma.applicationKey.findMany({ where: { appId: app.id } });
    expect(stored.map((k) => [k.id, k.expirationDate.toISOString()])).toEqual([[file.keyId, "2031-01-15T00:00:00.000Z"]]);

    // The app's page lists the key, without its file.
    await admin.getByRole("link", { name: "Continue to the application" }).click();
    const row = admin.locator("tbody tr", { hasText: file.keyId });
    expect(await row.textContent()).toContain("2031-01-15 00:00 UTC");
    expect(await admin.content()).not.toContain("data:application/json");
    await row.getByRole("link", { name: "Remove…" }).click();
    expect(await heading(admin)).toBe(`Remove key ${file.keyId}?`);
    await admin.getByRole("button", { name: "Remove the key" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The key was removed.");
    expect(await api().db.prisma.applicationKey.count({ where: { appId: app.id } })).toBe(0);
  });

  it("shows the settings in words, changes them, regenerates the secret (shown once) and deactivates and reactivates", async () => {
    const { clientId, clientSecret } = await seed.webApp(projectId, "https://edit.example.com/cb", { devMode: false });
    const app = await appByClientId(clientId);
    // Without ?project= the console finds the app's project itself.
    await admin.goto(`${base()}/applications/${app.id}`);
    expect(await heading(admin)).toBe(app.name);
    expect(await admin.getByRole("main").textContent()).toMatch(/Development mode\s*off/);

    await admin.getByLabel("Redirect URIs", { exact: true }).fill("https://edit.example.com/cb\nhttps://edit.example.com/other");
    await admin.getByLabel("User info in the ID token").check();
    await admin.getByLabel(/^Post – /).check();
    await admin.getByRole("button", { name: "Save settings" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The settings were saved.");
    expect(await appById(app.id)).toMatchObject({
      redirectUris: ["https://edit.example.com/cb", "https://edit.example.com/other"],
      idTokenUserinfoAssertion: true,
      authMethod: "POST",
    });
    const main = (await admin.getByRole("main").textContent())!;
    expect(main).toContain("a client secret in the request body");
    expect(main).toMatch(/User info in the ID token\s*yes/);
    await screenshots("applications-detail");

    await admin.getByRole("button", { name: "Regenerate the client secret" }).click();
    expect(await heading(admin)).toBe(`A new client secret for ${app.name}`);
    expect(admin.url()).toBe(`${base()}/applications/${app.id}/secret`);
    const secret = (await admin.locator("#client-secret-value").textContent())!;
    const hash = (await appById(app.id))!.clientSecretHash;
    expect(verifySecret(secret, hash)).toBe(true);
    expect(verifySecret(clientSecret, hash)).toBe(false);

    await admin.getByRole("link", { name: "Continue to the application" }).click();
    await admin.getByRole("link", { name: "Deactivate the application…" }).click();
    expect(await admin.getByRole("heading", { name: "Who loses access" }).isVisible()).toBe(true);
    await admin.getByRole("button", { name: "Deactivate the application" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("deactivated");
    expect((await appById(app.id))!.state).toBe("INACTIVE");
    await admin.getByRole("button", { name: "Reactivate the application" }).click();
    expect((await appById(app.id))!.state).toBe("ACTIVE");
  });

  it("deletes an application after a confirmation page, and not through another project", async () => {
    const app = await appByClientId((await seed.webApp(projectId, "https://gone.example.com/cb")).clientId);
    const other = await seed.project(orgId);
    await admin.goto(`${base()}/applications/${app.id}?project=${projectId}`);
    // Named with a project it is not in, the API's idempotent delete leaves it: the page says so.
    const wrong = await postForm(admin, `${base()}/applications/${app.id}/delete`, { project: other });
    expect(wrong.status).toBe(409);
    expect(wrong.text).toMatch(/role="alert">The application is not in project \d+; nothing was deleted/);
    expect(await appById(app.id)).not.toBeNull();

    await admin.getByRole("link", { name: "Delete this application…" }).click();
    expect(admin.url()).toBe(`${base()}/applications/${app.id}/delete?project=${projectId}`);
    expect(await heading(admin)).toBe(`Delete ${app.name}?`);
    expect(await appById(app.id)).not.toBeNull();
    await admin.getByRole("button", { name: "Delete the application" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The application was deleted.");
    expect(new URL(admin.url()).searchParams.get("project")).toBe(projectId);
    expect(await appById(app.id)).toBeNull();
  });

  it("answers bad input with the message on the page, the field marked, and changes nothing", async () => {
    const count = () => api().db.prisma.application.count();
    const before = await count();
    await admin.goto(`${base()}/applications/new?project=${projectId}`);
    const create = (fields: Record<string, string>) =>
      postForm(admin, `${base()}/applications`, { ...OIDC_FORM, project: projectId, name: unique("Bad"), ...fields });
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ redirectUris: "/callback" }, 400, /Redirect URIs, line 1: must be an absolute URI/],
      [
        { redirectUris: "https://ok.example.com/cb\nhttp://shop.example.com/cb" },
        400,
        /Redirect URIs, line 2: http is allowed only for localhost/,
      ],
      [{ name: "" }, 400, /Name: must not be empty/],
      [{ project: "123456789012345678" }, 404, /project 123456789012345678 not found/],
      [{ grantTypes: "PASSWORD" }, 400, /Grant types: choose one of the offered options/],
      [{ appType: "NATIVE", authMethod: "BASIC" }, 400, /Authentication: NATIVE apps are public clients and must use NONE/],
      [{ kind: "api", authMethod: "POST" }, 400, /Authentication: choose one of the offered options/],
    ];
    for (const [fields, status, message] of cases) {
      const answer = await create(fields);
      expect(answer.status, JSON.stringify(fields)).toBe(status);
      expect(answer.text).toMatch(new RegExp(`role="alert">${message.source}`));
    }
    expect(await count()).toBe(before);

    // In the browser: the message, the field marked invalid, the typed values kept.
    await admin.getByLabel("Name", { exact: true }).fill("Kept name");
    await admin.getByLabel("Redirect URIs", { exact: true }).fill("http://shop.example.com/cb");
    await admin.getByRole("button", { name: "Create application" }).click();
    expect(await alertText(admin)).toContain("http is allowed only for localhost");
    expect(await admin.getByLabel("Redirect URIs", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByLabel("Redirect URIs", { exact: true }).inputValue()).toBe("http://shop.example.com/cb");
    expect(await admin.getByLabel("Name", { exact: true }).inputValue()).toBe("Kept name");
    // Dev mode allows it.
    await admin.getByLabel(/^Development mode/).check();
    await admin.getByRole("button", { name: "Create application" }).click();
    expect(await heading(admin)).toBe("Kept name was created");

    // The settings form: the same refusals, the app unchanged.
    const app = await appByClientId((await seed.webApp(projectId, "https://strict.example.com/cb", { devMode: false })).clientId);
    await admin.goto(`${base()}/applications/${app.id}?project=${projectId}`);
    const update = (fields: Record<string, string>) =>
      postForm(admin, `${base()}/applications/${app.id}/settings`, { ...OIDC_FORM, project: projectId, name: app.name, ...fields });
    const updates: [Record<string, string>, number, RegExp][] = [
      [{ redirectUris: "callback.example.com/cb" }, 400, /Redirect URIs, line 1: must be an absolute URI/],
      [{ redirectUris: "http://strict.example.com/cb" }, 400, /Redirect URIs, line 1: http is allowed only for localhost/],
      [{ name: "" }, 400, /Name: must not be empty/],
      [{ project: "123456789012345678" }, 404, /project 123456789012345678 not found/],
      [{ grantTypes: "" }, 400, /Grant types: choose one of the offered options/],
    ];
    for (const [fields, status, message] of updates) {
      const answer = await update(fields);
      expect(answer.status, JSON.stringify(fields)).toBe(status);
      expect(answer.text).toMatch(new RegExp(`role="alert">${message.source}`));
    }
    expect(await appById(app.id)).toEqual(app);
    await admin.getByLabel("Redirect URIs", { exact: true }).fill("ftp://strict.example.com/cb");
    await admin.getByRole("button", { name: "Save settings" }).click();
    expect(await alertText(admin)).toContain("WEB apps must use http(s)");
    expect(await admin.getByLabel("Redirect URIs", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByLabel("Redirect URIs", { exact: true }).inputValue()).toBe("ftp://strict.example.com/cb");

    // A key's expiration: a date in the past, or no date at all.
    const keyed = await keyApiApp(projectId);
    await admin.goto(`${base()}/applications/${keyed}?project=${projectId}`);
    for (const [expirationDate, message] of [
      ["2000-01-01", /Expiration date: must be in the future/],
      ["31.12.2030", /Expiration date: give a date like 2030-12-31/],
      ["2030-02-31", /Expiration date: give a date like 2030-12-31/],
    ] as const) {
      const answer = await postForm(admin, `${base()}/applications/${keyed}/keys`, { project: projectId, expirationDate });
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(new RegExp(`role="alert">${message.source}`));
    }
    expect(await api().db.prisma.applicationKey.count({ where: { appId: keyed } })).toBe(0);
  });

  it("keeps an organization owner of another organization from seeing, changing or deleting the app", async () => {
    const otherOrg = await seed.org();
    const owner = await seed.human(otherOrg);
    await api()
      .client(InternalPermissionService, "connect")
      .createAdministrator({ userId: owner.id, resource: { resource: { case: "organizationId", value: otherOrg } }, roles: ["ORG_OWNER"] });
    const app = await appByClientId((await seed.webApp(projectId, "https://victim.example.com/cb")).clientId);
    const keyed = await keyApiApp(projectId);
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, owner.username, PASSWORD);

    const detail = await page.goto(`${base()}/applications/${app.id}?project=${projectId}`);
    expect(detail?.status()).toBe(404);
    expect(await heading(page)).toBe("Application not found");
    await page.goto(`${base()}/applications`);
    expect(await page.getByRole("main").textContent()).not.toContain(app.name);

    const attempts: [string, Record<string, string>][] = [
      [`/applications/${app.id}/settings`, { ...OIDC_FORM, project: projectId, name: "Taken over", devMode: "on" }],
      [`/applications/${app.id}/secret`, { project: projectId }],
      [`/applications/${app.id}/deactivate`, { project: projectId }],
      [`/applications/${app.id}/delete`, { project: projectId }],
      [`/applications/${keyed}/keys`, { project: projectId }],
      [`/applications`, { ...OIDC_FORM, project: projectId, name: "Intruder" }],
    ];
    for (const [action, fields] of attempts) {
      const answer = await postForm(page, `${base()}${action}`, fields);
      expect(answer.status, action).toBe(403);
      expect(answer.text).toMatch(/role="alert">You are not allowed to do this/);
    }
    expect(await appById(app.id)).toEqual(app);
    expect(await api().db.prisma.applicationKey.count({ where: { appId: keyed } })).toBe(0);
    expect(await api().db.prisma.application.count({ where: { name: "Intruder" } })).toBe(0);
    await context.close();
  });
});
