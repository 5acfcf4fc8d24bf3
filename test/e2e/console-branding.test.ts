// The console's branding screen (R-CONSOLE-70..): an organization's label policy through
// zitadel.management.v1 in its organization's context (R-BRAND-3), and logo uploads forwarded
// to the asset API with the session's token (R-BRAND-4), in headless Chromium.
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { alertText, CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, postForm, signInToConsole } from "../support/console.js";
import { unique } from "../support/directory.js";
import { solidPng } from "../support/png.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

/** The organization's label policy rows (active and preview) and assets, to check that nothing changed. */
async function brandingOf(orgId: string) {
  const prisma = api().db.prisma;
  const rows = await prisma.branding.findMany({ where: { orgId }, orderBy: { preview: "asc" } });
  const assets = await prisma.brandingAsset.findMany({ where: { orgId }, select: { id: true }, orderBy: { id: "asc" } });
  return {
    rows: rows.map(({ createdAt: _c, updatedAt: _u, ...row }) => row),
    assets: assets.map((a) => a.id),
  };
}

/** Posts the upload form as the browser does (multipart, its CSRF token a field). */
async function upload(page: Page, orgId: string, slot: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const csrf = await page.locator('input[name="csrf"]').first().inputValue();
  const response = await page.request.post(`${api().url}/ui/console/branding/${orgId}/upload`, {
    multipart: { csrf, slot, file },
    maxRedirects: 0,
  });
  return { status: response.status(), text: await response.text() };
}

const png = (bytes = solidPng(24, 24, [84, 105, 212])) => ({ name: "logo.png", mimeType: "image/png", buffer: bytes });

