// Token audiences as ZITADEL sets them: the client id, the client's project, the projects named
// by aud scopes, and the management API when its scope is present.
import { parseScopes } from "../access/scopes.js";

/** The audience of the instance's own management API (urn:zitadel:iam:org:project:id:zitadel:aud). */
export const MANAGEMENT_AUDIENCE = "zitadel";

export function audienceFor(clientId: string, projectId: string | undefined, scopes: string[]): string[] {
  const request = parseScopes(scopes);
  const aud = [clientId, ...(projectId ? [projectId] : []), ...request.audienceProjects];
  if (request.managementAudience) aud.push(MANAGEMENT_AUDIENCE);
  return [...new Set(aud)];
}
