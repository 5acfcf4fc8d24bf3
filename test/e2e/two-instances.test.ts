// Two instances behind a round-robin proxy: any instance serves any request.
import * as oidc from "openid-client";
import { describe, expect, it } from "vitest";
import { createApiClient, type ApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { useCluster } from "../support/cluster.js";
import { discover, signInWithCode } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";
import { unique } from "../support/directory.js";

const cluster = useCluster(2);
const browser = useBrowser();

function apiOf(): ApiServer {
  const c = cluster();
  return {
    url: c.url,
    databaseUrl: c.databaseUrl,
    adminToken: c.adminToken,
    get db(): never {
      throw new Error("the cluster test does not open the database");
    },
    logs: () => [],
    client: (service, transport, token = c.adminToken) => createApiClient(c.url, service, transport, token),
  };
}

describe("several instances", () => {
  it("bootstrap once, and share logins, tokens, refreshes, revocations and directory changes", async () => {
    const c = cluster();
    const firstStarts = c.instances.flatMap((i) => i.logs().filter((l) => String(l.msg).startsWith("first start")));
    expect(firstStarts).toHaveLength(1);

    const seed = seeder(apiOf());
    const orgId = await seed.org();
    const projectId = await seed.project(orgId, { authorizationRequired: true, projectRoleAssertion: true }, ["viewer"]);
    const user = await seed.human(orgId);
    const authorizationId = await seed.authorize(user.id, projectId, ["viewer"]);
    const created = await seed.apps.createApplication({
      projectId,
      name: unique("mobile"),
      creationRequestType: {
        case: "oidcRequest",
        value: { redirectUris: [(await import("../support/relying-party.js")).CALLBACK], responseTypes: [1], grantTypes: [0, 2], appType: 2, authMethodType: 2 },
      },
    } as never);
    const clientId = (created.creationResponseType.value as { clientId: string }).clientId;

    // The login runs through the proxy: its requests alternate between the instances.
    const before = c.served.length;
    const config = await discover(c.url, clientId, oidc.None());
    const { tokens, page } = await signInWithCode(browser(), config, user, "openid offline_access");
    expect(new Set(c.served.slice(before))).toEqual(new Set([0, 1]));

    // The token works at userinfo on both instances, and refreshes on either.
    for (let i = 0; i < 2; i++) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
      expect(info[`urn:zitadel:iam:org:project:${projectId}:roles`]).toBeDefined();
    }
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // A role removed through one instance's API is gone from the next token of the other.
    await seed.authorizations.updateAuthorization({ id: authorizationId, roleKeys: [] });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // Revocation on one instance is seen by the other.
    await seed.authorizations.updateAuthorization({ id: authorizationId, roleKeys: ["viewer"] });
    const again = await signInWithCode(page, config, undefined, "openid");
    await oidc.tokenRevocation(config, again.tokens.access_token);
    for (let i = 0; i < 2; i++) {
      await expect(oidc.fetchUserInfo(config, again.tokens.access_token, user.id)).rejects.toThrow();
    }
    await page.close();
  });
});
