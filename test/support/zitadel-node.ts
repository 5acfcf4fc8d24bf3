// Management API clients as ZITADEL's users write them with @zitadel/node: its generated
// definitions (ts-proto, ZITADEL's own protos) over gRPC with nice-grpc, one channel per test file,
// the token in every call's metadata.
import { Code, ConnectError } from "@connectrpc/connect";
import { type Channel, ClientError, type CompatServiceDefinition, createChannel, createClient, Metadata, type Client } from "nice-grpc";
import { afterAll } from "vitest";
import type { ApiServer } from "./api.js";

export function useZitadelNodeClients(api: () => ApiServer) {
  let channel: Channel | undefined;
  afterAll(() => channel?.close());
  return <D extends CompatServiceDefinition>(definition: D, token = api().adminToken): Client<D> => {
    channel ??= createChannel(api().url);
    return createClient(definition, channel, { "*": { metadata: Metadata({ authorization: `Bearer ${token}` }) } });
  };
}

/** The status a call ends with, by Connect's name ("OK" when it succeeds); grpc-status numbers are Connect's codes. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof ClientError) return Code[error.code as number as Code];
  if (error instanceof ConnectError) return Code[error.code];
  if (error === undefined) return "OK";
  throw error;
}
