// Signing keys (the instance's web keys, which sign ID tokens and JWT access tokens): listed,
// created (RSA or ECDSA P-256, as the API allows), activated, deleted after a confirmation page.
// Instance owners only: the API refuses everyone else, and the page says so.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { ECDSACurve, RSABits, RSAHasher, State, type WebKey } from "@zitadel/proto/zitadel/webkey/v2/key_pb.js";
import type { CreateWebKeyRequestSchema } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import { html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, notice, PAGE_SIZE, pager, readListing, searchForm } from "../ui.js";
import { refusal } from "./organizations.js";

const BASE = `${CONSOLE}/keys`;

const STATES: Record<State, { label: string; meaning: string }> = {
  [State.UNSPECIFIED]: { label: "unknown", meaning: "" },
  [State.INITIAL]: { label: "initial", meaning: "published, not signing yet" },
  [State.ACTIVE]: { label: "active", meaning: "signs new tokens" },
  [State.INACTIVE]: { label: "inactive", meaning: "published until deleted, so the tokens it signed still verify" },
  [State.REMOVED]: { label: "removed", meaning: "" },
};

type KeySpec = MessageInitShape<typeof CreateWebKeyRequestSchema>["key"];

const formatTime = (t: Timestamp | undefined) => (t ? `${timestampDate(t).toISOString().slice(0, 16).replace("T", " ")} UTC` : "");

/** The key types rolegate signs with (RS256 at three sizes, ES256). */
const KEY_TYPES: { value: string; label: string; key: KeySpec }[] = [
  { value: "rsa-2048", label: "RSA 2048 bits (RS256)", key: rsa(RSABits.RSA_BITS_2048) },
  { value: "rsa-3072", label: "RSA 3072 bits (RS256)", key: rsa(RSABits.RSA_BITS_3072) },
  { value: "rsa-4096", label: "RSA 4096 bits (RS256)", key: rsa(RSABits.RSA_BITS_4096) },
  { value: "ecdsa-p256", label: "ECDSA P-256 (ES256)", key: { case: "ecdsa", value: { curve: ECDSACurve.ECDSA_CURVE_P256 } } },
];

function rsa(bits: RSABits): KeySpec {
  return { case: "rsa", value: { bits, hasher: RSAHasher.RSA_HASHER_SHA256 } };
}

const BITS: Partial<Record<RSABits, number>> = {
  [RSABits.RSA_BITS_2048]: 2048,
  [RSABits.RSA_BITS_3072]: 3072,
  [RSABits.RSA_BITS_4096]: 4096,
};

function algorithmOf(key: WebKey): string {
  switch (key.key.case) {
    case "rsa":
      return `RSA ${BITS[key.key.value.bits] ?? ""} bits (RS256)`.replace("  ", " ");
    case "ecdsa":
      return "ECDSA P-256 (ES256)";
    case "ed25519":
      return "Ed25519 (EdDSA)";
    default:
      return "unknown";
  }
}

const NOTICES: Record<string, string> = {
  created: "The key was created. It is published but does not sign until it is activated.",
  activated: "The key was activated: it signs new tokens; the key it replaced is inactive.",
  deleted: "The key was deleted.",
};

interface Failed {
  status: number;
  message: string;
  type?: string;
}

export const signingKeys: Screen = (router) => {
  router.get("/keys", (ctx) => listPage(ctx));

  router.post("/keys", async (ctx) => {
    const { api, form } = ctx.state.console;
    const type = form.get("type") ?? "";
    const chosen = KEY_TYPES.find((t) => t.value === type);
    if (!chosen) return listPage(ctx, { status: 400, message: "Key type: choose one of the offered types.", type });
    try {
      await api.webKeys.createWebKey({ key: chosen.key });
      ctx.status = 303;
      ctx.redirect(`${BASE}?notice=created`);
    } catch (error) {
      await listPage(ctx, { ...shownRefusal(error), type });
    }
  });

  router.post("/keys/:id/activate", async (ctx) => {
    try {
      await ctx.state.console.api.webKeys.activateWebKey({ id: ctx.params.id });
      ctx.status = 303;
      ctx.redirect(`${BASE}?notice=activated`);
    } catch (error) {
      await listPage(ctx, shownRefusal(error));
    }
  });

  router.get("/keys/:id/delete", (ctx) => deletePage(ctx, ctx.params.id));

  router.post("/keys/:id/delete", async (ctx) => {
    try {
      await ctx.state.console.api.webKeys.deleteWebKey({ id: ctx.params.id });
      ctx.status = 303;
      ctx.redirect(`${BASE}?notice=deleted`);
    } catch (error) {
      await deletePage(ctx, ctx.params.id, shownRefusal(error));
    }
  });
};

