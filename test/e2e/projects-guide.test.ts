// ZITADEL's projects guide (shared/docs/zitadel-guides/projects.txt), step by step, as its readers
// run it: @zitadel/node's generated v2 client over gRPC, the guide's calls with the guide's
// parameters (only the IDs are ours). The guide writes enum values as strings, which a ts-proto
// client encodes only through the message's fromJSON, so each such request goes through it.
// Every step then shows its documented effect, in the directory and in real sign-ins.
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oidc from "openid-client";
import type { Page } from "playwright-core";
import {
  CreateProjectRequest,
  ListProjectsRequest,
  type ProjectServiceClient,
  ProjectServiceDefinition,
} from "@zitadel/node/dist/api/generated/zitadel/project/v2/project_service.js";
import { PrivateLabelingSetting, ProjectState } from "@zitadel/node/dist/api/generated/zitadel/project/v2/query.js";
import { type Channel, createChannel, createClient, Metadata } from "nice-grpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { authorizationRequest, CALLBACK, discover, signInWithCode } from "../support/relying-party.js";
import { PASSWORD, seeder } from "../support/seed.js";
import { unique } from "../support/directory.js";

const api = useApiServer();
const browser = useBrowser();
let seed: ReturnType<typeof seeder>;
let channel: Channel;
let projectService: ProjectServiceClient;
beforeAll(() => {
  seed = seeder(api());
  channel = createChannel(api().url);
  projectService = createClient(ProjectServiceDefinition, channel, {
    "*": { metadata: Metadata({ authorization: `Bearer ${api().adminToken}` }) },
  });
});
afterAll(() => channel?.close());

type User = { id: string; username: string };
const roleClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;

async function primaryDomain(orgId: string): Promise<string> {
  const { organizations } = await seed.orgs.listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: orgId } } }] });
  return organizations[0]!.primaryDomain;
}

/** A web app of the project whose ID token, JWT access token and userinfo carry the role claims. */
async function webApp(projectId: string) {
  const app = await seed.webApp(projectId, CALLBACK, { idTokenRoleAssertion: true, accessTokenType: 1, accessTokenRoleAssertion: true });
  return discover(api().url, app.clientId, app.clientSecret);
}

/** The role claim of a fresh sign-in, read from the ID token, the access token (JWT) and userinfo, which must agree. */
async function signedInRoles(config: oidc.Configuration, user: User, projectId: string) {
  const { tokens, page } = await signInWithCode(browser(), config, user, "openid offline_access");
  await page.close();
  const jwks = createRemoteJWKSet(new URL("/oauth/v2/keys", api().url));
  const { payload: access } = await jwtVerify(tokens.access_token, jwks, { issuer: api().url.replace(/\/$/, "") });
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
  const fromIdToken = tokens.claims()![roleClaim(projectId)];
  expect(access[roleClaim(projectId)]).toEqual(fromIdToken);
  expect(userinfo[roleClaim(projectId)]).toEqual(fromIdToken);
  return { roles: fromIdToken as Record<string, Record<string, string>> | undefined, refreshToken: tokens.refresh_token! };
}

/** Signs in and expects the access-denied page; returns its reason. */
async function refusedSignIn(config: oidc.Configuration, user: User): Promise<string> {
  const page: Page = await browser().newPage();
  const { url } = await authorizationRequest(config, "openid");
  await page.goto(url.href);
  await page.getByLabel(/login name/i).fill(user.username);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("heading", { name: "Access denied" }).waitFor();
  const reason = (await page.locator("p.lead").textContent()) ?? "";
  await page.close();
  return reason;
}

/** The app is no client while its project is inactive or gone: the authorization endpoint's error page, before any login. */
async function authorizationStatus(config: oidc.Configuration): Promise<number | undefined> {
  const page = await browser().newPage();
  const { url } = await authorizationRequest(config, "openid");
  const response = await page.goto(url.href);
  expect(await page.getByLabel(/login name/i).count()).toBe(0);
  await page.close();
  return response?.status();
}

/** The Acme scene of the guide: an owner organization with a user, and a customer organization with one. */
async function acme() {
  const acmeId = await seed.org(unique("Acme Corporation"));
  const customerId = await seed.org(unique("Customer"));
  return { acmeId, customerId, alice: await seed.human(acmeId), bob: await seed.human(customerId) };
}

/** "Creating Projects › Via API", verbatim but for the organization. */
async function createProject(organizationId: string, name = "Customer Portal") {
  const response = await projectService.createProject(
    CreateProjectRequest.fromJSON({
      organizationId,
      name,
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: "PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY",
    }),
  );
  return response.projectId;
}

/** "Creating Roles", verbatim but for the project. */
async function addGuideRoles(projectId: string) {
  await projectService.addProjectRole({ projectId, roleKey: "admin", displayName: "Administrator", group: "Management" });
  await projectService.addProjectRole({ projectId, roleKey: "viewer", displayName: "Viewer", group: "General" });
}

