// `npm run screenshots`: the console's main screens as PNGs in docs/screenshots/, for the README.
// Starts a throw-away rolegate as `npm start` does (the embedded database in a temporary DATA_DIR,
// no Redis), seeds a small B2B directory through the management API, signs in to the console in
// headless Chromium and saves each screen. Exits non-zero when a page does not render (an error
// status, no heading, an error page, or what the screen must show missing), so the pictures stay
// true as the console changes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@connectrpc/connect";
import { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { OIDCAppType, OIDCAuthMethodType, OIDCGrantType, OIDCResponseType } from "@zitadel/proto/zitadel/app/v2beta/oidc_pb.js";
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import { OrganizationService } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import type { Browser, Page } from "playwright-core";
import { InternalPermissionService } from "../src/generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import { launchChromium } from "../test/support/browser.js";
import { connectJsonTransport } from "../test/support/connect-json.js";
import { signInToConsole } from "../test/support/console.js";
import { startServer, type StartedServer } from "../test/support/process.js";
import { freePort } from "../test/support/servers.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "docs/screenshots");
const CONSOLE = "/ui/console";
const ADMIN_PASSWORD = "Initial-Passw0rd!";
const ADMIN_NEW_PASSWORD = "Screenshots-Passw0rd!";
const USER_PASSWORD = "Secr3t!Passw0rd";
/** A PNG above this is worth a look (the README embeds them all). */
const MAX_BYTES = 300 * 1024;

interface Scene {
  acme: string;
  beta: string;
  shop: string;
  web: { appId: string; clientId: string };
  betaOwner: string;
  refused: string;
}

/** The directory the pictures show, built through the management API as an administrator would. */
async function seed(url: string, token: string): Promise<Scene> {
  const transport = connectJsonTransport(url, token);
  const orgs = createClient(OrganizationService, transport);
  const projects = createClient(ProjectService, transport);
  const users = createClient(UserService, transport);
  const apps = createClient(AppService, transport);
  const authorizations = createClient(AuthorizationService, transport);
  const permissions = createClient(InternalPermissionService, transport);

  const { id: acme } = await orgs.createOrganization({ name: "Acme" });
  const { id: beta } = await orgs.createOrganization({ name: "Beta" });
  const { id: shop } = await projects.createProject({
    organizationId: acme,
    name: "Shop",
    projectRoleAssertion: true,
    authorizationRequired: true,
    projectAccessRequired: true,
  });
  const roles = [
    { roleKey: "admin", displayName: "Administrator", group: "Staff" },
    { roleKey: "editor", displayName: "Editor", group: "Catalogue" },
    { roleKey: "viewer", displayName: "Viewer", group: "Catalogue" },
  ];
  for (const role of roles) await projects.addProjectRole({ projectId: shop, ...role });
  await projects.createProjectGrant({ projectId: shop, grantedOrganizationId: beta, roleKeys: ["editor", "viewer"] });
  // A second project, so the lists are not a single row.
  const { id: wiki } = await projects.createProject({ organizationId: acme, name: "Wiki", authorizationRequired: false });
  await projects.addProjectRole({ projectId: wiki, roleKey: "reader", displayName: "Reader" });

  const human = async (orgId: string, username: string, givenName: string, familyName: string) => {
    const { userId } = await users.addHumanUser({
      organization: { org: { case: "orgId", value: orgId } },
      username,
      profile: { givenName, familyName },
      email: { email: `${username}@example.com`, verification: { case: "isVerified", value: true } },
      passwordType: { case: "password", value: { password: USER_PASSWORD, changeRequired: false } },
    });
    return userId;
  };
  const alice = await human(acme, "alice", "Alice", "Andersen");
  const bob = await human(acme, "bob", "Bob", "Brown");
  const carol = await human(beta, "carol", "Carol", "Chen");
  const dave = await human(beta, "dave", "Dave", "Diaz");
  await human(beta, "erin", "Erin", "Evans");
  await users.createUser({ organizationId: acme, username: "shop-robot", userType: { case: "machine", value: { name: "Shop robot" } } });

  // Carol owns Beta: she administers what Acme granted it.
  await permissions.createAdministrator({
    userId: carol,
    resource: { resource: { case: "organizationId", value: beta } },
    roles: ["ORG_OWNER"],
  });
  await authorizations.createAuthorization({ userId: alice, projectId: shop, roleKeys: ["admin"] });
  await authorizations.createAuthorization({ userId: bob, projectId: shop, roleKeys: ["viewer"] });
  await authorizations.createAuthorization({ userId: bob, projectId: wiki, roleKeys: ["reader"] });
  // Through Beta's grant, held by Beta.
  await authorizations.createAuthorization({ userId: carol, projectId: shop, organizationId: beta, roleKeys: ["editor", "viewer"] });
  // An external user grant: Acme authorizes a user of Beta directly.
  await authorizations.createAuthorization({ userId: dave, projectId: shop, organizationId: acme, roleKeys: ["viewer"] });

  const web = await apps.createApplication({
    projectId: shop,
    name: "Shop Web",
    creationRequestType: {
      case: "oidcRequest",
      value: {
        redirectUris: ["https://shop.example.com/auth/callback"],
        postLogoutRedirectUris: ["https://shop.example.com/"],
        responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
        appType: OIDCAppType.OIDC_APP_TYPE_WEB,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
        accessTokenRoleAssertion: true,
        idTokenRoleAssertion: true,
      },
    },
  });
  const { clientId } = web.creationResponseType.value as { clientId: string };
  // Erin (Beta) holds no authorization on Shop: the explainer says why she is refused.
  return { acme, beta, shop, web: { appId: web.appId, clientId }, betaOwner: "carol", refused: "erin" };
}

interface Shot {
  file: string;
  path: string;
  width: number;
  /** Text the page must show, beyond a heading. */
  shows: (string | RegExp)[];
  /** Cut a long page at this height (px) to keep the PNG small; the full page otherwise. */
  maxHeight?: number;
}

const problems: string[] = [];

/** Opens the page, checks that it rendered, and saves it (full page). */
async function shoot(page: Page, base: string, shot: Shot): Promise<void> {
  await page.setViewportSize({ width: shot.width, height: 844 });
  const response = await page.goto(`${base}${shot.path}`);
  const status = response?.status() ?? 0;
  const h1 =
    (
      await page
        .locator("h1")
        .first()
        .textContent({ timeout: 5000 })
        .catch(() => null)
    )?.trim() ?? "";
  const text =
    (await page
      .locator("main")
      .first()
      .textContent({ timeout: 5000 })
      .catch(() => null)) ?? (await page.content());
  const missing = shot.shows.filter((s) => (typeof s === "string" ? !text.includes(s) : !s.test(text)));
  const failed =
    status !== 200
      ? `HTTP ${status}`
      : !h1
        ? "no heading"
        : /Something went wrong|That did not work|Not found/.test(h1)
          ? `an error page: ${h1}`
          : missing.length
            ? `missing ${missing.join(", ")}`
            : undefined;
  if (failed) {
    problems.push(`${shot.file} (${shot.path}): ${failed}`);
    console.error(`✗ ${shot.file}: ${failed}\n  the page says: ${text.replace(/\s+/g, " ").trim().slice(0, 600)}`);
    return;
  }
  const file = path.join(OUT, shot.file);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({
    path: file,
    fullPage: true,
    ...(shot.maxHeight && height > shot.maxHeight ? { clip: { x: 0, y: 0, width: shot.width, height: shot.maxHeight } } : {}),
  });
  const bytes = statSync(file).size;
  console.log(`✓ ${path.relative(ROOT, file)} (${shot.width} px, ${(bytes / 1024).toFixed(0)} KB): ${h1}`);
  if (bytes > MAX_BYTES) console.warn(`  ${shot.file} is larger than ${MAX_BYTES / 1024} KB`);
}

async function main(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), "rolegate-screenshots-"));
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    console.log("starting rolegate (embedded database in a temporary directory)");
    server = await startServer({
      DATA_DIR: path.join(home, "data"),
      KEYS_DIR: path.join(home, "keys"),
      ADMIN_PAT_FILE: path.join(home, "admin.pat"),
      ADMIN_PASSWORD,
      PORT: String(port),
      ISSUER: url,
    });
    console.log("seeding Acme, Beta, the project Shop and its grant, users, authorizations and an app");
    const scene = await seed(url, readFileSync(path.join(home, "admin.pat"), "utf8").trim());
    mkdirSync(OUT, { recursive: true });
    browser = await launchChromium();

    const admin = await browser.newPage({ viewport: { width: 1280, height: 844 } });
    await signInToConsole(admin, url, "admin", ADMIN_PASSWORD, ADMIN_NEW_PASSWORD);
    const shop = `${CONSOLE}/projects/${scene.shop}`;
    const shots: Shot[] = [
      { file: "console-overview.png", path: `${CONSOLE}/`, width: 1280, shows: ["on the whole instance"] },
      { file: "console-overview-390.png", path: `${CONSOLE}/`, width: 390, shows: ["on the whole instance"] },
      { file: "console-organizations.png", path: `${CONSOLE}/organizations`, width: 1280, shows: ["Acme", "Beta"] },
      { file: "console-project.png", path: shop, width: 1280, shows: ["Shop", "editor", "Catalogue", "Beta"] },
      { file: "console-authorizations.png", path: `${CONSOLE}/authorizations`, width: 1280, shows: ["alice", "dave", "external"] },
      {
        file: "console-application.png",
        path: `${CONSOLE}/applications/${scene.web.appId}?project=${scene.shop}`,
        width: 1280,
        shows: ["Shop Web", "https://shop.example.com/auth/callback"],
        // Its settings and the secret; the long change form below is left out.
        maxHeight: 1400,
      },
      {
        file: "console-explain-denied.png",
        path: `${CONSOLE}/explain?${new URLSearchParams({ user: scene.refused, app: scene.web.clientId })}`,
        width: 1280,
        shows: ["Denied"],
      },
      // The impact preview before a change that takes access away: everyone who signs in to Shop.
      {
        file: "console-impact-preview.png",
        path: `${shop}/deactivate`,
        width: 1280,
        shows: ["Who loses access", "alice", "bob", "carol", "dave", "Shop Web"],
      },
    ];
    for (const shot of shots) await shoot(admin, url, shot);

    // "Granted to us": what Beta's owner sees of Acme's grant.
    const owner = await browser.newPage({ viewport: { width: 1280, height: 844 } });
    await signInToConsole(owner, url, scene.betaOwner, USER_PASSWORD);
    await shoot(owner, url, { file: "console-granted.png", path: `${CONSOLE}/granted`, width: 1280, shows: ["Shop", "Acme", "editor"] });
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(`\n${problems.length} page(s) did not render:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  console.error(`screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
