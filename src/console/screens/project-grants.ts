// A project's grants to other organizations: listed on the project page (search by role key,
// pages), created with a subset of the project's roles, narrowed or widened, deactivated and
// activated, deleted; deactivating and deleting after a confirmation.
import { Code, ConnectError } from "@connectrpc/connect";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import {
  type Project,
  type ProjectGrant,
  ProjectGrantFieldName,
  ProjectGrantState,
  type ProjectRole,
  ProjectRoleFieldName,
} from "../../generated/proto/zitadel/project/v2/query_pb.js";
import type { ConsoleApi } from "../api.js";
import { type Html, html } from "../html.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, notice, textField } from "../ui.js";
import { type Previewed, previewImpact } from "../impact.js";
import {
  aboutOrganization,
  confirmPage,
  type Failure,
  failure,
  findProject,
  GRANT_STATES,
  projectNotFound,
  projectPath,
  readSectionListing,
  sectionPager,
  sectionSearch,
} from "./project-common.js";

export const projectGrants: Screen = (router) => {
  router.get("/projects/:id/grants", (ctx) => newGrantPage(ctx, ctx.params.id));

  router.post("/projects/:id/grants", async (ctx) => {
    const { api, form } = ctx.state.console;
    const values = { grantedOrganizationId: (form.get("grantedOrganizationId") ?? "").trim(), roleKeys: form.getAll("roleKeys") };
    try {
      await api.projects.createProjectGrant({ projectId: ctx.params.id, ...values });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=grant-created#grants`);
    } catch (error) {
      await newGrantPage(ctx, ctx.params.id, { values, error: failure(error) });
    }
  });

  router.get("/projects/:id/grants/:org", (ctx) => grantPage(ctx, ctx.params.id, ctx.params.org));

  router.post("/projects/:id/grants/:org", async (ctx) => {
    const { api, form } = ctx.state.console;
    const roleKeys = form.getAll("roleKeys");
    // Narrowing takes roles away: confirmed first, on a page that previews who loses them.
    if (form.get("confirmed") !== "yes") {
      const found = await projectAndGrant(ctx, ctx.params.id, ctx.params.org);
      if (!found) return;
      const dropped = found.grant.grantedRoleKeys.filter((key) => !roleKeys.includes(key));
      // Input the change itself would refuse goes straight to it, to be shown on the form.
      const change = { projectId: ctx.params.id, grantedOrganizationId: ctx.params.org, roleKeys };
      const previewed = dropped.length > 0 ? await previewImpact(ctx, { case: "updateProjectGrant", value: change }) : undefined;
      if (previewed && "preview" in previewed) return narrowGrantPage(ctx, found, roleKeys, dropped, previewed);
    }
    try {
      await api.projects.updateProjectGrant({ projectId: ctx.params.id, grantedOrganizationId: ctx.params.org, roleKeys });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id, "grants", ctx.params.org)}?notice=updated`);
    } catch (error) {
      await grantPage(ctx, ctx.params.id, ctx.params.org, { form: "roles", roleKeys, error: failure(error) });
    }
  });

  router.get("/projects/:id/grants/:org/deactivate", (ctx) => deactivateGrantPage(ctx, ctx.params.id, ctx.params.org));
  router.post("/projects/:id/grants/:org/deactivate", async (ctx) => {
    try {
      await ctx.state.console.api.projects.deactivateProjectGrant({ projectId: ctx.params.id, grantedOrganizationId: ctx.params.org });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id, "grants", ctx.params.org)}?notice=deactivated`);
    } catch (error) {
      await deactivateGrantPage(ctx, ctx.params.id, ctx.params.org, failure(error));
    }
  });

  router.post("/projects/:id/grants/:org/activate", async (ctx) => {
    try {
      await ctx.state.console.api.projects.activateProjectGrant({ projectId: ctx.params.id, grantedOrganizationId: ctx.params.org });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id, "grants", ctx.params.org)}?notice=activated`);
    } catch (error) {
      await grantPage(ctx, ctx.params.id, ctx.params.org, { form: "state", error: failure(error) });
    }
  });

  router.get("/projects/:id/grants/:org/delete", (ctx) => deleteGrantPage(ctx, ctx.params.id, ctx.params.org));
  router.post("/projects/:id/grants/:org/delete", async (ctx) => {
    const found = await projectAndGrant(ctx, ctx.params.id, ctx.params.org);
    if (!found) return;
    try {
      await ctx.state.console.api.projects.deleteProjectGrant({
        projectId: found.project.projectId,
        grantedOrganizationId: found.grant.grantedOrganizationId,
      });
      ctx.status = 303;
      ctx.redirect(`${projectPath(found.project.projectId)}?notice=grant-deleted#grants`);
    } catch (error) {
      await deleteGrantPage(ctx, ctx.params.id, ctx.params.org, failure(error));
    }
  });
};

