// oidc-provider clients, read from the directory (through the request-path cache, src/oidc/reads.ts):
// active OIDC and API apps of active projects of active organizations, and machine users (client
// credentials). A change through the management API is visible at the next request, with no restart.
import { createPublicKey } from "node:crypto";
import type { ClientMetadata } from "oidc-provider";
import { appAvailable, type ClientKind } from "../access/policy.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import {
  appClientFacts,
  loadClientRecords,
  type AppRecord,
  type MachineRecord,
  type PublicKeyRecord,
} from "../directory/client-records.js";
import { textProblem } from "../directory/validate.js";
import { ASSERTION_PROXY_JWK } from "./client-assertions.js";

/** rolegate's own client metadata (read back by client-info.ts). */
export const META = {
  kind: "urn:rolegate:kind",
  projectId: "urn:rolegate:project_id",
  accessTokenType: "urn:rolegate:access_token_type",
  accessTokenRoleAssertion: "urn:rolegate:access_token_role_assertion",
  idTokenRoleAssertion: "urn:rolegate:id_token_role_assertion",
  idTokenUserinfoAssertion: "urn:rolegate:id_token_userinfo_assertion",
  additionalOrigins: "urn:rolegate:additional_origins",
  machineUserId: "urn:rolegate:machine_user_id",
} as const;

/** Registered as extraClientMetadata.properties. */
export const CLIENT_PROPERTIES = Object.values(META);

export type { ClientKind };

const RESPONSE_TYPES: Record<string, string> = { CODE: "code", ID_TOKEN: "id_token", ID_TOKEN_TOKEN: "id_token token" };
const GRANT_TYPES: Record<string, string> = {
  AUTHORIZATION_CODE: "authorization_code",
  IMPLICIT: "implicit",
  REFRESH_TOKEN: "refresh_token",
};
const AUTH_METHODS: Record<string, string> = {
  BASIC: "client_secret_basic",
  POST: "client_secret_post",
  NONE: "none",
  PRIVATE_KEY_JWT: "private_key_jwt",
};

/** No client for an id no client can have: empty, too long, or with control characters (NUL: PostgreSQL refuses it). */
export async function findClientMetadata(prisma: PrismaClient, clientId: string): Promise<ClientMetadata | undefined> {
  if (clientId.length === 0 || clientId.length > 200 || textProblem(clientId)) return undefined;
  const { app, machine } = await loadClientRecords(prisma, clientId);
  if (app) return appClient(app);
  return machine ? machineClient(clientId, machine) : undefined;
}

/** An OIDC or API app of an active project of an active organization. */
function appClient({ app, projectState, orgState, keys }: AppRecord): ClientMetadata | undefined {
  if (!appAvailable({ app: app.state, project: projectState, projectOrg: orgState })) return undefined;
  // The policy's view of the app (one mapping, shared with the access explainer).
  const facts = appClientFacts(app);
  const common = {
    client_id: app.clientId,
    client_name: app.name,
    token_endpoint_auth_method: AUTH_METHODS[app.authMethod],
    ...(app.clientSecretHash ? { client_secret: app.clientSecretHash } : {}),
    ...(app.authMethod === "PRIVATE_KEY_JWT" ? { jwks: keySet(keys) } : {}),
    [META.kind]: facts.kind,
    [META.projectId]: facts.projectId,
  };
  if (facts.kind === "api") {
    return { ...common, grant_types: [], response_types: [], redirect_uris: [] } as ClientMetadata;
  }
  return {
    ...common,
    application_type: app.appType === "NATIVE" ? "native" : "web",
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    response_types: app.responseTypes.map((t) => RESPONSE_TYPES[t]).filter((t): t is string => t !== undefined),
    grant_types: app.grantTypes.map((t) => GRANT_TYPES[t]).filter((t): t is string => t !== undefined),
    [META.accessTokenType]: facts.accessTokenType,
    [META.accessTokenRoleAssertion]: facts.accessTokenRoleAssertion,
    [META.idTokenRoleAssertion]: facts.idTokenRoleAssertion,
    [META.idTokenUserinfoAssertion]: facts.idTokenUserinfoAssertion,
    [META.additionalOrigins]: app.additionalOrigins,
  } as ClientMetadata;
}

/**
 * A machine user as a client-credentials client: by user id or (as ZITADEL) by user name. It
 * authenticates with its secret, or, without one, with a key (private_key_jwt).
 */
function machineClient(clientId: string, user: MachineRecord): ClientMetadata | undefined {
  if (user.state !== "ACTIVE" || user.orgState !== "ACTIVE") return undefined;
  if (!user.secretHash && user.keys.length === 0) return undefined;
  const auth = user.secretHash
    ? { client_secret: user.secretHash, token_endpoint_auth_method: "client_secret_basic" }
    : { token_endpoint_auth_method: "private_key_jwt", jwks: keySet(user.keys) };
  return {
    client_id: clientId,
    ...auth,
    grant_types: ["client_credentials"],
    response_types: [],
    redirect_uris: [],
    [META.kind]: "machine",
    [META.machineUserId]: user.id,
    [META.accessTokenType]: user.accessTokenType,
  } as ClientMetadata;
}

/** The client's public keys, and the proxy key for ZITADEL-shaped assertions (client-assertions.ts). */
function keySet(keys: PublicKeyRecord[]) {
  return { keys: [...keys.map((k) => toJwk(k.id, k.publicKeyPem)), ASSERTION_PROXY_JWK] };
}

function toJwk(kid: string, pem: string) {
  const jwk = createPublicKey(pem).export({ format: "jwk" });
  return { ...jwk, kid, use: "sig" };
}
