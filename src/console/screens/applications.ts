// Applications: listed with search, a project filter and pages; created (OIDC or API), the client
// secret shown once on the answer to the create form. One app's page: application-detail.ts.
import type { Application } from "../../generated/proto/zitadel/application/v2/application_pb.js";
import { ApplicationSorting } from "../../generated/proto/zitadel/application/v2/application_pb.js";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import type { Project } from "../../generated/proto/zitadel/project/v2/query_pb.js";
import { type Html, html } from "../html.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, notice, pager, readListing, searchForm, textField } from "../ui.js";
import { applicationDetail, detailPage, secretPage } from "./application-detail.js";
import {
  API_AUTH_METHODS,
  choiceGroup,
  choose,
  type Failure,
  failureOf,
  NEW_OIDC,
  type OidcForm,
  oidcFields,
  oidcRequest,
  readOidcForm,
} from "./application-form.js";
import { applicationKeys } from "./application-keys.js";
import { APPS, appUrl, clientIdOf, isMissing, projectById, projectsOf, someProjects, STATES, typeOf } from "./application-lookup.js";

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

export const applications: Screen = (router) => {
  router.get("/applications", (ctx) => listPage(ctx));
  // Before /applications/:id.
  router.get("/applications/new", (ctx) =>
    newPage(ctx, { kind: first(ctx.query.kind) === "api" ? "api" : "oidc", projectId: first(ctx.query.project), name: "" }),
  );
  router.post("/applications", create);
  applicationDetail(router);
  applicationKeys(detailPage)(router);
};

const LIST_NOTICES: Record<string, string> = { deleted: "The application was deleted." };

