// The bare oidc-provider's fixed clients, user and claims (shared by bare-provider.ts and run.ts).
export const BARE_PROJECT_ID = "300000000000000001";
export const BARE_ORG_ID = "300000000000000002";
export const ROLES_SCOPE = "urn:zitadel:iam:org:project:roles";
export const rolesClaimOf = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;

/** A constant role claim, shaped as ZITADEL's (and rolegate's). */
export const BARE_ROLES = { viewer: { [BARE_ORG_ID]: "bench.localhost" } };
export const BARE_ROLE_CLAIMS = { [rolesClaimOf(BARE_PROJECT_ID)]: BARE_ROLES, [ROLES_SCOPE]: BARE_ROLES };

export const BARE = {
  web: { clientId: "bench-web", clientSecret: "bench-web-secret-0123456789abcdefABCDEF" },
  machine: { clientId: "bench-machine", clientSecret: "bench-machine-secret-0123456789abcdefABCDEF", scope: "api:read" },
  api: { clientId: "bench-api", clientSecret: "bench-api-secret-0123456789abcdefABCDEF" },
  resource: "urn:bench:api",
  user: { id: "300000000000000003", loginName: "ada@bench.localhost", password: "Secr3t!Passw0rd" },
} as const;

/** Where both providers send the browser back; nothing listens there (the flows stop at the redirect). */
export const REDIRECT_URI = "http://127.0.0.1:9/cb";
