// Access tokens for the management API: rolegate-issued tokens whose scopes include
// urn:zitadel:iam:org:project:id:zitadel:aud (as ZITADEL requires) are accepted there as their
// user (a person, or the machine user of client credentials).
import type Provider from "oidc-provider";
import { SCOPE } from "../access/scopes.js";
import { machineUserIdOf } from "./client-info.js";
import type { JwtAccessTokens } from "./jwt-access-tokens.js";
import { unlessUnavailable } from "../http/unavailable.js";

export function createManagementTokenResolver(provider: Provider, jwts: JwtAccessTokens) {
  const forManagement = (scope: unknown) => typeof scope === "string" && scope.split(" ").includes(SCOPE.managementAud);

  return async function resolveAccessToken(token: string): Promise<string | undefined> {
    if (token.length > 8192) return undefined;
    if (token.split(".").length === 3) {
      const payload = await jwts.verify(token);
      return payload && forManagement(payload.scope) && typeof payload.sub === "string" ? payload.sub : undefined;
    }
    const stored =
      // Unreadable: not a token of ours; an unreachable store is an outage (`unavailable`).
      (await provider.AccessToken.find(token).catch(unlessUnavailable)) ?? (await provider.ClientCredentials.find(token).catch(unlessUnavailable));
    if (!stored || stored.isExpired || !forManagement(stored.scope)) return undefined;
    if ("accountId" in stored && stored.accountId) return stored.accountId;
    const client = stored.clientId ? await provider.Client.find(stored.clientId) : undefined;
    return machineUserIdOf(client);
  };
}
