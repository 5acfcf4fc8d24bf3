// The audience rule (access/audience.ts) applied to oidc-provider's grants. Every token and ID
// token of a user flow takes its scopes through the request's grant, so a grant whose failing aud
// scopes (and the management audience without consent) are rejected narrows all of them: login,
// SSO, prompt=none, code exchange and refresh alike. Rejections are re-decided whenever the grant
// is loaded.
import type { Client, Grant } from "oidc-provider";
import { audienceProjectsToCheck } from "../access/audience.js";
import { userGrantScopes } from "../access/policy.js";
import { SCOPE } from "../access/scopes.js";
import { hasManagementConsent } from "../directory/consents.js";
import { clientFacts, type FactSources, loadFacts } from "./policy-facts.js";
import { projectIdOf } from "./client-info.js";
import type { DirectoryReads } from "./reads.js";

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
export async function narrowGrant(sources: FactSources, grant: Grant, client: Client): Promise<void> {
  const g = grant as unknown as GrantScopes;
  if (!g.accountId) return;
  const all = new Set(
    [g, g.rejected ?? {}].flatMap((s) => [...words(s.openid?.scope), ...Object.values(s.resources ?? {}).flatMap(words)]),
  );
  const scopes = [...all];
  const management = scopes.includes(SCOPE.managementAud);
  if (!management && audienceProjectsToCheck(scopes, projectIdOf(client)).length === 0) return;
  // The refresh path's checks read exactly the facts the narrowing needs (aud projects, consent).
  const facts = await loadFacts(sources, { path: "refresh", client: clientFacts(client), subjectId: g.accountId, scopes });
  const { granted, denied } = userGrantScopes(facts);

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