/** The project page's grants: search by role key, the list, the form that grants the project. */
export async function grantsSection(ctx: ConsoleContext, project: Project): Promise<Html> {
  const { api, csrfToken } = ctx.state.console;
  const listing = readSectionListing(ctx.query, "grants");
  const [response, roles] = await Promise.all([
    api.projects.listProjectGrants({
      pagination: { offset: listing.offset, limit: listing.limit, asc: true },
      sortingColumn: ProjectGrantFieldName.CREATION_DATE,
      filters: [
        { filter: { case: "inProjectIdsFilter", value: { ids: [project.projectId] } } },
        ...(listing.q ? [{ filter: { case: "roleKeyFilter" as const, value: { key: listing.q, method: TextFilterMethod.EQUALS } } }] : []),
      ],
    }),
    allRoles(api, project.projectId),
  ]);
  const total = Number(response.pagination?.totalResult ?? 0);
  const base = projectPath(project.projectId);
  const rows = response.projectGrants.map(
    (g) => html`<tr>
  <td data-label="Granted organization">${g.grantedOrganizationName} <span class="muted">${g.grantedOrganizationId}</span></td>
  <td data-label="Roles">${roleKeyList(g.grantedRoleKeys)}</td>
  <td data-label="State">${GRANT_STATES[g.state]}</td>
  <td data-label="Actions"><a href="${projectPath(project.projectId, "grants", g.grantedOrganizationId)}">Manage<span class="visually-hidden"> the grant to ${g.grantedOrganizationName}</span></a></td>
</tr>`,
  );
  return html`<section aria-labelledby="grants">
<h2 id="grants">Grants to other organizations</h2>
<p>A grant lets another organization's administrators give their users the roles granted, and lets its users pass "project access required".</p>
${sectionSearch(base, "grants", "grants", listing, "Find grants with the role key (exact)")}
${
  rows.length
    ? html`<table class="responsive">
<thead><tr><th scope="col">Granted organization</th><th scope="col">Roles</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody>
</table>`
    : ""
}
${sectionPager(base, "grants", "grants", listing, total)}
<section class="card" aria-labelledby="create-grant">
<h2 id="create-grant">Grant the project to an organization</h2>
${grantForm(base, csrfToken, roles)}
</section>
</section>`;
}

const roleKeyList = (keys: string[]) =>
  keys.length ? html`${keys.map((k, i) => html`${i ? ", " : ""}<code>${k}</code>`)}` : html`<span class="muted">none</span>`;

/** Every role of the project (the API's most, 1000), by key: the choices of a grant. */
async function allRoles(api: ConsoleApi, projectId: string): Promise<ProjectRole[]> {
  const { projectRoles } = await api.projects.listProjectRoles({
    projectId,
    pagination: { offset: 0n, limit: 1000, asc: true },
    sortingColumn: ProjectRoleFieldName.KEY,
    filters: [],
  });
  return projectRoles;
}

/** A checkbox per role, in a fieldset per group; `checked` are the keys ticked. */
function roleChoices(roles: ProjectRole[], checked: Set<string>, invalid: boolean): Html {
  if (roles.length === 0)
    return html`<p class="muted">The project has no roles yet: a grant without roles gives the organization's users access to the project, but no role to assign.</p>`;
  const groups = new Map<string, ProjectRole[]>();
  for (const role of roles) groups.set(role.group, [...(groups.get(role.group) ?? []), role]);
  const sorted = [...groups].sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  let n = 0;
  const fieldsets = sorted.map(
    ([group, members]) =>
      html`<fieldset class="group"><legend>${group ? html`Group ${group}` : "Without a group"}</legend>${members.map((r) => {
        const id = `role-${n++}`;
        return html`<div class="choice"><input type="checkbox" id="${id}" name="roleKeys" value="${r.key}"${checked.has(r.key) ? html` checked` : ""}${invalid ? html` aria-invalid="true"` : ""}><label for="${id}"><code>${r.key}</code> ${r.displayName}</label></div>`;
      })}</fieldset>`,
  );
  return html`<fieldset class="roles"><legend>Roles the organization may assign</legend>${fieldsets}</fieldset>`;
}