/** A refusal shown on the page; one to list keys at all (not an instance owner) is the error page's. */
function shownRefusal(error: unknown): Failed {
  const failed = refusal(error);
  if (failed.status === 403) throw error;
  return failed;
}

/** Newest first; the API lists them all at once, so the search and the pages are the console's. */
async function allKeys(ctx: ConsoleContext): Promise<WebKey[]> {
  const { webKeys } = await ctx.state.console.api.webKeys.listWebKeys({});
  const created = (k: WebKey) => (k.creationDate ? timestampDate(k.creationDate).getTime() : 0);
  return [...webKeys].sort((a, b) => created(b) - created(a));
}

async function listPage(ctx: ConsoleContext, failed?: Failed) {
  const { csrfToken, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const q = listing.q.toLowerCase();
  const matching = (await allKeys(ctx)).filter(
    (k) => !q || k.id.toLowerCase().includes(q) || algorithmOf(k).toLowerCase().includes(q) || STATES[k.state].label === q,
  );
  const shown = matching.slice(Number(listing.offset), Number(listing.offset) + PAGE_SIZE);
  const rows = shown.map((k) => {
    const state = STATES[k.state];
    return html`<tr>
  <td data-label="Key ID"><code>${k.id}</code></td>
  <td data-label="Algorithm">${algorithmOf(k)}</td>
  <td data-label="State">${state.label}${state.meaning ? html`<span class="muted"> – ${state.meaning}</span>` : ""}</td>
  <td data-label="Created">${formatTime(k.creationDate)}</td>
  <td data-label="Actions"><div class="actions">
    ${
      k.state === State.ACTIVE
        ? ""
        : html`<form method="post" action="${`${BASE}/${encodeURIComponent(k.id)}/activate`}" class="inline">${csrfField(csrfToken)}<button type="submit" class="secondary" aria-label="${`Activate key ${k.id}`}">Activate</button></form>`
    }
    <a href="${`${BASE}/${encodeURIComponent(k.id)}/delete`}" aria-label="${`Delete key ${k.id}`}">Delete…</a>
  </div></td>
</tr>`;
  });
  const notified = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const selected = failed?.type ?? KEY_TYPES[0]!.value;
  page(
    "Signing keys",
    "/keys",
    html`<h1>Signing keys</h1>
${notice(notified)}
<p>These keys sign ID tokens and JWT access tokens; all but deleted ones are published at <a href="/oauth/v2/keys"><code>/oauth/v2/keys</code></a>. Each algorithm has one active key. A new key starts as initial; publish it for a while before activating it, so that verifiers have it cached.</p>
${errorBox(failed?.message)}
${searchForm(BASE, listing, "Search by ID, algorithm or state")}
${
  shown.length
    ? html`<table class="responsive">
<thead><tr><th scope="col">Key ID</th><th scope="col">Algorithm</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
    : ""
}
${pager(BASE, listing, matching.length)}
<section class="card" aria-labelledby="create-key">
<h2 id="create-key">Create a key</h2>
<form method="post" action="${BASE}">
${csrfField(csrfToken)}
<label for="type">Key type</label>
<select id="type" name="type"${failed?.type !== undefined ? html` aria-invalid="true"` : ""}>
${KEY_TYPES.map((t) => html`<option value="${t.value}"${t.value === selected ? html` selected` : ""}>${t.label}</option>`)}
</select>
<button type="submit">Create key</button>
</form>
</section>`,
    failed?.status,
  );
}

async function deletePage(ctx: ConsoleContext, id: string, failed?: Failed) {
  const { csrfToken, page } = ctx.state.console;
  const key = (await allKeys(ctx)).find((k) => k.id === id);
  if (!key) {
    return page(
      "Key not found",
      "/keys",
      html`<p><a href="${BASE}">Signing keys</a></p><h1>Key not found</h1><p>There is no signing key ${id}.</p>${errorBox(failed?.message)}`,
      failed?.status ?? 404,
    );
  }
  page(
    `Delete key ${id}`,
    "/keys",
    html`<p><a href="${BASE}">Signing keys</a></p>
<h1>Delete key ${id}?</h1>
${errorBox(failed?.message)}
<p>The ${algorithmOf(key)} key, ${STATES[key.state].label}, created ${formatTime(key.creationDate)}, is no longer published: tokens it signed stop verifying. The active key cannot be deleted; activate another key of its algorithm first.</p>
<form method="post" action="${`${BASE}/${encodeURIComponent(id)}/delete`}" class="actions">
${csrfField(csrfToken)}
<button type="submit" class="danger">Delete the key</button>
<a href="${BASE}">Cancel</a>
</form>`,
    failed?.status,
  );
}
