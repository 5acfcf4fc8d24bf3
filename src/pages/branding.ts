// An organization's look on the login pages (docs/rules.md#private-labeling, R-BRAND-2). Values
// come from org admins, so everything is checked before it reaches a page: colors must be
// #rgb/#rrggbb (they go into a <style> block), and the logo is an image uploaded to rolegate,
// served from its own origin: a page loads nothing from elsewhere.
import type { PrivateLabelingSetting } from "../generated/prisma/client.js";

export interface Branding {
  displayName: string;
  primaryColor: string;
  backgroundColor: string;
  fontColor: string;
  warnColor: string;
  /** The path of an uploaded logo on rolegate's own origin (labelAssetPath); null shows no logo. */
  logoUrl: string | null;
}

/** A Branding row as stored (every field optional), or a Branding to check again. */
export interface BrandingRow {
  displayName?: string | null;
  primaryColor?: string | null;
  backgroundColor?: string | null;
  fontColor?: string | null;
  warnColor?: string | null;
  /** A stored label policy names its logo by asset id, within its organization. */
  orgId?: string | null;
  logoId?: string | null;
  logoUrl?: string | null;
}

// ZITADEL's default label policy colors.
export const DEFAULT_BRANDING: Readonly<Branding> = Object.freeze({
  displayName: "rolegate",
  primaryColor: "#5469d4",
  backgroundColor: "#fafafa",
  fontColor: "#000000",
  warnColor: "#cd3d56",
  logoUrl: null,
});

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const MAX_NAME = 200;
const ID = /^[0-9]{1,20}$/;
const ASSET_PATH = /^\/assets\/v1\/[0-9]{1,20}\/policy\/label\/[0-9]{1,20}$/;

/** Where rolegate serves an organization's uploaded logo or icon (src/api/assets.ts). */
export function labelAssetPath(orgId: string, assetId: string): string {
  return `/assets/v1/${orgId}/policy/label/${assetId}`;
}

/** Each field that fails its check falls back to the default, so one bad value does not drop the rest. */
export function sanitizeBranding(row: BrandingRow | null): Branding {
  if (!row) return { ...DEFAULT_BRANDING };
  const logoUrl = row.orgId && row.logoId ? logoPath(row.orgId, row.logoId) : sanitizeLogoUrl(row.logoUrl);
  return {
    // An organization's logo stands alone: "rolegate" beside it would name the wrong party.
    displayName: sanitizeName(row.displayName) ?? (logoUrl ? "" : DEFAULT_BRANDING.displayName),
    primaryColor: sanitizeColor(row.primaryColor) ?? DEFAULT_BRANDING.primaryColor,
    backgroundColor: sanitizeColor(row.backgroundColor) ?? DEFAULT_BRANDING.backgroundColor,
    fontColor: sanitizeColor(row.fontColor) ?? DEFAULT_BRANDING.fontColor,
    warnColor: sanitizeColor(row.warnColor) ?? DEFAULT_BRANDING.warnColor,
    logoUrl,
  };
}

export function sanitizeColor(value: string | null | undefined): string | undefined {
  const color = value?.trim();
  return color && COLOR.test(color) ? color.toLowerCase() : undefined;
}

/** Only a path of rolegate's own asset route passes; any other URL (another site, data:, javascript:) shows no logo. */
export function sanitizeLogoUrl(value: string | null | undefined): string | null {
  return value && ASSET_PATH.test(value) ? value : null;
}

function logoPath(orgId: string, logoId: string): string | null {
  return ID.test(orgId) && ID.test(logoId) ? labelAssetPath(orgId, logoId) : null;
}

function sanitizeName(value: string | null | undefined): string | undefined {
  const name = value?.trim();
  return name ? name.slice(0, MAX_NAME) : undefined;
}

export interface BrandingChoice {
  setting: PrivateLabelingSetting;
  /** The branding of the organization that owns the client's project. */
  projectOwner: Branding | null;
  /** The user's organization: known once the user is known, or named by an org scope. */
  userOrg: Branding | null;
}

/** Which branding the login pages of a project's apps show (docs/rules.md#r-brand-1). */
export function chooseBranding({ setting, projectOwner, userOrg }: BrandingChoice): Branding {
  switch (setting) {
    case "ENFORCE_PROJECT_RESOURCE_OWNER_POLICY":
      return projectOwner ?? { ...DEFAULT_BRANDING };
    case "ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY":
      return userOrg ?? projectOwner ?? { ...DEFAULT_BRANDING };
    case "UNSPECIFIED":
      return { ...DEFAULT_BRANDING };
  }
}
