// The password-change step of the login UI (passwordChangeRequired), in headless Chromium: the
// human instance administrator of the first start, users whose flag the management API set, and
// the attempts to get past the step without taking it.
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as oidc from "openid-client";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { unique } from "../support/directory.js";
import { authorizationRequest, CALLBACK, discover, visit } from "../support/relying-party.js";
import { PASSWORD, seeder } from "../support/seed.js";

const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-password-change-"));
const PASSWORD_FILE = path.join(home, "secrets", "admin.password");
const api = useApiServer({ env: { ADMIN_PASSWORD_FILE: PASSWORD_FILE } });
const browser = useBrowser();

const NEW_PASSWORD = "N3w-Passw0rd!";
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

describe("the password-change step", () => {
  let seed: ReturnType<typeof seeder>;
  let app: { clientId: string; clientSecret: string };
  let config: oidc.Configuration;
  beforeAll(async () => {
    seed = seeder(api());
    const orgId = await seed.org();
    const projectId = await seed.project(orgId);
    app = await seed.webApp(projectId, CALLBACK);
    config = await discover(api().url, app.clientId, app.clientSecret);
  });

  const stored = (userId: string) =>
    api().db.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true, passwordChangeRequired: true } });

  /** Opens a new authorization request and signs in with the login form (no callback expected). */
  async function signIn(page: Page, loginName: string, password: string) {
    const request = await authorizationRequest(config, "openid profile");
    await page.goto(request.url.href);
    await page.getByLabel("Login name").fill(loginName);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    return request;
  }

  async function choose(page: Page, password: string, confirmation = password) {
    await page.getByLabel("New password", { exact: true }).fill(password);
    await page.getByLabel("Confirm new password").fill(confirmation);
    await page.getByRole("button", { name: "Change password and continue" }).click();
  }

  const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
  const alert = (page: Page) => page.getByRole("alert").textContent();

  it("shows the step to the first start's administrator, refuses bad passwords, then signs in as any login does", async () => {
    const admin = await api().db.prisma.user.findFirstOrThrow({ where: { loginKey: "admin" } });
    const initial = (await readFile(PASSWORD_FILE, "utf8")).trim();
    const before = await stored(admin.id);
    expect(before.passwordChangeRequired).toBe(true);

    const page = await browser().newPage();
    const { verifier } = await signIn(page, "admin", initial);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    expect(page.url()).toMatch(/\/ui\/login\/[^/]+$/);
    expect(await page.getByLabel("New password", { exact: true }).evaluate((e) => e === document.activeElement)).toBe(true);

    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.screenshot({ path: path.join(SCREENSHOTS, `password-change-${width}.png`), fullPage: true });
    }

    await choose(page, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    expect(await alert(page)).toBe("The two passwords do not match.");
    await choose(page, "weakpassword1");
    expect(await alert(page)).toBe("The new password must contain an uppercase letter.");
    await choose(page, "Sh0rt!");
    expect(await alert(page)).toBe("The new password must be at least 8 characters.");
    await page.getByRole("button", { name: "Change password and continue" }).click(); // empty: the browser asks (required)
    expect(await heading(page)).toBe("Choose a new password");
    expect(await page.locator('input[name="username"]').isVisible()).toBe(false);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SCREENSHOTS, "password-change-error-390.png"), fullPage: true });
    expect(await stored(admin.id)).toEqual(before); // nothing changed

    await choose(page, NEW_PASSWORD);
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const callback = new URL(page.url());
    expect(callback.searchParams.get("code")).toBeTruthy();
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
    expect(tokens.claims()?.sub).toBe(admin.id);
    await page.close();

    const after = await stored(admin.id);
    expect(after.passwordChangeRequired).toBe(false);
    expect(after.passwordHash).not.toBe(before.passwordHash);
    const audit = await api().db.prisma.auditEntry.findMany({ where: { targetId: admin.id, action: "user.password.changed" } });
    expect(audit).toMatchObject([{ actorId: admin.id, after: { passwordChangeRequired: false } }]);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(NEW_PASSWORD);

    // Next time: the new password, and no step.
    const again = await browser().newPage();
    const { url } = await authorizationRequest(config, "openid");
    expect((await visit(again, url, { username: "admin", password: NEW_PASSWORD })).searchParams.get("code")).toBeTruthy();
    await again.close();
    const old = await browser().newPage();
    await signIn(old, "admin", initial);
    expect(await alert(old)).toBe("The login name or password is wrong.");
    await old.close();
  });

  it("shows the step to a user whose flag UserService set (changeRequired), and refuses the current password", async () => {
    const orgId = await seed.org();
    const username = unique("changer").toLowerCase();
    const { userId } = await seed.users.addHumanUser({
      organization: { org: { case: "orgId", value: orgId } },
      username,
      profile: { givenName: "Ada", familyName: "Lovelace" },
      email: { email: `${username}@example.com`, verification: { case: "isVerified", value: true } },
      passwordType: { case: "password", value: { password: PASSWORD, changeRequired: true } },
    } as never);
    const page = await browser().newPage();
    const { verifier } = await signIn(page, username, PASSWORD);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await choose(page, PASSWORD);
    expect(await alert(page)).toBe("The new password must differ from the current password.");
    expect((await stored(userId)).passwordChangeRequired).toBe(true);
    await choose(page, NEW_PASSWORD);
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier });
    expect(tokens.claims()?.sub).toBe(userId);
    await page.close();
  });

  it("shows the step after v1's SetHumanInitialPassword", async () => {
    const orgId = await seed.org();
    const user = await seed.human(orgId);
    const res = await fetch(`${api().url}/management/v1/users/${user.id}/password/_initialize`, {
      method: "POST",
      headers: { authorization: `Bearer ${api().adminToken}`, "x-zitadel-orgid": orgId, "content-type": "application/json" },
      body: JSON.stringify({ password: "Initial-Passw0rd" }),
    });
    expect(res.status).toBe(200);
    const page = await browser().newPage();
    await signIn(page, user.username, "Initial-Passw0rd");
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await page.close();
  });

  it("is followed by the sign-in checks, and sends the user back to sign in when the password changed meanwhile", async () => {
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true }, ["viewer"]);
    const guarded = await seed.webApp(projectId, CALLBACK);
    const guardedConfig = await discover(api().url, guarded.clientId, guarded.clientSecret);
    const username = unique("norole").toLowerCase();
    const { userId } = await seed.users.addHumanUser({
      organization: { org: { case: "orgId", value: orgId } },
      username,
      profile: { givenName: "No", familyName: "Role" },
      email: { email: `${username}@example.com`, verification: { case: "isVerified", value: true } },
      passwordType: { case: "password", value: { password: PASSWORD, changeRequired: true } },
    } as never);

    // An administrator sets another password (still to be changed) while the step is shown.
    const page = await browser().newPage();
    const request = await authorizationRequest(guardedConfig, "openid");
    await page.goto(request.url.href);
    await page.getByLabel("Login name").fill(username);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await seed.users.setPassword({ userId, newPassword: { password: "Admin-Set-Passw0rd", changeRequired: true } });
    const before = await stored(userId);
    await choose(page, NEW_PASSWORD);
    expect(await heading(page)).toBe("Sign in");
    expect(await alert(page)).toBe("Your password was changed meanwhile. Sign in again.");
    expect(await stored(userId)).toEqual(before);

    // With the password set meanwhile: the step, then the project's check refuses (no role).
    await page.getByLabel("Password").fill("Admin-Set-Passw0rd");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await choose(page, NEW_PASSWORD);
    await page.getByText("You are not authorized to use this application").waitFor();
    expect(page.url()).not.toContain(CALLBACK);
    expect((await stored(userId)).passwordChangeRequired).toBe(false);

    // Given a role, the same request goes through.
    await seed.authorize(userId, projectId, ["viewer"]);
    await page.getByRole("button", { name: "Sign in with another account" }).click();
    await page.getByLabel("Login name").fill(username);
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const tokens = await oidc.authorizationCodeGrant(guardedConfig, new URL(page.url()), { pkceCodeVerifier: request.verifier });
    expect(tokens.claims()?.sub).toBe(userId);
    await page.close();
  });

  it("cannot be skipped: resuming the authorization, posting the login again, or posting the step without signing in", async () => {
    const orgId = await seed.org();
    const username = unique("skipper").toLowerCase();
    const { userId } = await seed.users.addHumanUser({
      organization: { org: { case: "orgId", value: orgId } },
      username,
      profile: { givenName: "Eve", familyName: "Skipper" },
      email: { email: `${username}@example.com`, verification: { case: "isVerified", value: true } },
      passwordType: { case: "password", value: { password: PASSWORD, changeRequired: true } },
    } as never);
    const before = await stored(userId);

    // Signed in with the right password, the step is shown; now the attempts to get around it.
    const page = await browser().newPage();
    await signIn(page, username, PASSWORD);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    const uid = new URL(page.url()).pathname.split("/").pop()!;
    const csrf = await page.locator('input[name="csrf"]').inputValue();

    // 1. Posting the login form again (with the right password) shows the step again, never the app.
    const relogin = await page.request.post(`${api().url}/ui/login/${uid}/login`, {
      form: { csrf, loginName: username, password: PASSWORD },
      maxRedirects: 0,
    });
    expect(relogin.status()).toBe(303);
    expect(relogin.headers().location).toBe(`/ui/login/${uid}`);

    // 2. Resuming the authorization request as if the interaction had finished: a new login form.
    await page.goto(`${api().url}/oauth/v2/authorize/${uid}`);
    expect(page.url()).not.toContain(CALLBACK);
    expect(await heading(page)).toBe("Sign in");
    expect(new URL(page.url()).searchParams.get("code")).toBeNull();

    // 3. Posting the step in an interaction where nobody signed in: refused, nothing changed.
    const fresh = await browser().newPage();
    const { url } = await authorizationRequest(config, "openid");
    await fresh.goto(url.href);
    await fresh.getByLabel("Login name").waitFor();
    const freshUid = new URL(fresh.url()).pathname.split("/").pop()!;
    const freshCsrf = await fresh.locator('input[name="csrf"]').inputValue();
    const skipped = await fresh.request.post(`${api().url}/ui/login/${freshUid}/password`, {
      form: { csrf: freshCsrf, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      maxRedirects: 0,
    });
    expect(skipped.status()).toBe(403);
    expect(await skipped.text()).toContain("Sign in with your current password first.");
    // Without the interaction's CSRF token, or of another interaction: refused as well.
    const forged = await fresh.request.post(`${api().url}/ui/login/${freshUid}/password`, {
      form: { csrf, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    // And the interaction of the first browser, from this one (no interaction cookie): expired.
    const foreign = await fresh.request.post(`${api().url}/ui/login/${uid}/password`, {
      form: { csrf, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      maxRedirects: 0,
    });
    expect(foreign.status()).toBe(400);
    await fresh.close();
    await page.close();

    expect(await stored(userId)).toEqual(before);
    expect(await api().db.prisma.auditEntry.count({ where: { targetId: userId, action: "user.password.changed" } })).toBe(0);
  });
});
