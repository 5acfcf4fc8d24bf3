// Branding (private labeling, docs/rules.md#private-labeling): an organization's label policy
// through zitadel.management.v1 in that organization's context. The active policy and the
// preview side by side, a form for the preview's colors and flags, activate, reset, and logo and
// icon uploads, which the console forwards to the asset API with the session's token (the
// browser has no bearer token).
import { findOrganization, searchOrganizations } from "../lookups.js";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Organization } from "@zitadel/proto/zitadel/org/v2/org_pb.js";
import { type LabelPolicy, ThemeMode } from "@zitadel/proto/zitadel/policy_pb.js";
import { type Html, html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { localOrigin } from "../sign-in.js";
import { csrfField, errorBox, notice, pager, readListing, searchForm, textField } from "../ui.js";
import { inOrganization } from "./org-context.js";
import { refusal } from "./organizations.js";

const BASE = `${CONSOLE}/branding`;

const COLORS = [
  { name: "primaryColor", label: "Primary color", dark: false },
  { name: "backgroundColor", label: "Background color", dark: false },
  { name: "warnColor", label: "Warning color", dark: false },
  { name: "fontColor", label: "Font color", dark: false },
  { name: "primaryColorDark", label: "Primary color (dark theme)", dark: true },
  { name: "backgroundColorDark", label: "Background color (dark theme)", dark: true },
  { name: "warnColorDark", label: "Warning color (dark theme)", dark: true },
  { name: "fontColorDark", label: "Font color (dark theme)", dark: true },
] as const;
type ColorField = (typeof COLORS)[number]["name"];

const FLAGS = [
  { name: "hideLoginNameSuffix", label: "Hide the login name suffix (the organization's domain)" },
  { name: "disableWatermark", label: "Hide the “powered by” watermark" },
] as const;

const THEME_MODES: readonly { value: ThemeMode; label: string }[] = [
  { value: ThemeMode.UNSPECIFIED, label: "Not set (the login pages' default)" },
  { value: ThemeMode.AUTO, label: "Follow the visitor's system" },
  { value: ThemeMode.LIGHT, label: "Always light" },
  { value: ThemeMode.DARK, label: "Always dark" },
];

/** The asset API's slots, as its upload paths name them, and the v1 method removing each. */
const SLOTS = {
  logo: { label: "Logo", url: "logoUrl", remove: "removeCustomLabelPolicyLogo" },
  icon: { label: "Icon", url: "iconUrl", remove: "removeCustomLabelPolicyIcon" },
  "logo/dark": { label: "Logo (dark theme)", url: "logoUrlDark", remove: "removeCustomLabelPolicyLogoDark" },
  "icon/dark": { label: "Icon (dark theme)", url: "iconUrlDark", remove: "removeCustomLabelPolicyIconDark" },
} as const;
type Slot = keyof typeof SLOTS;
const isSlot = (value: string | null): value is Slot => value !== null && Object.hasOwn(SLOTS, value);

/** Only a color the API accepted is put in a style attribute (the value is escaped as well). */
const SAFE_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

const NOTICES: Record<string, string> = {
  saved: "The preview was saved. The login pages show it once you activate it.",
  activated: "The preview is now active on the login pages.",
  reset: "The branding was reset: the login pages show the default.",
  uploaded: "The image was uploaded to the preview.",
  removed: "The image was removed from the preview.",
};

type Part = "colors" | "upload" | "actions";
interface Failed {
  part: Part;
  status: number;
  message: string;
  /** The colors form as typed. */
  values?: URLSearchParams;
  /** The field the API named. */
  field?: string;
}

export const branding: Screen = (router) => {
  router.get("/branding", async (ctx) => {
    const org = typeof ctx.query.org === "string" ? ctx.query.org : "";
    if (!org) return pickOrganization(ctx);
    await brandingPage(ctx, org);
  });

  router.post("/branding/:org/policy", async (ctx) => {
    const { api, form } = ctx.state.console;
    const org = ctx.params.org;
    const policy = {
      ...Object.fromEntries(COLORS.map((c) => [c.name, form.get(c.name) ?? ""])),
      hideLoginNameSuffix: form.get("hideLoginNameSuffix") === "true",
      disableWatermark: form.get("disableWatermark") === "true",
      themeMode: themeModeOf(form.get("themeMode")),
    } as Record<ColorField, string> & { hideLoginNameSuffix: boolean; disableWatermark: boolean; themeMode: ThemeMode };
    await act(ctx, org, "saved", { part: "colors", values: form }, async () => {
      try {
        await api.management.updateCustomLabelPolicy(policy, inOrganization(org));
      } catch (error) {
        // No preview yet: this is the organization's first custom policy (R-BRAND-3).
        if (!(error instanceof ConnectError) || error.code !== Code.NotFound) throw error;
        await api.management.addCustomLabelPolicy(policy, inOrganization(org));
      }
    });
  });

  router.post("/branding/:org/activate", (ctx) =>
    act(ctx, ctx.params.org, "activated", { part: "actions" }, () =>
      ctx.state.console.api.management.activateCustomLabelPolicy({}, inOrganization(ctx.params.org)),
    ),
  );

  router.post("/branding/:org/reset", (ctx) =>
    act(ctx, ctx.params.org, "reset", { part: "actions" }, () =>
      ctx.state.console.api.management.resetLabelPolicyToDefault({}, inOrganization(ctx.params.org)),
    ),
  );

  router.post("/branding/:org/remove", async (ctx) => {
    const slot = ctx.state.console.form.get("slot");
    const org = ctx.params.org;
    if (!isSlot(slot)) return brandingPage(ctx, org, { part: "upload", status: 400, message: "Choose a logo or an icon to remove." });
    await act(ctx, org, "removed", { part: "upload" }, () => ctx.state.console.api.management[SLOTS[slot].remove]({}, inOrganization(org)));
  });

  router.post("/branding/:org/upload", async (ctx) => {
    const { form, files, session } = ctx.state.console;
    const org = ctx.params.org;
    const slot = form.get("slot");
    // The slot becomes part of the asset API's path: only the four it serves.
    if (!isSlot(slot)) return brandingPage(ctx, org, { part: "upload", status: 400, message: "Choose where the image goes." });
    await act(ctx, org, "uploaded", { part: "upload" }, async () => {
      // ZITADEL's asset API decides (type read from the bytes, at most 512 KiB: R-BRAND-4).
      const body = new FormData();
      const file = files.get("file");
      if (file) body.set("file", file, file.name || "upload");
      const response = await fetch(`${localOrigin(ctx)}/assets/v1/org/policy/label/${slot}`, {
        method: "POST",
        headers: { authorization: `Bearer ${session.token}`, "x-zitadel-orgid": org },
        body,
      });
      if (!response.ok) throw await assetError(response);
    });
  });
};

/** Runs a change; success answers 303 to the page with a notice, a refusal re-renders it with the message. */
async function act(
  ctx: ConsoleContext,
  org: string,
  done: string,
  failed: Omit<Failed, "status" | "message">,
  change: () => Promise<unknown>,
) {
  // The organization first: its id goes into a header, and an unknown one is this page's 404.
  if (!(await visibleOrganization(ctx, org))) return notFoundPage(ctx, org);
  try {
    await change();
    ctx.status = 303;
    ctx.redirect(`${BASE}?${new URLSearchParams({ org, notice: done }).toString()}`);
  } catch (error) {
    const refused = refusal(error);
    await brandingPage(ctx, org, { ...failed, ...refused, field: fieldOf(refused.message) });
  }
}

/** The asset API answers errors as `{code, message}` (the REST gateway's shape). */
async function assetError(response: Response): Promise<ConnectError> {
  const body = (await response.json().catch(() => ({}))) as { code?: unknown; message?: unknown };
  const message = typeof body.message === "string" ? body.message : `the upload failed (HTTP ${response.status})`;
  return new ConnectError(message, typeof body.code === "number" ? body.code : undefined);
}

/** The API names the field at fault first: "primaryColor: must be a color like #5469d4". */
function fieldOf(message: string): string | undefined {
  return /^([a-zA-Z]+):/.exec(message)?.[1];
}

/** The message with the field's label instead of its API name. */
function readable(message: string): string {
  const field = fieldOf(message);
  const label = COLORS.find((c) => c.name === field)?.label ?? (field === "file" ? "The image" : undefined);
  return label ? `${label}: ${message.slice(field!.length + 1).trim()}` : message;
}

function themeModeOf(value: string | null): ThemeMode {
  const mode = Number(value ?? 0);
  // Any other int32 is sent as is (the API refuses an unknown theme mode); beyond int32 the
  // request could not even be encoded.
  return (Number.isSafeInteger(mode) && Math.abs(mode) < 2 ** 31 ? mode : -1) as ThemeMode;
}

async function pickOrganization(ctx: ConsoleContext) {
  const { api, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const response = await searchOrganizations(api, listing);
  const total = Number(response.details?.totalResult ?? 0);
  const rows = response.result.map(
    (org: Organization) => html`<tr>
  <td data-label="Organization"><a href="${BASE}?org=${org.id}">${org.name}</a></td>
  <td data-label="Primary domain">${org.primaryDomain}</td>
</tr>`,
  );
  page(
    "Branding",
    "/branding",
    html`<h1>Branding</h1>
<p>Each organization has its own colors, logo and icon on the login pages. Choose an organization.</p>
${searchForm(BASE, listing, "Search organizations by name")}
<table class="responsive">
<thead><tr><th scope="col">Organization</th><th scope="col">Primary domain</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${pager(BASE, listing, total)}`,
  );
}

async function brandingPage(ctx: ConsoleContext, orgId: string, failed?: Failed) {
  const { api, csrfToken, page } = ctx.state.console;
  const org = await visibleOrganization(ctx, orgId);
  if (!org) return notFoundPage(ctx, orgId);
  const context = inOrganization(org.id);
  const [active, preview] = await Promise.all([
    api.management.getLabelPolicy({}, context),
    api.management.getPreviewLabelPolicy({}, context),
  ]);
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const action = (path: string) => `${BASE}/${encodeURIComponent(org.id)}/${path}`;
  const errorOf = (part: Part) => (failed?.part === part ? errorBox(readable(failed.message)) : "");
  const values = failed?.part === "colors" ? failed.values : undefined;
  const colorField = (c: (typeof COLORS)[number]) =>
    textField(c.name, c.label, values ? (values.get(c.name) ?? "") : (preview.policy?.[c.name] ?? ""), {
      invalid: failed?.field === c.name,
    });
  const checked = (name: (typeof FLAGS)[number]["name"]) => (values ? values.get(name) === "true" : Boolean(preview.policy?.[name]));
  const mode = values ? themeModeOf(values.get("themeMode")) : (preview.policy?.themeMode ?? ThemeMode.UNSPECIFIED);
  const previewSlots = (Object.keys(SLOTS) as Slot[]).filter((slot) => preview.policy?.[SLOTS[slot].url]);

  page(
    `Branding of ${org.name}`,
    "/branding",
    html`<p><a href="${BASE}">Branding</a> · <a href="${CONSOLE}/organizations/${org.id}">${org.name}</a></p>
<h1>Branding of ${org.name}</h1>
${notice(shown)}
${errorOf("actions")}
<div class="policies">
<section class="card" aria-labelledby="active-policy">
<h2 id="active-policy">Active on the login pages</h2>
${active.isDefault ? html`<p><strong>No custom branding:</strong> the login pages show the default.</p>` : ""}
${policyView(active.policy, "active")}
</section>
<section class="card" aria-labelledby="preview-policy">
<h2 id="preview-policy">Preview</h2>
<p class="muted">Changes go to the preview; the login pages show it once you activate it.</p>
${preview.isDefault ? html`<p><strong>No preview yet:</strong> these are the defaults.</p>` : ""}
${policyView(preview.policy, "preview")}
<form method="post" action="${action("activate")}">
${csrfField(csrfToken)}
<button type="submit">Activate the preview</button>
</form>
</section>
</div>
<section class="card" aria-labelledby="edit-policy">
<h2 id="edit-policy">Edit the preview</h2>
${errorOf("colors")}
<form method="post" action="${action("policy")}">
${csrfField(csrfToken)}
<p class="muted">Colors are written #rgb or #rrggbb, for example #5469d4; an empty one is not set. rolegate's login pages
use the light theme's colors and the logo; the dark theme, the icons and the options are kept for apps that read the
branding settings (settings.v2 GetBrandingSettings).</p>
<div class="columns">
<fieldset><legend>Light theme</legend>${COLORS.filter((c) => !c.dark).map(colorField)}</fieldset>
<fieldset><legend>Dark theme</legend>${COLORS.filter((c) => c.dark).map(colorField)}</fieldset>
</div>
<fieldset><legend>Options</legend>
${FLAGS.map((f) => html`<label class="check"><input type="checkbox" name="${f.name}" value="true"${checked(f.name) ? html` checked` : ""}> ${f.label}</label>`)}
<label for="themeMode">Theme</label>
<select id="themeMode" name="themeMode">${THEME_MODES.map((m) => html`<option value="${m.value}"${m.value === mode ? html` selected` : ""}>${m.label}</option>`)}</select>
</fieldset>
<button type="submit">Save the preview</button>
</form>
</section>
<section class="card" aria-labelledby="images">
<h2 id="images">Logos and icons</h2>
${errorOf("upload")}
<form method="post" action="${action("upload")}" enctype="multipart/form-data">
${csrfField(csrfToken)}
<label for="slot">Put the image in</label>
<select id="slot" name="slot">${(Object.keys(SLOTS) as Slot[]).map((s) => html`<option value="${s}">${SLOTS[s].label}</option>`)}</select>
<label for="file">Image</label>
<p class="muted" id="file-hint">PNG, JPEG, GIF or WebP, at most 512 KiB. It goes to the preview.</p>
<input type="file" id="file" name="file" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby="file-hint" aria-required="true"${failed?.field === "file" ? html` aria-invalid="true"` : ""}>
<button type="submit">Upload</button>
</form>
${
  previewSlots.length > 0
    ? html`<h3>Remove from the preview</h3><div class="actions">${previewSlots.map(
        (slot) => html`<form method="post" action="${action("remove")}" class="inline">
${csrfField(csrfToken)}<input type="hidden" name="slot" value="${slot}">
<button type="submit" class="secondary">Remove the ${SLOTS[slot].label.toLowerCase()}</button>
</form>`,
      )}</div>`
    : ""
}
</section>
<section class="card" aria-labelledby="reset-policy">
<h2 id="reset-policy">Reset to the default</h2>
<p>Removes the active branding and the preview, with their logos and icons. The login pages show the default.</p>
<form method="post" action="${action("reset")}">
${csrfField(csrfToken)}
<button type="submit" class="danger">Reset the branding</button>
</form>
</section>`,
    failed?.status,
  );
}

function visibleOrganization(ctx: ConsoleContext, orgId: string): Promise<Organization | undefined> {
  return findOrganization(ctx.state.console.api, orgId).catch((error: unknown) => {
    // A malformed id is the API's invalid_argument: as good as not found here.
    if (refusal(error).status === 400) return undefined;
    throw error;
  });
}

function notFoundPage(ctx: ConsoleContext, orgId: string) {
  ctx.state.console.page(
    "Organization not found",
    "/branding",
    html`<h1>Organization not found</h1><p>There is no organization ${orgId} that you may see. <a href="${BASE}">Choose another one</a>.</p>`,
    404,
  );
}

/** A policy's colors as swatches with their values, its flags, and its images. */
function policyView(policy: LabelPolicy | undefined, id: string): Html {
  if (!policy) return html`<p class="muted">Nothing to show.</p>`;
  const swatch = (value: string) =>
    value
      ? html`<span class="swatch"${SAFE_COLOR.test(value) ? html` style="background-color: ${value}"` : ""} aria-hidden="true"></span><code>${value}</code>`
      : html`<span class="muted">not set</span>`;
  const rows = COLORS.filter((c) => !c.dark).map(
    (c) => html`<tr>
  <th scope="row">${c.label}</th>
  <td data-label="Light">${swatch(policy[c.name])}</td>
  <td data-label="Dark">${swatch(policy[`${c.name}Dark` as ColorField])}</td>
</tr>`,
  );
  const mode = THEME_MODES.find((m) => m.value === policy.themeMode)?.label ?? "unknown";
  const images = (Object.keys(SLOTS) as Slot[]).map((slot) => {
    const url = policy[SLOTS[slot].url];
    return html`<dt>${SLOTS[slot].label}</dt><dd>${url ? html`<img src="${url}" alt="${SLOTS[slot].label}" class="asset">` : html`<span class="muted">none</span>`}</dd>`;
  });
  return html`<table class="responsive colors" aria-label="${id === "active" ? "Active colors" : "Preview colors"}">
<thead><tr><th scope="col">Color</th><th scope="col">Light</th><th scope="col">Dark</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<dl class="facts">
  <dt>Login name suffix</dt><dd>${policy.hideLoginNameSuffix ? "hidden" : "shown"}</dd>
  <dt>Watermark</dt><dd>${policy.disableWatermark ? "hidden" : "shown"}</dd>
  <dt>Theme</dt><dd>${mode}</dd>
  ${images}
</dl>`;
}
