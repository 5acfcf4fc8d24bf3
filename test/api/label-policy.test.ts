// Private labeling through the APIs ZITADEL users call: the v1 label policy (@zitadel/node's
// management client over gRPC), ZITADEL's asset upload for logos and icons (multipart, plain
// fetch), and settings.v2 GetBrandingSettings (@zitadel/client). Logos are served from
// rolegate's own origin, and only images pass.
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import type { ManagementServiceClient } from "@zitadel/node/dist/api/generated/zitadel/management.js";
import { SettingsService } from "@zitadel/proto/zitadel/settings/v2/settings_service_pb.js";
import { Code } from "@connectrpc/connect";
import { Metadata } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { useApiServer } from "../support/api.js";
import { codeOf } from "../support/zitadel-node.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { solidPng } from "../support/png.js";

const api = useApiServer();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const newOrg = () => createOrganization(dir(), { name: unique("Org") });
const management = (token = api().adminToken): ManagementServiceClient =>
  createManagementClient(api().url, createAccessTokenInterceptor(token));
const inOrg = (orgId: string) => ({ metadata: Metadata({ "x-zitadel-orgid": orgId }) });
const LOGO = solidPng(64, 32, [0x11, 0x22, 0x33]);

/** ZITADEL's asset upload: multipart/form-data with the image in a field named "file". */
async function upload(orgId: string, slot: string, bytes: Uint8Array, { token = api().adminToken, type = "image/png" } = {}) {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(bytes)], { type }), "logo.png");
  const res = await fetch(new URL(`/assets/v1/org/policy/label/${slot}`, api().url), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "x-zitadel-orgid": orgId },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as { code?: number; message?: string } };
}

describe("the v1 label policy", () => {
  it("edits a preview, which the login pages show only once activated", async () => {
    const org = await newOrg();
    const mgmt = management();
    const initial = await mgmt.getLabelPolicy({}, inOrg(org.id));
    expect(initial.isDefault).toBe(true);
    expect(initial.policy).toMatchObject({ primaryColor: "#5469d4", isDefault: true, logoUrl: "" });

    await mgmt.addCustomLabelPolicy(
      { primaryColor: "#AA0000", backgroundColor: "#ffffff", fontColor: "#111", warnColor: "" },
      inOrg(org.id),
    );
    expect(await codeOf(mgmt.addCustomLabelPolicy({ primaryColor: "#000" }, inOrg(org.id)))).toBe("AlreadyExists");
    expect((await mgmt.getPreviewLabelPolicy({}, inOrg(org.id))).policy).toMatchObject({
      primaryColor: "#aa0000",
      fontColor: "#111",
      isDefault: false,
    });
    expect((await mgmt.getLabelPolicy({}, inOrg(org.id))).isDefault).toBe(true);

    await mgmt.updateCustomLabelPolicy({ primaryColor: "#00aa00", backgroundColor: "#fafafa", themeMode: 3 }, inOrg(org.id));
    await mgmt.activateCustomLabelPolicy({}, inOrg(org.id));
    const active = await mgmt.getLabelPolicy({}, inOrg(org.id));
    expect(active.isDefault).toBe(false);
    expect(active.policy).toMatchObject({
      primaryColor: "#00aa00",
      backgroundColor: "#fafafa",
      themeMode: 3,
      details: { resourceOwner: org.id },
    });

    await mgmt.resetLabelPolicyToDefault({}, inOrg(org.id));
    expect((await mgmt.getLabelPolicy({}, inOrg(org.id))).isDefault).toBe(true);
    expect(await codeOf(mgmt.updateCustomLabelPolicy({ primaryColor: "#000" }, inOrg(org.id)))).toBe("NotFound");
  });

  it.each(["red", "#12345", "#fff;}body{x", "url(x)"])("refuses the color %j and changes nothing", async (color) => {
    const org = await newOrg();
    const mgmt = management();
    expect(await codeOf(mgmt.addCustomLabelPolicy({ primaryColor: color }, inOrg(org.id)))).toBe("InvalidArgument");
    expect((await mgmt.getPreviewLabelPolicy({}, inOrg(org.id))).isDefault).toBe(true);
  });

  it("is its organization owners' alone", async () => {
    const org = await newOrg();
    const other = await newOrg();
    const { token } = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const intruder = management(token);
    expect(await codeOf(intruder.addCustomLabelPolicy({ primaryColor: "#000" }, inOrg(org.id)))).toBe("PermissionDenied");
    expect(await codeOf(intruder.getPreviewLabelPolicy({}, inOrg(org.id)))).toBe("PermissionDenied");
    expect(await codeOf(intruder.resetLabelPolicyToDefault({}, inOrg(org.id)))).toBe("PermissionDenied");
    expect((await upload(org.id, "logo", LOGO, { token })).status).toBe(403);
    // Its own organization is fine.
    await intruder.addCustomLabelPolicy({ primaryColor: "#000" });
    expect((await intruder.getPreviewLabelPolicy({})).policy?.details?.resourceOwner).toBe(other.id);
  });
});

