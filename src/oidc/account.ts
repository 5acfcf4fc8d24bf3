// findAccount: the user behind a session or token, with the claims for the requesting client.
// It refuses (returns nothing) when the user may no longer use the client's project, so a
// code exchange or refresh after access was taken away fails with invalid_grant.
import type { Account, AccountClaims, KoaContextWithOIDC } from "oidc-provider";
import type { ProjectAccess } from "../directory/access-snapshots.js";
import { decideWithAccess } from "./access-prompt.js";
import { flagOf, kindOf, projectIdOf } from "./client-info.js";
import { DYNAMIC_CLAIMS } from "./internals.js";
import type { DirectoryReads } from "./reads.js";
import { loadUserClaims } from "./user-claims.js";

export function createFindAccount(reads: DirectoryReads) {
  return async function findAccount(ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
    const client = ctx.oidc.client;
    const projectId = projectIdOf(client);
    // An app's user: the access checks cover the user's and organizations' states too, and
    // their snapshot serves the claims below. Anyone else: the user must exist and be active.
    let access: ProjectAccess | null | undefined;
    if (client && kindOf(client) === "oidc") {
      const checked = await decideWithAccess(reads, sub, projectId);
      if (!checked.decision.allowed) return undefined;
      access = checked.access;
    } else {
      const user = await reads.user(sub);
      if (user?.state !== "ACTIVE") return undefined;
    }
    return {
      accountId: sub,
      async claims(use: string, scope: string): Promise<AccountClaims> {
        const loaded = await loadUserClaims({ reads, userId: sub, projectId, scopes: scope.split(" "), access });
        if (!loaded) return { sub };
        // The ID token carries profile and role claims only when the app asks for them (ZITADEL's
        // idTokenUserinfoAssertion / idTokenRoleAssertion); userinfo always has them.
        const idToken = use === "id_token";
        const withProfile = !idToken || flagOf(client, "id_token_userinfo_assertion");
        const withRoles = !idToken || flagOf(client, "id_token_role_assertion");
        return {
          sub,
          ...(withProfile ? { ...loaded.profile, ...loaded.email } : {}),
          [DYNAMIC_CLAIMS]: { ...(withRoles ? loaded.roles : {}), ...loaded.reserved },
        };
      },
    };
  };
}
