// ZITADEL's reserved scopes, read once per request into what they ask for.
// Unknown scopes are ignored (never invalid_scope), as in ZITADEL; so are scopes with control
// characters, which name nothing (and whose NUL PostgreSQL would refuse in a lookup).
import { textProblem } from "./text.js";

export const SCOPE = {
  projectRole: "urn:zitadel:iam:org:project:role:",
  projectRolesClaim: "urn:zitadel:iam:org:project:roles",
  projectsRoles: "urn:zitadel:iam:org:projects:roles",
  audPrefix: "urn:zitadel:iam:org:project:id:",
  audSuffix: ":aud",
  managementAud: "urn:zitadel:iam:org:project:id:zitadel:aud",
  orgId: "urn:zitadel:iam:org:id:",
  orgDomain: "urn:zitadel:iam:org:domain:primary:",
  rolesOfOrg: "urn:zitadel:iam:org:roles:id:",
  resourceOwner: "urn:zitadel:iam:user:resourceowner",
  metadata: "urn:zitadel:iam:user:metadata",
  roles: "roles",
} as const;

export interface ScopeRequest {
  /** Role keys asked for with urn:zitadel:iam:org:project:role:{key}. */
  roleKeys: string[];
  /** Any scope that asks for the client project's roles (role scopes, the claim name, `roles`). */
  rolesRequested: boolean;
  /** urn:zitadel:iam:org:projects:roles: role claims for every aud-scope project too. */
  allAudienceRoles: boolean;
  /** Projects named by urn:zitadel:iam:org:project:id:{id}:aud. */
  audienceProjects: string[];
  /** urn:zitadel:iam:org:project:id:zitadel:aud: the management API's audience. */
  managementAudience: boolean;
  /** Only users of this organization may sign in (by id or by primary domain). */
  orgId?: string | undefined;
  orgDomain?: string | undefined;
  /** Keep only roles held by these organizations (empty: all). */
  roleOrgIds: string[];
  resourceOwner: boolean;
  metadata: boolean;
  /** The flat `roles` claim (role keys of the client's project). */
  flatRoles: boolean;
}

const ID = /^[0-9]{1,20}$/;

export function parseScopes(scopes: Iterable<string>): ScopeRequest {
  const request: ScopeRequest = {
    roleKeys: [],
    rolesRequested: false,
    allAudienceRoles: false,
    audienceProjects: [],
    managementAudience: false,
    roleOrgIds: [],
    resourceOwner: false,
    metadata: false,
    flatRoles: false,
  };
  for (const scope of scopes) {
    if (textProblem(scope)) continue;
    if (scope.startsWith(SCOPE.projectRole)) {
      const key = scope.slice(SCOPE.projectRole.length);
      if (key) request.roleKeys.push(key);
      request.rolesRequested = true;
    } else if (scope === SCOPE.projectRolesClaim) {
      request.rolesRequested = true;
    } else if (scope === SCOPE.projectsRoles) {
      request.allAudienceRoles = true;
    } else if (scope === SCOPE.managementAud) {
      request.managementAudience = true;
    } else if (scope.startsWith(SCOPE.audPrefix) && scope.endsWith(SCOPE.audSuffix)) {
      const id = scope.slice(SCOPE.audPrefix.length, -SCOPE.audSuffix.length);
      if (ID.test(id)) request.audienceProjects.push(id);
    } else if (scope.startsWith(SCOPE.rolesOfOrg)) {
      const id = scope.slice(SCOPE.rolesOfOrg.length);
      if (ID.test(id)) request.roleOrgIds.push(id);
    } else if (scope.startsWith(SCOPE.orgId)) {
      const id = scope.slice(SCOPE.orgId.length);
      if (ID.test(id)) request.orgId = id;
    } else if (scope.startsWith(SCOPE.orgDomain)) {
      const domain = scope.slice(SCOPE.orgDomain.length).toLowerCase();
      if (domain) request.orgDomain = domain;
    } else if (scope === SCOPE.resourceOwner) {
      request.resourceOwner = true;
    } else if (scope === SCOPE.metadata) {
      request.metadata = true;
    } else if (scope === SCOPE.roles) {
      request.flatRoles = true;
      request.rolesRequested = true;
    }
  }
  request.roleKeys = [...new Set(request.roleKeys)];
  request.audienceProjects = [...new Set(request.audienceProjects)];
  request.roleOrgIds = [...new Set(request.roleOrgIds)];
  return request;
}
