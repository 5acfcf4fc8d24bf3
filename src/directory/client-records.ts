// The directory read behind every client lookup: an app by its client id and a machine user by
// its id or user name, in one SQL statement. Prisma would split the relations (project and
// organization states, keys, secret) into up to five statements, one after the other. Built as
// the access snapshots are (access-snapshots.ts); the same SQL runs on PostgreSQL and PGlite.
import type { ClientFacts } from "../access/policy.js";
import { Prisma, type Application, type PrismaClient } from "../generated/prisma/client.js";
import { parseJson } from "./access-snapshots.js";

export interface PublicKeyRecord {
  id: string;
  publicKeyPem: string;
}

/** An app with the states it depends on and its unexpired keys. */
export interface AppRecord {
  app: Omit<Application, "createdAt" | "updatedAt">;
  projectState: string;
  orgState: string;
  keys: PublicKeyRecord[];
}

/** A machine user with its organization's state, its secret's hash (if any) and its unexpired keys. */
export interface MachineRecord {
  id: string;
  state: string;
  orgState: string;
  accessTokenType: string;
  secretHash: string | null;
  keys: PublicKeyRecord[];
}

// Key expiry is compared in UTC, as Prisma stores DateTime (timestamp without time zone).
const NOW_UTC = Prisma.sql`now() AT TIME ZONE 'UTC'`;

/** The app with this client id, and the machine user with this id or user name (the lowest id of several). */
export async function loadClientRecords(
  prisma: PrismaClient,
  clientId: string,
): Promise<{ app: AppRecord | null; machine: MachineRecord | null }> {
  const rows = await prisma.$queryRaw<{ app: AppRecord | string | null; machine: MachineRecord | string | null }[]>`
    SELECT
      (SELECT json_build_object(
          'app', row_to_json(a),
          'projectState', p."state",
          'orgState', o."state",
          'keys', COALESCE((
            SELECT json_agg(json_build_object('id', k."id", 'publicKeyPem', k."publicKeyPem") ORDER BY k."createdAt", k."id")
            FROM "ApplicationKey" k WHERE k."appId" = a."id" AND k."expirationDate" > ${NOW_UTC}
          ), '[]'::json))
        FROM "Application" a
        JOIN "Project" p ON p."id" = a."projectId"
        JOIN "Organization" o ON o."id" = p."orgId"
        WHERE a."clientId" = ${clientId}) AS "app",
      (SELECT json_build_object(
          'id', u."id",
          'state', u."state",
          'orgState', o."state",
          'accessTokenType', u."accessTokenType",
          'secretHash', s."secretHash",
          'keys', COALESCE((
            SELECT json_agg(json_build_object('id', k."id", 'publicKeyPem', k."publicKeyPem") ORDER BY k."createdAt", k."id")
            FROM "UserKey" k WHERE k."userId" = u."id" AND k."expirationDate" > ${NOW_UTC}
          ), '[]'::json))
        FROM "User" u
        JOIN "Organization" o ON o."id" = u."orgId"
        LEFT JOIN "MachineSecret" s ON s."userId" = u."id"
        WHERE u."type" = 'MACHINE' AND (u."id" = ${clientId} OR u."loginKey" = ${clientId.toLowerCase()})
        ORDER BY u."id"
        LIMIT 1) AS "machine"`;
  const row = rows[0];
  return {
    app: row?.app ? parseJson(row.app) : null,
    machine: row?.machine ? parseJson(row.machine) : null,
  };
}

/**
 * An app's settings as the sign-in policy reads them (ClientFacts): the oidc side writes them into
 * the client's metadata (src/oidc/clients.ts), the access explainer reads them from the row. An API
 * app has no users: opaque tokens, no assertions.
 */
export function appClientFacts(
  app: Pick<
    Application,
    "clientId" | "kind" | "projectId" | "accessTokenType" | "accessTokenRoleAssertion" | "idTokenRoleAssertion" | "idTokenUserinfoAssertion"
  >,
): ClientFacts {
  const oidc = app.kind === "OIDC";
  return {
    id: app.clientId,
    kind: oidc ? "oidc" : "api",
    projectId: app.projectId,
    accessTokenType: oidc ? app.accessTokenType : "BEARER",
    accessTokenRoleAssertion: oidc && app.accessTokenRoleAssertion,
    idTokenRoleAssertion: oidc && app.idTokenRoleAssertion,
    idTokenUserinfoAssertion: oidc && app.idTokenUserinfoAssertion,
  };
}
