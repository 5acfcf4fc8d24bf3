// Access tokens for the management API: rolegate-issued tokens whose scopes include
// urn:zitadel:iam:org:project:id:zitadel:aud (as ZITADEL requires) are accepted there as their
// user (a person, or the machine user of client credentials). A person's token counts only while
// the person's consent for that app stands: withdrawing it ends the app's access at once.
import type Provider from "oidc-provider";
import { SCOPE } from "../access/scopes.js";
import { MAX_TOKEN_LENGTH } from "./token-limits.js";
import { unlessUnavailable } from "../http/unavailable.js";
import { machineUserIdOf } from "./client-info.js";
import type { JwtAccessTokens } from "./jwt-access-tokens.js";
import { clientFacts, decidePath, type FactSources } from "./policy-facts.js";

export function createManagementTokenResolver(provider: Provider, jwts: JwtAccessTokens, sources: FactSources) {
  const forManagement = (scope: unknown) => typeof scope === "string" && scope.split(" ").includes(SCOPE.managementAud);

  /** The token's subject, when the sign-in policy's management_token path lets it through. */
  async function subjectOf(subjectId: string, clientId: string, scopes: string): Promise<string | undefined> {
    const client = await provider.Client.find(clientId);
    if (!client) return undefined;
    const path = { path: "management_token" as const, client: clientFacts(client), subjectId, scopes: scopes.split(" ") };
    return (await decidePath(sources, path)).outcome.allowed ? subjectId : undefined;
  }

  return async function resolveAccessToken(token: string): Promise<string | undefined> {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    if (token.split(".").length === 3) {
      const payload = await jwts.verify(token);
      if (!payload || !forManagement(payload.scope) || typeof payload.sub !== "string" || typeof payload.client_id !== "string")
        return undefined;
      // A machine user's token names the machine user as its subject (a person's, the person).
      const client = await provider.Client.find(payload.client_id);
      const machineUserId = machineUserIdOf(client);
      if (machineUserId !== undefined && machineUserId !== payload.sub) return undefined;
      return subjectOf(payload.sub, payload.client_id, String(payload.scope));
    }
    const stored =
      // Unreadable: not a token of ours; an unreachable store is an outage (`unavailable`).
      (await provider.AccessToken.find(token).catch(unlessUnavailable)) ??
      (await provider.ClientCredentials.find(token).catch(unlessUnavailable));
    if (!stored || stored.isExpired || !forManagement(stored.scope) || !stored.clientId) return undefined;
    // A person's token (it names an account) comes through an app; a machine user's names none.
    const accountId = "accountId" in stored ? stored.accountId : undefined;
    const machineUserId = machineUserIdOf(await provider.Client.find(stored.clientId));
    if (accountId && machineUserId) return undefined;
    const subjectId = accountId || machineUserId;
    return subjectId ? subjectOf(subjectId, stored.clientId, String(stored.scope)) : undefined;
  };
}
