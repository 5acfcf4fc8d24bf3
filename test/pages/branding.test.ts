// docs/rules.md#private-labeling: which branding a page shows (R-BRAND-1), and the checks on
// what org admins may put on a page (R-BRAND-2).
import { describe, expect, it } from "vitest";
import { chooseBranding, DEFAULT_BRANDING, sanitizeBranding, type Branding } from "../../src/pages/branding.js";
import type { PrivateLabelingSetting } from "../../src/generated/prisma/client.js";

const owner: Branding = { ...DEFAULT_BRANDING, displayName: "Acme", primaryColor: "#112233" };
const userOrg: Branding = { ...DEFAULT_BRANDING, displayName: "Partner", primaryColor: "#445566" };

describe("sanitizeBranding", () => {
  it("keeps valid values, lower-cased colors and a trimmed name", () => {
    expect(
      sanitizeBranding({
        displayName: "  Acme Corp ",
        primaryColor: "#ABC",
        backgroundColor: "#FFFFFF",
        fontColor: " #123456 ",
        warnColor: "#f00",
        orgId: "123",
        logoId: "456",
      }),
    ).toEqual({
      displayName: "Acme Corp",
      primaryColor: "#abc",
      backgroundColor: "#ffffff",
      fontColor: "#123456",
      warnColor: "#f00",
      logoUrl: "/assets/v1/123/policy/label/456",
    });
  });

  it("is the default without a row, and fills missing fields from it", () => {
    expect(sanitizeBranding(null)).toEqual(DEFAULT_BRANDING);
    expect(sanitizeBranding({ displayName: null, primaryColor: "#123" })).toEqual({ ...DEFAULT_BRANDING, primaryColor: "#123" });
    expect(DEFAULT_BRANDING.displayName).toBe("rolegate");
  });

  it.each([
    "red; background:url(x)",
    "red",
    "#12345",
    "#1234567",
    "#ggg",
    "#fff;}body{display:none",
    "#fff</style><script>",
    "rgb(0,0,0)",
    "var(--x)",
    "",
  ])("rejects the color %j", (color) => {
    const branding = sanitizeBranding({ primaryColor: color, backgroundColor: color, fontColor: color, warnColor: color });
    expect(branding.primaryColor).toBe(DEFAULT_BRANDING.primaryColor);
    expect(branding.backgroundColor).toBe(DEFAULT_BRANDING.backgroundColor);
    expect(branding.fontColor).toBe(DEFAULT_BRANDING.fontColor);
    expect(branding.warnColor).toBe(DEFAULT_BRANDING.warnColor);
  });

  it.each([
    "https://cdn.acme.example/logo.png",
    "http://cdn.acme.example/logo.png",
    "javascript:alert(1)",
    "data:image/svg+xml,<svg/>",
    "//cdn.acme.example/logo.png",
    "/logo.png",
    "https://user:pass@cdn.acme.example/logo.png",
    "not a url",
    "/assets/v1/123/policy/label/../../x",
    "/assets/v1/123/policy/label/456?x=1",
    "https://rolegate.example/assets/v1/123/policy/label/456",
  ])("drops the logo URL %j (only rolegate's own asset paths)", (logoUrl) => {
    expect(sanitizeBranding({ logoUrl }).logoUrl).toBeNull();
  });

  it("keeps rolegate's own asset path, and builds it from a stored logo id", () => {
    expect(sanitizeBranding({ logoUrl: "/assets/v1/1/policy/label/2" }).logoUrl).toBe("/assets/v1/1/policy/label/2");
    expect(sanitizeBranding({ orgId: "1", logoId: "2" }).logoUrl).toBe("/assets/v1/1/policy/label/2");
    expect(sanitizeBranding({ orgId: "1", logoId: "../2" }).logoUrl).toBeNull();
    expect(sanitizeBranding({ orgId: "1", logoId: null }).logoUrl).toBeNull();
  });

  it("names no one beside an organization's logo unless the organization set a name", () => {
    expect(sanitizeBranding({ orgId: "1", logoId: "2" }).displayName).toBe("");
    expect(sanitizeBranding({ orgId: "1", logoId: "2", displayName: "Acme" }).displayName).toBe("Acme");
    expect(sanitizeBranding({ primaryColor: "#000" }).displayName).toBe("rolegate");
  });
});

describe("chooseBranding", () => {
  const brandings = { owner, userOrg, none: null, default: DEFAULT_BRANDING };
  type Name = keyof typeof brandings;
  const cases: Array<[PrivateLabelingSetting, Name, Name, Name]> = [
    // setting, project owner's, user's org (none: the user is not known yet), expected
    ["UNSPECIFIED", "owner", "none", "default"],
    ["UNSPECIFIED", "owner", "userOrg", "default"],
    ["ENFORCE_PROJECT_RESOURCE_OWNER_POLICY", "owner", "none", "owner"],
    ["ENFORCE_PROJECT_RESOURCE_OWNER_POLICY", "owner", "userOrg", "owner"],
    ["ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY", "owner", "none", "owner"],
    ["ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY", "owner", "userOrg", "userOrg"],
    // The project owner has no branding: the instance default.
    ["ENFORCE_PROJECT_RESOURCE_OWNER_POLICY", "none", "userOrg", "default"],
    ["ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY", "none", "none", "default"],
    ["ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY", "none", "userOrg", "userOrg"],
  ];

  it.each(cases)("%s, project owner %s, user's org %s → %s", (setting, projectOwner, user, expected) => {
    expect(chooseBranding({ setting, projectOwner: brandings[projectOwner], userOrg: brandings[user] })).toEqual(brandings[expected]);
  });
});
