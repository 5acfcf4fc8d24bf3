// The pages under their Content-Security-Policy header, in headless Chromium: styles load, the
// scripts oidc-provider writes itself (the self-submitting forms of response_mode=form_post and of a
// logout without a session) still run, nothing is refused, and no other site can frame a page.
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as oidc from "openid-client";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { CALLBACK, discover, visit } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
const browser = useBrowser();
/** Screenshots of the login page, to look at (not compared). */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? path.join(os.tmpdir(), "rolegate-screenshots");

/** A page that records what Chromium refused under a Content-Security-Policy. */
async function watchedPage(): Promise<{ page: Page; refused: string[] }> {
  const page = await browser().newPage();
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return { page, refused };
}

describe("pages under their Content-Security-Policy", () => {
  let seed: ReturnType<typeof seeder>;
  let config: oidc.Configuration;
  let user: { id: string; username: string };
  beforeAll(async () => {
    seed = seeder(api());
    const orgId = await seed.org();
    const projectId = await seed.project(orgId);
    user = await seed.human(orgId);
    const app = await seed.webApp(projectId, CALLBACK);
    config = await discover(api().url, app.clientId, app.clientSecret);
  });

  const authorizationUrl = (extra: Record<string, string> = {}) =>
    oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: oidc.randomState(), ...extra });

  it("the login page keeps its styles, at phone and desktop widths", async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const { page, refused } = await watchedPage();
    await page.goto(authorizationUrl().href);
    const button = page.getByRole("button", { name: /sign in/i });
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      // The branding's primary color (#5469d4) and the layout's rules come from the inline styles.
      expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(84, 105, 212)");
      const main = await page
        .locator("main")
        .evaluate((m) => ({ width: m.getBoundingClientRect().width, padding: getComputedStyle(m).paddingTop }));
      expect(main.width).toBeLessThanOrEqual(Math.min(width, 416));
      expect(main.padding).toBe(width < 480 ? "24px" : "32px");
      await page.screenshot({ path: path.join(SCREENSHOTS, `login-${width}.png`), fullPage: true });
    }
    expect(refused).toEqual([]);
    await page.close();
  });

  it("response_mode=form_post: oidc-provider's self-submitting form runs and posts the code to the app", async () => {
    const { page, refused } = await watchedPage();
    const posted = page.waitForRequest((request) => request.url() === CALLBACK && request.method() === "POST");
    await visit(page, authorizationUrl({ response_mode: "form_post" }), user);
    expect((await posted).postData()).toMatch(/(^|&)code=[^&]+/);
    expect(refused).toEqual([]);
    await page.close();
  });

  it("end session without a session: oidc-provider's self-submitting form runs and the user sees the signed-out page", async () => {
    const { page, refused } = await watchedPage();
    await page.goto(new URL("/oidc/v1/end_session", api().url).href);
    await expect(page.getByRole("heading", { name: "You are signed out" }).waitFor()).resolves.toBeUndefined();
    expect(refused).toEqual([]);
    await page.close();
  });

  it("another site cannot frame a page (frame-ancestors 'none'), while frames of its own load", async () => {
    const page = await browser().newPage();
    await page.goto(CALLBACK); // another origin: the relying party's
    const framed = new URL("/ui/login/no-such-interaction", api().url).href; // the login UI's error page
    // setContent waits for the load event, which waits for both frames (a refused one included).
    await page.setContent(`<iframe name="own" src="${CALLBACK}?framed"></iframe><iframe name="rolegate" src="${framed}"></iframe>`);
    const textOf = (name: string) => page.frame({ name })!.evaluate(() => document.body?.innerText ?? "");
    expect(await textOf("own")).toBe("callback");
    // Chromium replaces a refused frame's document with an error page of its own.
    const text = await textOf("rolegate");
    expect(text).not.toMatch(/This sign-in has expired/);
    await page.close();
  });
});
