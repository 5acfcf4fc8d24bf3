// The console's users screens in headless Chromium: list (search, pages, organization filter),
// create humans and machine users, lock / deactivate / password / delete, and a machine user's
// secret, tokens and keys shown once. Every form is also posted with bad input: the page says
// why, nothing changes, no 500. An organization owner reaches only its own organization's users,
// and no administrator changes a user whose roles its own do not cover.
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
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

// Each scene drives a browser through many pages: more than the default 30 s on a busy machine.
describe("the console's users screens", { timeout: 120_000 }, () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  let adminId: string;
  const base = () => `${api().url}/ui/console`;
  const prisma = () => api().db.prisma;
  const userCount = () => prisma().user.count();
  const userRow = (id: string) => prisma().user.findUniqueOrThrow({ where: { id } });

  beforeAll(async () => {
    seed = seeder(api());
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
    adminId = (await prisma().user.findFirstOrThrow({ where: { username: "admin" } })).id;
  }, 60_000);

  async function screenshots(name: string) {
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-${width}.png`), fullPage: true });
    }
  }

  it("lists users with their type, state and organization; searches, filters by organization and pages", async () => {
    const orgName = unique("Listed");
    const orgId = await seed.org(orgName);
    const prefix = unique("member").toLowerCase();
    for (let i = 0; i < 21; i++) {
      await seed.users.addHumanUser({
        organization: { org: { case: "orgId", value: orgId } },
        username: `${prefix}-${String(i).padStart(2, "0")}`,
        profile: { givenName: "Grace", familyName: `Hopper ${i}` },
        email: { email: `${prefix}-${i}@example.com` },
      });
    }
    const machine = await seed.machine(orgId);
    await seed.users.lockUser({ userId: machine.id });
    const displayed = unique("Zebra Crossing");
    const { userId: named } = await seed.users.addHumanUser({
      organization: { org: { case: "orgId", value: await seed.org() } },
      username: unique("plain").toLowerCase(),
      profile: { givenName: "Zed", familyName: "Z", displayName: displayed },
      email: { email: `${unique("z")}@example.com` },
    });

    // The organization's page links to its users: 22, on two pages.
    await admin.goto(`${base()}/organizations/${orgId}`);
    await admin.getByRole("link", { name: "Users of this organization" }).click();
    expect(await heading(admin)).toBe(`Users of ${orgName}`);
    expect(await admin.locator("tbody tr").count()).toBe(20);
    expect(await admin.getByRole("navigation", { name: "Pages" }).textContent()).toContain("1–20 of 22");
    await admin.getByRole("link", { name: "Next page" }).click();
    expect(new URL(admin.url()).searchParams.get("org")).toBe(orgId);
    const rest = admin.locator("tbody tr");
    expect(await rest.count()).toBe(2);
    // Sorted by login name: the machine user ("robot-…") comes after the members.
    const machineRow = rest.filter({ hasText: machine.username });
    expect(await machineRow.locator('td[data-label="Type"]').textContent()).toBe("machine");
    expect(await machineRow.locator('td[data-label="State"]').textContent()).toBe("locked");
    expect(await machineRow.locator('td[data-label="Display name"]').textContent()).toBe("Robot");
    expect(await machineRow.locator('td[data-label="Organization"]').textContent()).toBe(orgName);

    // Search by login name (any case) within the organization, and by display name anywhere.
    await admin.goto(`${base()}/users?org=${orgId}`);
    await admin.getByLabel("Search by login name or display name").fill(`${prefix.toUpperCase()}-07`);
    await admin.getByRole("button", { name: "Search" }).click();
    expect(await admin.locator("tbody tr").count()).toBe(1);
    const row = admin.locator("tbody tr").first();
    expect(await row.locator('td[data-label="Login name"]').textContent()).toBe(`${prefix}-07`);
    expect(await row.locator('td[data-label="Display name"]').textContent()).toBe("Grace Hopper 7");
    expect(await row.locator('td[data-label="Type"]').textContent()).toBe("human");
    expect(await row.locator('td[data-label="State"]').textContent()).toBe("active");
    await admin.goto(`${base()}/users?q=${encodeURIComponent(displayed.toLowerCase().slice(0, 20))}`);
    expect(await admin.locator("tbody tr").count()).toBe(1);
    await admin.locator("tbody tr a").first().click();
    expect(admin.url()).toBe(`${base()}/users/${named}`);
    expect(await heading(admin)).toBe(displayed);

    // A bad organization filter is the API's message, not a 500.
    const bad = await admin.goto(`${base()}/users?org=not-an-id`);
    expect(bad?.status()).toBe(400);
    expect(await alertText(admin)).toContain("organizationId");

    await admin.goto(`${base()}/users`);
    expect(await admin.getByRole("link", { name: "Users", exact: true }).getAttribute("aria-current")).toBe("page");
    await screenshots("users");
  });

  it("creates a human user with an initial password and a machine user, and refuses bad input creating nothing", async () => {
    const orgName = unique("Hiring");
    const orgId = await seed.org(orgName);
    const username = unique("ada").toLowerCase();
    await admin.goto(`${base()}/users/new/human?org=${orgId}`);
    expect(await admin.getByLabel("Organization").inputValue()).toBe(orgId);
    await admin.getByLabel("Username").fill(username);
    await admin.getByLabel("Given name").fill("Ada");
    await admin.getByLabel("Family name").fill("Lovelace");
    await admin.getByLabel("Email").fill(`${username}@example.com`);
    await admin.getByLabel("Initial password (optional)").fill(PASSWORD);
    expect(await admin.getByLabel("The user must change it at the first sign-in").isChecked()).toBe(true);
    await admin.getByRole("button", { name: "Create human user" }).click();
    expect(await heading(admin)).toBe("Ada Lovelace");
    expect(await admin.getByRole("status").textContent()).toBe("The user was created.");
    const human = await prisma().user.findFirstOrThrow({ where: { username } });
    expect(human).toMatchObject({ orgId, type: "HUMAN", email: `${username}@example.com`, passwordChangeRequired: true });
    expect(human.passwordHash).toBeTruthy();
    expect(await admin.getByRole("main").textContent()).toContain(orgName);

    const robot = unique("robot").toLowerCase();
    await admin.goto(`${base()}/users/new/machine?org=${orgId}`);
    await admin.getByLabel("Username").fill(robot);
    await admin.getByLabel("Name", { exact: true }).fill("Build bot");
    await admin.getByLabel("Description (optional)").fill("Deploys <things>");
    await admin.getByRole("button", { name: "Create machine user" }).click();
    expect(await heading(admin)).toBe("Build bot");
    expect(await prisma().user.findFirstOrThrow({ where: { username: robot } })).toMatchObject({
      orgId,
      type: "MACHINE",
      description: "Deploys <things>",
    });
    expect(await admin.getByRole("main").textContent()).toContain("Deploys <things>");

    const good = { organizationId: orgId, username: unique("u").toLowerCase(), givenName: "G", familyName: "F", email: "g@example.com" };
    const humanCases: [Record<string, string>, number, RegExp][] = [
      [{ username: "   " }, 400, /username: must not be empty/],
      [{ email: "not-an-email" }, 400, /email/],
      [{ givenName: "" }, 400, /givenName: must not be empty/],
      [{ password: "weak" }, 400, /password: must be at least/],
      [{ password: "longbutnodigitsorcapitals" }, 400, /password: must contain/],
      [{ organizationId: "999999999999999" }, 404, /organization 999999999999999 not found/],
      [{ username }, 409, /already taken/],
    ];
    for (const [change, status, message] of humanCases) {
      const before = await userCount();
      const response = await postForm(admin, `${base()}/users/new/human`, { ...good, ...change });
      expect(response.status, JSON.stringify(change)).toBe(status);
      expect(response.text).toMatch(new RegExp(`role="alert">[^<]*${message.source}`));
      expect(await userCount()).toBe(before);
    }
    const machineCases: [Record<string, string>, number, RegExp][] = [
      [{ name: "" }, 400, /name: must not be empty/],
      [{ username: "  " }, 400, /username: must not be empty/],
      [{ description: "x".repeat(501) }, 400, /description: must be at most 500/],
      [{ organizationId: "999999999999999" }, 404, /organization 999999999999999 not found/],
      [{ username: robot }, 409, /already taken/],
    ];
    for (const [change, status, message] of machineCases) {
      const before = await userCount();
      const response = await postForm(admin, `${base()}/users/new/machine`, { organizationId: orgId, name: "Bot", ...change });
      expect(response.status, JSON.stringify(change)).toBe(status);
      expect(response.text).toMatch(new RegExp(`role="alert">[^<]*${message.source}`));
      expect(await userCount()).toBe(before);
    }

    // In the browser: the message, the field marked, the typed values kept (not the password).
    const before = await userCount();
    await admin.goto(`${base()}/users/new/human`);
    await admin.getByLabel("Organization").selectOption(orgId);
    await admin.getByLabel("Username").fill("grace-kept");
    await admin.getByLabel("Given name").fill("Grace");
    await admin.getByLabel("Family name").fill("Hopper");
    await admin.getByLabel("Email").fill("grace-kept@example.com");
    await admin.getByLabel("Initial password (optional)").fill("short");
    await admin.getByLabel("The user must change it at the first sign-in").uncheck();
    await admin.getByRole("button", { name: "Create human user" }).click();
    await screenshots("new-human");
    expect(await alertText(admin)).toMatch(/^password: /);
    expect(await admin.getByLabel("Initial password (optional)").getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByLabel("Initial password (optional)").inputValue()).toBe("");
    expect(await admin.getByLabel("Username").inputValue()).toBe("grace-kept");
    expect(await admin.getByLabel("Organization").inputValue()).toBe(orgId);
    expect(await admin.getByLabel("The user must change it at the first sign-in").isChecked()).toBe(false);
    expect(await userCount()).toBe(before);
    await admin.goto(`${base()}/users/new/machine`);
    await admin.getByLabel("Organization").selectOption(orgId);
    await admin.getByLabel("Name", { exact: true }).fill(" ");
    await admin.getByRole("button", { name: "Create machine user" }).click();
    expect(await alertText(admin)).toBe("name: must not be empty");
    expect(await admin.getByLabel("Name", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await userCount()).toBe(before);
  });

  it("locks, unlocks, deactivates and reactivates a user, and refuses what its state or the caller forbids", async () => {
    const orgId = await seed.org();
    const { id } = await seed.human(orgId);
    await admin.goto(`${base()}/users/${id}`);
    const steps: [string, string, string][] = [
      ["Lock", "LOCKED", "The user was locked"],
      ["Unlock", "ACTIVE", "The user was unlocked."],
      ["Deactivate", "INACTIVE", "The user was deactivated"],
      ["Reactivate", "ACTIVE", "The user was reactivated."],
    ];
    for (const [button, state, message] of steps) {
      if (button === "Lock" || button === "Deactivate") {
        // Taking access away is confirmed on a page that previews its impact first.
        await admin.getByRole("link", { name: `${button}…` }).click();
        expect(await admin.getByRole("heading", { name: "Who loses access" }).isVisible()).toBe(true);
        expect((await userRow(id)).state).toBe("ACTIVE");
        await admin.getByRole("button", { name: `${button} user` }).click();
      } else {
        await admin.getByRole("button", { name: button, exact: true }).click();
      }
      expect(await admin.getByRole("status").textContent()).toContain(message);
      expect((await userRow(id)).state).toBe(state);
    }

    // A change its state does not allow, of oneself, or of no such user: refused, nothing changed.
    const refused: [string, number, RegExp][] = [
      [`/users/${id}/unlock`, 409, /./],
      [`/users/${id}/reactivate`, 409, /./],
      [`/users/${adminId}/lock`, 409, /cannot lock itself/],
      [`/users/${adminId}/deactivate`, 409, /cannot deactivate itself/],
      ["/users/999999999999999/lock", 404, /user 999999999999999 not found/],
      ["/users/not-an-id/lock", 400, /userId: must be a decimal id/],
    ];
    for (const [action, status, message] of refused) {
      const response = await postForm(admin, `${base()}${action}`, {});
      expect(response.status, action).toBe(status);
      expect(response.text).toMatch(new RegExp(`role="alert">[^<]*${message.source}`));
    }
    expect((await userRow(id)).state).toBe("ACTIVE");
    expect((await userRow(adminId)).state).toBe("ACTIVE");
    // Shown in the State section of the page, with the status.
    await admin.goto(`${base()}/users/${id}`);
    const unlock = await postForm(admin, `${base()}/users/${id}/unlock`, {});
    expect(unlock.text).toMatch(/<h2 id="user-state">State<\/h2>\s*<p class="error" role="alert">/);
  });

  it("sets a human's password, with the change-at-next-sign-in flag, and refuses a weak one", async () => {
    const orgId = await seed.org();
    const { id, username } = await seed.human(orgId);
    const hashBefore = (await userRow(id)).passwordHash;
    await admin.goto(`${base()}/users/${id}`);
    await admin.getByLabel("New password", { exact: true }).fill("An0ther-Passw0rd!");
    await admin.getByRole("button", { name: "Set password" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The password was set.");
    const after = await userRow(id);
    expect(after.passwordHash).not.toBe(hashBefore);
    expect(after.passwordChangeRequired).toBe(true);

    for (const password of ["", "weak", "alllowercaseletters1!"]) {
      const response = await postForm(admin, `${base()}/users/${id}/password`, { password, changeRequired: "on" });
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/role="alert">[^<]*password/);
      expect((await userRow(id)).passwordHash).toBe(after.passwordHash);
    }
    await admin.getByLabel("New password", { exact: true }).fill("weak");
    await admin.getByLabel("The user must change it at the next sign-in").uncheck();
    await admin.getByRole("button", { name: "Set password" }).click();
    expect(await alertText(admin)).toMatch(/password: must be at least/);
    expect(await admin.getByLabel("New password", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await screenshots("human-user");
    expect(await admin.getByLabel("The user must change it at the next sign-in").isChecked()).toBe(false);

    // Without the flag, the user signs in with the new password and goes straight on.
    await admin.getByLabel("New password", { exact: true }).fill("Third-Passw0rd!");
    await admin.getByRole("button", { name: "Set password" }).click();
    expect((await userRow(id)).passwordChangeRequired).toBe(false);
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, username, "Third-Passw0rd!");
    expect(await heading(page)).toBe("Welcome, Ada Lovelace");
    await context.close();
  });

  it("deletes a user after a confirmation page, and refuses to delete oneself", async () => {
    const orgId = await seed.org();
    const { id, username } = await seed.human(orgId);
    await admin.goto(`${base()}/users/${id}`);
    await admin.getByRole("link", { name: "Delete this user…" }).click();
    expect(admin.url()).toBe(`${base()}/users/${id}/delete`);
    expect(await heading(admin)).toBe(`Delete user ${username}?`);
    // Only the confirmation's POST deletes.
    expect(await prisma().user.count({ where: { id } })).toBe(1);
    await admin.getByRole("button", { name: "Delete user" }).click();
    expect(admin.url()).toBe(`${base()}/users?notice=deleted`);
    expect(await admin.getByRole("status").textContent()).toBe("The user was deleted.");
    expect(await prisma().user.count({ where: { id } })).toBe(0);

    const again = await postForm(admin, `${base()}/users/${id}/delete`, {});
    expect(again.status).toBe(404);
    const gone = await admin.goto(`${base()}/users/${id}/delete`);
    expect(gone?.status()).toBe(404);
    expect(await heading(admin)).toBe("User not found");

    await admin.goto(`${base()}/users/${adminId}/delete`);
    await admin.getByRole("button", { name: "Delete user" }).click();
    expect(await alertText(admin)).toContain("cannot delete itself");
    expect(await heading(admin)).toBe("Delete user admin?");
    expect(await prisma().user.count({ where: { id: adminId } })).toBe(1);
  });

  it("shows a machine user's new client secret, token and key file once, and removes them", async () => {
    const orgId = await seed.org();
    const machine = await seed.machine(orgId);
    const detail = `${base()}/users/${machine.id}`;
    await admin.goto(detail);
    expect(await admin.getByRole("main").textContent()).toContain("The user has no client secret.");

    // The secret: on the POST's answer (not cached, no redirect), and it works.
    const [secretAnswer] = await Promise.all([
      admin.waitForResponse((r) => r.url() === `${detail}/secret` && r.request().method() === "POST"),
      admin.getByRole("button", { name: "Generate a client secret" }).click(),
    ]);
    expect(secretAnswer.status()).toBe(200);
    expect(secretAnswer.headers()["cache-control"]).toBe("no-store");
    expect(await heading(admin)).toBe("Client secret for Robot");
    const secret = await admin.getByLabel("Client secret").inputValue();
    expect(secret.length).toBeGreaterThan(20);
    expect(admin.url()).not.toContain(secret);
    const token = await fetch(`${api().url}/oauth/v2/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${machine.username}:${secret}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "openid" }),
    });
    expect(token.status).toBe(200);
    await admin.getByRole("link", { name: "Back to Robot" }).click();
    expect(await admin.content()).not.toContain(secret);
    expect(await admin.getByRole("main").textContent()).toContain("The user has a client secret.");
    await admin.getByRole("button", { name: "Remove the client secret" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("The client secret was removed");
    expect(await prisma().machineSecret.count({ where: { userId: machine.id } })).toBe(0);
    const noSecret = await postForm(admin, `${detail}/secret/remove`, {});
    expect(noSecret.status).toBe(404);

    // A personal access token with an expiration date: shown once, listed with its expiry, and it works.
    await admin.locator("#expirationDate").fill("2031-01-02");
    await admin.getByRole("button", { name: "Add a personal access token" }).click();
    expect(await heading(admin)).toBe("Personal access token for Robot");
    const pat = await admin.getByLabel("Personal access token").inputValue();
    await screenshots("machine-token");
    const asMachine = api().client(UserService, "connect", pat);
    expect((await asMachine.getUserByID({ userId: machine.id })).user?.username).toBe(machine.username);
    await admin.goto(detail);
    const tokenRows = admin.locator('section[aria-labelledby="tokens"] tbody tr');
    expect(await tokenRows.count()).toBe(1);
    expect(await tokenRows.locator('td[data-label="Expires"]').textContent()).toBe("2031-01-02 00:00 UTC");
    expect(await admin.content()).not.toContain(pat);

    // A key without an expiration: its key file is a download on the answer page.
    await admin.getByRole("button", { name: "Add a key" }).click();
    expect(await heading(admin)).toBe("Key file for Robot");
    await screenshots("machine-key");
    const [download] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("link", { name: /Download the key file/ }).click(),
    ]);
    const keyFile = JSON.parse(await readFile((await download.path())!, "utf8")) as Record<string, string>;
    expect(keyFile).toMatchObject({ type: "serviceaccount", userId: machine.id });
    expect(download.suggestedFilename()).toBe(`${keyFile.keyId}.json`);
    expect(keyFile.key).toContain("PRIVATE KEY");
    expect(await prisma().userKey.findUniqueOrThrow({ where: { id: keyFile.keyId } })).toMatchObject({ userId: machine.id });
    await admin.goto(detail);
    const keyRows = admin.locator('section[aria-labelledby="keys"] tbody tr');
    expect(await keyRows.locator('td[data-label="Expires"]').textContent()).toBe("never");
    expect(await admin.content()).not.toContain("PRIVATE KEY");
    await screenshots("machine-user");

    // Bad expiration dates for either: the message in its section, the field marked, nothing added.
    const tokensBefore = await prisma().personalAccessToken.count({ where: { userId: machine.id } });
    const keysBefore = await prisma().userKey.count({ where: { userId: machine.id } });
    const dates: [string, RegExp][] = [
      ["2020-01-01", /expirationDate: must be in the future/],
      ["10000-01-01", /expirationDate: must be a timestamp before the year 10000/],
      ["not-a-date", /Expiration date: must be a date such as 2030-12-31/],
      ["2031-02-30", /Expiration date: must be a date such as 2030-12-31/],
    ];
    for (const [date, message] of dates) {
      for (const kind of ["tokens", "keys"]) {
        const response = await postForm(admin, `${detail}/${kind}`, { expirationDate: date });
        expect(response.status, `${kind} ${date}`).toBe(400);
        expect(response.text).toMatch(new RegExp(`<h2 id="${kind}">[^<]*</h2>\\s*<p class="error" role="alert">${message.source}`));
        expect(response.text).toContain(`value="${date}" aria-invalid="true"`);
      }
    }
    expect(await prisma().personalAccessToken.count({ where: { userId: machine.id } })).toBe(tokensBefore);
    expect(await prisma().userKey.count({ where: { userId: machine.id } })).toBe(keysBefore);
    await admin.locator("#keyExpirationDate").fill("2001-01-01");
    await admin.getByRole("button", { name: "Add a key" }).click();
    expect(await alertText(admin)).toContain("must be in the future");
    expect(await admin.locator("#keyExpirationDate").getAttribute("aria-invalid")).toBe("true");
    expect(await admin.locator("#expirationDate").getAttribute("aria-invalid")).toBeNull();

    // Removing: each by its button; an unknown one is not found.
    await admin.goto(detail);
    await admin.getByRole("button", { name: /^Remove token / }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The personal access token was removed.");
    await admin.getByRole("button", { name: `Remove key ${keyFile.keyId}` }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The key was removed.");
    expect(await prisma().personalAccessToken.count({ where: { userId: machine.id } })).toBe(0);
    expect(await prisma().userKey.count({ where: { userId: machine.id } })).toBe(0);
    for (const kind of ["tokens", "keys"]) {
      const response = await postForm(admin, `${detail}/${kind}/999999999999999/remove`, {});
      expect(response.status).toBe(404);
      expect(response.text).toMatch(/role="alert">[^<]*not found/);
    }
    // More tokens than fit on a page: the tokens list pages on its own.
    for (let i = 0; i < 21; i++) await seed.users.addPersonalAccessToken({ userId: machine.id });
    await admin.goto(detail);
    const tokenPages = admin.getByRole("navigation", { name: "Pages of tokens" });
    expect(await tokenPages.textContent()).toContain("1–20 of 21");
    expect(await admin.locator('section[aria-labelledby="tokens"] tbody tr').count()).toBe(20);
    await tokenPages.getByRole("link", { name: "Next page" }).click();
    expect(new URL(admin.url()).searchParams.get("tokens")).toBe("2");
    expect(await admin.locator('section[aria-labelledby="tokens"] tbody tr').count()).toBe(1);
    expect(await admin.getByRole("main").textContent()).toContain("None yet.");

    // A human has no machine credentials: the API refuses.
    const human = await seed.human(orgId);
    const onHuman = await postForm(admin, `${base()}/users/${human.id}/tokens`, { expirationDate: "" });
    expect(onHuman.status).toBeGreaterThanOrEqual(400);
    expect(onHuman.status).toBeLessThan(500);
    expect(await prisma().personalAccessToken.count({ where: { userId: human.id } })).toBe(0);
  });

  it("keeps an organization owner to its own organization's users, and lets no one change a user with higher rights", async () => {
    const orgA = await seed.org();
    const orgB = await seed.org();
    const owner = await seed.human(orgA);
    const permissions = api().client(InternalPermissionService, "connect");
    await permissions.createAdministrator({
      userId: owner.id,
      resource: { resource: { case: "organizationId", value: orgA } },
      roles: ["ORG_OWNER"],
    });
    const colleague = await seed.human(orgA);
    const stranger = await seed.human(orgB);
    // An instance owner's machine user in A: A's owner administers A's users, but not this one.
    const superior = await seed.machine(orgA);
    await permissions.createAdministrator({
      userId: superior.id,
      resource: { resource: { case: "instance", value: true } },
      roles: ["IAM_OWNER"],
    });
    const superiorHuman = await seed.human(orgA);
    await permissions.createAdministrator({
      userId: superiorHuman.id,
      resource: { resource: { case: "instance", value: true } },
      roles: ["IAM_OWNER"],
    });

    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, owner.username, PASSWORD);
    await page.goto(`${base()}/users`);
    const listed = await page.locator("tbody").textContent();
    expect(listed).toContain(colleague.username);
    expect(listed).not.toContain(stranger.username);

    // Another organization's user: not found, and locking it changes nothing.
    const foreign = await page.goto(`${base()}/users/${stranger.id}`);
    expect(foreign?.status()).toBe(404);
    expect(await heading(page)).toBe("User not found");
    const lock = await postForm(page, `${base()}/users/${stranger.id}/lock`, {});
    expect([403, 404]).toContain(lock.status);
    expect(lock.text).toMatch(/role="alert">[^<]*not found/);
    expect((await userRow(stranger.id)).state).toBe("ACTIVE");
    const before = await userCount();
    const created = await postForm(page, `${base()}/users/new/machine`, { organizationId: orgB, name: "Intruder" });
    expect(created.status).toBe(403);
    expect(created.text).toContain("You are not allowed to do this");
    expect(await userCount()).toBe(before);
    // The select offers only what the owner sees.
    await page.goto(`${base()}/users/new/human`);
    const offered = await page
      .getByLabel("Organization")
      .locator("option")
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual([orgA]);

    // Its own organization's plain users it may change.
    await page.goto(`${base()}/users/${colleague.id}`);
    await page.getByRole("link", { name: "Lock…" }).click();
    await page.getByRole("button", { name: "Lock user" }).click();
    expect((await userRow(colleague.id)).state).toBe("LOCKED");

    // A user holding IAM_OWNER: every change is refused on the page, and nothing changes.
    const escalations: [string, Record<string, string>][] = [
      [`/users/${superior.id}/secret`, {}],
      [`/users/${superior.id}/tokens`, { expirationDate: "" }],
      [`/users/${superior.id}/keys`, { expirationDate: "" }],
      [`/users/${superior.id}/lock`, {}],
      [`/users/${superior.id}/delete`, {}],
      [`/users/${superiorHuman.id}/password`, { password: "Escalat3d-Passw0rd!", changeRequired: "on" }],
    ];
    const hashBefore = (await userRow(superiorHuman.id)).passwordHash;
    for (const [action, fields] of escalations) {
      const response = await postForm(page, `${base()}${action}`, fields);
      expect(response.status, action).toBe(403);
      expect(response.text).toMatch(
        /role="alert">You are not allowed to do this \([^)]*it holds IAM_OWNER, which your roles do not cover\)/,
      );
    }
    expect(await prisma().machineSecret.count({ where: { userId: superior.id } })).toBe(0);
    expect(await prisma().personalAccessToken.count({ where: { userId: superior.id } })).toBe(0);
    expect(await prisma().userKey.count({ where: { userId: superior.id } })).toBe(0);
    expect((await userRow(superior.id)).state).toBe("ACTIVE");
    expect((await userRow(superiorHuman.id)).passwordHash).toBe(hashBefore);
    await context.close();
  });
});
