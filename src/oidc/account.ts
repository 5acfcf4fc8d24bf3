// findAccount: the user behind a session or token, with the claims for the requesting client.
// It refuses (returns nothing) when the sign-in policy refuses the user on the code exchange or
// refresh path, so a code exchange or refresh after access was taken away fails with invalid_grant.
import type { Account, AccountClaims, KoaContextWithOIDC } from "oidc-provider";
import { isStandardClaim } from "../access/claims.js";
import { claimsFor, type SignInPath } from "../access/policy.js";
import { DYNAMIC_CLAIMS } from "./internals.js";
import { clientFacts, decidePath, type FactSources, loadFacts } from "./policy-facts.js";

/** findAccount runs on the authorization request too (before its prompts): as a code exchange. */
const pathOf = (ctx: KoaContextWithOIDC): SignInPath =>
  ctx.oidc.route === "token" && ctx.oidc.params?.grant_type === "refresh_token" ? "refresh" : "code_exchange";

export function createFindAccount(sources: FactSources) {
  return async function findAccount(ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
    if (!ctx.oidc.client) return undefined;
    const client = clientFacts(ctx.oidc.client);
    const path = pathOf(ctx);
    const { outcome } = await decidePath(sources, { path, client, subjectId: sub, scopes: [] });
    if (!outcome.allowed) return undefined;
    return {
      accountId: sub,
      async claims(use: string, scope: string): Promise<AccountClaims> {
        const destination = use === "id_token" ? "id_token" : "userinfo";
        const scopes = scope.split(" ").filter(Boolean);
        const facts = await loadFacts(sources, { client, subjectId: sub, scopes, claims: [destination] });
        // Claims with names made at run time pass oidc-provider's claim filter separately (internals.ts).
        const standard: AccountClaims = { sub };
        const dynamic: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(claimsFor(destination, facts))) {
          if (isStandardClaim(name)) standard[name] = value;
          else dynamic[name] = value;
        }
        return { ...standard, [DYNAMIC_CLAIMS]: dynamic };
      },
    };
  };
}
