// Organizations: the tenants. Listed with search and pages, created, opened, renamed.
import { ConnectError } from "@connectrpc/connect";
import { type Organization, OrganizationState } from "@zitadel/proto/zitadel/org/v2/org_pb.js";
import { html } from "../html.js";
import { impactSection } from "../impact.js";
import { findOrganization, searchOrganizations } from "../lookups.js";
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

  // Deactivating and deleting take access away: confirmed on a page that previews who loses it.
  for (const change of ["deactivate", "delete"] as const) {
    router.get(`/organizations/:id/${change}`, (ctx) => confirmPage(ctx, ctx.params.id, change));
    router.post(`/organizations/:id/${change}`, async (ctx) => {
      const { api } = ctx.state.console;
      try {
        if (change === "delete") await api.organizationsBeta.deleteOrganization({ id: ctx.params.id });
        else await api.organizationsBeta.deactivateOrganization({ id: ctx.params.id });
        ctx.status = 303;
        ctx.redirect(change === "delete" ? `${BASE}?notice=deleted` : `${BASE}/${encodeURIComponent(ctx.params.id)}?notice=deactivated`);
      } catch (error) {
        await confirmPage(ctx, ctx.params.id, change, refusal(error));
      }
    });
  }

  router.post("/organizations/:id/activate", async (ctx) => {
    try {
      await ctx.state.console.api.organizationsBeta.activateOrganization({ id: ctx.params.id });
      ctx.status = 303;
      ctx.redirect(`${BASE}/${encodeURIComponent(ctx.params.id)}?notice=activated`);
    } catch (error) {
      await detailPage(ctx, ctx.params.id, { name: "", error: refusal(error) });
    }
  });

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
  const response = await searchOrganizations(api, listing);
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

const NOTICES: Record<string, string> = {
  created: "The organization was created.",
  renamed: "The organization was renamed.",
  deactivated: "The organization was deactivated: its users cannot sign in and its projects' apps stop, until it is activated.",
  activated: "The organization was activated.",
  deleted: "The organization was deleted.",
};

const CONFIRM = {
  deactivate: {
    verb: "Deactivate",
    says: "Its users cannot sign in anywhere, and its projects' apps stop for everyone, until it is activated again. Nothing is deleted.",
    impact: "deactivateOrganization",
  },
  delete: {
    verb: "Delete",
    says: "It is removed with its users, projects, apps, roles, grants and authorizations. This cannot be undone.",
    impact: "deleteOrganization",
  },
} as const;

/** Asks to confirm a deactivation or deletion, showing who loses what (the impact preview). */
async function confirmPage(ctx: ConsoleContext, id: string, change: keyof typeof CONFIRM, failed?: { status: number; message: string }) {
  const { csrfToken, page } = ctx.state.console;
  const org = await findOrganization(ctx.state.console.api, id);
  if (!org) {
    return page(
      "Organization not found",
      "/organizations",
      html`<h1>Organization not found</h1>${errorBox(failed?.message)}<p>There is no organization ${id} that you may see.</p>`,
      failed?.status ?? 404,
    );
  }
  const what = CONFIRM[change];
  page(
    `${what.verb} ${org.name}?`,
    "/organizations",
    html`<p><a href="${BASE}/${org.id}">${org.name}</a></p>
<h1>${what.verb} the organization ${org.name}?</h1>
${errorBox(failed?.message)}
<p>${what.says}</p>
${await impactSection(ctx, { case: what.impact, value: org.id })}
<form method="post" action="${BASE}/${org.id}/${change}" class="actions">
${csrfField(csrfToken)}
<button type="submit" class="danger">${what.verb} organization</button>
<a href="${BASE}/${org.id}">Cancel</a>
</form>`,
    failed?.status,
  );
}

async function detailPage(ctx: ConsoleContext, id: string, failed?: { name: string; error: { status: number; message: string } }) {
  const { csrfToken, page } = ctx.state.console;
  const org = await findOrganization(ctx.state.console.api, id);
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
</section>
<section class="card" aria-labelledby="org-state">
<h2 id="org-state">State</h2>
${
  org.state === OrganizationState.INACTIVE
    ? html`<form method="post" action="${BASE}/${org.id}/activate">${csrfField(csrfToken)}<button type="submit" class="secondary">Activate organization</button></form>`
    : html`<p><a class="button danger" href="${BASE}/${org.id}/deactivate">Deactivate organization…</a></p>`
}
<p><a href="${BASE}/${org.id}/delete">Delete this organization…</a></p>
</section>`,
    failed?.error.status,
  );
}
