// Which audiences a token may name: a project named by urn:zitadel:iam:org:project:id:{id}:aud
// enters the token (its `aud` and its role claims) only when the subject passes that project's
// checks; in user flows the management API's audience only after the user consented for that
// app. In user flows the others are left out and the token is narrowed (RFC 6749 §3.3); machine
// flows refuse failing projects (invalid_scope) instead, and need no consent.
import type { AccessDecision } from "./decide.js";
import { parseScopes, SCOPE } from "./scopes.js";

/** The audience of the instance's own management API (urn:zitadel:iam:org:project:id:zitadel:aud). */
export const MANAGEMENT_AUDIENCE = "zitadel";

/**
 * A token's audience as ZITADEL sets it: the client id, the client's project, the projects named
 * by aud scopes, and the management API when its scope is present.
 */
export function audienceFor(clientId: string, projectId: string | undefined, scopes: readonly string[]): string[] {
  const request = parseScopes(scopes);
  const aud = [clientId, ...(projectId ? [projectId] : []), ...request.audienceProjects];
  if (request.managementAudience) aud.push(MANAGEMENT_AUDIENCE);
  return [...new Set(aud)];
}

export interface NarrowedScopes {
  /** The scopes the token may carry, in request order. */
  granted: string[];
  /** Aud scopes of projects whose checks the subject fails (or that are unknown), and the
   * management audience without consent. */
  denied: string[];
}

/**
 * Splits a user flow's scopes by the decisions on their aud-scope projects and by the user's
 * consent to the management audience. The client's own project is not decided here: failing it
 * denies the whole sign-in, so its aud scope is kept.
 */
export function narrowAudienceScopes(
  scopes: readonly string[],
  clientProjectId: string | undefined,
  decisions: ReadonlyMap<string, AccessDecision>,
  managementConsent: boolean,
): NarrowedScopes {
  const granted: string[] = [];
  const denied: string[] = [];
  for (const scope of scopes) {
    const [projectId] = parseScopes([scope]).audienceProjects;
    const passes =
      scope === SCOPE.managementAud
        ? managementConsent
        : projectId === undefined || projectId === clientProjectId || decisions.get(projectId)?.allowed === true;
    (passes ? granted : denied).push(scope);
  }
  return { granted, denied };
}

/** The aud-scope projects whose checks must be decided for these scopes (all but the client's). */
export function audienceProjectsToCheck(scopes: readonly string[], clientProjectId: string | undefined): string[] {
  return parseScopes(scopes).audienceProjects.filter((id) => id !== clientProjectId);
}
