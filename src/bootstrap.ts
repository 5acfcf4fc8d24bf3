// First start: on an empty directory, create the first organization and two instance
// administrators (IAM_OWNER): a machine user with a personal access token, written to
// ADMIN_PAT_FILE (mode 0600), and a human who signs in to the login UI with ADMIN_LOGIN_NAME and
// ADMIN_PASSWORD (or a generated password, written to ADMIN_PASSWORD_FILE, mode 0600), and must
// choose a new password at the first sign-in. Later starts change nothing. Instances starting
// together on one database serialize on a transaction-scoped advisory lock, so exactly one bootstraps.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_ADMIN_LOGIN_NAME } from "./config.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import type { Tx } from "./directory/context.js";
import { writeAudit } from "./directory/audit.js";
import { invalidArgument } from "./directory/errors.js";
import { deriveDomain } from "./directory/organizations.js";
import { hashPassword, validatePassword } from "./directory/passwords.js";
import { generateSecret, hashSecret } from "./directory/secrets.js";
import { loginKeyOf, toPublicUser } from "./directory/user-rows.js";
import { requireText } from "./directory/validate.js";
import { newId } from "./ids.js";

const BOOTSTRAP_LOCK = 7_301_774_002;
export const ADMIN_USERNAME = "rolegate-admin";
const NEVER = new Date("9999-12-31T00:00:00Z");

/** Length of a generated initial password ([A-Za-z0-9], about 190 bits). */
export const GENERATED_PASSWORD_LENGTH = 32;

export interface BootstrapOptions {
  firstOrgName: string;
  adminPatFile: string;
  /** The human administrator's login name (default "admin"). */
  adminLoginName?: string | undefined;
  /** Its initial password; when absent one is generated and written to adminPasswordFile. */
  adminPassword?: string | undefined;
  /** Where a generated password goes (default: admin.password next to adminPatFile). */
  adminPasswordFile?: string | undefined;
}

export type BootstrapResult =
  | { created: false }
  | {
      created: true;
      orgId: string;
      adminUserId: string;
      patFile: string;
      humanAdminUserId: string;
      humanAdminLoginName: string;
      /** Where the generated password was written; undefined when ADMIN_PASSWORD gave it. */
      passwordFile: string | undefined;
    };

export async function bootstrap(prisma: PrismaClient, options: BootstrapOptions): Promise<BootstrapResult> {
  const orgName = requireText("FIRST_ORG_NAME", options.firstOrgName);
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`;
      if ((await tx.organization.count()) > 0) return { created: false } as const;
      // Read only now: later starts ignore them, as they change nothing.
      const human = await readHumanAdmin(options);

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

      const humanAdminUserId = await createHumanAdmin(tx, orgId, human);

      // Written before the commit: if a file cannot be written, nothing is created and the
      // next start tries again, instead of leaving an admin whose token or password nobody has.
      await writeSecretFile(options.adminPatFile, token);
      if (human.passwordFile) await writeSecretFile(human.passwordFile, human.password);
      return {
        created: true,
        orgId,
        adminUserId: admin.id,
        patFile: options.adminPatFile,
        humanAdminUserId,
        humanAdminLoginName: human.loginName,
        passwordFile: human.passwordFile,
      } as const;
    },
    { timeout: 30_000 },
  );
}

interface HumanAdmin {
  loginName: string;
  password: string;
  passwordHash: string;
  /** Set when the password was generated: where it is written. */
  passwordFile: string | undefined;
}

/** The login name and password checked as the management API checks them; a bad one stops the start. */
async function readHumanAdmin(options: BootstrapOptions): Promise<HumanAdmin> {
  const loginName = requireText("ADMIN_LOGIN_NAME", options.adminLoginName ?? DEFAULT_ADMIN_LOGIN_NAME, { max: 200 });
  if (loginKeyOf(loginName) === loginKeyOf(ADMIN_USERNAME)) {
    throw invalidArgument("ADMIN_LOGIN_NAME", `${ADMIN_USERNAME} is the machine administrator's login name; choose another`);
  }
  const given = options.adminPassword !== undefined && options.adminPassword !== "";
  const password = given ? validatePassword("ADMIN_PASSWORD", options.adminPassword) : generateSecret(GENERATED_PASSWORD_LENGTH);
  const passwordFile = given ? undefined : (options.adminPasswordFile ?? path.join(path.dirname(options.adminPatFile), "admin.password"));
  return { loginName, password, passwordHash: await hashPassword(password), passwordFile };
}

/** The human IAM_OWNER, who must choose a new password at the first sign-in. */
async function createHumanAdmin(tx: Tx, orgId: string, human: HumanAdmin): Promise<string> {
  const actor = "system";
  const user = await tx.user.create({
    data: {
      id: newId(),
      orgId,
      type: "HUMAN",
      username: human.loginName,
      loginKey: loginKeyOf(human.loginName),
      givenName: "Instance",
      familyName: "Administrator",
      displayName: "Instance Administrator",
      passwordHash: human.passwordHash,
      passwordChangeRequired: true,
    },
  });
  await writeAudit(tx, actor, { action: "user.created", targetType: "user", targetId: user.id, after: toPublicUser(user) });
  const membership = await tx.administrator.create({
    data: { id: newId(), userId: user.id, resource: "INSTANCE", resourceId: "", roles: ["IAM_OWNER"] },
  });
  await writeAudit(tx, actor, { action: "administrator.created", targetType: "administrator", targetId: membership.id, after: membership });
  return user.id;
}

/** A secret for the operator: its own file, readable by the owner only (0600). */
async function writeSecretFile(file: string, secret: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // the mode option does not change an existing file
}
