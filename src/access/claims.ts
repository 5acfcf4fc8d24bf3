// The role claims (docs/rules.md#claims, R-CLAIM-1 to R-CLAIM-6): which projects, which roles,
// and their shape.
import { isEffective, type SnapshotAuthorization } from "./decide.js";
import { SCOPE, type ScopeRequest } from "./scopes.js";

/** `{ roleKey: { holdingOrgId: holdingOrgPrimaryDomain } }` */
export type RoleClaim = Record<string, Record<string, string>>;

export const projectRolesClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;
/** The generic role claim has the name of the scope that asks for it. */
export const GENERIC_ROLES_CLAIM = SCOPE.projectRolesClaim;

export interface RoleClaimOptions {
  /** Role keys asked for by scope (empty: all). */
  roleKeys: string[];
  /** Keep only roles held by these organizations (empty: all). */
  roleOrgIds: string[];
  /** The project's role keys; requested keys unknown to the project are dropped. */
  projectRoleKeys?: string[] | undefined;
}

/** Builds one project's role claim from the user's authorizations on it. */
export function buildRoleClaim(authorizations: SnapshotAuthorization[], options: RoleClaimOptions): RoleClaim {
  const requested = options.roleKeys.length ? new Set(options.roleKeys) : undefined;
  const known = options.projectRoleKeys ? new Set(options.projectRoleKeys) : undefined;
  const orgs = options.roleOrgIds.length ? new Set(options.roleOrgIds) : undefined;
  const claim: RoleClaim = {};
  for (const a of authorizations) {
    if (!isEffective(a) || (orgs && !orgs.has(a.orgId))) continue;
    for (const key of a.roleKeys) {
      if ((requested && !requested.has(key)) || (known && !known.has(key))) continue;
      claim[key] ??= {};
      claim[key][a.orgId] = a.orgPrimaryDomain;
    }
  }
  return claim;
}

export interface ProjectRoleSource {
  projectId: string;
  projectRoleAssertion: boolean;
  authorizations: SnapshotAuthorization[];
  projectRoleKeys?: string[] | undefined;
}

/**
 * The role claims for a token or userinfo: the client's project when it asserts roles or roles
 * were asked for, plus every aud-scope project when urn:zitadel:iam:org:projects:roles or a role
 * scope is present. The generic claim repeats the client project's value.
 */
export function roleClaims(
  clientProject: ProjectRoleSource,
  audienceProjects: ProjectRoleSource[],
  scopes: ScopeRequest,
): Record<string, RoleClaim> {
  const claims: Record<string, RoleClaim> = {};
  const options = (source: ProjectRoleSource): RoleClaimOptions => ({
    roleKeys: scopes.roleKeys,
    roleOrgIds: scopes.roleOrgIds,
    projectRoleKeys: source.projectRoleKeys,
  });
  if (clientProject.projectRoleAssertion || scopes.rolesRequested) {
    const claim = buildRoleClaim(clientProject.authorizations, options(clientProject));
    if (Object.keys(claim).length > 0) {
      claims[projectRolesClaim(clientProject.projectId)] = claim;
      claims[GENERIC_ROLES_CLAIM] = claim;
    }
  }
  if (scopes.allAudienceRoles || scopes.roleKeys.length > 0) {
    for (const source of audienceProjects) {
      if (source.projectId === clientProject.projectId) continue;
      const claim = buildRoleClaim(source.authorizations, { roleKeys: [], roleOrgIds: scopes.roleOrgIds });
      if (Object.keys(claim).length > 0) claims[projectRolesClaim(source.projectId)] = claim;
    }
  }
  return claims;
}

/** The flat `roles` claim: the client project's role keys, for tools that cannot read nested claims. */
export function flatRoles(claim: RoleClaim | undefined): string[] {
  return claim ? Object.keys(claim).sort() : [];
}

/** The standard claims of the profile and email scopes: oidc-provider's claims configuration. */
export const PROFILE_CLAIMS = ["name", "given_name", "family_name", "nickname", "preferred_username", "locale", "updated_at"] as const;
export const EMAIL_CLAIMS = ["email", "email_verified"] as const;
const STANDARD = new Set<string>(["sub", ...PROFILE_CLAIMS, ...EMAIL_CLAIMS]);
/** Whether oidc-provider knows a claim by name (the others have names made at run time). */
export const isStandardClaim = (name: string) => STANDARD.has(name);

/** What the claims need to know of a user (the directory's user rows fit it). */
export interface SubjectProfile {
  id: string;
  username: string;
  name: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  nickName: string | null;
  preferredLanguage: string | null;
  email: string | null;
  emailVerified: boolean;
  updatedAt: Date;
  org: { id: string; name: string; primaryDomain: string };
  metadata: { key: string; value: Uint8Array }[];
}

/** The profile scope's claims (undefined ones left out). */
export function profileClaims(user: SubjectProfile): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    name: user.displayName ?? user.name ?? user.username,
    given_name: user.givenName ?? undefined,
    family_name: user.familyName ?? undefined,
    nickname: user.nickName ?? undefined,
    preferred_username: user.username,
    locale: user.preferredLanguage ?? undefined,
    updated_at: Math.floor(user.updatedAt.getTime() / 1000),
  };
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}

/** The email scope's claims (none for a user without an email). */
export function emailClaims(user: SubjectProfile): Record<string, unknown> {
  return user.email ? { email: user.email, email_verified: user.emailVerified } : {};
}

/** The claims of ZITADEL's reserved urn:zitadel:iam:* scopes other than roles. */
export function reservedClaims(user: SubjectProfile, scopes: ScopeRequest): Record<string, unknown> {
  const reserved: Record<string, unknown> = {};
  if (scopes.resourceOwner) {
    reserved["urn:zitadel:iam:user:resourceowner:id"] = user.org.id;
    reserved["urn:zitadel:iam:user:resourceowner:name"] = user.org.name;
    reserved["urn:zitadel:iam:user:resourceowner:primary_domain"] = user.org.primaryDomain;
  }
  if (scopes.orgId) reserved["urn:zitadel:iam:org:id"] = scopes.orgId;
  if (scopes.orgDomain) reserved["urn:zitadel:iam:org:domain:primary"] = scopes.orgDomain;
  if (scopes.metadata) {
    reserved[SCOPE.metadata] = Object.fromEntries(user.metadata.map((m) => [m.key, Buffer.from(m.value).toString("base64url")]));
  }
  return reserved;
}
