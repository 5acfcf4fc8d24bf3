// The audience rule (access/audience.ts) applied to oidc-provider's grants. Every token and ID
// token of a user flow takes its scopes through the request's grant, so a grant whose failing aud
// scopes (and the management audience without consent) are rejected narrows all of them: login,
// SSO, prompt=none, code exchange and refresh alike. Rejections are re-decided whenever the grant
// is loaded.
import type { Grant } from "oidc-provider";
import { audienceProjectsToCheck, narrowAudienceScopes } from "../access/audience.js";
import { decideAccess, DENY_MESSAGES, type AccessDecision } from "../access/decide.js";
import { SCOPE } from "../access/scopes.js";
import { hasManagementConsent } from "../directory/consents.js";
import type { DirectoryReads } from "./reads.js";

const UNKNOWN_PROJECT: AccessDecision = { allowed: false, reason: "project_unavailable", message: DENY_MESSAGES.project_unavailable };

/** The subject's decision on each aud-scope project of the scopes (but the client's own), in one read. */
export async function audienceDecisions(
  reads: DirectoryReads,
  userId: string,
  clientProjectId: string | undefined,
  scopes: readonly string[],
): Promise<Map<string, AccessDecision>> {
  const projectIds = audienceProjectsToCheck(scopes, clientProjectId);
  if (projectIds.length === 0) return new Map();
  const accesses = await reads.projectsAccess(userId, projectIds);
  return new Map(
    projectIds.map((id) => {
      const access = accesses.get(id);
      return [id, access ? decideAccess(access.snapshot) : UNKNOWN_PROJECT];
    }),
  );
}

type Scopes = { openid?: { scope?: string }; resources?: Record<string, string> };
type GrantScopes = Scopes & { rejected?: Scopes; accountId?: string; clientId?: string };

const words = (s: string | undefined) => (s ? s.split(" ").filter(Boolean) : []);
const without = (s: string | undefined, drop: Set<string>) =>
  words(s)
    .filter((w) => !drop.has(w))
    .join(" ");

/** Whether the user consented that the app may get management-API tokens (one read, when asked). */
export function managementConsented(reads: DirectoryReads, userId: string, clientId: string): Promise<boolean> {
  return hasManagementConsent({ prisma: reads.prisma, actor: { id: userId } }, userId, clientId);
}

/**
 * Rejects the grant's aud scopes whose projects the grant's user fails now (and the management
 * audience without consent), and lifts earlier rejections of those it passes again. Changes the
 * grant in memory; the caller decides on saving.
 */
export async function narrowGrant(reads: DirectoryReads, grant: Grant, clientProjectId: string | undefined): Promise<void> {
  const g = grant as unknown as GrantScopes;
  if (!g.accountId) return;
  const all = new Set(
    [g, g.rejected ?? {}].flatMap((s) => [...words(s.openid?.scope), ...Object.values(s.resources ?? {}).flatMap(words)]),
  );
  const scopes = [...all];
  const management = scopes.includes(SCOPE.managementAud);
  if (!management && audienceProjectsToCheck(scopes, clientProjectId).length === 0) return;
  const [decisions, consent] = await Promise.all([
    audienceDecisions(reads, g.accountId, clientProjectId, scopes),
    management && g.clientId ? managementConsented(reads, g.accountId, g.clientId) : false,
  ]);
  const { granted, denied } = narrowAudienceScopes(scopes, clientProjectId, decisions, consent);

  const lift = new Set(granted);
  if (g.rejected?.openid?.scope) g.rejected.openid.scope = without(g.rejected.openid.scope, lift);
  for (const resource of Object.keys(g.rejected?.resources ?? {}))
    g.rejected!.resources![resource] = without(g.rejected!.resources![resource], lift);

  for (const scope of denied) {
    if (words(g.openid?.scope).includes(scope)) grant.rejectOIDCScope(scope);
    for (const [resource, value] of Object.entries(g.resources ?? {}))
      if (words(value).includes(scope)) grant.rejectResourceScope(resource, scope);
  }
}
