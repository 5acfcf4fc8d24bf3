// The console's access explainer (R-CONSOLE-80..): rolegate.access.v1 ExplainAccess (R-CHECK-16)
// asked by login name and app, its checks, authorizations and claims on the page, in headless Chromium.
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { AccessService, CheckOutcome, type ExplainAccessResponse } from "../../src/generated/proto/rolegate/access/v1/access_service_pb.js";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { alertText, CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, signInToConsole } from "../support/console.js";
import { unique } from "../support/directory.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();
const CALLBACK = "https://app.example.com/cb";

/** The checks table as "name:Outcome" (the API's name is in the check cell's <code>). */
async function checkRows(page: Page) {
  return page.locator("table.checks tbody tr").evaluateAll((trs) =>
    trs.map((tr) => {
      const cell = (label: string) => (tr.querySelector(`td[data-label="${label}"]`)?.textContent ?? "").replace(/\s+/g, " ").trim();
      return {
        name: tr.querySelector('td[data-label="Check"] code')?.textContent ?? "",
        outcome: cell("Outcome"),
        reason: cell("Reason"),
        detail: cell("What it saw"),
      };
    }),
  );
}

const claimsOn = async (page: Page, id: string) => JSON.parse((await page.locator(`pre#${id}`).textContent()) ?? "null") as unknown;
const OUTCOME = { [CheckOutcome.PASSED]: "✓ Passed", [CheckOutcome.FAILED]: "✗ Failed", [CheckOutcome.SKIPPED]: "– Skipped" } as Record<
  number,
  string
>;
const apiRows = (res: ExplainAccessResponse) =>
  res.checks.map((c) => ({
    name: c.step ? `${c.check}.${c.step}` : c.check,
    outcome: OUTCOME[c.outcome],
    reason: c.reason,
    detail: c.detail,
  }));

