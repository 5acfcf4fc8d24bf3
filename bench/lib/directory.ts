// (h) and (console): fills rolegate's directory straight through SQL, fast: 1,000 projects (two
// roles each, one single-page app each) in nine new organizations, 10,000 human users and 100,000
// authorizations, none of them the measured machine user's. 10,000 of the authorizations (1,000
// users × 10) sit on the machine user's own ten projects, so those projects are crowded too; the
// other 90,000 spread over the new projects, each user holding ten roles in its own organization's
// projects. What an instance of that size also has, for the console's pages: 100 of the projects
// granted to a neighbouring organization, an owner for each new organization and for 100 projects,
// and an audit entry for every object created (as the management API writes them). Ids are
// decimal strings of 64-bit numbers as src/ids.ts makes them, from a time long before this run (no
// collisions).
import pg from "pg";

// (ms since 2020-01-01 at 2020-07-01) << 22: an 18-digit id, as rolegate's are.
const BASE = (15_638_400_000n << 22n).toString();

export interface Filled {
  projects: number;
  authorizations: number;
  users: number;
  ms: number;
}

export async function fillDirectory(databaseUrl: string, tenOrgId: string, tenProjectIds: string[]): Promise<Filled> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const started = performance.now();
  try {
    await db.query("BEGIN");
    // Offsets: organizations +0, projects +1e6, users +2e6, authorizations +3e6, apps +4e6,
    // grants +5e6, administrators +6e6.
    await db.query(
      `INSERT INTO "Organization" (id, name, "primaryDomain", "updatedAt")
       SELECT ($1::bigint + k)::text, 'Bench Org ' || k, 'bench-org-' || k || '.bench.localhost', now()
       FROM generate_series(1, 9) k`,
      [BASE],
    );
    await db.query(
      `INSERT INTO "Project" (id, "orgId", name, "projectRoleAssertion", "authorizationRequired", "updatedAt")
       SELECT ($1::bigint + 1000000 + p)::text, ($1::bigint + 1 + p % 9)::text, 'Bench Project ' || p, true, true, now()
       FROM generate_series(0, 999) p`,
      [BASE],
    );
    await db.query(
      `INSERT INTO "ProjectRole" ("projectId", key, "displayName", "updatedAt")
       SELECT ($1::bigint + 1000000 + p)::text, r, r, now()
       FROM generate_series(0, 999) p, unnest(ARRAY['r1', 'r2']) r`,
      [BASE],
    );
    // Users 0–999 belong to the ten projects' organization, users 1000–9999 to the new ones.
    await db.query(
      `INSERT INTO "User" (id, "orgId", type, username, "loginKey", email, "emailVerified", "givenName", "familyName", "updatedAt")
       SELECT ($1::bigint + 2000000 + u)::text,
              CASE WHEN u < 1000 THEN $2 ELSE ($1::bigint + 1 + u % 9)::text END,
              'HUMAN', 'bench-user-' || u, 'bench-user-' || u, 'bench-user-' || u || '@example.com', true, 'Bench', 'User ' || u, now()
       FROM generate_series(0, 9999) u`,
      [BASE, tenOrgId],
    );
    await db.query(
      `INSERT INTO "Authorization" (id, "userId", "projectId", "orgId", "roleKeys", "updatedAt")
       SELECT ($1::bigint + 3000000 + u * 10 + j)::text, ($1::bigint + 2000000 + u)::text, ($3::text[])[j + 1], $2, ARRAY['r1'], now()
       FROM generate_series(0, 999) u, generate_series(0, 9) j`,
      [BASE, tenOrgId, tenProjectIds],
    );
    // User u of organization k = 1 + u % 9 holds r1 on ten distinct projects of k: p = u % 9 + 9 m.
    await db.query(
      `INSERT INTO "Authorization" (id, "userId", "projectId", "orgId", "roleKeys", "updatedAt")
       SELECT ($1::bigint + 3000000 + u * 10 + j)::text, ($1::bigint + 2000000 + u)::text,
              ($1::bigint + 1000000 + (u % 9) + 9 * ((u + j * 11) % 111))::text, ($1::bigint + 1 + u % 9)::text, ARRAY['r1'], now()
       FROM generate_series(1000, 9999) u, generate_series(0, 9) j`,
      [BASE],
    );
    await db.query(
      `INSERT INTO "Application" (id, "projectId", name, kind, "clientId", "authMethod", "appType", "redirectUris", "postLogoutRedirectUris",
                                  "responseTypes", "grantTypes", "additionalOrigins", "updatedAt")
       SELECT ($1::bigint + 4000000 + p)::text, ($1::bigint + 1000000 + p)::text, 'Bench App ' || p, 'OIDC', 'bench-app-' || p, 'NONE', 'USER_AGENT',
              ARRAY['https://app-' || p || '.bench.localhost/callback'], ARRAY[]::text[], ARRAY['CODE'], ARRAY['AUTHORIZATION_CODE'], ARRAY[]::text[], now()
       FROM generate_series(0, 999) p`,
      [BASE],
    );
    // Projects 0–99 granted (role r1) to the next organization.
    await db.query(
      `INSERT INTO "ProjectGrant" (id, "projectId", "grantedOrgId", "roleKeys", "updatedAt")
       SELECT ($1::bigint + 5000000 + p)::text, ($1::bigint + 1000000 + p)::text, ($1::bigint + 1 + (p + 1) % 9)::text, ARRAY['r1'], now()
       FROM generate_series(0, 99) p`,
      [BASE],
    );
    // Owners, users of the organization that owns the resource (user u is in organization 1 + u % 9):
    // user 1000 + (k + 7) % 9 owns organization k, user 1000 + 9p + (p + 8) % 9 owns project p < 100.
    await db.query(
      `INSERT INTO "Administrator" (id, "userId", resource, "resourceId", roles, "orgId", "updatedAt")
       SELECT ($1::bigint + 6000000 + k)::text, ($1::bigint + 2000000 + 1000 + (k + 7) % 9)::text, 'ORGANIZATION', ($1::bigint + k)::text,
              ARRAY['ORG_OWNER']::"AdminRole"[], ($1::bigint + k)::text, now()
       FROM generate_series(1, 9) k`,
      [BASE],
    );
    await db.query(
      `INSERT INTO "Administrator" (id, "userId", resource, "resourceId", roles, "projectId", "updatedAt")
       SELECT ($1::bigint + 6000100 + p)::text, ($1::bigint + 2000000 + 1000 + 9 * p + (p + 8) % 9)::text, 'PROJECT', ($1::bigint + 1000000 + p)::text,
              ARRAY['PROJECT_OWNER']::"AdminRole"[], ($1::bigint + 1000000 + p)::text, now()
       FROM generate_series(0, 99) p`,
      [BASE],
    );
    // The audit trail the API would have written for all of it (actor: the machine administrator).
    const created = (action: string, targetType: string, table: string, from: number, to: number) =>
      db.query(
        `INSERT INTO "AuditEntry" ("actorId", action, "targetType", "targetId", after)
         SELECT (SELECT id FROM "User" WHERE username = 'rolegate-admin'), $2, $3, t.id, to_jsonb(t) - 'passwordHash'
         FROM "${table}" t WHERE t.id::numeric BETWEEN $1::numeric + $4 AND $1::numeric + $5 ORDER BY t.id`,
        [BASE, action, targetType, from, to],
      );
    await created("organization.created", "organization", "Organization", 1, 9);
    await created("project.created", "project", "Project", 1_000_000, 1_000_999);
    await created("user.created", "user", "User", 2_000_000, 2_009_999);
    await created("authorization.created", "authorization", "Authorization", 3_000_000, 3_099_999);
    await created("application.created", "application", "Application", 4_000_000, 4_000_999);
    await created("project.grant.created", "projectGrant", "ProjectGrant", 5_000_000, 5_000_099);
    await created("administrator.created", "administrator", "Administrator", 6_000_000, 6_000_199);
    await db.query("COMMIT");
    // As autovacuum would soon after such inserts: statistics, and the visibility map that lets a
    // count(*) read an index instead of the table.
    await db.query("VACUUM ANALYZE");
    const count = async (table: string) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
    return {
      projects: await count("Project"),
      authorizations: await count("Authorization"),
      users: await count("User"),
      ms: performance.now() - started,
    };
  } catch (error) {
    await db.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}
