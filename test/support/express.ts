// Express apps on free loopback ports, as APIs behind rolegate run; closed after the test file.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { afterAll } from "vitest";

/** Returns `listen(app)`, which starts `app` on 127.0.0.1 and resolves to its base URL. */
export function useExpress(): (app: Express) => Promise<string> {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  return async (app) => {
    const server = await new Promise<Server>((resolve, reject) => {
      const started = app.listen(0, "127.0.0.1", (error?: Error) => (error ? reject(error) : resolve(started)));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
}
