// Projects: listed with search, pages and an organization filter, created, opened (the settings in
// words, the roles, the grants), changed, renamed, deactivated and activated, deleted.
import { organizationNames } from "../lookups.js";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import {
  PrivateLabelingSetting,
  type Project,
  ProjectFieldName,
  ProjectOrganizationIDFilter_Type,
  ProjectState,
} from "../../generated/proto/zitadel/project/v2/query_pb.js";
import { html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, notice, pager, readListing, searchForm, textField } from "../ui.js";
import {
  aboutOrganization,
  confirmPage,
  type Failure,
  failure,
  findProject,
  GRANTED_STATES,
  organizationLabel,
  organizationOptions,
  PROJECT_STATES,
  PROJECTS,
  projectNotFound,
  projectPath,
  readSettings,
  settingsFields,
  settingsInWords,
  visibleOrganizations,
} from "./project-common.js";
import { grantsSection, projectGrantOf } from "./project-grants.js";
import { rolesSection } from "./roles.js";

export const projects: Screen = (router) => {
  router.get("/projects", (ctx) => listPage(ctx));

  router.post("/projects", async (ctx) => {
    const { api, form } = ctx.state.console;
    const values = { organizationId: form.get("organizationId") ?? "", name: form.get("name") ?? "", ...readSettings(form) };
    try {
      const { projectId } = await api.projects.createProject(values);
      ctx.status = 303;
      ctx.redirect(`${projectPath(projectId)}?notice=created`);
    } catch (error) {
      await listPage(ctx, { values, error: failure(error) });
    }
  });

  router.get("/projects/:id", (ctx) => detailPage(ctx, ctx.params.id));

  router.post("/projects/:id/settings", async (ctx) => {
    const { api, form } = ctx.state.console;
    const settings = readSettings(form);
    try {
      await api.projects.updateProject({ projectId: ctx.params.id, ...settings });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=settings`);
    } catch (error) {
      await detailPage(ctx, ctx.params.id, { form: "settings", settings, error: failure(error) });
    }
  });

  router.post("/projects/:id/name", async (ctx) => {
    const { api, form } = ctx.state.console;
    const name = form.get("name") ?? "";
    try {
      await api.projects.updateProject({ projectId: ctx.params.id, name });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=renamed`);
    } catch (error) {
      await detailPage(ctx, ctx.params.id, { form: "name", name, error: failure(error) });
    }
  });

  // Deactivating stops every app of the project: a page of its own says so first.
  router.get("/projects/:id/deactivate", (ctx) => deactivatePage(ctx, ctx.params.id));
  router.post("/projects/:id/deactivate", async (ctx) => {
    try {
      await ctx.state.console.api.projects.deactivateProject({ projectId: ctx.params.id });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=deactivated`);
    } catch (error) {
      await deactivatePage(ctx, ctx.params.id, failure(error));
    }
  });

  router.post("/projects/:id/activate", async (ctx) => {
    try {
      await ctx.state.console.api.projects.activateProject({ projectId: ctx.params.id });
      ctx.status = 303;
      ctx.redirect(`${projectPath(ctx.params.id)}?notice=activated`);
    } catch (error) {
      await detailPage(ctx, ctx.params.id, { form: "state", error: failure(error) });
    }
  });

  router.get("/projects/:id/delete", (ctx) => deletePage(ctx, ctx.params.id));
  router.post("/projects/:id/delete", async (ctx) => {
    const { api } = ctx.state.console;
    const project = await findProject(api, ctx.params.id);
    if (!project) return projectNotFound(ctx, ctx.params.id);
    try {
      await api.projects.deleteProject({ projectId: project.projectId });
      ctx.status = 303;
      ctx.redirect(`${PROJECTS}?notice=deleted`);
    } catch (error) {
      await deletePage(ctx, ctx.params.id, failure(error));
    }
  });
};

type Settings = ReturnType<typeof readSettings>;

interface CreateFailure {
  values: Settings & { organizationId: string; name: string };
  error: Failure;
}

const LIST_NOTICES: Record<string, string> = { deleted: "The project was deleted." };

async function listPage(ctx: ConsoleContext, failed?: CreateFailure) {
  const { api, csrfToken, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const org = typeof ctx.query.org === "string" ? ctx.query.org.trim() : "";
  const [response, orgs] = await Promise.all([
    api.projects.listProjects({
      pagination: { offset: listing.offset, limit: listing.limit, asc: true },
      sortingColumn: ProjectFieldName.NAME,
      filters: [
        ...(listing.q
          ? [
              {
                filter: {
                  case: "projectNameFilter" as const,
                  value: { projectName: listing.q, method: TextFilterMethod.CONTAINS_IGNORE_CASE },
                },
              },
            ]
          : []),
        ...(org
          ? [
              {
                filter: {
                  case: "organizationIdFilter" as const,
                  value: { organizationId: org, type: ProjectOrganizationIDFilter_Type.OWNED },
                },
              },
            ]
          : []),
      ],
    }),
    visibleOrganizations(api),
  ]);
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  const unnamed = response.projects.map((p) => p.organizationId).filter((id) => !names.has(id));
  for (const [id, name] of await organizationNames(api, unnamed)) names.set(id, name);
  const total = Number(response.pagination?.totalResult ?? 0);
  const rows = response.projects.map(
    (p: Project) => html`<tr>
  <td data-label="Name"><a href="${projectPath(p.projectId)}">${p.name}</a>${
    p.grantedOrganizationId
      ? html`<br><span class="muted">granted to ${p.grantedOrganizationName ?? p.grantedOrganizationId} (grant ${GRANTED_STATES[p.grantedState]})</span>`
      : ""
  }</td>
  <td data-label="Owner organization">${organizationLabel(names, p.organizationId)}</td>
  <td data-label="State">${PROJECT_STATES[p.state]}</td>
</tr>`,
  );
  const filter = html`<div><label for="org">Organization</label><select id="org" name="org"><option value=""${org ? "" : html` selected`}>All organizations</option>${organizationOptions(orgs, org)}</select></div>`;
  const shown = typeof ctx.query.notice === "string" ? LIST_NOTICES[ctx.query.notice] : undefined;
  const values = failed?.values ?? {
    organizationId: org,
    name: "",
    authorizationRequired: false,
    projectAccessRequired: false,
    projectRoleAssertion: false,
    privateLabelingSetting: PrivateLabelingSetting.UNSPECIFIED,
  };
  const invalid = failed?.error.field;
  page(
    "Projects",
    "/projects",
    html`<h1>Projects</h1>
${notice(shown)}
${searchForm(PROJECTS, listing, "Search by name", filter)}
<table class="responsive">
<thead><tr><th scope="col">Name</th><th scope="col">Owner organization</th><th scope="col">State</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${pager(PROJECTS, listing, total, org ? { org } : {})}
<section class="card" aria-labelledby="create-project">
<h2 id="create-project">Create a project</h2>
${errorBox(failed?.error.message)}
<form method="post" action="${PROJECTS}">
${csrfField(csrfToken)}
<label for="organizationId">Organization</label>
<select id="organizationId" name="organizationId"${aboutOrganization(failed?.error, "organizationId") ? html` aria-invalid="true"` : ""}>${organizationOptions(orgs, values.organizationId)}</select>
${textField("name", "Name", values.name, { required: true, invalid: invalid === "name" })}
${settingsFields(values, invalid)}
<button type="submit">Create project</button>
</form>
</section>`,
    failed?.error.status,
  );
}

const NOTICES: Record<string, string> = {
  created: "The project was created.",
  renamed: "The project was renamed.",
  settings: "The settings were saved.",
  deactivated: "The project was deactivated.",
  activated: "The project was activated.",
  "role-added": "The role was added.",
  "role-updated": "The role was changed.",
  "role-removed": "The role was removed.",
  "grant-created": "The project was granted.",
  "grant-deleted": "The grant was deleted.",
};

type DetailFailure =
  | { form: "settings"; settings: Settings; error: Failure }
  | { form: "name"; name: string; error: Failure }
  | { form: "state"; error: Failure };

async function detailPage(ctx: ConsoleContext, projectId: string, failed?: DetailFailure) {
  const { api, csrfToken, page } = ctx.state.console;
  const project = await findProject(api, projectId);
  if (!project) return projectNotFound(ctx, projectId);
  const names = await organizationNames(api, [project.organizationId]);
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const base = projectPath(project.projectId);
  const head = html`<p><a href="${PROJECTS}">Projects</a></p>
<h1>${project.name}</h1>
${notice(shown)}
${project.grantedOrganizationId && failed ? errorBox(failed.error.message) : ""}
<dl>
  <dt>Owner organization</dt><dd>${names.has(project.organizationId) ? html`<a href="${CONSOLE}/organizations/${project.organizationId}">${names.get(project.organizationId)}</a>` : project.organizationId}</dd>
  <dt>State</dt><dd>${PROJECT_STATES[project.state]}</dd>
  <dt>ID</dt><dd>${project.projectId}</dd>
</dl>
<h2 id="settings">Sign-in and tokens</h2>
${settingsInWords(project)}`;

  // Seen through a grant (the API says so): what the grant gives, and nothing to change here.
  if (project.grantedOrganizationId) {
    const grant = await projectGrantOf(api, project.projectId, project.grantedOrganizationId);
    return page(
      project.name,
      "/projects",
      html`${head}
<h2 id="grant">Granted to ${project.grantedOrganizationName ?? project.grantedOrganizationId}</h2>
<dl>
  <dt>Grant state</dt><dd>${GRANTED_STATES[project.grantedState]}</dd>
  <dt>Roles you may assign</dt><dd>${grant?.grantedRoleKeys.length ? grant.grantedRoleKeys.join(", ") : "none"}</dd>
</dl>
<p class="muted">Only the project's owner changes the project, its roles and this grant.</p>`,
      failed?.error.status,
    );
  }

  const [roles, grants] = await Promise.all([rolesSection(ctx, project), grantsSection(ctx, project)]);
  const settings = failed?.form === "settings" ? failed.settings : project;
  const stateAction =
    project.state === ProjectState.INACTIVE
      ? html`<p>The project is inactive: its apps are unknown clients and nobody signs in to them.</p>
<form method="post" action="${base}/activate">${csrfField(csrfToken)}<button type="submit">Activate project</button></form>`
      : html`<p><a href="${base}/deactivate">Deactivate project…</a> (its apps stop signing anybody in)</p>`;
  page(
    project.name,
    "/projects",
    html`${head}
${roles}
${grants}
<section class="card" aria-labelledby="change-settings">
<h2 id="change-settings">Change the settings</h2>
${failed?.form === "settings" ? errorBox(failed.error.message) : ""}
<form method="post" action="${base}/settings">
${csrfField(csrfToken)}
${settingsFields(settings, failed?.form === "settings" ? failed.error.field : undefined)}
<button type="submit">Save settings</button>
</form>
</section>
<section class="card" aria-labelledby="rename-project">
<h2 id="rename-project">Rename</h2>
${failed?.form === "name" ? errorBox(failed.error.message) : ""}
<form method="post" action="${base}/name">
${csrfField(csrfToken)}
${textField("name", "New name", failed?.form === "name" ? failed.name : project.name, { required: true, invalid: failed?.form === "name" })}
<button type="submit">Rename project</button>
</form>
</section>
<section class="card" aria-labelledby="project-state">
<h2 id="project-state">Deactivate or delete</h2>
${failed?.form === "state" ? errorBox(failed.error.message) : ""}
${stateAction}
<p><a href="${base}/delete">Delete project…</a></p>
</section>`,
    failed?.error.status,
  );
}

