// A project's roles: listed on the project page grouped by their group (with search and pages),
// added, changed (display name and group; the key never changes), removed after a confirmation.
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import { type Project, type ProjectRole, ProjectRoleFieldName } from "../../generated/proto/zitadel/project/v2/query_pb.js";
import type { ConsoleApi } from "../api.js";
import { type Html, html } from "../html.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, textField } from "../ui.js";
import {
  confirmPage,
  type Failure,
  failure,
  findProject,
  projectNotFound,
  projectPath,
  readSectionListing,
  sectionPager,
  sectionSearch,
} from "./project-common.js";

export const roles: Screen = (router) => {
  router.get("/projects/:id/roles", (ctx) => addRolePage(ctx, ctx.params.id));

  router.post("/projects/:id/roles", async (ctx) => {
    const { api, form } = ctx.state.console;
    const values = { roleKey: form.get("roleKey") ?? "", displayName: form.get("displayName") ?? "", group: form.get("group") ?? "" };
    try {
      await api.projects.addProjectRole({ projectId: ctx.params.id, ...values });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=role-added#roles`);
    } catch (error) {
      await addRolePage(ctx, ctx.params.id, { values, error: failure(error) });
    }
  });

  router.get("/projects/:id/roles/:key", (ctx) => editRolePage(ctx, ctx.params.id, ctx.params.key));

  router.post("/projects/:id/roles/:key", async (ctx) => {
    const { api, form } = ctx.state.console;
    const values = { displayName: form.get("displayName") ?? "", group: form.get("group") ?? "" };
    try {
      await api.projects.updateProjectRole({ projectId: ctx.params.id, roleKey: ctx.params.key, ...values });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=role-updated#roles`);
    } catch (error) {
      await editRolePage(ctx, ctx.params.id, ctx.params.key, { values, error: failure(error) });
    }
  });

  router.get("/projects/:id/roles/:key/remove", (ctx) => removeRolePage(ctx, ctx.params.id, ctx.params.key));

  router.post("/projects/:id/roles/:key/remove", async (ctx) => {
    try {
      await ctx.state.console.api.projects.removeProjectRole({ projectId: ctx.params.id, roleKey: ctx.params.key });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=role-removed#roles`);
    } catch (error) {
      await removeRolePage(ctx, ctx.params.id, ctx.params.key, failure(error));
    }
  });
};

/** The project page's roles: search (by key or display name), the page's roles by group, the add form. */
export async function rolesSection(ctx: ConsoleContext, project: Project): Promise<Html> {
  const { api, csrfToken } = ctx.state.console;
  const listing = readSectionListing(ctx.query, "roles");
  const byName = ctx.query.roles_by === "name";
  const method = TextFilterMethod.CONTAINS_IGNORE_CASE;
  const response = await api.projects.listProjectRoles({
    projectId: project.projectId,
    pagination: { offset: listing.offset, limit: listing.limit, asc: true },
    sortingColumn: ProjectRoleFieldName.KEY,
    filters: listing.q
      ? [
          byName
            ? { filter: { case: "displayNameFilter", value: { displayName: listing.q, method } } }
            : { filter: { case: "roleKeyFilter", value: { key: listing.q, method } } },
        ]
      : [],
  });
  const total = Number(response.pagination?.totalResult ?? 0);
  const base = projectPath(project.projectId);
  const by = html`<div><label for="roles-by">Search in</label><select id="roles-by" name="roles_by"><option value="key">Key</option><option value="name"${byName ? html` selected` : ""}>Display name</option></select></div>`;
  const groups = byGroup(response.projectRoles).map(
    ([group, roles]) => html`<h3>${group ? html`Group ${group}` : "Without a group"}</h3>
<table class="responsive fixed">
<thead><tr><th scope="col">Key</th><th scope="col">Display name</th><th scope="col">Group</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${roles.map(
      (r) => html`<tr>
  <td data-label="Key"><code>${r.key}</code></td>
  <td data-label="Display name">${r.displayName}</td>
  <td data-label="Group">${r.group || html`<span class="muted">none</span>`}</td>
  <td data-label="Actions"><a href="${projectPath(project.projectId, "roles", r.key)}">Change or remove<span class="visually-hidden"> role ${r.key}</span></a></td>
</tr>`,
    )}</tbody>
</table>`,
  );
  return html`<section aria-labelledby="roles">
<h2 id="roles">Roles</h2>
${sectionSearch(base, "roles", "roles", listing, "Find roles", by)}
${groups}
${sectionPager(base, "roles", "roles", listing, total, byName ? { roles_by: "name" } : {})}
<section class="card" aria-labelledby="add-role">
<h2 id="add-role">Add a role</h2>
${roleForm(base, csrfToken)}
</section>
</section>`;
}

/** The roles of a page by group: named groups alphabetically, then the roles without one. */
function byGroup(roles: ProjectRole[]): [string, ProjectRole[]][] {
  const groups = new Map<string, ProjectRole[]>();
  for (const role of roles) groups.set(role.group, [...(groups.get(role.group) ?? []), role]);
  return [...groups].sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
}

interface RoleValues {
  roleKey: string;
  displayName: string;
  group: string;
}

