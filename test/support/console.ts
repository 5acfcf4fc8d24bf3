// Driving the console in headless Chromium as an administrator does: sign in through the login UI
// (and its password-change step when asked), then use the pages.
import type { Page } from "playwright-core";
import { expect } from "vitest";

export const CONSOLE_ADMIN_PASSWORD = "Initial-Passw0rd!";
export const CONSOLE_ADMIN_NEW_PASSWORD = "Console-Passw0rd!";

/** Opens `/` and signs in; `newPassword` answers the password-change step. Ends on a console page. */
export async function signInToConsole(page: Page, baseUrl: string, loginName: string, password: string, newPassword?: string) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("Login name").fill(loginName);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (newPassword) {
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(newPassword);
    await page.getByRole("button", { name: "Change password and continue" }).click();
  }
  await page.waitForURL(/\/ui\/console\//);
}

/** Posts a console form as the page would, with its CSRF token and the given fields (bypassing
 * the browser's own checks): the server's answer (status and page). */
export async function postForm(page: Page, action: string, fields: Record<string, string>, csrf?: string) {
  const token = csrf ?? (await page.locator('input[name="csrf"]').first().inputValue());
  const response = await page.request.post(action, { form: { csrf: token, ...fields }, maxRedirects: 0 });
  return { status: response.status(), text: await response.text() };
}

export const alertText = (page: Page) => page.getByRole("alert").first().textContent();

export async function heading(page: Page) {
  const text = await page.getByRole("heading", { level: 1 }).textContent();
  expect(text).toBeTruthy();
  return text!;
}
