// The console's administrators screen (R-CONSOLE-60..) in headless Chromium: list with search and
// a resource filter, adding an administrator, changing its roles, removing it after a confirmation
// page; bad input and escalation refused on the page with nothing changed.
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

type Resource =
  | { case: "instance"; value: boolean }
  | { case: "organizationId" | "projectId"; value: string }
  | { case: "projectGrant"; value: { projectId: string; organizationId: string } };

describe("the console's administrators", () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  let console_: string;
  // Acme owns a project granted to Beta; Beta has an owner who signs in to the console.
  let acme: string;
  let beta: string;
  let projectId: string;
  let betaOwner: { id: string; username: string };
  const grant = (userId: string, resource: Resource, roles: string[]) =>
    api().client(InternalPermissionService, "connect").createAdministrator({ userId, resource: { resource }, roles });

  beforeAll(async () => {
    seed = seeder(api());
    console_ = `${api().url}/ui/console`;
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
    acme = await seed.org(unique("Acme"));
    beta = await seed.org(unique("Beta"));
    projectId = await seed.project(acme, {}, ["reader"]);
    await seed.projects.createProjectGrant({ projectId, grantedOrganizationId: beta, roleKeys: ["reader"] });
    betaOwner = await seed.human(beta);
    await grant(betaOwner.id, { case: "organizationId", value: beta }, ["ORG_OWNER"]);
  }, 90_000);

  const prisma = () => api().db.prisma;
  const membershipsOf = (userId: string) => prisma().administrator.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
  const administratorCount = () => prisma().administrator.count();
  const cellsOf = (page: Page) =>
    page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));

  it("lists, searches by login name or name, filters by resource, and pages", async () => {
    const manager = await seed.human(acme);
    const projectOwner = await seed.human(beta);
    const grantOwner = await seed.human(beta);
    await grant(manager.id, { case: "organizationId", value: acme }, ["ORG_USER_MANAGER"]);
    await grant(projectOwner.id, { case: "projectId", value: projectId }, ["PROJECT_OWNER"]);
    await grant(grantOwner.id, { case: "projectGrant", value: { projectId, organizationId: beta } }, ["PROJECT_GRANT_OWNER"]);

    await admin.goto(`${console_}/administrators?q=${manager.username.toUpperCase()}`);
    expect(await heading(admin)).toBe("Administrators");
    const [row, ...others] = await cellsOf(admin);
    expect(others).toEqual([]);
    expect(row).toEqual([
      manager.username,
      "Ada Lovelace",
      expect.stringMatching(/^Acme/),
      expect.stringMatching(/^Organization Acme/),
      "ORG_USER_MANAGER",
    ]);
    // The display name is searched too (the first start's machine user is "rolegate instance administrator").
    await admin.goto(`${console_}/administrators?q=ROLEGATE+instance`);
    expect((await cellsOf(admin)).map((cells) => cells.slice(0, 2))).toEqual([["rolegate-admin", "rolegate instance administrator"]]);

    // The resource filter: the instance, a kind of resource, one resource.
    await admin.goto(`${console_}/administrators?resource=instance`);
    const instance = await cellsOf(admin);
    expect(instance.map((cells) => cells[0])).toContain("admin");
    expect(new Set(instance.map((cells) => cells[3]))).toEqual(new Set(["The instance"]));
    await admin.goto(`${console_}/administrators?resource=kind-project`);
    const projects = await cellsOf(admin);
    expect(projects.map((cells) => cells[0])).toContain(projectOwner.username);
    expect(projects.every((cells) => cells[3]?.startsWith("Project ") && cells[4] === "PROJECT_OWNER")).toBe(true);
    await admin.goto(`${console_}/administrators`);
    await admin.getByLabel("Resource", { exact: true }).selectOption(`grant-${projectId}-${beta}`);
    await admin.getByRole("button", { name: "Search" }).click();
    expect(admin.url()).toContain(`resource=grant-${projectId}-${beta}`);
    const grants = await cellsOf(admin);
    expect(grants).toEqual([
      [
        grantOwner.username,
        "Ada Lovelace",
        expect.stringMatching(/^Beta/),
        expect.stringMatching(/granted to Beta/),
        "PROJECT_GRANT_OWNER",
      ],
    ]);
    await admin.goto(`${console_}/administrators?resource=org-${acme}`);
    expect((await cellsOf(admin)).map((cells) => cells[0])).toEqual([manager.username]);

    // 21 memberships of one user: the second page holds the last, search and filter kept.
    const paged = await seed.human(acme);
    for (let i = 0; i < 21; i++) await grant(paged.id, { case: "projectId", value: await seed.project(acme) }, ["PROJECT_OWNER"]);
    await admin.goto(`${console_}/administrators?q=${paged.username}&resource=kind-project`);
    expect(await admin.locator("tbody tr").count()).toBe(20);
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).toContain("1–20 of 21");
    await admin.getByRole("link", { name: "Next page" }).click();
    expect(admin.url()).toContain("resource=kind-project");
    expect(await admin.locator("tbody tr").count()).toBe(1);

    await admin.goto(`${console_}/administrators?resource=kind-grant`);
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-administrators-${width}.png`), fullPage: true });
    }
  });

  it("adds an administrator by login name, changes its roles, and removes it after a confirmation page", async () => {
    const ann = await seed.human(acme);
    await admin.goto(`${console_}/administrators`);
    await admin.getByLabel("User's login name").fill(ann.username.toUpperCase()); // login names ignore case
    await admin.getByLabel("Resource the roles apply to").selectOption(`org-${acme}`);
    await admin.getByRole("group", { name: "Roles" }).getByLabel("ORG_USER_MANAGER").check();
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.getByRole("heading", { name: "Add an administrator" }).scrollIntoViewIfNeeded();
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-administrators-add-${width}.png`), fullPage: true });
    }
    await admin.getByRole("button", { name: "Add administrator" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The administrator was added.");
    expect(admin.url()).toBe(`${console_}/administrators/${ann.id}/org-${acme}?notice=created`);
    expect(await membershipsOf(ann.id)).toMatchObject([{ resource: "ORGANIZATION", resourceId: acme, roles: ["ORG_USER_MANAGER"] }]);

    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-administrators-detail-${width}.png`), fullPage: true });
    }
    // The detail page offers the roles of an organization only.
    const roles = admin.getByRole("group", { name: "Roles on this resource" });
    expect(await roles.getByRole("checkbox").evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual([
      "ORG_OWNER",
      "ORG_USER_MANAGER",
    ]);
    await roles.getByLabel("ORG_OWNER").check();
    await roles.getByLabel("ORG_USER_MANAGER").uncheck();
    await admin.getByRole("button", { name: "Save roles" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The roles were saved.");
    expect((await membershipsOf(ann.id))[0]?.roles).toEqual(["ORG_OWNER"]);

    await admin.getByRole("link", { name: "Remove this administrator" }).click();
    expect(admin.url()).toBe(`${console_}/administrators/${ann.id}/org-${acme}/delete`);
    expect(await heading(admin)).toBe("Remove the administrator?");
    expect(await membershipsOf(ann.id)).toHaveLength(1); // the confirmation page changes nothing
    await admin.getByRole("button", { name: "Remove administrator" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The administrator's roles on that resource were removed.");
    expect(await membershipsOf(ann.id)).toEqual([]);
    const gone = await admin.goto(`${console_}/administrators/${ann.id}/org-${acme}`);
    expect(gone?.status()).toBe(404);
  });

  it("refuses an unknown user, no roles, a role that does not fit the resource, and changes nothing", async () => {
    const ann = await seed.human(acme);
    await grant(ann.id, { case: "organizationId", value: acme }, ["ORG_USER_MANAGER"]);
    const before = await administratorCount();

    // In the browser: an unknown login name, the message on the page, the field marked, the values kept.
    await admin.goto(`${console_}/administrators`);
    await admin.getByLabel("User's login name").fill("nobody-at-all");
    await admin.getByLabel("Resource the roles apply to").selectOption(`org-${acme}`);
    await admin.getByRole("group", { name: "Roles" }).getByLabel("ORG_OWNER").check();
    const unknown = admin.waitForResponse((r) => r.request().method() === "POST");
    await admin.getByRole("button", { name: "Add administrator" }).click();
    expect((await unknown).status()).toBe(404);
    expect(await alertText(admin)).toContain("There is no user with the login name nobody-at-all");
    expect(await admin.getByLabel("User's login name").getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByLabel("User's login name").inputValue()).toBe("nobody-at-all");
    expect(await admin.getByLabel("Resource the roles apply to").inputValue()).toBe(`org-${acme}`);
    expect(await admin.getByRole("group", { name: "Roles" }).getByLabel("ORG_OWNER").isChecked()).toBe(true);

    // A role of another kind of resource, in the browser: the API's message names it.
    const bob = await seed.human(acme);
    await admin.getByLabel("User's login name").fill(bob.username);
    await admin.getByRole("group", { name: "Roles" }).getByLabel("ORG_OWNER").uncheck();
    await admin.getByRole("group", { name: "Roles" }).getByLabel("IAM_OWNER").check();
    await admin.getByRole("button", { name: "Add administrator" }).click();
    expect(await alertText(admin)).toContain("IAM_OWNER is not a role on an organization");
    expect(await admin.getByRole("group", { name: "Roles" }).getByLabel("IAM_OWNER").getAttribute("aria-invalid")).toBe("true");

    const add = (fields: Record<string, string>) =>
      postForm(admin, `${console_}/administrators`, { user: bob.username, resource: `org-${acme}`, ...fields });
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ roles: "ORG_OWNER", user: "" }, 400, /Enter the user/],
      [{ roles: "ORG_OWNER", user: "123456789" }, 404, /user 123456789 not found/],
      [{}, 400, /roles: must name at least one role/],
      [{ roles: "PROJECT_OWNER" }, 400, /PROJECT_OWNER is not a role on an organization/],
      [{ roles: "NO_SUCH_ROLE" }, 400, /NO_SUCH_ROLE is not a role/],
      [{ roles: "ORG_OWNER", resource: "" }, 400, /Choose the resource/],
      [{ roles: "ORG_OWNER", resource: "org-not-an-id" }, 400, /Choose the resource/],
      [{ roles: "ORG_OWNER", resource: "org-123456789" }, 404, /organization 123456789 not found/],
      [{ roles: "ORG_OWNER", user: ann.username }, 409, /already an administrator/],
    ];
    for (const [fields, status, message] of cases) {
      const response = await add(fields);
      expect(response.status, JSON.stringify(fields)).toBe(status);
      expect(response.text).toMatch(new RegExp(`role="alert">[^<]*${message.source}`));
    }

    // Changing the roles to none, or to another resource's: refused, the roles kept.
    const rolesPath = `${console_}/administrators/${ann.id}/org-${acme}/roles`;
    const none = await postForm(admin, rolesPath, {});
    expect(none.status).toBe(400);
    expect(none.text).toMatch(/role="alert">roles: must name at least one role/);
    const wrong = await postForm(admin, rolesPath, { roles: "PROJECT_GRANT_OWNER" });
    expect(wrong.status).toBe(400);
    expect(await administratorCount()).toBe(before);
    expect(await membershipsOf(bob.id)).toEqual([]);
    expect((await membershipsOf(ann.id))[0]?.roles).toEqual(["ORG_USER_MANAGER"]);
  });

  it("refuses an organization owner who hands out a role it could not hold, changing nothing", async () => {
    const betaUser = await seed.human(beta);
    const acmeOwner = await seed.human(acme);
    await grant(acmeOwner.id, { case: "organizationId", value: acme }, ["ORG_OWNER"]);
    const adminId = (await prisma().user.findFirstOrThrow({ where: { username: "admin" } })).id;
    const context = await browser().newContext();
    const owner = await context.newPage();
    await signInToConsole(owner, api().url, betaOwner.username, PASSWORD);
    const before = await administratorCount();

    // IAM_OWNER on the instance, chosen in the browser.
    await owner.goto(`${console_}/administrators`);
    await owner.getByLabel("User's login name").fill(betaUser.username);
    await owner.getByLabel("Resource the roles apply to").selectOption("instance");
    await owner.getByRole("group", { name: "Roles" }).getByLabel("IAM_OWNER").check();
    const refused = owner.waitForResponse((r) => r.request().method() === "POST");
    await owner.getByRole("button", { name: "Add administrator" }).click();
    expect((await refused).status()).toBe(403);
    expect(await alertText(owner)).toContain("You are not allowed to do this");

    // Roles on another organization, another organization's owner, the instance owner's roles.
    const attempts: [string, Record<string, string>][] = [
      [`${console_}/administrators`, { user: betaUser.username, resource: `org-${acme}`, roles: "ORG_OWNER" }],
      [`${console_}/administrators/${acmeOwner.id}/org-${acme}/roles`, { roles: "ORG_USER_MANAGER" }],
      [`${console_}/administrators/${acmeOwner.id}/org-${acme}/delete`, {}],
      [`${console_}/administrators/${adminId}/instance/roles`, { roles: "IAM_OWNER" }],
      [`${console_}/administrators/${adminId}/instance/delete`, {}],
    ];
    for (const [action, fields] of attempts) {
      const response = await postForm(owner, action, fields);
      expect(response.status, action).toBe(403);
      expect(response.text).toContain("You are not allowed to do this");
    }
    expect(await administratorCount()).toBe(before);
    expect(await membershipsOf(betaUser.id)).toEqual([]);
    expect((await membershipsOf(acmeOwner.id))[0]?.roles).toEqual(["ORG_OWNER"]);

    // What Beta's owner may do: make a user of Beta a user manager of Beta.
    await owner.goto(`${console_}/administrators`);
    await owner.getByLabel("User's login name").fill(betaUser.username);
    await owner.getByLabel("Resource the roles apply to").selectOption(`org-${beta}`);
    await owner.getByRole("group", { name: "Roles" }).getByLabel("ORG_USER_MANAGER").check();
    await owner.getByRole("button", { name: "Add administrator" }).click();
    expect(await owner.getByRole("status").textContent()).toBe("The administrator was added.");
    expect(await membershipsOf(betaUser.id)).toMatchObject([{ resourceId: beta, roles: ["ORG_USER_MANAGER"] }]);
    // Its list shows Beta's administrators, and not the instance's.
    await owner.goto(`${console_}/administrators`);
    const listed = (await cellsOf(owner)).map((cells) => cells[0]);
    expect(listed).toContain(betaUser.username);
    expect(listed).not.toContain("admin");
    await context.close();
  });
});
