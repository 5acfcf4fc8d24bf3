// `npm run migrate`: apply pending migrations to DATABASE_URL (or the embedded database) and exit.
import { readConfig } from "../config.js";
import { openDatabase } from "./database.js";

const config = readConfig();
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
process.stdout.write(db.migrated.length ? `applied: ${db.migrated.join(", ")}\n` : "schema is up to date\n");
await db.close();
