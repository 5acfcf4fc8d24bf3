// Private labeling end to end: an organization's owner sets colors and a logo through ZITADEL's
// APIs (v1 label policy, asset upload), activates them, and the login page in Chromium shows
// them, drawing the logo from rolegate's own origin. Screenshots at a phone's and a desktop's
// width go to $SCREENSHOT_DIR (default: the system's temp directory).
import os from "node:os";
import path from "node:path";
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import { Metadata } from "nice-grpc";
import * as oidc from "openid-client";
import { describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { solidPng } from "../support/png.js";
import { CALLBACK, discover } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
const browser = useBrowser();
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? os.tmpdir();

describe("branding set through the API", () => {
  it("shows the activated colors and logo on the login page, not the preview", async () => {
    const seed = seeder(api());
    const orgId = await seed.org();
    const mgmt = createManagementClient(api().url, createAccessTokenInterceptor(api().adminToken));
    const inOrg = { metadata: Metadata({ "x-zitadel-orgid": orgId }) };
    await mgmt.addCustomLabelPolicy(
      { primaryColor: "#aa0000", backgroundColor: "#fff8e7", fontColor: "#222222", warnColor: "#cc0000" },
      inOrg,
    );
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(solidPng(120, 40, [0x1e, 0x6f, 0xd9]))], { type: "image/png" }), "logo.png");
    const uploaded = await fetch(new URL("/assets/v1/org/policy/label/logo", api().url), {
      method: "POST",
      headers: { authorization: `Bearer ${api().adminToken}`, "x-zitadel-orgid": orgId },
      body: form,
    });
    expect(uploaded.status).toBe(200);

    const projectId = await seed.project(orgId);
    await seed.projects.updateProject({ id: projectId, privateLabelingSetting: 1 }); // the owner's branding
    const app = await seed.webApp(projectId, CALLBACK);
    const config = await discover(api().url, app.clientId, app.clientSecret);
    const loginUrl = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: "s" }).href;
    const page = await browser().newPage();
    const buttonColor = () => page.getByRole("button", { name: /sign in/i }).evaluate((b) => getComputedStyle(b).backgroundColor);

    // Not activated yet: the default look, no logo.
    await page.goto(loginUrl);
    expect(await page.locator("header img").count()).toBe(0);
    expect(await buttonColor()).not.toBe("rgb(170, 0, 0)");

    await mgmt.activateCustomLabelPolicy({}, inOrg);
    for (const [name, viewport] of [
      ["phone", { width: 390, height: 844 }],
      ["desktop", { width: 1280, height: 800 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto(loginUrl);
      const logo = page.locator("header img");
      await logo.waitFor();
      const src = await logo.getAttribute("src");
      expect(src).toMatch(new RegExp(`^/assets/v1/${orgId}/policy/label/[0-9]+$`));
      // Drawn: the browser loaded the PNG from rolegate's origin under the pages' CSP.
      expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
      expect((await page.locator("header").innerText()).trim()).toBe(""); // the logo alone, no "rolegate" beside it
      expect(await buttonColor()).toBe("rgb(170, 0, 0)");
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 248, 231)");
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `rolegate-login-branding-${name}.png`), fullPage: true });
    }
    await page.close();
  });
});
