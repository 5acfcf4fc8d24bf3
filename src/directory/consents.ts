// Users' consents that an app may get tokens for the management API in their sign-ins (its
// audience, urn:zitadel:iam:org:project:id:zitadel:aud): given on the consent page, remembered
// per user and app, withdrawn on the consents page. Deleting the user or the app removes them.
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext } from "./context.js";

export interface ManagementConsentInfo {
  clientId: string;
  appName: string;
  orgName: string;
  createdAt: Date;
}

export async function hasManagementConsent(ctx: DirectoryContext, userId: string, clientId: string): Promise<boolean> {
  const row = await ctx.prisma.managementConsent.findUnique({ where: { userId_clientId: { userId, clientId } }, select: { userId: true } });
  return row !== null;
}

/** Records the consent (idempotent, also when two answers race). */
export async function giveManagementConsent(ctx: DirectoryContext, userId: string, clientId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const { count } = await tx.managementConsent.createMany({ data: [{ userId, clientId }], skipDuplicates: true });
    if (count === 0) return;
    await writeAudit(tx, ctx.actor.id, {
      action: "user.management_consent.given",
      targetType: "user",
      targetId: userId,
      after: { clientId },
    });
  });
}

/** Withdraws the consent; false when there was none. */
export async function withdrawManagementConsent(ctx: DirectoryContext, userId: string, clientId: string): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const { count } = await tx.managementConsent.deleteMany({ where: { userId, clientId } });
    if (count === 0) return false;
    await writeAudit(tx, ctx.actor.id, {
      action: "user.management_consent.withdrawn",
      targetType: "user",
      targetId: userId,
      before: { clientId },
    });
    return true;
  });
}

/** The user's consents with the app's and its organization's names, newest first. */
export async function listManagementConsents(ctx: DirectoryContext, userId: string): Promise<ManagementConsentInfo[]> {
  const rows = await ctx.prisma.managementConsent.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { clientId: true, createdAt: true, app: { select: { name: true, project: { select: { org: { select: { name: true } } } } } } },
  });
  return rows.map((r) => ({ clientId: r.clientId, appName: r.app.name, orgName: r.app.project.org.name, createdAt: r.createdAt }));
}

/** The name of the organization owning the app with this client id, if there is one. */
export async function findAppOrganizationName(ctx: DirectoryContext, clientId: string): Promise<string | undefined> {
  const app = await ctx.prisma.application.findUnique({
    where: { clientId },
    select: { project: { select: { org: { select: { name: true } } } } },
  });
  return app?.project.org.name;
}
