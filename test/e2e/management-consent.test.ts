// The management API's audience in user flows: an app gets it only after the user consented, on
// a page naming the app, its organization and what it could do; remembered per user and app,
// withdrawn on the consents page (which ends the app's management access at once); prompt=none
// without it answers consent_required.
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as oidc from "openid-client";
import { Code } from "@connectrpc/connect";
import { OrganizationService } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createAdministrator } from "../../src/directory/administrators.js";
import { createApiClient, useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { expectCode } from "../support/connect.js";
import { authorizationRequest, CALLBACK, discover } from "../support/relying-party.js";
import { PASSWORD, seeder } from "../support/seed.js";
import { unique } from "../support/directory.js";

const api = useApiServer({ redis: true });
const browser = useBrowser();
let seed: ReturnType<typeof seeder>;
beforeAll(async () => {
  seed = seeder(api());
});

const MANAGEMENT = "urn:zitadel:iam:org:project:id:zitadel:aud";
/** Screenshots of the consent pages, to look at (not compared). */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? path.join(os.tmpdir(), "rolegate-screenshots");

async function screenshots(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
}
const atCallback = (u: URL) => u.href.startsWith(new URL(CALLBACK).origin);

async function nativeApp(projectId: string) {
  const res = await seed.apps.createApplication({
    projectId,
    name: unique("Dashboard"),
    creationRequestType: {
      case: "oidcRequest",
      value: { redirectUris: [CALLBACK], responseTypes: [1], grantTypes: [0, 2], appType: 2, authMethodType: 2 },
    },
  } as never);
  return { clientId: (res.creationResponseType.value as { clientId: string }).clientId };
}

/** An authorization request in `page`; signs in when the form shows; stops at the consent page or the callback. */
async function authorize(
  page: Page,
  config: oidc.Configuration,
  scope: string,
  user?: { username: string },
  extra: Record<string, string> = {},
) {
  const { url, verifier } = await authorizationRequest(config, scope, extra);
  await page.goto(url.href);
  if (user && !atCallback(new URL(page.url()))) {
    await page.getByLabel(/login name/i).fill(user.username);
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
  }
  await page.waitForURL((u) => atCallback(u) || u.pathname.startsWith("/ui/login/"));
  const finish = async () => {
    await page.waitForURL(atCallback);
    const callback = new URL(page.url());
    if (callback.searchParams.get("error")) return { error: callback.searchParams.get("error")! };
    return { tokens: await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }) };
  };
  return { atConsent: !atCallback(new URL(page.url())), finish };
}

describe("the management audience in user flows", () => {
  it("needs the user's consent per app: asked once, remembered, withdrawn on the consents page", async () => {
    const orgName = unique("Acme");
    const orgId = await seed.org(orgName);
    const projectId = await seed.project(orgId);
    const user = await seed.human(orgId);
    await createAdministrator(
      { prisma: api().db.prisma, actor: { id: "test" } },
      { userId: user.id, resource: { organizationId: orgId }, roles: ["ORG_OWNER"] },
    );
    // An app of another tenant asks for the management audience of this user.
    const otherProject = await seed.project(await seed.org());
    const { clientId } = await nativeApp(otherProject);
    const appName = (await api().db.prisma.application.findUniqueOrThrow({ where: { clientId } })).name;
    const otherOrgName = (
      await api().db.prisma.application.findUniqueOrThrow({ where: { clientId }, include: { project: { include: { org: true } } } })
    ).project.org.name;
    const config = await discover(api().url, clientId, oidc.None());
    const orgs = (token: string) => createApiClient(api().url, OrganizationService, "connect", token);
    const page = await browser().newPage();
    const scope = `openid offline_access ${MANAGEMENT}`;
    void projectId;

    // Signed in to the app without the management audience: no page asks anything.
    const plain = await authorize(page, config, "openid", user);
    expect(plain.atConsent).toBe(false);
    expect((await plain.finish()).tokens).toBeDefined();

    // prompt=none cannot get it silently.
    const silent = await authorize(page, config, scope, undefined, { prompt: "none" });
    expect(await silent.finish()).toEqual({ error: "consent_required" });

    // Interactive: the consent page names the app, its organization and the user's powers.
    let asked = await authorize(page, config, scope);
    expect(asked.atConsent).toBe(true);
    const text = await page.locator("main, body").first().innerText();
    expect(text).toContain(appName);
    expect(text).toContain(otherOrgName);
    expect(text).toContain(`ORG_OWNER of organization ${orgId}`);
    await screenshots(page, "management-consent");
    // Declined: the sign-in goes on, narrowed; the token cannot reach the management API.
    await page.getByRole("button", { name: /continue without/i }).click();
    const declined = (await asked.finish()).tokens!;
    expect(declined.scope?.split(" ")).not.toContain(MANAGEMENT);
    await expectCode(orgs(declined.access_token).listOrganizations({}), Code.Unauthenticated);

    // Asked again next time (declining is not remembered); allowed: the token acts as the user.
    asked = await authorize(page, config, scope);
    expect(asked.atConsent).toBe(true);
    await page.getByRole("button", { name: /^allow$/i }).click();
    const allowed = (await asked.finish()).tokens!;
    expect(allowed.scope?.split(" ")).toContain(MANAGEMENT);
    expect((await orgs(allowed.access_token).listOrganizations({})).organizations.map((o) => o.id)).toContain(orgId);

    // Remembered: prompt=none now gets it.
    const remembered = (await (await authorize(page, config, scope, undefined, { prompt: "none" })).finish()).tokens!;
    expect(remembered.scope?.split(" ")).toContain(MANAGEMENT);

    // Withdrawn on the consents page: the app's tokens stop working there at once, a refresh
    // no longer carries the audience, and prompt=none asks for consent again.
    const consentsUrl = new URL("/ui/login/consents", api().url).href;
    await page.goto(consentsUrl);
    expect(await page.locator("body").innerText()).toContain(appName);
    await screenshots(page, "consents");
    // With the session cookie but without the page's CSRF token: refused, nothing withdrawn.
    const forged = await page.request.post(`${consentsUrl}/withdraw`, { form: { clientId }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await orgs(remembered.access_token).listOrganizations({})).organizations.length).toBeGreaterThan(0);
    await page.getByRole("button", { name: /withdraw/i }).click();
    await page.waitForURL((u) => u.pathname === "/ui/login/consents");
    expect(await page.locator("body").innerText()).toContain("No app may use the management API in your name.");
    await expectCode(orgs(remembered.access_token).listOrganizations({}), Code.Unauthenticated);
    const refreshed = await oidc.refreshTokenGrant(config, allowed.refresh_token!);
    expect(refreshed.scope?.split(" ")).not.toContain(MANAGEMENT);
    await expectCode(orgs(refreshed.access_token).listOrganizations({}), Code.Unauthenticated);
    expect(await (await authorize(page, config, scope, undefined, { prompt: "none" })).finish()).toEqual({ error: "consent_required" });
    await page.close();
  });

  it("answers the consents page and a withdrawal without a session with 401", async () => {
    const page = await browser().newPage();
    const res = await page.goto(new URL("/ui/login/consents", api().url).href);
    expect(res?.status()).toBe(401);
    const post = await fetch(new URL("/ui/login/consents/withdraw", api().url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "clientId=1",
    });
    expect(post.status).toBe(401);
    await page.close();
  });
});