interface GrantValues {
  grantedOrganizationId: string;
  roleKeys: string[];
}

function grantForm(base: string, csrfToken: string, roles: ProjectRole[], failed?: { values: GrantValues; error: Failure }): Html {
  const v = failed?.values ?? { grantedOrganizationId: "", roleKeys: [] };
  const field = failed?.error.field;
  return html`${errorBox(failed?.error.message)}
<form method="post" action="${base}/grants">
${csrfField(csrfToken)}
${textField("grantedOrganizationId", "Organization ID", v.grantedOrganizationId, {
  required: true,
  invalid: aboutOrganization(failed?.error, "grantedOrganizationId"),
  hint: "The ID of the organization to share the project with (on its page in the console).",
})}
${roleChoices(roles, new Set(v.roleKeys), field === "roleKeys")}
<button type="submit">Grant project</button>
</form>`;
}

async function newGrantPage(ctx: ConsoleContext, projectId: string, failed?: { values: GrantValues; error: Failure }) {
  const { api, csrfToken, page } = ctx.state.console;
  const project = await findProject(api, projectId);
  if (!project) return projectNotFound(ctx, projectId);
  // The roles are the owner's to see; a granted organization's administrator gets the API's refusal.
  const roles = await allRoles(api, project.projectId);
  const base = projectPath(project.projectId);
  page(
    `Grant ${project.name}`,
    "/projects",
    html`<p><a href="${base}#grants">${project.name}</a></p>
<h1>Grant ${project.name} to an organization</h1>
${grantForm(base, csrfToken, roles, failed)}`,
    failed?.error.status,
  );
}

/** The grant of the project to this organization as the API shows it to the caller. */
export async function projectGrantOf(api: ConsoleApi, projectId: string, grantedOrganizationId: string): Promise<ProjectGrant | undefined> {
  try {
    const { projectGrants } = await api.projects.listProjectGrants({
      pagination: { offset: 0n, limit: 1, asc: true },
      filters: [
        { filter: { case: "inProjectIdsFilter", value: { ids: [projectId] } } },
        { filter: { case: "grantedOrganizationIdFilter", value: { id: grantedOrganizationId } } },
      ],
    });
    return projectGrants[0];
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.InvalidArgument) return undefined;
    throw error;
  }
}

/** The project (administered by the caller) and its grant to `org`, or a 404 page. */
async function projectAndGrant(ctx: ConsoleContext, projectId: string, org: string) {
  const { api, page } = ctx.state.console;
  const project = await findProject(api, projectId);
  if (!project) return void projectNotFound(ctx, projectId);
  const grant = project.grantedOrganizationId ? undefined : await projectGrantOf(api, project.projectId, org);
  if (grant) return { project, grant };
  page(
    "Grant not found",
    "/projects",
    html`<p><a href="${projectPath(project.projectId)}#grants">${project.name}</a></p><h1>Grant not found</h1><p>The project ${project.name} has no grant to organization ${org} that you may change.</p>`,
    404,
  );
}

const NOTICES: Record<string, string> = {
  updated: "The grant's roles were changed.",
  deactivated: "The grant was deactivated.",
  activated: "The grant was activated.",
};

type GrantFailure = { form: "roles"; roleKeys: string[]; error: Failure } | { form: "state"; error: Failure };

