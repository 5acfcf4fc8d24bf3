// (h): fills rolegate's directory straight through SQL, fast: 1,000 projects (two roles each) in
// nine new organizations, 10,000 human users and 100,000 authorizations, none of them the measured
// machine user's. 10,000 of the authorizations (1,000 users × 10) sit on the machine user's own
// ten projects, so those projects are crowded too; the other 90,000 spread over the new projects,
// each user holding ten roles in its own organization's projects. Ids are decimal strings of
// 64-bit numbers as src/ids.ts makes them, from a time long before this run (no collisions).
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
    // Offsets: organizations +0, projects +1e6, users +2e6, authorizations +3e6.
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
    await db.query("COMMIT");
    await db.query("ANALYZE");
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
