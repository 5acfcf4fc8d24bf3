// The claims of one user for one client and one set of scopes: standard profile/email claims,
// ZITADEL's role claims and reserved-scope claims. Where they go (ID token, userinfo, JWT access
// token, introspection) is decided by the caller with the app's flags.
import { flatRoles, roleClaims, GENERIC_ROLES_CLAIM, type ProjectRoleSource } from "../access/claims.js";
import { decideAccess } from "../access/decide.js";
import { parseScopes, type ScopeRequest } from "../access/scopes.js";
import type { ProjectAccess } from "../directory/access-snapshots.js";
import type { DirectoryReads } from "./reads.js";

export interface ClaimContext {
  reads: DirectoryReads;
  userId: string;
  /** The client's project (absent for machine clients that are not apps). */
  projectId?: string | undefined;
  scopes: string[];
  /** The user's snapshot on the client's project, when the caller has loaded it already. */
  access?: ProjectAccess | null | undefined;
}

export interface UserClaims {
  /** Standard claims by scope: profile, email. */
  profile: Record<string, unknown>;
  email: Record<string, unknown>;
  /** ZITADEL's role claims (per project and generic), and the flat `roles` claim when asked for. */
  roles: Record<string, unknown>;
  /** Claims of the reserved urn:zitadel:iam:* scopes other than roles. */
  reserved: Record<string, unknown>;
}

export async function loadUserClaims(c: ClaimContext): Promise<UserClaims | undefined> {
  const scopes = parseScopes(c.scopes);
  const user = await c.reads.user(c.userId);
  if (!user) return undefined;

  const profile: Record<string, unknown> = {
    name: user.displayName ?? user.name ?? user.username,
    given_name: user.givenName ?? undefined,
    family_name: user.familyName ?? undefined,
    nickname: user.nickName ?? undefined,
    preferred_username: user.username,
    locale: user.preferredLanguage ?? undefined,
    updated_at: Math.floor(user.updatedAt.getTime() / 1000),
  };
  const email: Record<string, unknown> = user.email ? { email: user.email, email_verified: user.emailVerified } : {};

  const reserved: Record<string, unknown> = {};
  if (scopes.resourceOwner) {
    reserved["urn:zitadel:iam:user:resourceowner:id"] = user.org.id;
    reserved["urn:zitadel:iam:user:resourceowner:name"] = user.org.name;
    reserved["urn:zitadel:iam:user:resourceowner:primary_domain"] = user.org.primaryDomain;
  }
  if (scopes.orgId) reserved["urn:zitadel:iam:org:id"] = scopes.orgId;
  if (scopes.orgDomain) reserved["urn:zitadel:iam:org:domain:primary"] = scopes.orgDomain;
  if (scopes.metadata) {
    reserved["urn:zitadel:iam:user:metadata"] = Object.fromEntries(
      user.metadata.map((m) => [m.key, Buffer.from(m.value).toString("base64url")]),
    );
  }

  return { profile: dropUndefined(profile), email, roles: await loadRoleClaims(c, scopes), reserved };
}

/** Role claims for the client's project and the aud-scope projects, read now. */
export async function loadRoleClaims(c: ClaimContext, scopes: ScopeRequest = parseScopes(c.scopes)): Promise<Record<string, unknown>> {
  const audience = scopes.audienceProjects.filter((id) => id !== c.projectId);
  const [access, byProject] = await Promise.all([
    c.access !== undefined ? c.access : c.projectId ? c.reads.projectAccess(c.userId, c.projectId) : null,
    c.reads.projectsAccess(c.userId, audience),
  ]);
  const client: ProjectRoleSource = access
    ? {
        projectId: c.projectId!,
        projectRoleAssertion: access.projectRoleAssertion,
        authorizations: access.snapshot.authorizations,
        projectRoleKeys: access.projectRoleKeys,
      }
    : { projectId: "", projectRoleAssertion: false, authorizations: [] };
  // An aud-scope project's roles only when the user passes its checks (access/audience.ts).
  const sources = audience.flatMap((projectId) => {
    const snapshot = byProject.get(projectId)?.snapshot;
    return snapshot && decideAccess(snapshot).allowed
      ? [{ projectId, projectRoleAssertion: false, authorizations: snapshot.authorizations }]
      : [];
  });
  const claims: Record<string, unknown> = roleClaims(client, sources, scopes);
  if (scopes.flatRoles) claims.roles = flatRoles(claims[GENERIC_ROLES_CLAIM] as Record<string, Record<string, string>> | undefined);
  return claims;
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
