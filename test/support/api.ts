// A rolegate server started as users start it (on a fresh PostgreSQL database), and management
// API clients as users write them: @zitadel/client's gRPC transport (h2c) and Connect JSON over HTTP/1.1.
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createServerTransport } from "@zitadel/client/node";
import { afterAll, beforeAll, inject } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { connectJsonTransport } from "./connect-json.js";
import { createEmptyDatabase } from "./database.js";
import { startServer, type StartedServer } from "./process.js";
import { freePort } from "./servers.js";

export type Transport = "grpc" | "connect";
export const TRANSPORTS: Transport[] = ["grpc", "connect"];

export interface ApiServer {
  url: string;
  databaseUrl: string;
  adminToken: string;
  /** The server's database, opened by the test as well (for setup and checks). */
  db: Database;
  /** The server's log lines so far (JSON). */
  logs(): Record<string, unknown>[];
  client<S extends DescService>(service: S, transport: Transport, token?: string): Client<S>;
}

export function createApiClient<S extends DescService>(url: string, service: S, transport: Transport, token: string): Client<S> {
  if (transport === "grpc") return createClient(service, createServerTransport(token, { baseUrl: url }));
  return createClient(service, connectJsonTransport(url, token));
}

/**
 * Starts one server for the test file; `redis` keeps its sessions and tokens in the run's Redis;
 * `env` adds to (or overrides) its environment.
 */
export function useApiServer(options: { redis?: boolean; env?: Record<string, string> } = {}): () => ApiServer {
  let server: StartedServer | undefined;
  let api: ApiServer | undefined;
  beforeAll(async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-api-"));
    const databaseUrl = await createEmptyDatabase("rolegate_template");
    const patFile = path.join(home, "admin.pat");
    const port = await freePort();
    server = await startServer({
      DATABASE_URL: databaseUrl,
      ADMIN_PAT_FILE: patFile,
      DATA_DIR: path.join(home, "data"),
      KEYS_DIR: path.join(home, "keys"),
      PORT: String(port),
      ISSUER: `http://127.0.0.1:${port}`,
      ...(options.redis ? { REDIS_URL: inject("redisUrl") } : {}),
      ...options.env,
    });
    const adminToken = (await readFile(patFile, "utf8")).trim();
    const db = await openDatabase({ databaseUrl, dataDir: "/nonexistent" });
    const url = server.url;
    api = {
      url,
      databaseUrl,
      adminToken,
      db,
      logs: () => server!.logs(),
      client: (service, transport, token = adminToken) => createApiClient(url, service, transport, token),
    };
  }, 90_000);
  afterAll(async () => {
    await api?.db.close();
    await server?.stop();
  });
  return () => api!;
}
