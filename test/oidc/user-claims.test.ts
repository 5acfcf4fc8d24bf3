// The claims of the reserved user scopes and the profile, read from the directory (the policy's
// userinfo claims, on the facts the oidc side loads).
import { describe, expect, it } from "vitest";
import { createAuthorization } from "../../src/directory/authorizations.js";
import { setUserMetadata } from "../../src/directory/user-metadata.js";
import { createHumanUser } from "../../src/directory/users.js";
import { directReads } from "../../src/oidc/reads.js";
import { type ClientFacts, claimsFor } from "../../src/access/policy.js";
import { loadFacts } from "../../src/oidc/policy-facts.js";
import { useDirectory } from "../support/directory.js";
import { makeOrg, makeProject } from "../support/fixtures.js";

const { ctx } = useDirectory();

async function userinfoClaims(userId: string, projectId: string | undefined, scopes: string[]) {
  const client: ClientFacts = {
    id: "app",
    kind: "oidc",
    projectId,
    accessTokenType: "BEARER",
    accessTokenRoleAssertion: false,
    idTokenRoleAssertion: false,
    idTokenUserinfoAssertion: false,
  };
  const sources = { reads: directReads(ctx().prisma), managementConsented: async () => false };
  return claimsFor("userinfo", await loadFacts(sources, { client, subjectId: userId, scopes, claims: ["userinfo"] }));
}

describe("user claims", () => {
  it("carry profile, email, resource-owner, organization-scope and metadata claims", async () => {
    const org = await makeOrg(ctx());
    const project = await makeProject(ctx(), org.id, ["viewer"], { projectRoleAssertion: true });
    const user = await createHumanUser(ctx(), {
      orgId: org.id,
      username: `ada-${org.id}`,
      email: "ada@example.com",
      emailVerified: true,
      givenName: "Ada",
      familyName: "Lovelace",
    });
    await setUserMetadata(ctx(), { userId: user.id, metadata: [{ key: "team", value: new TextEncoder().encode("engines") }] });
    await createAuthorization(ctx(), { userId: user.id, projectId: project.id, roleKeys: ["viewer"] });

    const claims = await userinfoClaims(user.id, project.id, [
      "openid",
      "profile",
      "email",
      "urn:zitadel:iam:user:resourceowner",
      "urn:zitadel:iam:user:metadata",
      `urn:zitadel:iam:org:id:${org.id}`,
      `urn:zitadel:iam:org:domain:primary:${org.primaryDomain}`,
    ]);
    expect(claims).toMatchObject({
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
      preferred_username: `ada-${org.id}`,
      email: "ada@example.com",
      email_verified: true,
      "urn:zitadel:iam:user:resourceowner:id": org.id,
      "urn:zitadel:iam:user:resourceowner:name": org.name,
      "urn:zitadel:iam:user:resourceowner:primary_domain": org.primaryDomain,
      "urn:zitadel:iam:org:id": org.id,
      "urn:zitadel:iam:org:domain:primary": org.primaryDomain,
      "urn:zitadel:iam:user:metadata": { team: Buffer.from("engines").toString("base64url") },
    });
    expect(claims[`urn:zitadel:iam:org:project:${project.id}:roles`]).toEqual({ viewer: { [org.id]: org.primaryDomain } });
  });

  it("leave the reserved claims out unless their scopes ask, and know no deleted user", async () => {
    const org = await makeOrg(ctx());
    const user = await createHumanUser(ctx(), {
      orgId: org.id,
      username: `bob-${org.id}`,
      email: "bob@example.com",
      givenName: "Bob",
      familyName: "B",
    });
    // Without the profile and email scopes and reserved scopes: nothing beside sub.
    expect(await userinfoClaims(user.id, undefined, ["openid"])).toEqual({});
    expect(Object.keys(await userinfoClaims(user.id, undefined, ["openid", "profile"]))).toContain("name");
    expect(await userinfoClaims("1", undefined, ["openid", "profile", "email", "urn:zitadel:iam:user:resourceowner"])).toEqual({});
  });
});
