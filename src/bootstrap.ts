// First start: on an empty directory, create the first organization, an instance-admin machine
// user (IAM_OWNER) and a personal access token for it, written to ADMIN_PAT_FILE (mode 0600).
// Later starts change nothing. Instances starting together on one database serialize on a
// transaction-scoped advisory lock, so exactly one bootstraps.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "./generated/prisma/client.js";
import { writeAudit } from "./directory/audit.js";
import { deriveDomain } from "./directory/organizations.js";
import { generateSecret, hashSecret } from "./directory/secrets.js";
import { requireText } from "./directory/validate.js";
import { newId } from "./ids.js";

const BOOTSTRAP_LOCK = 7_301_774_002;
export const ADMIN_USERNAME = "rolegate-admin";
const NEVER = new Date("9999-12-31T00:00:00Z");

export interface BootstrapOptions {
  firstOrgName: string;
  adminPatFile: string;
}

export type BootstrapResult = { created: false } | { created: true; orgId: string; adminUserId: string; patFile: string };

export async function bootstrap(prisma: PrismaClient, options: BootstrapOptions): Promise<BootstrapResult> {
  const orgName = requireText("FIRST_ORG_NAME", options.firstOrgName);
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`;
      if ((await tx.organization.count()) > 0) return { created: false } as const;

      const actor = "system";
      const orgId = newId();
      const org = await tx.organization.create({ data: { id: orgId, name: orgName, primaryDomain: deriveDomain(orgName, orgId) } });
      await writeAudit(tx, actor, { action: "organization.created", targetType: "organization", targetId: orgId, after: org });

      const admin = await tx.user.create({
        data: {
          id: newId(),
          orgId,
          type: "MACHINE",
          username: ADMIN_USERNAME,
          loginKey: ADMIN_USERNAME,
          name: "rolegate instance administrator",
          accessTokenType: "BEARER",
        },
      });
      await writeAudit(tx, actor, { action: "user.created", targetType: "user", targetId: admin.id, after: admin });

      const membership = await tx.administrator.create({
        data: { id: newId(), userId: admin.id, resource: "INSTANCE", resourceId: "", roles: ["IAM_OWNER"] },
      });
      await writeAudit(tx, actor, {
        action: "administrator.created",
        targetType: "administrator",
        targetId: membership.id,
        after: membership,
      });

      const token = generateSecret(64);
      const pat = await tx.personalAccessToken.create({
        data: { id: newId(), userId: admin.id, tokenHash: hashSecret(token), expirationDate: NEVER },
      });
      await writeAudit(tx, actor, {
        action: "user.pat.added",
        targetType: "user",
        targetId: admin.id,
        after: { tokenId: pat.id, expirationDate: pat.expirationDate },
      });

      // Written before the commit: if the file cannot be written, nothing is created and the
      // next start tries again, instead of leaving an admin whose token nobody has.
      await writePatFile(options.adminPatFile, token);
      return { created: true, orgId, adminUserId: admin.id, patFile: options.adminPatFile } as const;
    },
    { timeout: 30_000 },
  );
}

async function writePatFile(file: string, token: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // the mode option does not change an existing file
}
