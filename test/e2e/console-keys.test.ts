// The console's signing keys screen (R-CONSOLE-65..) in headless Chromium: the instance owner
// lists, creates, activates and deletes web keys, and the JWKS follows; the active key cannot be
// deleted; an organization owner is refused and changes nothing.
import os from "node:os";
import path from "node:path";
import { State } from "@zitadel/proto/zitadel/webkey/v2/key_pb.js";
import { WebKeyService } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { InternalPermissionService } from "../../src/generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { alertText, CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, postForm, signInToConsole } from "../support/console.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

describe("the console's signing keys", () => {
  let admin: Page;
  const keysUrl = () => `${api().url}/ui/console/keys`;
  const webKeys = async () => (await api().client(WebKeyService, "connect").listWebKeys({})).webKeys;
  const stateOf = async (id: string) => (await webKeys()).find((k) => k.id === id)?.state;
  const jwks = async () =>
    ((await (await fetch(`${api().url}/oauth/v2/keys`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  beforeAll(async () => {
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
  }, 60_000);

  /** Creates a key of `label` in the browser; its id. */
  async function createKey(label: string) {
    const before = new Set((await webKeys()).map((k) => k.id));
    await admin.goto(keysUrl());
    await admin.getByLabel("Key type").selectOption({ label });
    await admin.getByRole("button", { name: "Create key" }).click();
    expect(await admin.getByRole("status").textContent()).toContain("The key was created");
    const created = (await webKeys()).filter((k) => !before.has(k.id));
    expect(created).toHaveLength(1);
    return created[0]!.id;
  }

  it("lists the keys; creates, activates and deletes one, and the JWKS follows", async () => {
    await admin.goto(keysUrl());
    expect(await heading(admin)).toBe("Signing keys");
    const initial = await webKeys();
    expect(await admin.locator("tbody tr").count()).toBe(initial.length);
    const rs256 = initial.find((k) => k.state === State.ACTIVE && k.key.case === "rsa")!;
    expect(await admin.locator("tbody tr", { hasText: rs256.id }).textContent()).toMatch(/RSA 2048 bits \(RS256\)[\s\S]*active/);

    const first = await createKey("RSA 3072 bits (RS256)");
    expect(await stateOf(first)).toBe(State.INITIAL);
    expect(await admin.locator("tbody tr", { hasText: first }).textContent()).toMatch(/RSA 3072 bits \(RS256\)[\s\S]*initial/);
    // Published before it signs, so that verifiers can cache it.
    expect(await jwks()).toContain(first);

    await admin.getByRole("button", { name: `Activate key ${first}` }).click();
    expect(await admin.getByRole("status").textContent()).toContain("The key was activated");
    expect(await stateOf(first)).toBe(State.ACTIVE);
    expect(await stateOf(rs256.id)).toBe(State.INACTIVE);
    expect(await jwks()).toContain(first);

    // A second one replaces the first, which becomes inactive and can then be deleted.
    const second = await createKey("RSA 2048 bits (RS256)");
    await admin.getByRole("button", { name: `Activate key ${second}` }).click();
    expect(await stateOf(first)).toBe(State.INACTIVE);
    expect(await admin.locator("tbody tr", { hasText: first }).textContent()).toContain("inactive");
    const ecdsa = await createKey("ECDSA P-256 (ES256)");
    expect((await webKeys()).find((k) => k.id === ecdsa)?.key.case).toBe("ecdsa");
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-keys-${width}.png`), fullPage: true });
    }

    await admin.getByRole("link", { name: `Delete key ${first}` }).click();
    expect(await heading(admin)).toBe(`Delete key ${first}?`);
    expect(await stateOf(first)).toBe(State.INACTIVE);
    await admin.getByRole("button", { name: "Delete the key" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The key was deleted.");
    expect(await stateOf(first)).toBeUndefined();
    expect(await jwks()).not.toContain(first);

    // The active key cannot be deleted: the API's refusal on the confirmation page.
    await admin.goto(`${keysUrl()}/${second}/delete`);
    await admin.getByRole("button", { name: "Delete the key" }).click();
    expect(await alertText(admin)).toContain(`web key ${second} is the active RS256 key`);
    expect(await stateOf(second)).toBe(State.ACTIVE);
    expect(await jwks()).toContain(second);

    // The console's own search and pages over the API's one list.
    await admin.goto(`${keysUrl()}?q=es256`);
    const rows = await admin.locator("tbody tr").allTextContents();
    expect(rows.length).toBe((await webKeys()).filter((k) => k.key.case === "ecdsa").length);
    for (const row of rows) expect(row).toContain("ES256");
  });

  it("refuses a key type it does not offer, and an unknown key, changing nothing", async () => {
    await admin.goto(keysUrl());
    const before = await webKeys();
    for (const type of ["rsa-1024", "ed25519", ""]) {
      const answer = await postForm(admin, keysUrl(), { type });
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(/role="alert">Key type: choose one of the offered types/);
    }
    const activate = await postForm(admin, `${keysUrl()}/123456789/activate`, {});
    expect(activate.status).toBe(404);
    expect(activate.text).toMatch(/role="alert">web key 123456789 not found/);
    const missing = await admin.goto(`${keysUrl()}/123456789/delete`);
    expect(missing?.status()).toBe(404);
    expect(await webKeys()).toEqual(before);
  });

  it("refuses an organization owner: nothing is listed or changed", async () => {
    const seed = seeder(api());
    const orgId = await seed.org();
    const owner = await seed.human(orgId);
    await api()
      .client(InternalPermissionService, "connect")
      .createAdministrator({ userId: owner.id, resource: { resource: { case: "organizationId", value: orgId } }, roles: ["ORG_OWNER"] });
    const before = await webKeys();
    const key = before[0]!;
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, owner.username, PASSWORD);

    const list = await page.goto(keysUrl());
    expect(list?.status()).toBe(403);
    expect(await alertText(page)).toContain("You are not allowed to do this");
    for (const [action, fields] of [
      [keysUrl(), { type: "rsa-2048" }],
      [`${keysUrl()}/${key.id}/activate`, {}],
      [`${keysUrl()}/${key.id}/delete`, {}],
    ] as const) {
      const answer = await postForm(page, action, fields);
      expect(answer.status, action).toBe(403);
      expect(answer.text).toMatch(/role="alert">You are not allowed to do this/);
    }
    expect(await webKeys()).toEqual(before);
    await context.close();
  });
});
