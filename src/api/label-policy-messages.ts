// An organization's label policy as v1 (`zitadel.policy.v1.LabelPolicy`) and settings.v2
// (`BrandingSettings`) show it. The two number ThemeMode differently: v1 has DARK 2 and LIGHT 3,
// settings.v2 LIGHT 2 and DARK 3.
import type { Branding, LabelPolicyInput, ThemeMode } from "../directory/label-policy.js";
import { DEFAULT_BRANDING, labelAssetPath } from "../pages/branding.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, toEnum } from "./convert.js";
import { details } from "./v1-messages.js";

export const THEME_MODE_V1: Record<number, ThemeMode> = { 0: "UNSPECIFIED", 1: "AUTO", 2: "DARK", 3: "LIGHT" };
export const THEME_MODE_V2: Record<number, ThemeMode> = { 0: "UNSPECIFIED", 1: "AUTO", 2: "LIGHT", 3: "DARK" };

/** An uploaded asset's URL: absolute on rolegate's public URL when known. */
export function assetUrl(deps: ApiDeps, orgId: string, assetId: string | null): string {
  if (!assetId) return "";
  const path = labelAssetPath(orgId, assetId);
  return deps.publicUrl ? new URL(path, deps.publicUrl).href : path;
}

/** The colors of a stored policy, or the defaults (for an organization without one). */
function colors(row: Branding | null) {
  return {
    primaryColor: row?.primaryColor ?? DEFAULT_BRANDING.primaryColor,
    backgroundColor: row?.backgroundColor ?? DEFAULT_BRANDING.backgroundColor,
    warnColor: row?.warnColor ?? DEFAULT_BRANDING.warnColor,
    fontColor: row?.fontColor ?? DEFAULT_BRANDING.fontColor,
    primaryColorDark: row?.primaryColorDark ?? "",
    backgroundColorDark: row?.backgroundColorDark ?? "",
    warnColorDark: row?.warnColorDark ?? "",
    fontColorDark: row?.fontColorDark ?? "",
  };
}

export function toLabelPolicyV1(deps: ApiDeps, orgId: string, row: Branding | null) {
  const url = (id: string | null | undefined) => assetUrl(deps, orgId, id ?? null);
  return {
    ...(row ? { details: details(row, orgId) } : {}),
    ...colors(row),
    isDefault: row === null,
    hideLoginNameSuffix: row?.hideLoginNameSuffix ?? false,
    disableWatermark: row?.disableWatermark ?? false,
    logoUrl: url(row?.logoId),
    iconUrl: url(row?.iconId),
    logoUrlDark: url(row?.logoDarkId),
    iconUrlDark: url(row?.iconDarkId),
    fontUrl: "",
    themeMode: toEnum(THEME_MODE_V1, row?.themeMode ?? "UNSPECIFIED"),
  };
}

export function readLabelPolicyV1(req: Omit<LabelPolicyInput, "themeMode"> & { themeMode: number }): LabelPolicyInput {
  return { ...req, themeMode: fromEnum("themeMode", req.themeMode, THEME_MODE_V1) };
}

export function toBrandingSettings(deps: ApiDeps, orgId: string | undefined, row: Branding | null) {
  const c = colors(row);
  const url = (id: string | null | undefined) => (orgId ? assetUrl(deps, orgId, id ?? null) : "");
  return {
    lightTheme: {
      primaryColor: c.primaryColor,
      backgroundColor: c.backgroundColor,
      warnColor: c.warnColor,
      fontColor: c.fontColor,
      logoUrl: url(row?.logoId),
      iconUrl: url(row?.iconId),
    },
    darkTheme: {
      primaryColor: c.primaryColorDark,
      backgroundColor: c.backgroundColorDark,
      warnColor: c.warnColorDark,
      fontColor: c.fontColorDark,
      logoUrl: url(row?.logoDarkId),
      iconUrl: url(row?.iconDarkId),
    },
    fontUrl: "",
    hideLoginNameSuffix: row?.hideLoginNameSuffix ?? false,
    disableWatermark: row?.disableWatermark ?? false,
    resourceOwnerType: row ? 2 : 1, // ORG, or INSTANCE for the default
    themeMode: toEnum(THEME_MODE_V2, row?.themeMode ?? "UNSPECIFIED"),
  };
}
