// rolegate's side of the benchmark, set up through the management API as an administrator would
// (ZITADEL's services over Connect JSON with the first start's admin token). The one setting the
// API does not offer, a machine user's access token type (JWT), is set in the database, as the
// tests do.
import { createClient } from "@connectrpc/connect";
import { APIAuthMethodType } from "@zitadel/proto/zitadel/app/v2beta/api_pb.js";
import { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { OIDCAppType, OIDCAuthMethodType, OIDCGrantType, OIDCResponseType } from "@zitadel/proto/zitadel/app/v2beta/oidc_pb.js";
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import { OrganizationService } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import pg from "pg";
import { connectJsonTransport } from "../../test/support/connect-json.js";
import { REDIRECT_URI, ROLES_SCOPE, rolesClaimOf } from "./bare-config.js";
import type { Credentials, Target } from "./flows.js";

export const PASSWORD = "Secr3t!Passw0rd";

export interface RolegateScene {
  target: Target;
  orgId: string;
  projectId: string;
  /** (h): a machine user holding one role on each of ten projects. */
  tenProjects: { orgId: string; projectIds: string[]; machine: Credentials & { scope: string } };
}

export async function seedRolegate(url: string, adminToken: string, databaseUrl: string): Promise<RolegateScene> {
  const transport = connectJsonTransport(url, adminToken);
  const orgs = createClient(OrganizationService, transport);
  const projects = createClient(ProjectService, transport);
  const users = createClient(UserService, transport);
  const apps = createClient(AppService, transport);
  const authorizations = createClient(AuthorizationService, transport);

  const project = async (organizationId: string, name: string, roles: string[]) => {
    const { id } = await projects.createProject({ organizationId, name, projectRoleAssertion: true, authorizationRequired: true });
    for (const roleKey of roles) await projects.addProjectRole({ projectId: id, roleKey, displayName: roleKey });
    return id;
  };
  const machine = async (organizationId: string, username: string) => {
    const { id } = await users.createUser({ organizationId, username, userType: { case: "machine", value: { name: username } } });
    const { clientSecret } = await users.addSecret({ userId: id });
    return { id, clientId: username, clientSecret };
  };

  const { id: orgId } = await orgs.createOrganization({ name: "Bench" });
  const projectId = await project(orgId, "Bench Portal", ["admin", "viewer"]);

  const username = "ada.bench";
  const { userId } = await users.addHumanUser({
    organization: { org: { case: "orgId", value: orgId } },
    username,
    profile: { givenName: "Ada", familyName: "Lovelace" },
    email: { email: `${username}@example.com`, verification: { case: "isVerified", value: true } },
    passwordType: { case: "password", value: { password: PASSWORD, changeRequired: false } },
  });
  await authorizations.createAuthorization({ userId, projectId, roleKeys: ["viewer"] });

  const robot = await machine(orgId, "bench-robot");
  await authorizations.createAuthorization({ userId: robot.id, projectId, roleKeys: ["viewer"] });

  const web = await apps.createApplication({
    projectId,
    name: "Bench Web",
    creationRequestType: {
      case: "oidcRequest",
      value: {
        redirectUris: [REDIRECT_URI],
        responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
        appType: OIDCAppType.OIDC_APP_TYPE_WEB,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
        devMode: true,
      },
    },
  });
  const webCreds = web.creationResponseType.value as { clientId: string; clientSecret: string };
  const api = await apps.createApplication({
    projectId,
    name: "Bench API",
    creationRequestType: { case: "apiRequest", value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC } },
  });
  const apiCreds = api.creationResponseType.value as { clientId: string; clientSecret: string };

  // (h): ten projects, the machine user authorized on each.
  const { id: hOrgId } = await orgs.createOrganization({ name: "Bench Ten" });
  const projectIds: string[] = [];
  for (let i = 0; i < 10; i++) projectIds.push(await project(hOrgId, `Bench Ten ${i}`, ["r1", "r2"]));
  const tenRobot = await machine(hOrgId, "bench-robot-ten");
  for (const id of projectIds) await authorizations.createAuthorization({ userId: tenRobot.id, projectId: id, roleKeys: ["r1"] });

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`UPDATE "User" SET "accessTokenType" = 'JWT' WHERE id = ANY($1::text[])`, [[robot.id, tenRobot.id]]);
  } finally {
    await db.end();
  }

  return {
    orgId,
    projectId,
    target: {
      name: "rolegate",
      url,
      web: { ...webCreds, redirectUri: REDIRECT_URI, scope: `openid profile email ${ROLES_SCOPE}` },
      machine: {
        clientId: robot.clientId,
        clientSecret: robot.clientSecret,
        scope: `openid urn:zitadel:iam:org:project:id:${projectId}:aud urn:zitadel:iam:org:projects:roles`,
      },
      introspector: apiCreds,
      user: { loginName: username, password: PASSWORD },
      rolesClaim: rolesClaimOf(projectId),
    },
    tenProjects: {
      orgId: hOrgId,
      projectIds,
      machine: {
        clientId: tenRobot.clientId,
        clientSecret: tenRobot.clientSecret,
        scope: ["openid", ...projectIds.map((id) => `urn:zitadel:iam:org:project:id:${id}:aud`), "urn:zitadel:iam:org:projects:roles"].join(
          " ",
        ),
      },
    },
  };
}