describe("the console's branding screen", () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  beforeAll(async () => {
    seed = seeder(api());
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
  }, 60_000);

  it("lists the organizations to choose from, with search, and opens one's branding from its page", async () => {
    const name = unique("Branded");
    const orgId = await seed.org(name);
    await admin.goto(`${api().url}/ui/console/branding?q=${encodeURIComponent(name)}`);
    expect(await heading(admin)).toBe("Branding");
    expect(await admin.locator("tbody tr").count()).toBe(1);
    await admin.getByRole("link", { name }).click();
    expect(await heading(admin)).toBe(`Branding of ${name}`);
    expect(admin.url()).toBe(`${api().url}/ui/console/branding?org=${orgId}`);
    expect(await admin.getByRole("main").textContent()).toContain("No custom branding");

    await admin.goto(`${api().url}/ui/console/organizations/${orgId}`);
    await admin.getByRole("link", { name: "Branding" }).last().click();
    expect(await heading(admin)).toBe(`Branding of ${name}`);
  });

  it("edits the preview, which the login pages show only once activated, uploads a logo, and resets", async () => {
    const name = unique("Colors");
    const orgId = await seed.org(name);
    await admin.goto(`${api().url}/ui/console/branding?org=${orgId}`);
    await admin.getByLabel("Primary color", { exact: true }).fill("#123456");
    await admin.getByLabel("Background color (dark theme)", { exact: true }).fill("#0A0B0C");
    await admin.getByLabel("Hide the login name suffix (the organization's domain)").check();
    await admin.getByLabel("Theme", { exact: true }).selectOption({ label: "Always dark" });
    await admin.getByRole("button", { name: "Save the preview" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("The preview was saved");
    let stored = await brandingOf(orgId);
    expect(stored.rows).toEqual([
      expect.objectContaining({
        preview: true,
        primaryColor: "#123456",
        backgroundColorDark: "#0a0b0c",
        hideLoginNameSuffix: true,
        themeMode: "DARK",
      }),
    ]);
    // The preview shows the colors as swatches with their values; the active policy is still the default.
    const preview = admin.getByRole("table", { name: "Preview colors" });
    expect(await preview.textContent()).toContain("#123456");
    expect(await preview.locator(".swatch").first().getAttribute("style")).toBe("background-color: #123456");
    expect(await admin.getByRole("table", { name: "Active colors" }).textContent()).not.toContain("#123456");

    // Saving again updates the preview (there is one now).
    await admin.getByLabel("Primary color", { exact: true }).fill("#654321");
    await admin.getByRole("button", { name: "Save the preview" }).click();
    expect((await brandingOf(orgId)).rows).toEqual([expect.objectContaining({ preview: true, primaryColor: "#654321" })]);

    await admin.getByRole("button", { name: "Activate the preview" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("now active");
    stored = await brandingOf(orgId);
    expect(stored.rows.map((r) => [r.preview, r.primaryColor])).toEqual([
      [false, "#654321"],
      [true, "#654321"],
    ]);
    expect(await admin.getByRole("table", { name: "Active colors" }).textContent()).toContain("#654321");

    // A logo, through the page's own multipart form: forwarded to the asset API.
    await admin.getByLabel("Put the image in").selectOption("logo");
    await admin.getByLabel("Image", { exact: true }).setInputFiles(png());
    await admin.getByRole("button", { name: "Upload" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("The image was uploaded");
    stored = await brandingOf(orgId);
    const previewRow = stored.rows.find((r) => r.preview)!;
    expect(previewRow.logoId).toMatch(/^[0-9]+$/);
    expect(stored.rows.find((r) => !r.preview)!.logoId).toBeNull();
    const logo = admin.getByRole("img", { name: "Logo", exact: true });
    await logo.waitFor();
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(24);

    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-branding-${width}.png`), fullPage: true });
    }

    await admin.getByRole("button", { name: "Remove the logo" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("removed");
    expect((await brandingOf(orgId)).rows.find((r) => r.preview)!.logoId).toBeNull();

    await admin.getByRole("button", { name: "Reset the branding" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("reset");
    expect(await brandingOf(orgId)).toEqual({ rows: [], assets: [] });
    expect(await admin.getByRole("main").textContent()).toContain("No custom branding");
  });

  it("shows a bad color's error on the page, marks the field, keeps the typed values, and changes nothing", async () => {
    const orgId = await seed.org();
    await admin.goto(`${api().url}/ui/console/branding?org=${orgId}`);
    await admin.getByRole("button", { name: "Save the preview" }).click();
    const before = await brandingOf(orgId);
    for (const bad of ["#12345", "red", "#1234567", "12345g", "#fff; background: url(x)"]) {
      const response = await postForm(admin, `${api().url}/ui/console/branding/${orgId}/policy`, { primaryColor: bad, fontColor: "#000" });
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/role="alert">Primary color: must be a color like #5469d4/);
      expect(await brandingOf(orgId)).toEqual(before);
    }
    // In the browser: the message, the field marked invalid, the typed values kept.
    await admin.getByLabel("Warning color", { exact: true }).fill("#abc");
    await admin.getByLabel("Primary color", { exact: true }).fill("red");
    await admin.getByRole("button", { name: "Save the preview" }).click();
    expect(await alertText(admin)).toBe("Primary color: must be a color like #5469d4");
    expect(await admin.getByLabel("Primary color", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await admin.getByLabel("Primary color", { exact: true }).inputValue()).toBe("red");
    expect(await admin.getByLabel("Warning color", { exact: true }).inputValue()).toBe("#abc");
    expect(await brandingOf(orgId)).toEqual(before);
    // An unknown theme and activating without a preview are refused as well.
    expect((await postForm(admin, `${api().url}/ui/console/branding/${orgId}/policy`, { themeMode: "9" })).status).toBe(400);
    expect((await postForm(admin, `${api().url}/ui/console/branding/${orgId}/policy`, { themeMode: "1e10" })).status).toBe(400);
    const other = await seed.org();
    const activate = await postForm(admin, `${api().url}/ui/console/branding/${other}/activate`, {});
    expect(activate.status).toBe(404);
    expect(activate.text).toContain('role="alert"');
    expect(await brandingOf(other)).toEqual({ rows: [], assets: [] });
    expect(await brandingOf(orgId)).toEqual(before);
  });

  it("refuses an SVG, a file that is no image, one too large, and a wrong slot, changing nothing", async () => {
    const orgId = await seed.org();
    await admin.goto(`${api().url}/ui/console/branding?org=${orgId}`);
    const before = await brandingOf(orgId);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const cases = [
      { file: { name: "logo.svg", mimeType: "image/svg+xml", buffer: svg }, message: /The image: .*PNG, JPEG, GIF or WebP/ },
      {
        file: { name: "logo.png", mimeType: "image/png", buffer: Buffer.from("not an image") },
        message: /The image: .*PNG, JPEG, GIF or WebP/,
      },
      // Over 512 KiB: the asset API's limit, shown on the page.
      { file: png(Buffer.concat([solidPng(2, 2, [0, 0, 0]), Buffer.alloc(600 * 1024)])), message: /The image: is larger than 512 KiB/ },
      { file: { name: "empty.png", mimeType: "image/png", buffer: Buffer.alloc(0) }, message: /The image: is empty/ },
    ];
    for (const { file, message } of cases) {
      const response = await upload(admin, orgId, "logo", file);
      expect(response.status).toBe(400);
      expect(response.text).toMatch(new RegExp(`role="alert">${message.source}`));
      expect(await brandingOf(orgId)).toEqual(before);
    }
    // Far over the limit: refused before the form is read (its CSRF token with it).
    const huge = await upload(admin, orgId, "logo", png(Buffer.alloc(2 * 1024 * 1024)));
    expect(huge.status).toBe(400);
    expect(huge.text).toMatch(/role="alert">The upload is larger than 1024 KiB/);
    // Only the asset API's four slots: never another path.
    for (const slot of ["font", "../../../oauth/v2/token", ""]) {
      const response = await upload(admin, orgId, slot, png());
      expect(response.status).toBe(400);
      expect(response.text).toContain("Choose where the image goes.");
    }
    // Without the CSRF token: refused like any form.
    const forged = await admin.request.post(`${api().url}/ui/console/branding/${orgId}/upload`, {
      multipart: { csrf: "forged", slot: "logo", file: png() },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await brandingOf(orgId)).toEqual(before);
  });

  it("answers an organization that does not exist with 404", async () => {
    for (const org of ["123", "abc", "%0a"]) {
      const response = await admin.goto(`${api().url}/ui/console/branding?org=${org}`);
      expect(response?.status()).toBe(404);
      expect(await heading(admin)).toBe("Organization not found");
    }
    await admin.goto(`${api().url}/ui/console/branding`);
    const response = await postForm(admin, `${api().url}/ui/console/branding/123/policy`, { primaryColor: "#123" });
    expect(response.status).toBe(404);
  });

  it("refuses a user who does not own the organization, who changes nothing", async () => {
    const orgId = await seed.org();
    const user = await seed.human(orgId);
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, user.username, PASSWORD);
    const shown = await page.goto(`${api().url}/ui/console/branding?org=${orgId}`);
    expect(shown?.status()).toBe(403);
    expect(await alertText(page)).toContain("You are not allowed to do this");
    const before = await brandingOf(orgId);
    for (const [action, fields] of [
      ["policy", { primaryColor: "#123456" }],
      ["activate", {}],
      ["reset", {}],
    ] as const) {
      const response = await postForm(page, `${api().url}/ui/console/branding/${orgId}/${action}`, fields);
      expect(response.status).toBe(403);
      expect(response.text).toContain("You are not allowed to do this");
    }
    const uploaded = await upload(page, orgId, "logo", png());
    expect(uploaded.status).toBe(403);
    expect(uploaded.text).toContain("You are not allowed to do this");
    expect(await brandingOf(orgId)).toEqual(before);
    await context.close();
  });
});
