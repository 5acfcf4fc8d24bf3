// The impact preview on the console's confirmation pages (docs/rules.md#r-console-4): before a
// change that can take access away, who would lose access, which roles and which apps, from the
// API's dry run of that very change (rolegate.access.v1 PreviewImpact). The console computes
// nothing itself; when the preview is refused, the change would be too, and the page says why.
import { ConnectError } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { PreviewImpactRequestSchema } from "../generated/proto/rolegate/access/v1/access_service_pb.js";
import { html, type Html } from "./html.js";
import type { ConsoleContext } from "./screen.js";
import { csrfField, describeApiError, errorBox } from "./ui.js";

/** The change to preview, as the API names it (a oneof case of PreviewImpactRequest.change). */
export type ImpactChange = NonNullable<MessageInitShape<typeof PreviewImpactRequestSchema>["change"]>;

const PAGE = 50;

type Preview = Awaited<ReturnType<ConsoleContext["state"]["console"]["api"]["access"]["previewImpact"]>>;

/** A preview's page, or why the API refused it (the change would be refused for the same reason). */
export type Previewed = { preview: Preview; page: number } | { refused: string };

/** Asks the API for the page of the preview that `?impact=N` names. */
export async function previewImpact(ctx: ConsoleContext, change: ImpactChange): Promise<Previewed> {
  const raw = Number.parseInt(typeof ctx.query.impact === "string" ? ctx.query.impact : "1", 10);
  const page = Number.isSafeInteger(raw) && raw > 0 && raw <= 10_000 ? raw : 1;
  try {
    return { preview: await ctx.state.console.api.access.previewImpact({ change, offset: (page - 1) * PAGE, limit: PAGE }), page };
  } catch (error) {
    const described = describeApiError(error);
    if (!described || described.status === 401 || !(error instanceof ConnectError)) throw error;
    return { refused: described.message };
  }
}

/**
 * The "Who loses access" section of a confirmation page, its entries paged by `?impact=N`. A page
 * that answers a form (narrowing a grant or an authorization) has no address to link to: its
 * pager posts the form's `repost` fields again instead, which shows the page again, changing nothing.
 */
export async function impactSection(ctx: ConsoleContext, change: ImpactChange | Previewed, repost?: [string, string][]): Promise<Html> {
  const previewed = "refused" in change || "preview" in change ? change : await previewImpact(ctx, change);
  if ("refused" in previewed) return section(html`${errorBox(`The impact could not be previewed: ${previewed.refused}`)}`);
  const { preview, page } = previewed;
  if (preview.totalEntries === 0) {
    return section(html`<p role="status">Nobody loses access, a role or an app through this change.</p>`);
  }
  const rows = preview.entries.map(
    (e) => html`<tr>
  <td data-label="User">${e.displayName} <span class="muted">(${e.loginName})</span></td>
  <td data-label="Organization">${e.organizationName}</td>
  <td data-label="Project">${e.projectName}</td>
  <td data-label="Loses">${losses(e)}</td>
</tr>`,
  );
  const from = (page - 1) * PAGE + 1;
  const to = from + preview.entries.length - 1;
  const target = (n: number) => {
    const query = new URLSearchParams(ctx.querystring);
    query.set("impact", String(n));
    return `${ctx.path}?${query.toString()}#impact`;
  };
  const link = (n: number, label: string) =>
    repost
      ? html`<form method="post" action="${target(n)}">${csrfField(ctx.state.console.csrfToken)}${repost.map(
          ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
        )}<button type="submit" class="link">${label}</button></form>`
      : html`<a href="${target(n)}">${label}</a>`;
  return section(html`<p role="status"><strong>${count(preview.affectedUsers, "user")} would lose something</strong>;
${preview.usersLosingAccess} of them could no longer sign in to a project.</p>
<table class="responsive">
<caption class="muted">${from}–${to} of ${preview.totalEntries}, one row per user and project</caption>
<thead><tr><th scope="col">User</th><th scope="col">Organization</th><th scope="col">Project</th><th scope="col">Loses</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<nav class="pager" aria-label="Affected users">${page > 1 ? link(page - 1, "Previous") : ""}${to < preview.totalEntries ? link(page + 1, "Next") : ""}</nav>`);
}

const section = (content: Html) =>
  html`<section class="card" id="impact" aria-labelledby="impact-heading"><h2 id="impact-heading">Who loses access</h2>${content}</section>`;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function losses(e: Preview["entries"][number]) {
  const parts: Html[] = [];
  if (e.losesAccess) parts.push(html`<strong>sign-in to the project</strong>`);
  if (e.lostRoles.length > 0) parts.push(html`roles ${[...new Set(e.lostRoles.map((r) => r.roleKey))].join(", ")}`);
  if (e.lostApps.length > 0) parts.push(html`apps ${e.lostApps.map((a) => a.name).join(", ")}`);
  // The API names nothing of a project the caller does not administer.
  if (parts.length === 0) parts.push(html`roles or apps there`);
  return parts.map((p, i) => html`${i > 0 ? "; " : ""}${p}`);
}
