// Several rolegate instances on one PostgreSQL, one Redis and one KEYS_DIR, behind a tiny
// round-robin proxy that is their public URL (the ISSUER), as behind a load balancer.
import http from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { createEmptyDatabase } from "./database.js";
import { startServer, type StartedServer } from "./process.js";
import { freePort } from "./servers.js";

export interface Cluster {
  url: string;
  databaseUrl: string;
  adminToken: string;
  instances: StartedServer[];
  /** Which instance answered each proxied request, in order. */
  served: number[];
}

export function useCluster(size = 2): () => Cluster {
  let cluster: Cluster | undefined;
  let proxy: http.Server | undefined;
  beforeAll(async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "rolegate-cluster-"));
    const databaseUrl = await createEmptyDatabase("rolegate_template");
    const proxyPort = await freePort();
    const url = `http://127.0.0.1:${proxyPort}`;
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: inject("redisUrl"),
      KEYS_DIR: path.join(home, "keys"),
      ADMIN_PAT_FILE: path.join(home, "admin.pat"),
      DATA_DIR: path.join(home, "data"),
      ISSUER: url,
    };
    const instances = await Promise.all(Array.from({ length: size }, () => startServer(env)));
    const served: number[] = [];
    let next = 0;
    proxy = http.createServer((req, res) => {
      const index = next++ % instances.length;
      served.push(index);
      const target = new URL(instances[index]!.url);
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy!.listen(proxyPort, "127.0.0.1", resolve));
    cluster = { url, databaseUrl, adminToken: (await readFile(env.ADMIN_PAT_FILE, "utf8")).trim(), instances, served };
  }, 120_000);
  afterAll(async () => {
    proxy?.close();
    await Promise.all(cluster?.instances.map((i) => i.stop()) ?? []);
  });
  return () => cluster!;
}
