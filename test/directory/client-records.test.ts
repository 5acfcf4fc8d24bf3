// The client read (an app by client id, a machine user by id or user name): one SQL statement,
// with the states, secret and unexpired keys a client depends on, on PostgreSQL and on PGlite.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createApplication, createApplicationKey } from "../../src/directory/applications.js";
import { loadClientRecords } from "../../src/directory/client-records.js";
import type { DirectoryContext } from "../../src/directory/context.js";
import { deactivateProject } from "../../src/directory/projects.js";
import { addKey, addSecret } from "../../src/directory/user-credentials.js";
import { createMachineUser } from "../../src/directory/users.js";
import { PrismaClient } from "../../src/generated/prisma/client.js";
import { findClientMetadata } from "../../src/oidc/clients.js";
import { createEmptyDatabase } from "../support/database.js";
import { unique } from "../support/directory.js";
import { makeOrg, makeProject } from "../support/fixtures.js";
import { TEMPLATE_DB } from "../support/global-setup.js";

const PAST = new Date(Date.now() - 3_600_000);

/** Runs every case against one database; `prisma` reads (it may count statements), `ctx` writes. */
async function expectClientRecords(ctx: DirectoryContext, prisma: PrismaClient): Promise<void> {
  const org = await makeOrg(ctx);
  const project = await makeProject(ctx, org.id);
  const web = await createApplication(ctx, { projectId: project.id, name: "web", oidc: { redirectUris: ["https://app.example.com/cb"] } });
  const api = await createApplication(ctx, { projectId: project.id, name: "api", api: { authMethod: "PRIVATE_KEY_JWT" } });
  const live = await createApplicationKey(ctx, { projectId: project.id, applicationId: api.app.id });
  const expired = await createApplicationKey(ctx, { projectId: project.id, applicationId: api.app.id });
  await ctx.prisma.applicationKey.update({ where: { id: expired.keyId }, data: { expirationDate: PAST } });

  const webRecord = await loadClientRecords(prisma, web.clientId);
  expect(webRecord.app).toMatchObject({
    app: {
      id: web.app.id,
      clientId: web.clientId,
      kind: "OIDC",
      state: "ACTIVE",
      authMethod: "BASIC",
      redirectUris: ["https://app.example.com/cb"],
    },
    projectState: "ACTIVE",
    orgState: "ACTIVE",
    keys: [],
  });
  expect(webRecord.app!.app.clientSecretHash).toEqual(expect.any(String));
  expect(webRecord.machine).toBeNull();
  const apiRecord = await loadClientRecords(prisma, api.clientId);
  expect(apiRecord.app).toMatchObject({ app: { kind: "API", authMethod: "PRIVATE_KEY_JWT" } });
  expect(apiRecord.app!.keys.map((k) => k.id)).toEqual([live.keyId]);
  expect(apiRecord.app!.keys[0]!.publicKeyPem).toContain("BEGIN PUBLIC KEY");

  const username = unique("Robot");
  const machine = await createMachineUser(ctx, { orgId: org.id, username, name: "robot", accessTokenType: "JWT" });
  const keyOnly = await loadClientRecords(prisma, machine.id);
  expect(keyOnly.machine).toMatchObject({
    id: machine.id,
    state: "ACTIVE",
    orgState: "ACTIVE",
    accessTokenType: "JWT",
    secretHash: null,
    keys: [],
  });
  await addSecret(ctx, machine.id);
  const key = await addKey(ctx, { userId: machine.id });
  const byName = await loadClientRecords(prisma, username.toUpperCase());
  expect(byName.app).toBeNull();
  expect(byName.machine).toMatchObject({ id: machine.id, secretHash: expect.any(String) });
  expect(byName.machine!.keys.map((k) => k.id)).toEqual([key.keyId]);

  await deactivateProject(ctx, project.id);
  expect((await loadClientRecords(prisma, web.clientId)).app).toMatchObject({ projectState: "INACTIVE" });
  expect(await findClientMetadata(prisma, web.clientId)).toBeUndefined();
  expect(await findClientMetadata(prisma, machine.id)).toMatchObject({
    client_id: machine.id,
    "urn:rolegate:kind": "machine",
    "urn:rolegate:machine_user_id": machine.id,
  });
  expect(await loadClientRecords(prisma, "no-such-client")).toEqual({ app: null, machine: null });
}

describe("client records on PostgreSQL", () => {
  let db: Database | undefined;
  let pool: pg.Pool | undefined;
  let logged: PrismaClient | undefined;
  afterAll(async () => {
    await logged?.$disconnect();
    await pool?.end();
    await db?.close();
  });

  it("read an app or a machine user with what it depends on, in one statement", async () => {
    const url = await createEmptyDatabase(TEMPLATE_DB);
    db = await openDatabase({ databaseUrl: url, dataDir: "/nonexistent" });
    pool = new pg.Pool({ connectionString: url, max: 2 });
    const statements: string[] = [];
    const counting = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: "event", level: "query" }] });
    counting.$on("query", (e) => statements.push(e.query));
    logged = counting;
    await expectClientRecords({ prisma: db.prisma, actor: { id: "tester" } }, counting);

    statements.length = 0;
    await findClientMetadata(counting, "no-such-client");
    expect(statements).toHaveLength(1);
  });
});

describe("client records on PGlite", () => {
  it("read the same", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "rolegate-clients-"));
    const db = await openDatabase({ dataDir });
    try {
      await expectClientRecords({ prisma: db.prisma, actor: { id: "tester" } }, db.prisma);
    } finally {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