async function grantPage(ctx: ConsoleContext, projectId: string, org: string, failed?: GrantFailure) {
  const found = await projectAndGrant(ctx, projectId, org);
  if (!found) return;
  const { project, grant } = found;
  const { api, csrfToken, page } = ctx.state.console;
  const roles = await allRoles(api, project.projectId);
  const path = projectPath(project.projectId, "grants", grant.grantedOrganizationId);
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const checked = new Set(failed?.form === "roles" ? failed.roleKeys : grant.grantedRoleKeys);
  const state =
    grant.state === ProjectGrantState.INACTIVE
      ? html`<p>The grant is inactive: the organization's users fail "project access required" and their authorizations under it count for nothing.</p>
<form method="post" action="${path}/activate">${csrfField(csrfToken)}<button type="submit">Activate grant</button></form>`
      : html`<p><a href="${path}/deactivate">Deactivate grant…</a></p>`;
  page(
    `Grant to ${grant.grantedOrganizationName}`,
    "/projects",
    html`<p><a href="${projectPath(project.projectId)}#grants">${project.name}</a></p>
<h1>${project.name} granted to ${grant.grantedOrganizationName}</h1>
${notice(shown)}
<dl>
  <dt>Granted organization</dt><dd>${grant.grantedOrganizationName} (${grant.grantedOrganizationId})</dd>
  <dt>Roles</dt><dd>${roleKeyList(grant.grantedRoleKeys)}</dd>
  <dt>State</dt><dd>${GRANT_STATES[grant.state]}</dd>
</dl>
<section class="card" aria-labelledby="grant-roles">
<h2 id="grant-roles">Change the roles</h2>
<p>Roles taken away are taken from the authorizations the organization gave under this grant; roles added are given to nobody.</p>
${failed?.form === "roles" ? errorBox(failed.error.message) : ""}
<form method="post" action="${path}">
${csrfField(csrfToken)}
${roleChoices(roles, checked, failed?.form === "roles")}
<button type="submit">Save roles</button>
</form>
</section>
<section class="card" aria-labelledby="grant-state">
<h2 id="grant-state">Deactivate or delete</h2>
${failed?.form === "state" ? errorBox(failed.error.message) : ""}
${state}
<p><a href="${path}/delete">Delete grant…</a></p>
</section>`,
    failed?.error.status,
  );
}

async function deactivateGrantPage(ctx: ConsoleContext, projectId: string, org: string, error?: Failure) {
  const found = await projectAndGrant(ctx, projectId, org);
  if (!found) return;
  const { project, grant } = found;
  const path = projectPath(project.projectId, "grants", grant.grantedOrganizationId);
  await confirmPage(ctx, {
    impact: { case: "deactivateProjectGrant", value: { projectId: project.projectId, grantedOrganizationId: grant.grantedOrganizationId } },
    title: `Deactivate the grant to ${grant.grantedOrganizationName}?`,
    back: { href: path, label: `${project.name} granted to ${grant.grantedOrganizationName}` },
    what: html`<p>While the grant is inactive, users of ${grant.grantedOrganizationName} fail "project access required" for ${project.name}, the authorizations given under the grant count for nothing, and none can be given or changed. Everything stays, and activating the grant restores it.</p>`,
    action: `${path}/deactivate`,
    button: "Deactivate grant",
    ...(error ? { error } : {}),
  });
}

async function narrowGrantPage(
  ctx: ConsoleContext,
  { project, grant }: NonNullable<Awaited<ReturnType<typeof projectAndGrant>>>,
  roleKeys: string[],
  dropped: string[],
  previewed: Previewed,
) {
  const path = projectPath(project.projectId, "grants", grant.grantedOrganizationId);
  await confirmPage(ctx, {
    impact: previewed,
    title: `Narrow the grant to ${grant.grantedOrganizationName}?`,
    back: { href: path, label: `${project.name} granted to ${grant.grantedOrganizationName}` },
    what: html`<p>The grant of ${project.name} to ${grant.grantedOrganizationName} will no longer include ${roleKeyList(dropped)}. These roles are taken out of every authorization ${grant.grantedOrganizationName} gave under the grant.</p>`,
    action: path,
    button: "Narrow grant",
    fields: [["confirmed", "yes"], ...roleKeys.map((key): [string, string] => ["roleKeys", key])],
    repost: roleKeys.map((key) => ["roleKeys", key]),
  });
}

async function deleteGrantPage(ctx: ConsoleContext, projectId: string, org: string, error?: Failure) {
  const found = await projectAndGrant(ctx, projectId, org);
  if (!found) return;
  const { project, grant } = found;
  const path = projectPath(project.projectId, "grants", grant.grantedOrganizationId);
  await confirmPage(ctx, {
    impact: { case: "deleteProjectGrant", value: { projectId: project.projectId, grantedOrganizationId: grant.grantedOrganizationId } },
    title: `Delete the grant to ${grant.grantedOrganizationName}?`,
    back: { href: path, label: `${project.name} granted to ${grant.grantedOrganizationName}` },
    what: html`<p>Deleting the grant of ${project.name} to ${grant.grantedOrganizationName} cannot be undone. With it go:</p>
<ul>
  <li>every authorization ${grant.grantedOrganizationName} gave under the grant (roles ${roleKeyList(grant.grantedRoleKeys)});</li>
  <li>the grant's administrators (PROJECT_GRANT_OWNER);</li>
  <li>for users of ${grant.grantedOrganizationName}, access to the project where "project access required" is on.</li>
</ul>`,
    action: `${path}/delete`,
    button: "Delete grant",
    ...(error ? { error } : {}),
  });
}