async function listPage(ctx: ConsoleContext) {
  const { api, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const projectId = first(ctx.query.project);
  const projects = await someProjects(api);
  let filtered: Project | undefined;
  if (projectId) {
    filtered = projects.find((p) => p.projectId === projectId) ?? (await projectById(api, projectId));
    if (!filtered) {
      return page(
        "Project not found",
        "/applications",
        html`<p><a href="${APPS}">Applications</a></p><h1>Project not found</h1><p>There is no project ${projectId} that you may see.</p>`,
        404,
      );
    }
  }
  let response: Awaited<ReturnType<typeof api.applications.listApplications>>;
  try {
    response = await api.applications.listApplications({
      pagination: { offset: listing.offset, limit: listing.limit, asc: true },
      sortingColumn: ApplicationSorting.APPLICATION_SORT_BY_NAME,
      filters: [
        ...(projectId ? [{ filter: { case: "projectIdFilter" as const, value: { projectId } } }] : []),
        ...(listing.q
          ? [{ filter: { case: "nameFilter" as const, value: { name: listing.q, method: TextFilterMethod.CONTAINS_IGNORE_CASE } } }]
          : []),
      ],
    });
  } catch (error) {
    if (!isMissing(error)) throw error;
    return page(
      "Project not found",
      "/applications",
      html`<h1>Project not found</h1><p>There is no project ${projectId} that you may see.</p>`,
      404,
    );
  }
  const apps = response.applications;
  const projectOf = filtered ? new Map(apps.map((a) => [a.applicationId, filtered])) : await projectsOf(api, apps, projects);
  const total = Number(response.pagination?.totalResult ?? 0);
  const row = (app: Application) => {
    const project = projectOf.get(app.applicationId);
    const name = project ? html`<a href="${appUrl(app.applicationId, project.projectId)}">${app.name}</a>` : app.name;
    return html`<tr>
  <td data-label="Name">${name}</td>
  <td data-label="Project">${project ? html`<a href="${`${APPS}?${new URLSearchParams({ project: project.projectId }).toString()}`}">${project.name}</a>` : "unknown"}</td>
  <td data-label="Type">${typeOf(app)}</td>
  <td data-label="Client ID"><code>${clientIdOf(app)}</code></td>
  <td data-label="State">${STATES[app.state]}</td>
</tr>`;
  };
  const shown = typeof ctx.query.notice === "string" ? LIST_NOTICES[ctx.query.notice] : undefined;
  const select = html`<div><label for="project-filter">Project</label><select id="project-filter" name="project">
<option value="">All projects</option>
${projects.map((p) => html`<option value="${p.projectId}"${p.projectId === projectId ? html` selected` : ""}>${p.name}</option>`)}
</select></div>`;
  const newLink = `${APPS}/new${projectId ? `?${new URLSearchParams({ project: projectId }).toString()}` : ""}`;
  page(
    filtered ? `Applications of ${filtered.name}` : "Applications",
    "/applications",
    html`<h1>${filtered ? html`Applications of ${filtered.name}` : "Applications"}</h1>
${notice(shown)}
<p><a class="button" href="${newLink}">Create an application</a></p>
${searchForm(APPS, listing, "Search by name", select)}
${
  apps.length
    ? html`<table class="responsive">
<thead><tr><th scope="col">Name</th><th scope="col">Project</th><th scope="col">Type</th><th scope="col">Client ID</th><th scope="col">State</th></tr></thead>
<tbody>${apps.map(row)}</tbody>
</table>`
    : ""
}
${pager(APPS, listing, total, projectId ? { project: projectId } : {})}`,
  );
}

interface NewForm {
  kind: "oidc" | "api";
  projectId: string;
  name: string;
  oidc?: OidcForm;
  apiAuthMethod?: string;
  failure?: Failure;
}

async function newPage(ctx: ConsoleContext, f: NewForm) {
  const { api, csrfToken, page } = ctx.state.console;
  const projects = await someProjects(api);
  const invalid = f.failure?.field;
  const tab = (kind: NewForm["kind"], label: string) => {
    const query = new URLSearchParams({ kind, ...(f.projectId ? { project: f.projectId } : {}) });
    return html`<li><a href="${`${APPS}/new?${query.toString()}`}"${kind === f.kind ? html` aria-current="page"` : ""}>${label}</a></li>`;
  };
  const fields =
    f.kind === "api"
      ? choiceGroup("radio", "authMethod", "Authentication", API_AUTH_METHODS, [f.apiAuthMethod ?? "BASIC"], invalid === "authMethod")
      : oidcFields(f.oidc ?? NEW_OIDC, invalid);
  page(
    "Create an application",
    "/applications",
    html`<p><a href="${APPS}">Applications</a></p>
<h1>Create an application</h1>
<nav aria-label="Kind of application" class="tabs"><ul>
${tab("oidc", "OIDC: users sign in with it")}
${tab("api", "API: a resource server")}
</ul></nav>
${errorBox(f.failure?.message)}
${projects.length === 0 ? html`<p>You see no project to add an application to. A project administrator can add one, or give you a role on a project.</p>` : ""}
<form method="post" action="${APPS}">
${csrfField(csrfToken)}<input type="hidden" name="kind" value="${f.kind}">
${projectSelect(projects, f.projectId, invalid === "project")}
${textField("name", "Name", f.name, { required: true, invalid: invalid === "name" })}
${fields}
<button type="submit">Create application</button>
</form>`,
    f.failure?.status,
  );
}

function projectSelect(projects: Project[], selected: string, invalid: boolean): Html {
  const known = projects.some((p) => p.projectId === selected);
  return html`<label for="project">Project</label><select id="project" name="project" aria-required="true"${invalid ? html` aria-invalid="true"` : ""}>
${selected && !known ? html`<option value="${selected}" selected>${selected}</option>` : ""}
${projects.map((p) => html`<option value="${p.projectId}"${p.projectId === selected ? html` selected` : ""}>${p.name}</option>`)}
</select>`;
}

async function create(ctx: ConsoleContext) {
  const { api, form } = ctx.state.console;
  const kind = form.get("kind") === "api" ? "api" : "oidc";
  const projectId = form.get("project") ?? "";
  const name = form.get("name") ?? "";
  const oidc = readOidcForm(form);
  const apiAuthMethod = form.get("authMethod") ?? "";
  try {
    const created = await api.applications.createApplication({
      projectId,
      name,
      applicationType:
        kind === "api"
          ? { case: "apiConfiguration", value: { authMethodType: choose("authMethod", API_AUTH_METHODS, apiAuthMethod) } }
          : { case: "oidcConfiguration", value: oidcRequest(oidc) },
    });
    const answer = created.applicationType;
    const { clientId, clientSecret } =
      answer.case === "oidcConfiguration" || answer.case === "apiConfiguration" ? answer.value : { clientId: "", clientSecret: "" };
    const project = await projectById(api, projectId);
    // The create succeeded, so the choices are the API's.
    const usesKeys = (kind === "api" ? apiAuthMethod : oidc.authMethod) === "PRIVATE_KEY_JWT";
    const publicClient = kind === "oidc" && oidc.authMethod === "NONE";
    secretPage(ctx, {
      title: "Application created",
      heading: html`${name.trim()} was created`,
      lead: `It belongs to the project ${project?.name ?? projectId}.`,
      clientId,
      clientSecret,
      back: appUrl(created.applicationId, projectId),
      status: 201,
      extra: usesKeys
        ? html`<p>The application authenticates with a key: add one on its page. The key file is offered once, when the key is added.</p>`
        : publicClient
          ? html`<p>A public client: it has no secret, and every sign-in must use PKCE (S256).</p>`
          : undefined,
    });
  } catch (error) {
    await newPage(ctx, { kind, projectId, name, oidc, apiAuthMethod, failure: failureOf(error) });
  }
}
