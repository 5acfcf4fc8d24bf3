// Directory scenes built through the management API, as an administrator would.
import { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { AuthorizationService } from "@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js";
import { OrganizationService } from "@zitadel/proto/zitadel/org/v2beta/org_service_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import type { ApiServer } from "./api.js";
import { unique } from "./directory.js";

export const PASSWORD = "Secr3t!Passw0rd";

export function seeder(api: ApiServer) {
  const orgs = api.client(OrganizationService, "connect");
  const projects = api.client(ProjectService, "connect");
  const users = api.client(UserService, "connect");
  const apps = api.client(AppService, "connect");
  const authorizations = api.client(AuthorizationService, "connect");
  return {
    orgs,
    projects,
    users,
    apps,
    authorizations,
    async org(name = unique("Org")) {
      const { id } = await orgs.createOrganization({ name });
      return id;
    },
    async project(
      orgId: string,
      settings: { authorizationRequired?: boolean; projectAccessRequired?: boolean; projectRoleAssertion?: boolean } = {},
      roles: string[] = [],
    ) {
      const { id } = await projects.createProject({ organizationId: orgId, name: unique("Project"), ...settings });
      for (const roleKey of roles) await projects.addProjectRole({ projectId: id, roleKey, displayName: roleKey });
      return id;
    },
    async human(orgId: string) {
      const username = unique("user").toLowerCase();
      const { userId: id } = await users.addHumanUser({
        organization: { org: { case: "orgId", value: orgId } },
        username,
        profile: { givenName: "Ada", familyName: "Lovelace" },
        email: { email: `${username}@example.com`, verification: { case: "isVerified", value: true } },
        passwordType: { case: "password", value: { password: PASSWORD, changeRequired: false } },
      } as never);
      return { id, username };
    },
    /** A machine user (service account); its user name is its client id. */
    async machine(orgId: string) {
      const username = unique("robot").toLowerCase();
      const { id } = await users.createUser({ organizationId: orgId, username, userType: { case: "machine", value: { name: "Robot" } } });
      return { id, username };
    },
    /** An API app authenticating with basic auth. */
    async basicApiApp(projectId: string) {
      const res = await apps.createApplication({
        projectId,
        name: unique("api"),
        creationRequestType: { case: "apiRequest", value: { authMethodType: 0 } },
      });
      return res.creationResponseType.value as { clientId: string; clientSecret: string };
    },
    /** An API app authenticating with a key, and its key file as the console downloads it. */
    async keyFileApiApp(projectId: string) {
      const res = await apps.createApplication({
        projectId,
        name: unique("api"),
        creationRequestType: { case: "apiRequest", value: { authMethodType: 1 } },
      });
      const key = await apps.createApplicationKey({ projectId, appId: res.appId });
      return JSON.parse(Buffer.from(key.keyDetails).toString("utf8")) as {
        type: "application";
        keyId: string;
        key: string;
        appId: string;
        clientId: string;
      };
    },
    async authorize(userId: string, projectId: string, roleKeys: string[], organizationId?: string) {
      const res = await authorizations.createAuthorization({ userId, projectId, roleKeys, ...(organizationId ? { organizationId } : {}) });
      return res.id;
    },
    async webApp(projectId: string, redirectUri: string, oidc: Record<string, unknown> = {}) {
      const res = await apps.createApplication({
        projectId,
        name: unique("web"),
        creationRequestType: {
          case: "oidcRequest",
          value: {
            redirectUris: [redirectUri],
            postLogoutRedirectUris: [redirectUri.replace(/\/cb$/, "/bye")],
            responseTypes: [1],
            grantTypes: [0, 2],
            appType: 0,
            authMethodType: 0,
            devMode: true,
            ...oidc,
          },
        },
      } as never);
      const created = res.creationResponseType.value as { clientId: string; clientSecret?: string };
      return { clientId: created.clientId, clientSecret: created.clientSecret ?? "" };
    },
  };
}
