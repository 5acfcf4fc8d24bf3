// The console's client: built in, not in the directory, so that no management API call can change
// where its codes go (an organization owner who could edit it could send an instance
// administrator's code, and with it a management token, to a site of their choosing). It is a
// public client (PKCE) with one redirect URI under the issuer, and first-party: the policy's
// `console` kind, with no project and no consent for the management audience (R-CONSOLE-1).
import type { ClientMetadata } from "oidc-provider";
import { META } from "./clients.js";
import type { DirectoryReads } from "./reads.js";

export interface ConsoleClient {
  clientId: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export function consoleClientMetadata(console: ConsoleClient): ClientMetadata {
  return {
    client_id: console.clientId,
    client_name: "Console",
    application_type: "web",
    token_endpoint_auth_method: "none",
    redirect_uris: [console.redirectUri],
    post_logout_redirect_uris: [console.postLogoutRedirectUri],
    response_types: ["code"],
    grant_types: ["authorization_code"],
    [META.kind]: "console",
    [META.accessTokenType]: "BEARER",
    [META.accessTokenRoleAssertion]: false,
    [META.idTokenRoleAssertion]: false,
    [META.idTokenUserinfoAssertion]: true,
    [META.additionalOrigins]: [],
  } as ClientMetadata;
}

/** The directory's clients, with the console's id answered by the built-in client first. */
export function withConsoleClient(reads: DirectoryReads, console: ConsoleClient | undefined): DirectoryReads {
  if (!console) return reads;
  const metadata = consoleClientMetadata(console);
  return { ...reads, client: (clientId) => (clientId === console.clientId ? Promise.resolve(metadata) : reads.client(clientId)) };
}
