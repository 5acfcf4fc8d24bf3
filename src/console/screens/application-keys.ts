// The keys of applications that authenticate with private_key_jwt: listed on the app's page,
// added (the JSON key file, with the private key, offered once as a data: download on the POST's
// answer page), removed after a confirmation page.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ApplicationKeysSorting } from "../../generated/proto/zitadel/application/v2/application_pb.js";
import { type Html, html } from "../html.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, pager, readListing } from "../ui.js";
import { BadForm, type Failure, failureOf } from "./application-form.js";
import { APPS, appUrl, breadcrumb, formatTime, isMissing, type Located, locateApplication } from "./application-lookup.js";

export interface KeysFailure {
  failure: Failure;
  expirationDate?: string | undefined;
}

/** The app's page with a failed key form (application-detail.ts; passed in, as that page lists the keys). */
export type ShowDetail = (ctx: ConsoleContext, id: string, failed: { section: "keys" } & KeysFailure) => Promise<void>;

export async function keysSection(ctx: ConsoleContext, { app, project }: Located, failed?: KeysFailure): Promise<Html> {
  const { api, csrfToken } = ctx.state.console;
  const listing = readListing(ctx.query);
  const { keys, pagination } = await api.applications.listApplicationKeys({
    pagination: { offset: listing.offset, limit: listing.limit, asc: true },
    sortingColumn: ApplicationKeysSorting.APPLICATION_KEYS_SORT_BY_CREATION_DATE,
    filters: [{ filter: { case: "applicationIdFilter", value: { applicationId: app.applicationId } } }],
  });
  const total = Number(pagination?.totalResult ?? 0);
  const rows = keys.map(
    (key) => html`<tr>
  <td data-label="Key ID"><code>${key.keyId}</code></td>
  <td data-label="Created">${formatTime(key.creationDate)}</td>
  <td data-label="Expires">${formatTime(key.expirationDate)}</td>
  <td data-label="Actions"><a href="${appUrl(app.applicationId, project.projectId, `/keys/${key.keyId}/delete`)}">Remove…</a></td>
</tr>`,
  );
  const invalid = failed?.failure.field === "expirationDate";
  return html`<section class="card" aria-labelledby="app-keys">
<h2 id="app-keys">Keys</h2>
<p>The application signs its client assertions (private_key_jwt) with one of these keys. rolegate keeps only the public key; the key file with the private key is offered once, when the key is added.</p>
${
  total
    ? html`<table class="responsive">
<thead><tr><th scope="col">Key ID</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
    : ""
}
${pager(`${APPS}/${app.applicationId}`, listing, total, { project: project.projectId })}
<h3>Add a key</h3>
${errorBox(failed?.failure.message)}
<form method="post" action="${`${APPS}/${app.applicationId}/keys`}">
${csrfField(csrfToken)}<input type="hidden" name="project" value="${project.projectId}">
<label for="expirationDate">Expiration date (optional)</label>
<p class="muted" id="expirationDate-hint">The key stops working at the start of this day (UTC). Empty: it never expires.</p>
<input type="date" id="expirationDate" name="expirationDate" value="${failed?.expirationDate ?? ""}" aria-describedby="expirationDate-hint"${invalid ? html` aria-invalid="true"` : ""}>
<button type="submit" class="secondary">Add a key</button>
</form>
</section>`;
}

/** YYYY-MM-DD as midnight UTC; empty is none. */
function readDate(text: string): Date | undefined {
  if (!text) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new BadForm("expirationDate", "Expiration date: give a date like 2030-12-31.");
  }
  return date;
}

export const applicationKeys =
  (showDetail: ShowDetail): Screen =>
  (router) => {
    router.post("/applications/:id/keys", async (ctx) => {
      const { api, form } = ctx.state.console;
      const projectId = form.get("project") ?? "";
      const expirationDate = (form.get("expirationDate") ?? "").trim();
      try {
        const expires = readDate(expirationDate);
        const created = await api.applications.createApplicationKey({
          applicationId: ctx.params.id,
          projectId,
          ...(expires ? { expirationDate: timestampFromDate(expires) } : {}),
        });
        const located = await locateApplication(api, ctx.params.id);
        const file = Buffer.from(created.keyDetails).toString("base64");
        ctx.state.console.page(
          "Key added",
          "/applications",
          html`<h1>A new key for ${located?.app.name ?? ctx.params.id}</h1>
<p>Key <code>${created.keyId}</code> was added${expires ? html`; it expires ${formatTime(timestampFromDate(expires))}` : ""}.</p>
<p class="notice" role="status">Download the key file now: it holds the private key and is offered only this once. rolegate keeps only the public key.</p>
<p><a class="button" id="key-file" href="${`data:application/json;base64,${file}`}" download="${`${created.keyId}.json`}">Download the key file</a></p>
<p><a href="${appUrl(ctx.params.id, projectId)}">Continue to the application</a></p>`,
          201,
        );
      } catch (error) {
        await showDetail(ctx, ctx.params.id, { section: "keys", failure: failureOf(error), expirationDate });
      }
    });

    router.get("/applications/:id/keys/:keyId/delete", (ctx) => removePage(ctx));

    router.post("/applications/:id/keys/:keyId/delete", async (ctx) => {
      const { api, form } = ctx.state.console;
      const projectId = form.get("project") ?? "";
      try {
        await api.applications.deleteApplicationKey({ keyId: ctx.params.keyId, applicationId: ctx.params.id, projectId });
        ctx.status = 303;
        ctx.redirect(appUrl(ctx.params.id, projectId, "", { notice: "key-removed" }));
      } catch (error) {
        await removePage(ctx, failureOf(error));
      }
    });
  };

async function removePage(ctx: ConsoleContext & { params: Record<string, string> }, failure?: Failure) {
  const { api, csrfToken, page } = ctx.state.console;
  const { id, keyId } = ctx.params as { id: string; keyId: string };
  const located = await locateApplication(api, id);
  const key = located ? await keyOf(ctx, keyId) : undefined;
  if (!located || !key) {
    const status = failure?.status ?? 404;
    const message = failure?.message ?? `There is no key ${keyId} of application ${id} that you may see.`;
    return page(
      "Key not found",
      "/applications",
      html`<h1>${failure ? "That did not work" : "Key not found"}</h1>${errorBox(message)}`,
      status,
    );
  }
  const { app, project } = located;
  page(
    "Remove a key",
    "/applications",
    html`${breadcrumb(project)}
<h1>Remove key ${keyId}?</h1>
${errorBox(failure?.message)}
<p>The key of ${app.name}, created ${formatTime(key.creationDate)}, is removed: client assertions signed with it are refused from now on. This cannot be undone.</p>
<form method="post" action="${`${APPS}/${id}/keys/${keyId}/delete`}" class="actions">
${csrfField(csrfToken)}<input type="hidden" name="project" value="${project.projectId}">
<button type="submit" class="danger">Remove the key</button>
<a href="${appUrl(id, project.projectId)}">Cancel</a>
</form>`,
    failure?.status,
  );
}

async function keyOf(ctx: ConsoleContext, keyId: string) {
  try {
    return await ctx.state.console.api.applications.getApplicationKey({ keyId });
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
