// Starts one PostgreSQL and one Redis for the whole run (unless TEST_DATABASE_URL /
// TEST_REDIS_URL name existing ones), prepares a migrated template database, and stops
// everything afterwards. Test files clone the template: see test/support/database.ts.
import pg from "pg";
import type { TestProject } from "vitest/node";
import { pgRunner } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrate.js";
import { startPostgres, startRedis, type RunningServer } from "./servers.js";

export const TEMPLATE_DB = "rolegate_template";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const started: RunningServer[] = [];
  const stopAll = () => {
    for (const server of started.reverse()) server.stop();
  };
  try {
    let databaseUrl = process.env.TEST_DATABASE_URL;
    if (!databaseUrl) {
      const postgres = await startPostgres();
      started.push(postgres);
      databaseUrl = postgres.url;
    }
    let redisUrl = process.env.TEST_REDIS_URL;
    if (!redisUrl) {
      const redis = await startRedis();
      started.push(redis);
      redisUrl = redis.url;
    }
    await createTemplate(databaseUrl);
    project.provide("databaseUrl", databaseUrl);
    project.provide("redisUrl", redisUrl);
  } catch (error) {
    stopAll();
    throw error;
  }
  return stopAll;
}

async function createTemplate(adminUrl: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const template = new pg.Client({ connectionString: withDatabase(adminUrl, TEMPLATE_DB) });
  await template.connect();
  try {
    await applyMigrations(pgRunner(template));
  } finally {
    await template.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
