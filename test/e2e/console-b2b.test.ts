// Issue 15's first "Done when": the B2B case built from nothing through the console alone, in
// headless Chromium. The instance administrator sets up two organizations, a project with roles,
// an app and a grant; the granted organization's administrator assigns a granted role; the user
// signs in to the app (openid-client as the relying party) and carries the role; the explainer
// says why another user is refused; narrowing the grant previews who loses what and ends the
// user's refresh. The API and the database are only read, to check what the console did.
import os from "node:os";
import path from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oidc from "openid-client";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { CONSOLE_ADMIN_NEW_PASSWORD, CONSOLE_ADMIN_PASSWORD, heading, signInToConsole } from "../support/console.js";
import { unique } from "../support/directory.js";
import { CALLBACK, discover, signInWithCode } from "../support/relying-party.js";
import { PASSWORD } from "../support/seed.js";

const api = useApiServer({ env: { ADMIN_PASSWORD: CONSOLE_ADMIN_PASSWORD } });
const browser = useBrowser();
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? os.tmpdir();

// One long story on a shared machine: far more than the default 30 s.
describe("the B2B case through the console alone", { timeout: 300_000 }, () => {
  const url = (p: string) => `${api().url}/ui/console${p}`;
  const prisma = () => api().db.prisma;

  // What the story builds, handed from one test to the next (they run in order).
  const acmeName = unique("Acme");
  const betaName = unique("Beta");
  const projectName = unique("Shop");
  const appName = unique("Shop web");
  const betaAdmin = unique("beta-admin");
  const pia = unique("pia");
  const tom = unique("tom");
  let admin: Page;
  let acme = "";
  let beta = "";
  let projectId = "";
  let clientId = "";
  let clientSecret = "";
  let betaPage: Page;
  let config: oidc.Configuration;
  let piaRefreshToken = "";

  /** Creates an organization on the console and returns its id, read from the page it lands on. */
  async function createOrganization(name: string) {
    await admin.goto(url("/organizations"));
    await admin.getByLabel("Name", { exact: true }).fill(name);
    await admin.getByRole("button", { name: "Create organization" }).click();
    expect(await heading(admin)).toBe(name);
    const id = /\/organizations\/(\d+)\?notice=created$/.exec(admin.url())?.[1];
    expect(id).toBeTruthy();
    return id!;
  }

  async function createHuman(orgId: string, username: string, given: string) {
    await admin.goto(url(`/users/new/human?org=${orgId}`));
    expect(await admin.getByLabel("Organization").inputValue()).toBe(orgId);
    await admin.getByLabel("Username").fill(username);
    await admin.getByLabel("Given name").fill(given);
    await admin.getByLabel("Family name").fill("Beta");
    await admin.getByLabel("Email").fill(`${username}@beta.example.com`);
    await admin.getByLabel("Initial password (optional)").fill(PASSWORD);
    await admin.getByLabel("The user must change it at the first sign-in").uncheck();
    await admin.getByRole("button", { name: "Create human user" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The user was created.");
    const user = await prisma().user.findFirstOrThrow({ where: { username } });
    expect(user.orgId).toBe(orgId);
    return user.id;
  }

  it("the instance administrator creates Acme and Beta, the project Shop with its roles and settings, its web app and the grant to Beta", async () => {
    admin = await browser().newPage();
    await signInToConsole(admin, api().url, "admin", CONSOLE_ADMIN_PASSWORD, CONSOLE_ADMIN_NEW_PASSWORD);
    acme = await createOrganization(acmeName);
    beta = await createOrganization(betaName);

    // The project in Acme: a role is needed, only Acme and granted organizations may sign in,
    // tokens carry the roles.
    await admin.goto(url("/projects"));
    await admin.locator("#organizationId").selectOption(acme);
    await admin.getByLabel("Name", { exact: true }).fill(projectName);
    await admin.getByLabel("Users need a role on this project to sign in (authorization required)").check();
    await admin
      .getByLabel("Only users of organizations that own the project or hold an active grant may sign in (project access required)")
      .check();
    await admin.getByLabel("Tokens carry the roles (project role assertion)").check();
    await admin.getByRole("button", { name: "Create project" }).click();
    expect(await heading(admin)).toBe(projectName);
    const project = await prisma().project.findFirstOrThrow({ where: { name: projectName } });
    projectId = project.id;
    expect(project).toMatchObject({ orgId: acme, authorizationRequired: true, projectAccessRequired: true, projectRoleAssertion: true });

    for (const [key, displayName] of [
      ["admin", "Administrator"],
      ["editor", "Editor"],
      ["viewer", "Viewer"],
    ]) {
      await admin.getByLabel("Key", { exact: true }).fill(key);
      await admin.getByLabel("Display name", { exact: true }).fill(displayName);
      await admin.getByRole("button", { name: "Add role" }).click();
      expect(await admin.getByRole("status").textContent()).toBe("The role was added.");
    }
    const roles = await prisma().projectRole.findMany({ where: { projectId }, orderBy: { key: "asc" } });
    expect(roles.map((r) => r.key)).toEqual(["admin", "editor", "viewer"]);

    // The app: a web app with a secret, redirecting to the relying party's http callback (so
    // development mode), refresh tokens, roles and user info in the ID token.
    await admin.goto(url(`/applications/new?project=${projectId}`));
    expect(await admin.getByLabel("Project", { exact: true }).inputValue()).toBe(projectId);
    await admin.getByLabel("Name", { exact: true }).fill(appName);
    await admin.getByLabel("Redirect URIs", { exact: true }).fill(CALLBACK);
    await admin.getByLabel(/^Refresh token/).check();
    await admin.getByLabel("Roles in the ID token").check();
    await admin.getByLabel(/^User info in the ID token/).check();
    await admin.getByLabel(/^Development mode/).check();
    await admin.getByRole("button", { name: "Create application" }).click();
    expect(await heading(admin)).toBe(`${appName} was created`);
    clientId = (await admin.locator("#client-id").textContent())!.trim();
    clientSecret = (await admin.locator("#client-secret-value").textContent())!.trim();
    expect(clientSecret.length).toBeGreaterThanOrEqual(32);
    const app = await prisma().application.findFirstOrThrow({ where: { clientId } });
    expect(app).toMatchObject({
      projectId,
      appType: "WEB",
      redirectUris: [CALLBACK],
      grantTypes: ["AUTHORIZATION_CODE", "REFRESH_TOKEN"],
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      devMode: true,
    });

    // The grant: Beta may assign editor and viewer, not admin.
    await admin.goto(url(`/projects/${projectId}`));
    const form = admin.locator("section[aria-labelledby=create-grant]");
    await form.getByLabel("Organization ID").fill(beta);
    await form.getByRole("checkbox", { name: "editor Editor" }).check();
    await form.getByRole("checkbox", { name: "viewer Viewer" }).check();
    await admin.getByRole("button", { name: "Grant project" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The project was granted.");
    const grant = await prisma().projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: beta } });
    expect(grant.roleKeys.sort()).toEqual(["editor", "viewer"]);
    expect(grant.state).toBe("ACTIVE");
  });

  it("the instance administrator creates Beta's administrator and users pia and tom, and makes the administrator ORG_OWNER of Beta", async () => {
    const ownerId = await createHuman(beta, betaAdmin, "Bea");
    await createHuman(beta, pia, "Pia");
    await createHuman(beta, tom, "Tom");

    await admin.goto(url("/administrators"));
    await admin.getByLabel("User's login name").fill(betaAdmin);
    await admin.getByLabel("Resource the roles apply to").selectOption(`org-${beta}`);
    await admin.getByRole("group", { name: "Roles" }).locator('input[value="ORG_OWNER"]').check();
    await admin.getByRole("button", { name: "Add administrator" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The administrator was added.");
    const memberships = await prisma().administrator.findMany({ where: { userId: ownerId } });
    expect(memberships).toEqual([expect.objectContaining({ resource: "ORGANIZATION", orgId: beta, roles: ["ORG_OWNER"] })]);
  });

  it("Beta's administrator sees Shop granted to Beta and gives pia the role editor", async () => {
    const context = await browser().newContext();
    betaPage = await context.newPage();
    await signInToConsole(betaPage, api().url, betaAdmin, PASSWORD);
    await betaPage.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Granted to us" }).click();
    expect(await heading(betaPage)).toBe("Granted to us");
    const row = betaPage.locator("tbody tr").filter({ hasText: projectName });
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-label="Roles you may assign"]').textContent()).toMatch(/^(editor, viewer|viewer, editor)$/);

    await betaPage.goto(url("/authorizations/new"));
    await betaPage.getByLabel("User's login name").fill(pia);
    await betaPage.getByLabel("Project and the organization that holds the authorization").selectOption(`${projectId}/${beta}`);
    await betaPage.getByRole("button", { name: "Continue" }).click();
    const roles = betaPage.getByRole("group", { name: /Roles/ });
    expect(await roles.getByRole("checkbox").evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value).sort())).toEqual([
      "editor",
      "viewer",
    ]);
    await roles.getByLabel("editor").check();
    await betaPage.getByRole("button", { name: "Create authorization" }).click();
    expect(await betaPage.getByRole("status").textContent()).toBe("The authorization was created.");
    const piaUser = await prisma().user.findFirstOrThrow({ where: { username: pia } });
    const held = await prisma().authorization.findMany({ where: { userId: piaUser.id } });
    expect(held).toEqual([expect.objectContaining({ orgId: beta, projectId, roleKeys: ["editor"], state: "ACTIVE" })]);
  });

  it("pia signs in to the app and her ID token carries editor, held by Beta", async () => {
    config = await discover(api().url, clientId, clientSecret);
    const context = await browser().newContext();
    const { tokens } = await signInWithCode(
      await context.newPage(),
      config,
      { username: pia, password: PASSWORD },
      "openid profile offline_access",
    );
    expect(tokens.refresh_token).toBeTruthy();
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${api().url}/oauth/v2/keys`)), {
      issuer: api().url,
      audience: clientId,
    });
    const claim = payload[`urn:zitadel:iam:org:project:${projectId}:roles`] as Record<string, Record<string, string>>;
    expect(Object.keys(claim)).toEqual(["editor"]);
    expect(Object.keys(claim.editor)).toEqual([beta]);
    expect(payload.given_name).toBe("Pia"); // user info in the ID token

    // While the grant holds, a refresh works (so the refusal below is the narrowing's doing).
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const claims = refreshed.claims()!;
    expect(Object.keys(claims[`urn:zitadel:iam:org:project:${projectId}:roles`] as object)).toEqual(["editor"]);
    piaRefreshToken = refreshed.refresh_token ?? tokens.refresh_token!; // rotated or kept
    await context.close();
  });

  it("the explainer says why tom is refused: no authorization on a project that requires one", async () => {
    await admin.goto(url("/explain"));
    await admin.getByLabel("User's login name").fill(tom);
    await admin.getByLabel("App", { exact: true }).selectOption({ label: `${appName} (${clientId})` });
    await admin.getByRole("button", { name: "Explain" }).click();
    expect(await admin.getByRole("heading", { level: 2, name: "✗ Denied" }).isVisible()).toBe(true);
    expect(await admin.locator(".verdict").textContent()).toContain(`${tom} cannot sign in to ${appName}`);
    expect(await admin.locator(".verdict").textContent()).toContain("(authorization_required)");
    expect(await admin.getByRole("main").textContent()).toContain("the user holds no authorization on the project");
  });

  it("narrowing the grant to viewer previews pia losing editor, and then her refresh is refused", async () => {
    await admin.goto(url(`/projects/${projectId}`));
    await admin.getByRole("link", { name: `Manage the grant to ${betaName}` }).click();
    expect(await admin.getByRole("checkbox", { name: "editor Editor" }).isChecked()).toBe(true);
    await admin.getByRole("checkbox", { name: "editor Editor" }).uncheck();
    await admin.getByRole("button", { name: "Save roles" }).click();

    // The confirmation page: the API's dry run names pia and the role she loses.
    expect(await heading(admin)).toBe(`Narrow the grant to ${betaName}?`);
    const impact = admin.locator("#impact");
    expect(await impact.getByRole("heading", { name: "Who loses access" }).isVisible()).toBe(true);
    const rows = impact.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('[data-label="User"]').textContent()).toContain(`(${pia})`);
    expect(await rows.locator('[data-label="Organization"]').textContent()).toBe(betaName);
    expect(await rows.locator('[data-label="Project"]').textContent()).toBe(projectName);
    expect(await rows.locator('[data-label="Loses"]').textContent()).toContain("roles editor");
    expect(await rows.locator('[data-label="Loses"]').textContent()).toContain("sign-in to the project");
    expect(await prisma().projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: beta } })).toMatchObject({
      roleKeys: expect.arrayContaining(["editor", "viewer"]),
    });
    for (const width of [390, 1280]) {
      await admin.setViewportSize({ width, height: 844 });
      await admin.screenshot({ path: path.join(SCREENSHOTS, `console-b2b-narrow-${width}.png`), fullPage: true });
    }

    await admin.getByRole("button", { name: "Narrow grant" }).click();
    expect(await admin.getByRole("status").textContent()).toBe("The grant's roles were changed.");
    expect((await prisma().projectGrant.findFirstOrThrow({ where: { projectId, grantedOrgId: beta } })).roleKeys).toEqual(["viewer"]);

    // pia's next refresh: she holds no role on a project that requires one.
    const refused = await oidc.refreshTokenGrant(config, piaRefreshToken).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(oidc.ResponseBodyError);
    expect((refused as oidc.ResponseBodyError).error).toBe("invalid_grant");
  });
});
