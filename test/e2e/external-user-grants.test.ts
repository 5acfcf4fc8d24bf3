// ZITADEL's external-user-grant guide (shared/docs/zitadel-guides/external-user-grants.txt), its
// two cases, through the v1 user-grant API it points to: AddUserGrant and friends with
// @zitadel/node's createManagementClient over gRPC, and the same calls on ZITADEL's REST gateway
// with plain fetch. Each case ends in real sign-ins whose tokens carry the roles.
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import { Metadata } from "nice-grpc";
import type * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { authorizationRequest, CALLBACK, discover, signInWithCode } from "../support/relying-party.js";
import { PASSWORD, seeder } from "../support/seed.js";

const api = useApiServer();
const browser = useBrowser();
let seed: ReturnType<typeof seeder>;
beforeAll(() => {
  seed = seeder(api());
});

type User = { id: string; username: string };
interface UserGrantClient {
  add(org: string, userId: string, projectId: string, projectGrantId: string, roleKeys: string[]): Promise<string>;
  list(org: string, projectId: string): Promise<{ id: string; userId: string; roleKeys: string[]; orgId: string; grantedOrgId: string }[]>;
  update(org: string, userId: string, grantId: string, roleKeys: string[]): Promise<void>;
  remove(org: string, userId: string, grantId: string): Promise<void>;
}

/** The v1 calls through @zitadel/node's management client (gRPC), the organization in x-zitadel-orgid. */
function grpcClient(token: string): UserGrantClient {
  const mgmt = createManagementClient(api().url, createAccessTokenInterceptor(token));
  const inOrg = (org: string) => ({ metadata: Metadata({ "x-zitadel-orgid": org }) });
  return {
    add: async (org, userId, projectId, projectGrantId, roleKeys) =>
      (await mgmt.addUserGrant({ userId, projectId, projectGrantId, roleKeys }, inOrg(org))).userGrantId,
    list: async (org, projectId) => (await mgmt.listUserGrants({ queries: [{ projectIdQuery: { projectId } }] }, inOrg(org))).result,
    update: async (org, userId, grantId, roleKeys) => void (await mgmt.updateUserGrant({ userId, grantId, roleKeys }, inOrg(org))),
    remove: async (org, userId, grantId) => void (await mgmt.removeUserGrant({ userId, grantId }, inOrg(org))),
  };
}