describe("logo and icon uploads", () => {
  it("stores the image, serves it from rolegate's origin, and drops it when no policy uses it", async () => {
    const org = await newOrg();
    const mgmt = management();
    expect(await upload(org.id, "logo", LOGO)).toEqual({ status: 200, json: {} });
    expect((await upload(org.id, "icon/dark", LOGO)).status).toBe(200);
    const preview = (await mgmt.getPreviewLabelPolicy({}, inOrg(org.id))).policy!;
    expect(preview.logoUrl).toMatch(new RegExp(`^${api().url}/assets/v1/${org.id}/policy/label/[0-9]+$`));
    expect(preview.iconUrlDark).toMatch(/\/assets\/v1\//);
    expect(preview.iconUrl).toBe("");

    // Public (the login page shows it), with its type read from the bytes, and inert if opened.
    const served = await fetch(preview.logoUrl);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await served.arrayBuffer()).equals(LOGO)).toBe(true);

    await mgmt.activateCustomLabelPolicy({}, inOrg(org.id));
    expect((await mgmt.getLabelPolicy({}, inOrg(org.id))).policy?.logoUrl).toBe(preview.logoUrl);

    // A new logo replaces the preview's; the active one keeps the old until activated.
    await upload(org.id, "logo", solidPng(8, 8, [0, 0, 0]));
    const replaced = (await mgmt.getPreviewLabelPolicy({}, inOrg(org.id))).policy!.logoUrl;
    expect(replaced).not.toBe(preview.logoUrl);
    expect((await fetch(preview.logoUrl)).status).toBe(200);
    await mgmt.removeCustomLabelPolicyLogo({}, inOrg(org.id));
    expect((await mgmt.getPreviewLabelPolicy({}, inOrg(org.id))).policy?.logoUrl).toBe("");
    expect((await fetch(replaced)).status).toBe(404);
    await mgmt.activateCustomLabelPolicy({}, inOrg(org.id));
    expect((await fetch(preview.logoUrl)).status).toBe(404);
    expect(await api().db.prisma.brandingAsset.count({ where: { orgId: org.id } })).toBe(1); // the dark icon
    await mgmt.resetLabelPolicyToDefault({}, inOrg(org.id));
    expect(await api().db.prisma.brandingAsset.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("refuses what is not a PNG, JPEG, GIF or WebP image of at most 512 KiB, and changes nothing", async () => {
    const org = await newOrg();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const html = Buffer.from("<html><script>alert(1)</script></html>");
    const big = Buffer.concat([LOGO, Buffer.alloc(600 * 1024)]);
    for (const [bytes, type] of [
      [svg, "image/svg+xml"],
      [html, "image/png"],
      [Buffer.alloc(0), "image/png"],
      [big, "image/png"],
    ] as const) {
      const answer = await upload(org.id, "logo", bytes, { type });
      expect(answer).toMatchObject({ status: 400, json: { code: Code.InvalidArgument } });
    }
    const notMultipart = await fetch(new URL("/assets/v1/org/policy/label/logo", api().url), {
      method: "POST",
      headers: { authorization: `Bearer ${api().adminToken}`, "x-zitadel-orgid": org.id, "content-type": "image/png" },
      body: new Uint8Array(LOGO),
    });
    expect(notMultipart.status).toBe(400);
    expect((await upload(org.id, "logo", LOGO, { token: "nope" })).status).toBe(401);
    expect((await upload(org.id, "font", LOGO)).status).toBe(501);
    expect(await api().db.prisma.brandingAsset.count({ where: { orgId: org.id } })).toBe(0);
    expect(await api().db.prisma.branding.count({ where: { orgId: org.id } })).toBe(0);
    expect((await fetch(new URL(`/assets/v1/${org.id}/policy/label/123`, api().url))).status).toBe(404);
  });
});

describe("settings.v2 GetBrandingSettings", () => {
  it("reads the active policy of an organization, or the default", async () => {
    const org = await newOrg();
    await upload(org.id, "logo", LOGO);
    const mgmt = management();
    await mgmt.updateCustomLabelPolicy({ primaryColor: "#123456", primaryColorDark: "#abcdef", themeMode: 2 }, inOrg(org.id));
    await mgmt.activateCustomLabelPolicy({}, inOrg(org.id));
    const settings = api().client(SettingsService, "grpc");
    const { settings: branding } = await settings.getBrandingSettings({ ctx: { resourceOwner: { case: "orgId", value: org.id } } });
    expect(branding).toMatchObject({
      lightTheme: { primaryColor: "#123456", logoUrl: expect.stringMatching(/\/assets\/v1\//) },
      darkTheme: { primaryColor: "#abcdef" },
      resourceOwnerType: 2,
      themeMode: 3, // v1's DARK (2) is settings.v2's 3
    });
    const instance = await settings.getBrandingSettings({ ctx: { resourceOwner: { case: "instance", value: true } } });
    expect(instance.settings).toMatchObject({ lightTheme: { primaryColor: "#5469d4", logoUrl: "" }, resourceOwnerType: 1 });
  });
});