async function screenshots(page: Page, name: string) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 844 });
    await page.screenshot({ path: path.join(SCREENSHOTS, `console-explain-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 844 });
}

describe("the console's access explainer", () => {
  let admin: Page;
  let seed: ReturnType<typeof seeder>;
  const explainer = () => api().client(AccessService, "connect");
  beforeAll(async () => {
    seed = seeder(api());
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
  }, 60_000);

  /** An organization's project that needs a role, a user of it, and a web app with JWT access tokens and role claims. */
  async function scene() {
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true }, ["viewer", "editor"]);
    const user = await seed.human(orgId);
    const app = await seed.webApp(projectId, CALLBACK, { idTokenRoleAssertion: true, accessTokenType: 1, accessTokenRoleAssertion: true });
    const appName = (await api().db.prisma.application.findUniqueOrThrow({ where: { clientId: app.clientId } })).name;
    return { orgId, projectId, user, app, appName };
  }

  it("allows a user with a role: each check passed, and exactly the claims the API returns", async () => {
    const { orgId, projectId, user, app, appName } = await scene();
    await seed.authorize(user.id, projectId, ["viewer"]);
    await admin.goto(`${api().url}/ui/console/explain`);
    expect(await heading(admin)).toBe("Can this user sign in to this app?");
    await admin.getByLabel("User's login name").fill(user.username);
    await admin.getByLabel("App", { exact: true }).selectOption({ label: `${appName} (${app.clientId})` });
    await admin.getByRole("button", { name: "Explain" }).click();

    const res = await explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: app.clientId } });
    expect(await admin.getByRole("heading", { level: 2, name: "✓ Allowed" }).isVisible()).toBe(true);
    expect(await admin.locator(".verdict").textContent()).toContain(`${user.username} can sign in to ${appName}`);
    expect(await checkRows(admin)).toEqual(apiRows(res));
    expect((await checkRows(admin)).every((c) => c.outcome === "✓ Passed" || c.outcome === "– Skipped")).toBe(true);
    // The claims, as the API returns them, the role claim among them.
    const roles = res.claims?.idToken?.[`urn:zitadel:iam:org:project:${projectId}:roles`];
    expect(roles).toEqual({ viewer: { [orgId]: expect.any(String) } });
    expect(await claimsOn(admin, "claims-id-token")).toEqual(res.claims?.idToken);
    expect(await claimsOn(admin, "claims-access-token")).toEqual(res.claims?.accessToken);
    expect(await claimsOn(admin, "claims-userinfo")).toEqual(res.claims?.userinfo);
    expect(
      ((await claimsOn(admin, "claims-id-token")) as Record<string, unknown>)[`urn:zitadel:iam:org:project:${projectId}:roles`],
    ).toEqual(roles);
    const authorizations = admin.locator("table", { has: admin.getByRole("columnheader", { name: "Held by organization" }) });
    expect(await authorizations.locator("tbody tr").textContent()).toMatch(/viewer.*ACTIVE.*the project's owner.*✓ Yes/s);
    expect(await admin.getByRole("main").textContent()).toContain("openid profile email");
    await screenshots(admin, "allowed");

    // The same answer by link, with the client id and scopes in the query.
    await admin.goto(
      `${api().url}/ui/console/explain?user=${encodeURIComponent(user.username)}&app=${encodeURIComponent(app.clientId)}&scopes=openid`,
    );
    const narrow = await explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: app.clientId }, scopes: ["openid"] });
    expect(await claimsOn(admin, "claims-userinfo")).toEqual(narrow.claims?.userinfo);
    expect(await admin.getByLabel("App", { exact: true }).inputValue()).toBe(app.clientId);
  });

  it("denies a user without a role on a project that needs one, naming the failing check and its reason", async () => {
    const { user, app, appName } = await scene();
    await admin.goto(`${api().url}/ui/console/explain?user=${user.username}&app=${app.clientId}`);
    const res = await explainer().explainAccess({ userId: user.id, app: { case: "clientId", value: app.clientId } });
    expect(await admin.getByRole("heading", { level: 2, name: "✗ Denied" }).isVisible()).toBe(true);
    expect(await admin.locator(".verdict").textContent()).toContain(
      `${user.username} cannot sign in to ${appName}: “You are not authorized to use this application” (authorization_required)`,
    );
    const rows = await checkRows(admin);
    expect(rows).toEqual(apiRows(res));
    expect(rows.filter((r) => r.outcome === "✗ Failed")).toEqual([
      {
        name: "project_access.authorization",
        outcome: "✗ Failed",
        reason: "authorization_required",
        detail: "the user holds no authorization on the project",
      },
    ]);
    expect(await admin.getByRole("main").textContent()).toContain("None: the user holds no authorization on this project");
    expect(await admin.locator("pre.claims").count()).toBe(0);
    expect(await admin.getByRole("main").textContent()).toContain("the sign-in is refused, no token is issued");
    await screenshots(admin, "denied");
  });

  it("answers an unknown login name, an unknown app or a missing field with a message, never a 500", async () => {
    const { user, app } = await scene();
    const cases: [string, number, RegExp, string][] = [
      [`user=${unique("nobody")}&app=${app.clientId}`, 404, /There is no user with the login name/, "user"],
      [`user=${user.username}&app=no-such-client`, 404, /There is no app with the client ID no-such-client/, "clientId"],
      [`user=${user.username}&clientId=${unique("client")}`, 404, /There is no app with the client ID/, "clientId"],
      [`user=&app=${app.clientId}`, 400, /Enter the user's login name/, "user"],
      [`user=${user.username}`, 400, /Choose an app or type its client ID/, "clientId"],
      [`user=${user.username}&app=${app.clientId}&scopes=openid%01`, 400, /scopes/, "scopes"],
      [`user=%00&app=${app.clientId}`, 400, /./, "user"],
    ];
    for (const [query, status, message, field] of cases) {
      const response = await admin.goto(`${api().url}/ui/console/explain?${query}`);
      expect(response?.status(), query).toBe(status);
      expect(await alertText(admin), query).toMatch(message);
      expect(await admin.locator(`#${field}`).getAttribute("aria-invalid"), query).toBe("true");
      expect(await admin.locator(".verdict").count()).toBe(0);
    }
  });

  it("tells a user who administers nothing that the other user or the app is not found", async () => {
    const { user, app } = await scene();
    const own = await seed.org();
    const outsider = await seed.human(own);
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInToConsole(page, api().url, outsider.username, PASSWORD);
    // The app select lists no app of another organization.
    await page.goto(`${api().url}/ui/console/explain`);
    expect(await page.getByLabel("App", { exact: true }).locator("option").count()).toBe(1);
    const other = await page.goto(`${api().url}/ui/console/explain?user=${user.username}&app=${app.clientId}`);
    expect(other?.status()).toBe(404);
    expect(await alertText(page)).toContain("There is no user with the login name");
    // Themselves: the user is readable, the app's project is not theirs to administer.
    const self = await page.goto(`${api().url}/ui/console/explain?user=${outsider.username}&app=${app.clientId}`);
    expect(self?.status()).toBe(404);
    expect(await alertText(page)).toContain("There is no app with the client ID");
    await context.close();
  });
});