function roleForm(base: string, csrfToken: string, failed?: { values: RoleValues; error: Failure }): Html {
  const v = failed?.values ?? { roleKey: "", displayName: "", group: "" };
  const field = failed?.error.field;
  return html`${errorBox(failed?.error.message)}
<form method="post" action="${base}/roles">
${csrfField(csrfToken)}
${textField("roleKey", "Key", v.roleKey, { required: true, invalid: field === "roleKey", hint: "The role's name in tokens: no spaces. It cannot be changed later." })}
${textField("displayName", "Display name", v.displayName, { required: true, invalid: field === "displayName" })}
${textField("group", "Group (optional)", v.group, { invalid: field === "group", hint: "Roles with the same group are shown together." })}
<button type="submit">Add role</button>
</form>`;
}

async function addRolePage(ctx: ConsoleContext, projectId: string, failed?: { values: RoleValues; error: Failure }) {
  const { api, csrfToken, page } = ctx.state.console;
  const project = await findProject(api, projectId);
  if (!project) return projectNotFound(ctx, projectId);
  const base = projectPath(project.projectId);
  page(
    `Add a role to ${project.name}`,
    "/projects",
    html`<p><a href="${base}#roles">${project.name}</a></p>
<h1>Add a role to ${project.name}</h1>
${roleForm(base, csrfToken, failed)}`,
    failed?.error.status,
  );
}

/** One role of the project, found by its exact key; undefined when the API shows none. */
export async function findRole(api: ConsoleApi, projectId: string, key: string): Promise<ProjectRole | undefined> {
  const { projectRoles } = await api.projects.listProjectRoles({
    projectId,
    pagination: { offset: 0n, limit: 1, asc: true },
    filters: [{ filter: { case: "roleKeyFilter", value: { key, method: TextFilterMethod.EQUALS } } }],
  });
  return projectRoles.find((r) => r.key === key);
}

/** The project and its role, or a 404 page (either unknown, or not the caller's to administer). */
async function projectAndRole(ctx: ConsoleContext, projectId: string, key: string) {
  const { api, page } = ctx.state.console;
  const project = await findProject(api, projectId);
  if (!project) return void projectNotFound(ctx, projectId);
  const role = project.grantedOrganizationId ? undefined : await findRole(api, project.projectId, key);
  if (role) return { project, role };
  page(
    "Role not found",
    "/projects",
    html`<p><a href="${projectPath(project.projectId)}#roles">${project.name}</a></p><h1>Role not found</h1><p>The project ${project.name} has no role ${key} that you may change.</p>`,
    404,
  );
}

async function editRolePage(
  ctx: ConsoleContext,
  projectId: string,
  key: string,
  failed?: { values: Omit<RoleValues, "roleKey">; error: Failure },
) {
  const found = await projectAndRole(ctx, projectId, key);
  if (!found) return;
  const { project, role } = found;
  const { csrfToken, page } = ctx.state.console;
  const v = failed?.values ?? { displayName: role.displayName, group: role.group };
  const field = failed?.error.field;
  const path = projectPath(project.projectId, "roles", role.key);
  page(
    `Role ${role.key}`,
    "/projects",
    html`<p><a href="${projectPath(project.projectId)}#roles">${project.name}</a></p>
<h1>Role <code>${role.key}</code></h1>
<p>The key is the role's name in tokens and authorizations; it cannot be changed. To rename a role, add a new one and remove this one.</p>
<section class="card" aria-labelledby="change-role">
<h2 id="change-role">Change the display name and group</h2>
${errorBox(failed?.error.message)}
<form method="post" action="${path}">
${csrfField(csrfToken)}
${textField("displayName", "Display name", v.displayName, { required: true, invalid: field === "displayName" })}
${textField("group", "Group (optional)", v.group, { invalid: field === "group" })}
<button type="submit">Save role</button>
</form>
</section>
<p><a href="${path}/remove">Remove role…</a></p>`,
    failed?.error.status,
  );
}

async function removeRolePage(ctx: ConsoleContext, projectId: string, key: string, error?: Failure) {
  const found = await projectAndRole(ctx, projectId, key);
  if (!found) return;
  const { project, role } = found;
  const { projectGrants, pagination } = await ctx.state.console.api.projects.listProjectGrants({
    pagination: { offset: 0n, limit: 20, asc: true },
    filters: [
      { filter: { case: "inProjectIdsFilter", value: { ids: [project.projectId] } } },
      { filter: { case: "roleKeyFilter", value: { key: role.key, method: TextFilterMethod.EQUALS } } },
    ],
  });
  const grants = Number(pagination?.totalResult ?? 0);
  const path = projectPath(project.projectId, "roles", role.key);
  await confirmPage(ctx, {
    impact: { case: "removeProjectRole", value: { projectId: project.projectId, roleKey: role.key } },
    title: `Remove role ${role.key}?`,
    back: { href: path, label: `Role ${role.key}` },
    what: html`<p>Removing the role <code>${role.key}</code> (${role.displayName}) of ${project.name} cannot be undone. The key is taken out of:</p>
<ul>
  <li>${grants === 0 ? "no grant" : html`${grants} ${grants === 1 ? "grant" : "grants"} to other organizations: ${projectGrants.map((g) => g.grantedOrganizationName).join(", ")}${grants > projectGrants.length ? " …" : ""}`};</li>
  <li>every authorization that gives it: those users lose the role at their next sign-in or token refresh.</li>
</ul>`,
    action: `${path}/remove`,
    button: "Remove role",
    ...(error ? { error } : {}),
  });
}
