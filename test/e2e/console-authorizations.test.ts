// The console's authorizations screen (R-CONSOLE-40..) in headless Chromium: list with search across
// organizations and filters, the two-step create form, roles, state and the delete confirmation,
// bad input and refusals shown on the page with nothing changed, and an external user grant made
// by a granted organization's owner.
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

describe("the console's authorizations", () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  let console_: string;
  // Acme owns a project with three roles and grants two of them to Beta; Gamma is a third org.
  let acme: string;
  let beta: string;
  let gamma: string;
  let projectId: string;
  let betaOwner: { id: string; username: string };

  beforeAll(async () => {
    seed = seeder(api());
    console_ = `${api().url}/ui/console`;
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
    acme = await seed.org(unique("Acme"));
    beta = await seed.org(unique("Beta"));
    gamma = await seed.org(unique("Gamma"));
    projectId = await seed.project(acme, {}, ["reader", "writer", "admin"]);
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: beta, roleKeys: ["reader", "writer"] });
    betaOwner = await seed.human(beta);
    await api()
      .client(InternalPermissionService, "connect")
      .createAdministrator({ userId: betaOwner.id, resource: { resource: { case: "organizationId", value: beta } }, roles: ["ORG_OWNER"] });
  }, 90_000);

  const authorizationOf = (userId: string) => api().db.prisma.authorization.findMany({ where: { userId } });
  const authorizationCount = () => api().db.prisma.authorization.count();

  it("lists, searches by login name across organizations, filters by project and organization, and pages", async () => {
    const ann = await seed.human(acme);
    const gus = await seed.human(gamma);
    await seed.authorize(ann.id, projectId, ["reader"]);
    await seed.authorize(gus.id, projectId, ["writer"], beta); // external: Beta holds it for Gamma's user

    // Search by (part of) a login name finds users of any organization.
    await admin.goto(`${console_}/authorizations?q=${encodeURIComponent(gus.username.slice(0, -2).toUpperCase())}`);
    expect(await heading(admin)).toBe("Authorizations");
    const rows = admin.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    const cells = await rows.first().locator("td").allTextContents();
    expect(cells[0]).toBe(gus.username);
    expect(cells[1]).toContain("Gamma");
    expect(cells[3]).toMatch(/^Beta.* external$/);
    expect(cells[4]).toBe("writer");
    expect(cells[5]).toBe("active");
    // A user id finds that user's authorizations.
    await admin.goto(`${console_}/authorizations?q=${ann.id}`);
    expect(await admin.locator("tbody tr").count()).toBe(1);
    expect(await admin.locator("tbody tr td").first().textContent()).toBe(ann.username);

    // Filters: the project, the holding organization, the user's organization (selects, GET).
    await admin.goto(`${console_}/authorizations`);
    await admin.getByLabel("Project", { exact: true }).selectOption(projectId);
    await admin.getByLabel("Held by").selectOption(beta);
    await admin.getByRole("button", { name: "Search" }).click();
    expect(admin.url()).toContain(`project=${projectId}`);
    expect(await admin.locator("tbody tr").count()).toBe(1);
    expect(await admin.locator("tbody tr td").first().textContent()).toBe(gus.username);
    await admin.goto(`${console_}/authorizations?project=${projectId}&userOrg=${acme}`);
    expect(await admin.locator("tbody tr td").first().textContent()).toBe(ann.username);
    expect(await admin.locator("tbody tr").count()).toBe(1);

    // 21 authorizations of one user: the second page holds the last, the search kept.
    const paged = await seed.human(acme);
    for (let i = 0; i < 21; i++) await seed.authorize(paged.id, await seed.project(acme), []);
    await admin.goto(`${console_}/authorizations?q=${paged.username}`);
    expect(await admin.locator("tbody tr").count()).toBe(20);
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).toContain("1–20 of 21");
    await admin.getByRole("link", { name: "Next page" }).click();
    expect(admin.url()).toContain(`q=${paged.username}`);
    expect(await admin.locator("tbody tr").count()).toBe(1);

    for (const width of [390, 1280]) {
      await admin.goto(`${console_}/authorizations?project=${projectId}`);
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-authorizations-${width}.png`), fullPage: true });
    }
  });

  it("creates an authorization in two steps: user and project, then the project's roles", async () => {
    const ann = await seed.human(acme);
    await admin.goto(`${console_}/authorizations`);
    await admin.getByRole("link", { name: "Create an authorization" }).click();
    await admin.getByLabel("User's login name").fill(ann.username.toUpperCase()); // login names ignore case
    const target = admin.getByLabel("Project and the organization that holds the authorization");
    // The project is offered held by its owner (any role) and by Beta (the grant's roles).
    const options = await target.locator("option").allTextContents();
    expect(options.filter((o) => o.includes("held by Acme") && o.endsWith("(owner)")).length).toBeGreaterThan(0);
    expect(options.filter((o) => o.includes("held by Beta") && o.endsWith("(granted)")).length).toBe(1);
    await target.selectOption(`${projectId}/${acme}`);
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-authorizations-new-${width}.png`), fullPage: true });
    }
    await admin.getByRole("button", { name: "Continue" }).click();

    expect(await admin.locator("main").textContent()).toContain("Step 2 of 2");
    const roles = admin.getByRole("group", { name: "Roles" });
    expect(await roles.getByRole("checkbox").count()).toBe(3);
    await roles.getByLabel("reader").check();
    await roles.getByLabel("admin").check();
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-authorizations-roles-${width}.png`), fullPage: true });
    }
    await admin.getByRole("button", { name: "Create authorization" }).click();

    expect(await admin.getByRole("status").textContent()).toBe("The authorization was created.");
    const [created] = await authorizationOf(ann.id);
    expect(created).toMatchObject({ projectId, orgId: acme, projectGrantId: null, state: "ACTIVE" });
    expect(created!.roleKeys.toSorted()).toEqual(["admin", "reader"]);
    expect(admin.url()).toBe(`${console_}/authorizations/${created!.id}?notice=created`);
    expect(await heading(admin)).toContain(ann.username);
  });

  it("refuses bad input on the create form with a message on the page, and creates nothing", async () => {
    const ann = await seed.human(acme);
    await seed.authorize(ann.id, projectId, ["reader"]);
    const before = await authorizationCount();

    // Step 1: an unknown login name, no user, no project.
    await admin.goto(`${console_}/authorizations/new`);
    await admin.getByLabel("User's login name").fill("nobody-at-all");
    await admin.getByLabel("Project and the organization that holds the authorization").selectOption(`${projectId}/${acme}`);
    const unknown = admin.waitForResponse((r) => r.url().includes("/authorizations/new?"));
    await admin.getByRole("button", { name: "Continue" }).click();
    expect((await unknown).status()).toBe(404);
    expect(await alertText(admin)).toContain("There is no user with the login name nobody-at-all");
    expect(await admin.getByLabel("User's login name").getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByLabel("User's login name").inputValue()).toBe("nobody-at-all");
    const noProject = await admin.goto(`${console_}/authorizations/new?user=${ann.username}&target=`);
    expect(noProject?.status()).toBe(400);
    expect(await alertText(admin)).toBe("Choose a project.");
    const noUser = await admin.goto(`${console_}/authorizations/new?user=&target=${projectId}/${acme}`);
    expect(noUser?.status()).toBe(400);

    // Step 2, posted as the form would be with bad values.
    const create = (fields: Record<string, string>) =>
      postForm(admin, `${console_}/authorizations`, { userId: ann.id, projectId, organizationId: acme, ...fields });
    const badRole = await create({ roleKeys: "no-such-role" });
    expect(badRole.status).toBe(400);
    expect(badRole.text).toMatch(/role="alert">roleKeys\[0\]/);
    const twice = await create({ roleKeys: "writer" });
    expect(twice.status).toBe(409);
    expect(twice.text).toMatch(/role="alert">[^<]*already has an authorization/);
    const unknownUser = await create({ userId: "123456789", roleKeys: "reader" });
    expect(unknownUser.status).toBe(404);
    const noGrant = await create({ organizationId: gamma, roleKeys: "reader" });
    expect(noGrant.status).toBe(409);
    expect(noGrant.text).toMatch(/role="alert">[^<]*neither owns project/);
    expect(await authorizationCount()).toBe(before);
    expect((await authorizationOf(ann.id)).map((a) => a.roleKeys)).toEqual([["reader"]]);
  });

  it("changes the roles, deactivates, activates, and deletes after a confirmation page", async () => {
    const ann = await seed.human(acme);
    const id = await seed.authorize(ann.id, projectId, ["reader"]);
    const stored = () => api().db.prisma.authorization.findUnique({ where: { id } });
    await admin.goto(`${console_}/authorizations/${id}`);
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-authorizations-detail-${width}.png`), fullPage: true });
    }
    const roles = admin.getByRole("group", { name: "Roles" });
    await roles.getByLabel("reader").uncheck();
    await roles.getByLabel("writer").check();
    await admin.getByRole("button", { name: "Save roles" }).click();
    // reader goes: first a confirmation page whose preview names ann losing it; nothing changed yet.
    expect(await heading(admin)).toBe("Take roles away?");
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-authorizations-narrow-${width}.png`), fullPage: true });
    }
    const impact = await admin.locator("#impact").textContent();
    expect(impact).toContain(ann.username);
    expect(impact).toMatch(/roles reader/);
    expect((await stored())?.roleKeys).toEqual(["reader"]);
    await admin.getByRole("button", { name: "Save roles" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The roles were saved.");
    expect((await stored())?.roleKeys).toEqual(["writer"]);

    // A key that is no role of the project: refused, nothing changed.
    const bad = await postForm(admin, `${console_}/authorizations/${id}/roles`, { roleKeys: "no-such-role" });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/role="alert">roleKeys\[0\]/);
    expect((await stored())?.roleKeys).toEqual(["writer"]);

    await admin.getByRole("link", { name: "Deactivate…" }).click();
    expect(await admin.getByRole("heading", { name: "Who loses access" }).isVisible()).toBe(true);
    await admin.getByRole("button", { name: "Deactivate authorization" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("inactive");
    expect((await stored())?.state).toBe("INACTIVE");
    await admin.getByRole("button", { name: "Activate" }).click();
    expect((await stored())?.state).toBe("ACTIVE");

    await admin.getByRole("link", { name: "Delete this authorization" }).click();
    expect(admin.url()).toBe(`${console_}/authorizations/${id}/delete`);
    expect(await heading(admin)).toBe("Delete the authorization?");
    expect(await stored()).not.toBeNull(); // the confirmation page changes nothing
    await admin.getByRole("button", { name: "Delete authorization" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The authorization was deleted.");
    expect(await stored()).toBeNull();
    const gone = await admin.goto(`${console_}/authorizations/${id}`);
    expect(gone?.status()).toBe(404);
  });

  it("lets a granted organization's owner give a user of a third organization a granted role (external user grant), and no other role", async () => {
    const gus = await seed.human(gamma);
    const context = await browser().newContext();
    const owner = await context.newPage();
    await signInToConsole(owner, api().url, betaOwner.username, PASSWORD);
    await owner.goto(`${console_}/authorizations/new`);
    // Beta's owner sees the project only through Beta's grant.
    const target = owner.getByLabel("Project and the organization that holds the authorization");
    expect((await target.locator("option").allTextContents()).filter((o) => o.includes("held by"))).toEqual([
      expect.stringMatching(/held by Beta.* \(granted\)$/),
    ]);
    // Gamma's users are not Beta's to search: the login name is not found, the user's id is taken.
    await owner.getByLabel("User's login name").fill(gus.username);
    await target.selectOption(`${projectId}/${beta}`);
    await owner.getByRole("button", { name: "Continue" }).click();
    expect(await alertText(owner)).toContain("enter the user's ID");
    await owner.getByLabel("User's login name").fill(gus.id);
    await owner.getByRole("button", { name: "Continue" }).click();

    // Step 2 offers the grant's roles only.
    const roles = owner.getByRole("group", { name: /Roles/ });
    expect(await roles.getByRole("checkbox").evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual([
      "reader",
      "writer",
    ]);
    await roles.getByLabel("writer").check();
    await owner.getByRole("button", { name: "Create authorization" }).click();
    expect(await owner.getByRole("status").textContent()).toBe("The authorization was created.");
    const [created] = await authorizationOf(gus.id);
    const grant = await api().db.prisma.projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: beta } });
    expect(created).toMatchObject({ orgId: beta, projectGrantId: grant.id, roleKeys: ["writer"] });
    const details = await owner.locator("dl").textContent();
    expect(details).toMatch(/Held by\s*Beta[^\n]* external/);

    // A role outside the grant, at creation (another user) or as an update: refused, nothing changed.
    const gwen = await seed.human(gamma);
    const before = await authorizationCount();
    const create = await postForm(owner, `${console_}/authorizations`, {
      userId: gwen.id,
      projectId,
      organizationId: beta,
      roleKeys: "admin",
    });
    expect(create.status).toBe(400);
    expect(create.text).toMatch(/role="alert">roleKeys\[0\]: role admin is not granted/);
    const update = await postForm(owner, `${console_}/authorizations/${created!.id}/roles`, { roleKeys: "admin" });
    expect(update.status).toBe(400);
    expect(update.text).toContain("role admin is not granted");
    expect(await authorizationCount()).toBe(before);
    expect((await authorizationOf(gus.id))[0]?.roleKeys).toEqual(["writer"]);

    // Beta's list shows the external user grant it holds.
    await owner.goto(`${console_}/authorizations?q=${gus.username}`);
    expect(await owner.locator("tbody tr td").nth(3).textContent()).toMatch(/^Beta.* external$/);
    await context.close();
  });

  it("refuses what the signed-in user may not do, changing nothing", async () => {
    const ann = await seed.human(acme);
    const ownerHeld = await seed.authorize(ann.id, projectId, ["admin"]); // Acme holds it: not Beta's
    const context = await browser().newContext();
    const owner = await context.newPage();
    await signInToConsole(owner, api().url, betaOwner.username, PASSWORD);
    const stored = () => api().db.prisma.authorization.findUnique({ where: { id: ownerHeld } });
    for (const [action, fields] of [
      ["roles", { roleKeys: "reader" }],
      ["deactivate", {}],
      ["delete", {}],
    ] as const) {
      const response = await postForm(owner, `${console_}/authorizations/${ownerHeld}/${action}`, fields);
      expect(response.status).toBe(403);
      expect(response.text).toContain("You are not allowed to do this");
    }
    expect(await stored()).toMatchObject({ roleKeys: ["admin"], state: "ACTIVE" });
    // Nor may Beta's owner create one held by Acme.
    const before = await authorizationCount();
    const create = await postForm(owner, `${console_}/authorizations`, {
      userId: betaOwner.id,
      projectId,
      organizationId: acme,
      roleKeys: "admin",
    });
    expect(create.status).toBe(403);
    expect(create.text).toContain("You are not allowed to do this");
    expect(await authorizationCount()).toBe(before);
    // And it does not see Acme's own authorizations.
    const hidden = await owner.goto(`${console_}/authorizations/${ownerHeld}`);
    expect(hidden?.status()).toBe(404);
    await context.close();
  });
});