async function deactivatePage(ctx: ConsoleContext, projectId: string, error?: Failure) {
  const project = await findProject(ctx.state.console.api, projectId);
  if (!project) return projectNotFound(ctx, projectId);
  const base = projectPath(project.projectId);
  await confirmPage(ctx, {
    impact: { case: "deactivateProject", value: project.projectId },
    title: `Deactivate ${project.name}?`,
    back: { href: base, label: project.name },
    what: html`<p>While the project is inactive, its apps are unknown clients: nobody signs in to them, and their tokens are refused. Its roles, grants and authorizations stay, and activating the project restores access.</p>`,
    action: `${base}/deactivate`,
    button: "Deactivate project",
    ...(error ? { error } : {}),
  });
}

async function deletePage(ctx: ConsoleContext, projectId: string, error?: Failure) {
  const { api } = ctx.state.console;
  const project = await findProject(api, projectId);
  if (!project) return projectNotFound(ctx, projectId);
  const base = projectPath(project.projectId);
  // Seen through a grant, the roles and grants are not the caller's to count (and the delete is refused).
  const counts = project.grantedOrganizationId
    ? undefined
    : await Promise.all([
        api.projects.listProjectRoles({ projectId: project.projectId, pagination: { offset: 0n, limit: 1, asc: true }, filters: [] }),
        api.projects.listProjectGrants({
          pagination: { offset: 0n, limit: 1, asc: true },
          filters: [{ filter: { case: "inProjectIdsFilter", value: { ids: [project.projectId] } } }],
        }),
      ]);
  const count = (n: number | undefined, one: string, many: string) =>
    n === undefined ? `its ${many}` : `its ${n} ${n === 1 ? one : many}`;
  const roles = counts && Number(counts[0].pagination?.totalResult ?? 0);
  const grants = counts && Number(counts[1].pagination?.totalResult ?? 0);
  await confirmPage(ctx, {
    ...(project.grantedOrganizationId ? {} : { impact: { case: "deleteProject" as const, value: project.projectId } }),
    title: `Delete ${project.name}?`,
    back: { href: base, label: project.name },
    what: html`<p>Deleting the project cannot be undone. With it go:</p>
<ul>
  <li>${count(roles, "role", "roles")};</li>
  <li>${count(grants, "grant", "grants")} to other organizations, and the authorizations given under them;</li>
  <li>every authorization on the project;</li>
  <li>all its apps, with their keys and consents: they stop signing anybody in;</li>
  <li>its administrators' roles on the project.</li>
</ul>`,
    action: `${base}/delete`,
    button: "Delete project",
    ...(error ? { error } : {}),
  });
}