/** The same calls on ZITADEL's REST paths, as a script with curl or fetch makes them. */
function restClient(token: string): UserGrantClient {
  const call = async (org: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(`/management/v1${path}`, api().url), {
      method,
      headers: { authorization: `Bearer ${token}`, "x-zitadel-orgid": org, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    add: async (org, userId, projectId, projectGrantId, roleKeys) =>
      (await call(org, "POST", `/users/${userId}/grants`, { projectId, projectGrantId, roleKeys })).userGrantId as string,
    list: async (org, projectId) => {
      const json = await call(org, "POST", "/users/grants/_search", { queries: [{ projectIdQuery: { projectId } }] });
      return (json.result ?? []) as Awaited<ReturnType<UserGrantClient["list"]>>;
    },
    update: async (org, userId, grantId, roleKeys) => void (await call(org, "PUT", `/users/${userId}/grants/${grantId}`, { roleKeys })),
    remove: async (org, userId, grantId) => void (await call(org, "DELETE", `/users/${userId}/grants/${grantId}`)),
  };
}

const roleClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;

async function primaryDomain(orgId: string): Promise<string> {
  const { organizations } = await seed.orgs.listOrganizations({ filter: [{ filter: { case: "idFilter", value: { id: orgId } } }] });
  return organizations[0]!.primaryDomain;
}

/** A project with roles, owned by `owner`, granted to `grantees` with all its roles; one web app. */
async function grantedProject(owner: string, grantees: string[], roles: string[]) {
  const projectId = await seed.project(owner, { authorizationRequired: true, projectRoleAssertion: true }, roles);
  const mgmt = createManagementClient(api().url, createAccessTokenInterceptor(api().adminToken));
  const grantIds: Record<string, string> = {};
  for (const org of grantees) {
    const { grantId } = await mgmt.addProjectGrant(
      { projectId, grantedOrgId: org, roleKeys: roles },
      { metadata: Metadata({ "x-zitadel-orgid": owner }) },
    );
    grantIds[org] = grantId;
  }
  const app = await seed.webApp(projectId, CALLBACK, { idTokenRoleAssertion: true });
  return { projectId, grantIds, config: await discover(api().url, app.clientId, app.clientSecret) };
}

async function rolesAtSignIn(config: oidc.Configuration, user: User, projectId: string) {
  const { tokens, page } = await signInWithCode(browser(), config, user, "openid");
  await page.close();
  return tokens.claims()![roleClaim(projectId)];
}

async function refused(config: oidc.Configuration, user: User): Promise<string> {
  const page = await browser().newPage();
  await page.goto((await authorizationRequest(config, "openid")).url.href);
  await page.getByLabel(/login name/i).fill(user.username);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("heading", { name: "Access denied" }).waitFor();
  const reason = (await page.locator("p.lead").textContent()) ?? "";
  await page.close();
  return reason;
}

describe.each([
  ["@zitadel/node over gRPC", grpcClient],
  ["the REST gateway with fetch", restClient],
] as const)("external user grants through v1 (%s)", (_, client) => {
  it("B2C: a team member works in the customer organization without a second account", async () => {
    // The team's organization owns the project and grants it to the B2C organization.
    const team = await seed.org(unique("Team"));
    const customers = await seed.org(unique("Customers"));
    const { projectId, grantIds, config } = await grantedProject(team, [customers], ["user", "support"]);
    const tom = await seed.human(team); // a team member
    const carla = await seed.human(customers); // a customer
    const customersAdmin = await makeCaller({ prisma: api().db.prisma, actor: { id: "test" } }, customers, [
      { resource: { organizationId: customers }, roles: ["ORG_OWNER"] },
    ]);
    const grants = client(customersAdmin.token);

    expect(await refused(config, tom)).toBe("You are not authorized to use this application");
    const tomsGrant = await grants.add(customers, tom.id, projectId, grantIds[customers]!, ["support"]);
    await grants.add(customers, carla.id, projectId, grantIds[customers]!, ["user"]);
    const listed = await grants.list(customers, projectId);
    expect(listed.find((g) => g.id === tomsGrant)).toMatchObject({
      userId: tom.id,
      roleKeys: ["support"],
      orgId: customers,
      grantedOrgId: team,
    });

    // Both sign in; the roles are held by the customer organization, Tom's too.
    const domain = await primaryDomain(customers);
    expect(await rolesAtSignIn(config, tom, projectId)).toEqual({ support: { [customers]: domain } });
    expect(await rolesAtSignIn(config, carla, projectId)).toEqual({ user: { [customers]: domain } });

    await grants.update(customers, tom.id, tomsGrant, ["support", "user"]);
    expect(await rolesAtSignIn(config, tom, projectId)).toEqual({ support: { [customers]: domain }, user: { [customers]: domain } });
    await grants.remove(customers, tom.id, tomsGrant);
    expect(await refused(config, tom)).toBe("You are not authorized to use this application");
  });

  it("B2B: a tenant invites a partner's user, and keeps control of that user's roles", async () => {
    const vendor = await seed.org(unique("Vendor"));
    const acme = await seed.org(unique("Acme"));
    const beta = await seed.org(unique("Beta"));
    const { projectId, grantIds, config } = await grantedProject(vendor, [acme, beta], ["viewer", "editor"]);
    const alice = await seed.human(acme);
    const betaAdmin = await makeCaller({ prisma: api().db.prisma, actor: { id: "test" } }, beta, [
      { resource: { organizationId: beta }, roles: ["ORG_OWNER"] },
    ]);
    const acmeAdmin = await makeCaller({ prisma: api().db.prisma, actor: { id: "test" } }, acme, [
      { resource: { organizationId: acme }, roles: ["ORG_OWNER"] },
    ]);

    // Beta grants Acme's Alice a role on its grant of the project.
    const aliceInBeta = await client(betaAdmin.token).add(beta, alice.id, projectId, grantIds[beta]!, ["editor"]);
    expect(await rolesAtSignIn(config, alice, projectId)).toEqual({ editor: { [beta]: await primaryDomain(beta) } });

    // Acme, Alice's own organization, neither sees nor changes Beta's grant of her.
    const acmeGrants = client(acmeAdmin.token);
    expect((await acmeGrants.list(acme, projectId)).map((g) => g.id)).not.toContain(aliceInBeta);
    await expect(acmeGrants.update(acme, alice.id, aliceInBeta, ["viewer"])).rejects.toThrow();
    await expect(acmeGrants.update(beta, alice.id, aliceInBeta, ["viewer"])).rejects.toThrow();
    // Nor can Beta give roles through Acme's grant.
    await expect(client(betaAdmin.token).add(beta, alice.id, projectId, grantIds[acme]!, ["viewer"])).rejects.toThrow(/projectGrantId/);

    await client(betaAdmin.token).remove(beta, alice.id, aliceInBeta);
    expect(await refused(config, alice)).toBe("You are not authorized to use this application");
  });
});
