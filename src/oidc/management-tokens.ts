// Access tokens for the management API: rolegate-issued tokens whose scopes include
// urn:zitadel:iam:org:project:id:zitadel:aud (as ZITADEL requires) are accepted there as their
// user (a person, or the machine user of client credentials). A person's token counts only while
// the person's consent for that app stands: withdrawing it ends the app's access at once.
import type Provider from "oidc-provider";
import { SCOPE } from "../access/scopes.js";
import { kindOf, machineUserIdOf } from "./client-info.js";
import type { JwtAccessTokens } from "./jwt-access-tokens.js";
import { MAX_TOKEN_LENGTH } from "./token-limits.js";
import { unlessUnavailable } from "../http/unavailable.js";

/** Whether the user consented that the app (by client id) may use the management API. */
export type ManagementConsentCheck = (userId: string, clientId: string) => Promise<boolean>;

export function createManagementTokenResolver(provider: Provider, jwts: JwtAccessTokens, consented: ManagementConsentCheck) {
  const forManagement = (scope: unknown) => typeof scope === "string" && scope.split(" ").includes(SCOPE.managementAud);

  /** A person's token, through an app: only with the person's consent for that app. */
  async function personWithConsent(userId: string, clientId: string): Promise<string | undefined> {
    const client = await provider.Client.find(clientId);
    return kindOf(client) === "oidc" && (await consented(userId, clientId)) ? userId : undefined;
  }

  return async function resolveAccessToken(token: string): Promise<string | undefined> {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    if (token.split(".").length === 3) {
      const payload = await jwts.verify(token);
      if (!payload || !forManagement(payload.scope) || typeof payload.sub !== "string" || typeof payload.client_id !== "string")
        return undefined;
      const client = await provider.Client.find(payload.client_id);
      // A machine user's own token (client credentials, JWT profile) names the machine user.
      if (machineUserIdOf(client) === payload.sub) return payload.sub;
      return personWithConsent(payload.sub, payload.client_id);
    }
    const stored =
      // Unreadable: not a token of ours; an unreachable store is an outage (`unavailable`).
      (await provider.AccessToken.find(token).catch(unlessUnavailable)) ??
      (await provider.ClientCredentials.find(token).catch(unlessUnavailable));
    if (!stored || stored.isExpired || !forManagement(stored.scope) || !stored.clientId) return undefined;
    if ("accountId" in stored && stored.accountId) return personWithConsent(stored.accountId, stored.clientId);
    return machineUserIdOf(await provider.Client.find(stored.clientId));
  };
}
