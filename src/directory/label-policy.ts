// An organization's label policy (docs/rules.md#private-labeling): colors, flags, and logos and
// icons uploaded as assets. Changes go to the preview; activating copies the preview to the policy
// the login pages show. Assets are image bytes checked by their content, kept in the database (so
// every instance serves them) and dropped once no policy of the organization uses them.
import type { Branding, BrandingAsset, ThemeMode } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, invalidArgument, notFound } from "./errors.js";
import { requireEnum, requireId } from "./validate.js";

export type { Branding, BrandingAsset, ThemeMode };

export interface LabelPolicyInput {
  primaryColor?: string | undefined;
  backgroundColor?: string | undefined;
  warnColor?: string | undefined;
  fontColor?: string | undefined;
  primaryColorDark?: string | undefined;
  backgroundColorDark?: string | undefined;
  warnColorDark?: string | undefined;
  fontColorDark?: string | undefined;
  hideLoginNameSuffix?: boolean | undefined;
  disableWatermark?: boolean | undefined;
  themeMode?: ThemeMode | undefined;
}

const COLOR_FIELDS = [
  "primaryColor",
  "backgroundColor",
  "warnColor",
  "fontColor",
  "primaryColorDark",
  "backgroundColorDark",
  "warnColorDark",
  "fontColorDark",
] as const;
const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const THEME_MODES = ["UNSPECIFIED", "AUTO", "LIGHT", "DARK"] as const;

/** The asset slots of a policy, as the upload paths name them. */
export const ASSET_SLOTS = { logo: "logoId", icon: "iconId", "logo/dark": "logoDarkId", "icon/dark": "iconDarkId" } as const;
export type AssetSlot = keyof typeof ASSET_SLOTS;

/** Logos and icons: at most this many bytes. */
export const MAX_ASSET_BYTES = 512 * 1024;

/** Colors are #rgb or #rrggbb (empty: unset); they end up in a <style> block. */
function readPolicy(input: LabelPolicyInput) {
  const data: Record<string, string | boolean | null> = {};
  for (const field of COLOR_FIELDS) {
    const value = input[field]?.trim();
    if (value && !COLOR.test(value)) throw invalidArgument(field, "must be a color like #5469d4");
    data[field] = value ? value.toLowerCase() : null;
  }
  data.hideLoginNameSuffix = input.hideLoginNameSuffix ?? false;
  data.disableWatermark = input.disableWatermark ?? false;
  return { ...data, themeMode: requireEnum("themeMode", input.themeMode ?? "UNSPECIFIED", THEME_MODES) };
}

const key = (orgId: string, preview: boolean) => ({ orgId_preview: { orgId, preview } });

/** The policy the login pages show (`preview` false) or the one being edited; null: the default applies. */
export function findLabelPolicy(ctx: DirectoryContext, orgId: string, preview: boolean): Promise<Branding | null> {
  return ctx.prisma.branding.findUnique({ where: key(requireId("orgId", orgId), preview) });
}

/** AddCustomLabelPolicy: a preview where there was none. */
export function addLabelPolicy(ctx: DirectoryContext, orgId: string, input: LabelPolicyInput): Promise<Branding> {
  const data = readPolicy(input);
  const exists = () => alreadyExists("organization", `organization ${orgId} has a custom label policy; update it`);
  return inTransaction(
    ctx,
    async (tx) => {
      if (await tx.branding.findUnique({ where: key(orgId, true) })) throw exists();
      const active = await tx.branding.findUnique({ where: key(orgId, false) });
      // Assets already active stay in the new preview: adding colors does not drop the logo.
      const after = await tx.branding.create({ data: { ...assetsOf(active), ...data, orgId, preview: true } });
      await audit(tx, ctx, orgId, "label_policy.added", null, after);
      return after;
    },
    exists,
  );
}

/** UpdateCustomLabelPolicy: replaces the preview's colors and flags; its assets stay. */
export function updateLabelPolicy(ctx: DirectoryContext, orgId: string, input: LabelPolicyInput): Promise<Branding> {
  const data = readPolicy(input);
  return inTransaction(ctx, async (tx) => {
    const before = await tx.branding.findUnique({ where: key(orgId, true) });
    if (!before) throw notFound("custom label policy of organization", orgId);
    const after = await tx.branding.update({ where: key(orgId, true), data });
    await audit(tx, ctx, orgId, "label_policy.updated", before, after);
    return after;
  });
}

/** ActivateCustomLabelPolicy: the login pages show the preview from now on. */
export function activateLabelPolicy(ctx: DirectoryContext, orgId: string): Promise<Branding> {
  return inTransaction(ctx, async (tx) => {
    const preview = await tx.branding.findUnique({ where: key(orgId, true) });
    if (!preview) throw notFound("custom label policy of organization", orgId);
    const before = await tx.branding.findUnique({ where: key(orgId, false) });
    const { createdAt: _c, updatedAt: _u, preview: _p, ...fields } = preview;
    const after = await tx.branding.upsert({ where: key(orgId, false), create: { ...fields, preview: false }, update: fields });
    await dropUnusedAssets(tx, orgId);
    await audit(tx, ctx, orgId, "label_policy.activated", before, after);
    return after;
  });
}

