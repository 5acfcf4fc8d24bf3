// Organizations: the tenants. Listed with search and pages, created, opened, renamed.
import { ConnectError } from "@connectrpc/connect";
import { TextQueryMethod } from "@zitadel/proto/zitadel/object/v2/object_pb.js";
import { type Organization, OrganizationState } from "@zitadel/proto/zitadel/org/v2/org_pb.js";
import { html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, describeApiError, errorBox, notice, pager, readListing, searchForm, textField } from "../ui.js";

const BASE = `${CONSOLE}/organizations`;
const STATES: Record<OrganizationState, string> = {
  [OrganizationState.UNSPECIFIED]: "unknown",
  [OrganizationState.ACTIVE]: "active",
  [OrganizationState.INACTIVE]: "inactive",
  [OrganizationState.REMOVED]: "removed",
};

export const organizations: Screen = (router) => {
  router.get("/organizations", (ctx) => listPage(ctx));

  router.post("/organizations", async (ctx) => {
    const { api, form } = ctx.state.console;
    const name = form.get("name") ?? "";
    try {
      const created = await api.organizations.addOrganization({ name, admins: [] });
      ctx.status = 303;
      ctx.redirect(`${BASE}/${created.organizationId}?notice=created`);
    } catch (error) {
      await listPage(ctx, { name, error: refusal(error) });
    }
  });

  router.get("/organizations/:id", (ctx) => detailPage(ctx, ctx.params.id));

  router.post("/organizations/:id/name", async (ctx) => {
    const { api, form } = ctx.state.console;
    const name = form.get("name") ?? "";
    try {
      await api.organizationsBeta.updateOrganization({ id: ctx.params.id, name });
      ctx.status = 303;
      ctx.redirect(`${BASE}/${encodeURIComponent(ctx.params.id)}?notice=renamed`);
    } catch (error) {
      await detailPage(ctx, ctx.params.id, { name, error: refusal(error) });
    }
  });
};

/** A refusal the page can show (its status kept for the response); anything else is rethrown. */
export function refusal(error: unknown): { status: number; message: string } {
  const described = describeApiError(error);
  if (!described || described.status === 401 || !(error instanceof ConnectError)) throw error;
  return described;
}

async function listPage(ctx: ConsoleContext, failed?: { name: string; error: { status: number; message: string } }) {
  const { api, csrfToken, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const response = await api.organizations.listOrganizations({
    query: { offset: listing.offset, limit: listing.limit, asc: true },
    queries: listing.q ? [{ query: { case: "nameQuery", value: { name: listing.q, method: TextQueryMethod.CONTAINS_IGNORE_CASE } } }] : [],
  });
  const total = Number(response.details?.totalResult ?? 0);
  const rows = response.result.map(
    (org: Organization) => html`<tr>
  <td data-label="Name"><a href="${BASE}/${org.id}">${org.name}</a></td>
  <td data-label="State">${STATES[org.state]}</td>
  <td data-label="Primary domain">${org.primaryDomain}</td>
  <td data-label="ID">${org.id}</td>
</tr>`,
  );
  page(
    "Organizations",
    "/organizations",
    html`<h1>Organizations</h1>
${searchForm(BASE, listing, "Search by name")}
<table class="responsive">
<thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Primary domain</th><th scope="col">ID</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${pager(BASE, listing, total)}
<section class="card" aria-labelledby="create-org">
<h2 id="create-org">Create an organization</h2>
${errorBox(failed?.error.message)}
<form method="post" action="${BASE}">
${csrfField(csrfToken)}
${textField("name", "Name", failed?.name ?? "", { required: true, invalid: Boolean(failed) })}
<button type="submit">Create organization</button>
</form>
</section>`,
    failed?.error.status,
  );
}

const NOTICES: Record<string, string> = { created: "The organization was created.", renamed: "The organization was renamed." };

async function detailPage(ctx: ConsoleContext, id: string, failed?: { name: string; error: { status: number; message: string } }) {
  const { api, csrfToken, page } = ctx.state.console;
  const { result } = await api.organizations.listOrganizations({
    query: { limit: 1 },
    queries: [{ query: { case: "idQuery", value: { id } } }],
  });
  const org = result[0];
  if (!org) {
    return page(
      "Organization not found",
      "/organizations",
      html`<h1>Organization not found</h1><p>There is no organization ${id} that you may see.</p>`,
      404,
    );
  }
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  page(
    org.name,
    "/organizations",
    html`<p><a href="${BASE}">Organizations</a></p>
<h1>${org.name}</h1>
${notice(shown)}
<dl>
  <dt>State</dt><dd>${STATES[org.state]}</dd>
  <dt>Primary domain</dt><dd>${org.primaryDomain}</dd>
  <dt>ID</dt><dd>${org.id}</dd>
</dl>
<ul>
  <li><a href="${CONSOLE}/users?org=${org.id}">Users of this organization</a></li>
  <li><a href="${CONSOLE}/projects?org=${org.id}">Projects it owns</a></li>
  <li><a href="${CONSOLE}/granted?org=${org.id}">Projects granted to it</a> by other organizations</li>
  <li><a href="${CONSOLE}/branding?org=${org.id}">Branding</a></li>
  <li><a href="${CONSOLE}/audit/org/${org.id}">Audit trail</a></li>
</ul>
<section class="card" aria-labelledby="rename-org">
<h2 id="rename-org">Rename</h2>
${errorBox(failed?.error.message)}
<form method="post" action="${BASE}/${org.id}/name">
${csrfField(csrfToken)}
${textField("name", "New name", failed?.name ?? org.name, { required: true, invalid: Boolean(failed) })}
<button type="submit">Rename organization</button>
</form>
</section>`,
    failed?.error.status,
  );
}
