// rolegate's metadata on oidc-provider clients (see CLIENT_PROPERTIES in clients.ts).
import type { Client } from "oidc-provider";
import type { ClientKind } from "../access/policy.js";
import { META } from "./clients.js";

// client.metadata() builds a fresh copy on every call; oidc-provider keeps one Client object per
// metadata version, so one copy per object is enough.
const metadataOf = new WeakMap<Client, Record<string, unknown>>();

function meta(client: Client | undefined): Record<string, unknown> {
  if (!client) return {};
  let metadata = metadataOf.get(client);
  if (!metadata) {
    metadata = client.metadata() as Record<string, unknown>;
    metadataOf.set(client, metadata);
  }
  return metadata;
}

export const projectIdOf = (client: Client | undefined) => meta(client)[META.projectId] as string | undefined;
export const kindOf = (client: Client | undefined) => meta(client)[META.kind] as ClientKind | undefined;
/** The same, from the metadata the directory reads return (before oidc-provider built a Client). */
export const kindOfMetadata = (metadata: object | undefined) =>
  (metadata as Record<string, unknown> | undefined)?.[META.kind] as ClientKind | undefined;
export const machineUserIdOf = (client: Client | undefined) => meta(client)[META.machineUserId] as string | undefined;
export const accessTokenTypeOf = (client: Client | undefined) =>
  (meta(client)[META.accessTokenType] as "BEARER" | "JWT" | undefined) ?? "BEARER";
export const flagOf = (
  client: Client | undefined,
  flag: "accessTokenRoleAssertion" | "idTokenRoleAssertion" | "idTokenUserinfoAssertion",
) => meta(client)[META[flag]] === true;
export const additionalOriginsOf = (client: Client | undefined) => (meta(client)[META.additionalOrigins] as string[] | undefined) ?? [];
