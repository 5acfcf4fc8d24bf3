import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { createLogger } from "../src/log.js";
import { createApp, listen } from "../src/server.js";
import { openTestDatabase } from "./support/database.js";

describe("health endpoints", () => {
  let db: Database;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await openTestDatabase();
    // The pool's first connection, opened here: /readyz allows a probe 2 s, which a loaded machine's connection setup can take.
    await db.prisma.$queryRaw`SELECT 1`;
    const { server, port } = await listen(createApp({ db, log: createLogger("silent"), trustProxy: false }), 0);
    base = `http://127.0.0.1:${port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close();
    await db.close();
  });

  it("answers /healthz while the process is up", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("counts requests at /metrics in Prometheus' text format", async () => {
    await fetch(`${base}/healthz`);
    await fetch(`${base}/nowhere`);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(Number(/rolegate_http_requests_total\{status="2xx"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/rolegate_http_requests_total\{status="4xx"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it("answers /readyz 200 while the database is reachable and 503 when it is not", async () => {
    const ok = await fetch(`${base}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ checks: { database: true } });

    await db.prisma.$disconnect();
    const broken = { ...db, prisma: { $queryRaw: () => Promise.reject(new Error("down")) } } as unknown as Database;
    const { server, port } = await listen(createApp({ db: broken, log: createLogger("silent"), trustProxy: false }), 0);
    try {
      const down = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: "unavailable", checks: { database: false } });
    } finally {
      server.close();
    }

    // Redis down makes the instance unready too.
    const redisDown = { ping: () => Promise.reject(new Error("down")) } as never;
    const okDb = { ...db, prisma: { $queryRaw: () => Promise.resolve([1]) } } as unknown as Database;
    const second = await listen(createApp({ db: okDb, redis: redisDown, log: createLogger("silent"), trustProxy: false }), 0);
    try {
      const res = await fetch(`http://127.0.0.1:${second.port}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable", checks: { database: true, redis: false } });
    } finally {
      second.server.close();
    }
  });
});