/** ResetLabelPolicyToDefault: both the preview and the active policy go, with their assets. Idempotent. */
export async function resetLabelPolicy(ctx: DirectoryContext, orgId: string): Promise<void> {
  requireId("orgId", orgId);
  await inTransaction(ctx, async (tx) => {
    const removed = await tx.branding.deleteMany({ where: { orgId } });
    await dropUnusedAssets(tx, orgId);
    if (removed.count > 0) await audit(tx, ctx, orgId, "label_policy.reset", null, null);
  });
}

export interface AssetUpload {
  bytes: Uint8Array;
  /** What the client said it sends; the content decides. */
  declaredType?: string | undefined;
}

/** Puts a logo or icon into the preview (created from the active policy, or empty, if there is none). */
export async function setLabelPolicyAsset(
  ctx: DirectoryContext,
  orgId: string,
  slot: AssetSlot,
  upload: AssetUpload,
): Promise<BrandingAsset> {
  requireId("orgId", orgId);
  const contentType = imageType(upload.bytes);
  return inTransaction(ctx, async (tx) => {
    const preview = await previewOf(tx, orgId);
    const asset = await tx.brandingAsset.create({ data: { id: newId(), orgId, contentType, bytes: Buffer.from(upload.bytes) } });
    const after = await tx.branding.update({ where: key(orgId, true), data: { [ASSET_SLOTS[slot]]: asset.id } });
    await dropUnusedAssets(tx, orgId);
    await audit(tx, ctx, orgId, "label_policy.asset_set", preview, after);
    return asset;
  });
}

/** RemoveCustomLabelPolicyLogo and friends: the preview's slot is emptied. */
export async function removeLabelPolicyAsset(ctx: DirectoryContext, orgId: string, slot: AssetSlot): Promise<Branding> {
  requireId("orgId", orgId);
  return inTransaction(ctx, async (tx) => {
    const before = await tx.branding.findUnique({ where: key(orgId, true) });
    if (!before) throw notFound("custom label policy of organization", orgId);
    const after = await tx.branding.update({ where: key(orgId, true), data: { [ASSET_SLOTS[slot]]: null } });
    await dropUnusedAssets(tx, orgId);
    await audit(tx, ctx, orgId, "label_policy.asset_removed", before, after);
    return after;
  });
}

/** An asset that a policy (active or preview) of its organization uses; others are not served. */
export async function findUsedAsset(ctx: DirectoryContext, orgId: string, assetId: string): Promise<BrandingAsset | null> {
  const asset = await ctx.prisma.brandingAsset.findFirst({ where: { id: assetId, orgId } });
  if (!asset) return null;
  const used = await ctx.prisma.branding.count({
    where: { orgId, OR: [{ logoId: assetId }, { iconId: assetId }, { logoDarkId: assetId }, { iconDarkId: assetId }] },
  });
  return used > 0 ? asset : null;
}

async function previewOf(tx: Tx, orgId: string): Promise<Branding> {
  const preview = await tx.branding.findUnique({ where: key(orgId, true) });
  if (preview) return preview;
  const active = await tx.branding.findUnique({ where: key(orgId, false) });
  if (active) {
    const { createdAt: _c, updatedAt: _u, preview: _p, ...fields } = active;
    return tx.branding.create({ data: { ...fields, preview: true } });
  }
  return tx.branding.create({ data: { orgId, preview: true } });
}

function assetsOf(row: Branding | null) {
  return row ? { logoId: row.logoId, iconId: row.iconId, logoDarkId: row.logoDarkId, iconDarkId: row.iconDarkId } : {};
}

async function dropUnusedAssets(tx: Tx, orgId: string): Promise<void> {
  const rows = await tx.branding.findMany({ where: { orgId } });
  const used = rows.flatMap((r) => [r.logoId, r.iconId, r.logoDarkId, r.iconDarkId]).filter((id): id is string => id !== null);
  await tx.brandingAsset.deleteMany({ where: { orgId, id: { notIn: used } } });
}

function audit(tx: Tx, ctx: DirectoryContext, orgId: string, action: string, before: unknown, after: unknown) {
  return writeAudit(tx, ctx.actor.id, { action, targetType: "organization", targetId: orgId, before, after });
}

/**
 * The image type, read from the bytes (never from the client's word): PNG, JPEG, GIF or WebP.
 * SVG is refused: it is a document that can carry scripts and links, not just pixels.
 */
export function imageType(bytes: Uint8Array): string {
  if (bytes.length === 0) throw invalidArgument("file", "is empty");
  if (bytes.length > MAX_ASSET_BYTES) throw invalidArgument("file", `is larger than ${MAX_ASSET_BYTES / 1024} KiB`);
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50)
    return "image/webp";
  throw invalidArgument("file", "must be a PNG, JPEG, GIF or WebP image");
}