describe("ZITADEL's projects guide through @zitadel/node's v2 client", () => {
  it("creates a project and its roles; a sign-in carries the roles in the guide's shape", async () => {
    const { acmeId, alice } = await acme();
    const projectId = await createProject(acmeId);
    expect(projectId).toMatch(/^[0-9]{17,19}$/);
    expect((await projectService.getProject({ projectId })).project).toMatchObject({
      organizationId: acmeId,
      name: "Customer Portal",
      state: ProjectState.PROJECT_STATE_ACTIVE,
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
    });
    await addGuideRoles(projectId);
    const { projectRoles } = await projectService.listProjectRoles({ projectId });
    // Lists are newest first unless the pagination asks for ascending order (ZITADEL's default).
    expect(projectRoles.map(({ key, displayName, group }) => ({ key, displayName, group })).reverse()).toEqual([
      { key: "admin", displayName: "Administrator", group: "Management" },
      { key: "viewer", displayName: "Viewer", group: "General" },
    ]);

    // authorizationRequired: without a role, Alice is refused; with both, her tokens carry them.
    const app = await webApp(projectId);
    expect(await refusedSignIn(app, alice)).toBe("You are not authorized to use this application");
    await seed.authorize(alice.id, projectId, ["admin", "viewer"]);
    const domain = await primaryDomain(acmeId);
    expect((await signedInRoles(app, alice, projectId)).roles).toEqual({ admin: { [acmeId]: domain }, viewer: { [acmeId]: domain } });
  });

  it("updates a role; removing one takes it from every authorization and grant (Managing Roles)", async () => {
    const { acmeId, customerId, alice, bob } = await acme();
    const projectId = await createProject(acmeId);
    await addGuideRoles(projectId);
    await projectService.addProjectRole({ projectId, roleKey: "editor", displayName: "Editor" });
    await projectService.createProjectGrant({ projectId, grantedOrganizationId: customerId, roleKeys: ["viewer", "editor"] });
    await seed.authorize(alice.id, projectId, ["admin", "viewer"]);
    await seed.authorize(bob.id, projectId, ["viewer", "editor"], customerId);

    await projectService.updateProjectRole({ projectId, roleKey: "admin", displayName: "System Administrator", group: "Management" });
    const { projectRoles } = await projectService.listProjectRoles({ projectId });
    expect(projectRoles.find((r) => r.key === "admin")).toMatchObject({ displayName: "System Administrator", group: "Management" });

    await projectService.removeProjectRole({ projectId, roleKey: "viewer" });
    expect((await projectService.listProjectRoles({ projectId })).projectRoles.map((r) => r.key).sort()).toEqual(["admin", "editor"]);
    const { projectGrants } = await projectService.listProjectGrants({
      filters: [{ inProjectIdsFilter: { ids: [projectId] } }],
    });
    expect(projectGrants.map((g) => g.grantedRoleKeys)).toEqual([["editor"]]);
    const app = await webApp(projectId);
    expect((await signedInRoles(app, alice, projectId)).roles).toEqual({ admin: { [acmeId]: await primaryDomain(acmeId) } });
    expect((await signedInRoles(app, bob, projectId)).roles).toEqual({ editor: { [customerId]: await primaryDomain(customerId) } });
  });

  it("grants the project, narrows the grant, deactivates and deletes it (Project Grants)", async () => {
    const { acmeId, customerId, bob } = await acme();
    const projectId = await createProject(acmeId);
    await addGuideRoles(projectId);
    await projectService.addProjectRole({ projectId, roleKey: "editor", displayName: "Editor" }); // the guide grants it, never creates it

    await projectService.createProjectGrant({ projectId, grantedOrganizationId: customerId, roleKeys: ["viewer", "editor"] });
    // "Users in the organization can be assigned the viewer or editor roles", and no other.
    await expect(seed.authorize(bob.id, projectId, ["admin"], customerId)).rejects.toThrow(/admin/);
    await seed.authorize(bob.id, projectId, ["viewer", "editor"], customerId);
    const app = await webApp(projectId);
    const domain = await primaryDomain(customerId);
    const first = await signedInRoles(app, bob, projectId);
    expect(first.roles).toEqual({ viewer: { [customerId]: domain }, editor: { [customerId]: domain } });

    await projectService.updateProjectGrant({ projectId, grantedOrganizationId: customerId, roleKeys: ["viewer"] });
    const { authorizations } = await seed.authorizations.listAuthorizations({
      filters: [{ filter: { case: "userId", value: { id: bob.id } } }],
    });
    expect(authorizations.map((a) => a.roles)).toEqual([["viewer"]]);
    const narrowed = await signedInRoles(app, bob, projectId);
    expect(narrowed.roles).toEqual({ viewer: { [customerId]: domain } });

    // "Users from that organization can no longer log in to applications in the project."
    await projectService.deactivateProjectGrant({ projectId, grantedOrganizationId: customerId });
    expect(await refusedSignIn(app, bob)).toBe("You are not authorized to use this application");
    await expect(oidc.refreshTokenGrant(app, narrowed.refreshToken)).rejects.toMatchObject({ error: "invalid_grant" });
    await projectService.activateProjectGrant({ projectId, grantedOrganizationId: customerId });
    expect((await signedInRoles(app, bob, projectId)).roles).toEqual({ viewer: { [customerId]: domain } });

    await projectService.deleteProjectGrant({ projectId, grantedOrganizationId: customerId });
    expect((await projectService.listProjectGrants({ filters: [{ inProjectIdsFilter: { ids: [projectId] } }] })).projectGrants).toEqual([]);
    const left = await seed.authorizations.listAuthorizations({ filters: [{ filter: { case: "userId", value: { id: bob.id } } }] });
    expect(left.authorizations).toEqual([]);
    expect(await refusedSignIn(app, bob)).toBe("You are not authorized to use this application");
  });

  it("deactivates and activates the project (Project States)", async () => {
    const { acmeId, alice } = await acme();
    const projectId = await createProject(acmeId);
    await addGuideRoles(projectId);
    await seed.authorize(alice.id, projectId, ["admin"]);
    const app = await webApp(projectId);
    const before = await signedInRoles(app, alice, projectId);

    await projectService.deactivateProject({ projectId });
    expect((await projectService.getProject({ projectId })).project?.state).toBe(ProjectState.PROJECT_STATE_INACTIVE);
    // "Users cannot log in to any application in the project": its apps are unknown clients.
    expect(await authorizationStatus(app)).toBe(400);
    await expect(oidc.refreshTokenGrant(app, before.refreshToken)).rejects.toMatchObject({ error: "invalid_client" });
    // "Project configuration and roles are preserved."
    expect((await projectService.listProjectRoles({ projectId })).projectRoles.map((r) => r.key).sort()).toEqual(["admin", "viewer"]);

    await projectService.activateProject({ projectId });
    expect((await signedInRoles(app, alice, projectId)).roles).toEqual({ admin: { [acmeId]: await primaryDomain(acmeId) } });
  });

  it("lists owned and granted projects, sorted by name, and searches by name (Listing and Searching)", async () => {
    const { acmeId, customerId } = await acme();
    const portal = await createProject(acmeId, "Customer Portal");
    const billing = await createProject(acmeId, "Billing");
    const own = await createProject(customerId, "Intranet Portal");
    await projectService.createProjectGrant({ projectId: portal, grantedOrganizationId: customerId, roleKeys: [] });

    const list = async (type: string, organizationId = customerId) => {
      const projects = await projectService.listProjects(
        ListProjectsRequest.fromJSON({
          pagination: { limit: 50, offset: 0 },
          sortingColumn: "PROJECT_FIELD_NAME_NAME",
          filters: [{ organizationIdFilter: { organizationId, type } }],
        }),
      );
      return projects.projects.map((p) => p.projectId);
    };
    // The guide's pagination leaves `asc` out, and ZITADEL's default order is descending.
    expect(await list("OWNED_OR_GRANTED")).toEqual([own, portal]); // "Intranet Portal" > "Customer Portal"
    expect(await list("OWNED")).toEqual([own]);
    expect(await list("GRANTED")).toEqual([portal]);
    expect(await list("OWNED_OR_GRANTED", acmeId)).toEqual([portal, billing]);

    const byName = await projectService.listProjects(
      ListProjectsRequest.fromJSON({
        sortingColumn: "PROJECT_FIELD_NAME_NAME",
        filters: [
          { organizationIdFilter: { organizationId: customerId, type: "OWNED_OR_GRANTED" } },
          { projectNameFilter: { projectName: "Portal", method: "TEXT_FILTER_METHOD_CONTAINS" } },
        ],
      }),
    );
    expect(byName.projects.map((p) => p.name)).toEqual(["Intranet Portal", "Customer Portal"]);
    expect(byName.pagination?.totalResult.toNumber()).toBe(2);
  });

  it("deletes the project with its apps, roles, grants and user grants (Deleting Projects)", async () => {
    const { acmeId, customerId, alice, bob } = await acme();
    const projectId = await createProject(acmeId);
    await addGuideRoles(projectId);
    await projectService.createProjectGrant({ projectId, grantedOrganizationId: customerId, roleKeys: ["viewer"] });
    await seed.authorize(alice.id, projectId, ["admin"]);
    await seed.authorize(bob.id, projectId, ["viewer"], customerId);
    const app = await webApp(projectId);
    const { refreshToken } = await signedInRoles(app, alice, projectId);

    await projectService.deleteProject({ projectId });
    const prisma = api().db.prisma;
    expect(await prisma.application.count({ where: { projectId } })).toBe(0);
    expect(await prisma.projectRole.count({ where: { projectId } })).toBe(0);
    expect(await prisma.projectGrant.count({ where: { projectId } })).toBe(0);
    expect(await prisma.authorization.count({ where: { projectId } })).toBe(0);
    // The app is gone: its client is unknown to the token endpoint and to the authorization endpoint.
    await expect(oidc.refreshTokenGrant(app, refreshToken)).rejects.toMatchObject({ error: "invalid_client" });
    expect(await authorizationStatus(app)).toBe(400);
  });
});
