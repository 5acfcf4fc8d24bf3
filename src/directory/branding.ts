// What the login pages need to pick a branding: the project's private-labeling setting, the
// branding of the organization that owns it, and that of the user's organization when known.
import type { Branding, PrismaClient, PrivateLabelingSetting } from "../generated/prisma/client.js";

export interface BrandingSources {
  setting: PrivateLabelingSetting;
  projectOwner: Branding | null;
  /** undefined: the user's organization is not known yet; null: known, without a branding. */
  userOrg: Branding | null | undefined;
}

export interface BrandingQuery {
  projectId: string | undefined;
  /** The signed-in user, if any. */
  userId?: string | undefined;
  /** An organization named by an org scope (by id or primary domain). */
  orgId?: string | undefined;
  orgDomain?: string | undefined;
}

/** The label policy the login pages show, not the preview being edited. */
const ACTIVE_BRANDING = { branding: { where: { preview: false } } } as const;

export async function loadBrandingSources(prisma: PrismaClient, query: BrandingQuery): Promise<BrandingSources> {
  const [project, userOrg] = await Promise.all([
    query.projectId
      ? prisma.project.findUnique({
          where: { id: query.projectId },
          select: { privateLabelingSetting: true, org: { select: ACTIVE_BRANDING } },
        })
      : null,
    findUserOrg(prisma, query),
  ]);
  return {
    setting: project?.privateLabelingSetting ?? "UNSPECIFIED",
    projectOwner: project?.org.branding[0] ?? null,
    userOrg,
  };
}

async function findUserOrg(prisma: PrismaClient, query: BrandingQuery): Promise<Branding | null | undefined> {
  const select = ACTIVE_BRANDING;
  const org = query.userId
    ? (await prisma.user.findUnique({ where: { id: query.userId }, select: { org: { select } } }))?.org
    : query.orgId
      ? await prisma.organization.findUnique({ where: { id: query.orgId }, select })
      : query.orgDomain
        ? await prisma.organization.findUnique({ where: { primaryDomain: query.orgDomain }, select })
        : undefined;
  return org === undefined || org === null ? undefined : (org.branding[0] ?? null);
}
