// Finding an application's project. The API's Application message (ZITADEL's, wire-compatible)
// carries no project id, yet every change names the project. So the console's links carry the
// project (`?project=`, a hidden field in forms), which one call confirms; without it, the
// projects the user sees are asked in turn.
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Application, ApplicationState } from "../../generated/proto/zitadel/application/v2/application_pb.js";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import { type Project, ProjectFieldName } from "../../generated/proto/zitadel/project/v2/query_pb.js";
import type { ConsoleApi } from "../api.js";
import { html } from "../html.js";
import { CONSOLE } from "../layout.js";
import { APP_TYPES, choiceOf } from "./application-form.js";

export const APPS = `${CONSOLE}/applications`;
const MAX_PAGE = 1000;

/** An app's page, its project carried along. */
export const appUrl = (appId: string, projectId: string, suffix = "", params: Record<string, string> = {}) =>
  `${APPS}/${encodeURIComponent(appId)}${suffix}?${new URLSearchParams({ project: projectId, ...params }).toString()}`;

export const breadcrumb = (project: Project) =>
  html`<p><a href="${APPS}">Applications</a> › <a href="${APPS}?${new URLSearchParams({ project: project.projectId }).toString()}">${project.name}</a></p>`;

export const STATES: Record<ApplicationState, string> = {
  [ApplicationState.UNSPECIFIED]: "unknown",
  [ApplicationState.ACTIVE]: "active",
  [ApplicationState.INACTIVE]: "inactive",
  [ApplicationState.REMOVED]: "removed",
};

/** "OIDC web", "OIDC native", "API". */
export function typeOf(app: Application): string {
  switch (app.configuration.case) {
    case "oidcConfiguration":
      return `OIDC ${choiceOf(APP_TYPES, app.configuration.value.applicationType)?.label.toLowerCase() ?? ""}`.trim();
    case "apiConfiguration":
      return "API";
    case "samlConfiguration":
      return "SAML";
    default:
      return "unknown";
  }
}

export const clientIdOf = (app: Application) =>
  app.configuration.case === "oidcConfiguration" || app.configuration.case === "apiConfiguration" ? app.configuration.value.clientId : "";

export const formatTime = (t: Timestamp | undefined) => (t ? `${timestampDate(t).toISOString().slice(0, 16).replace("T", " ")} UTC` : "");

/** What the user may not see or named wrongly: the page says "not found". */
export const isMissing = (error: unknown) =>
  error instanceof ConnectError && (error.code === Code.NotFound || error.code === Code.InvalidArgument);

/** The projects the user sees, by name. */
export async function* visibleProjects(api: ConsoleApi): AsyncGenerator<Project> {
  for (let offset = 0n; ; offset += BigInt(MAX_PAGE)) {
    const { projects } = await api.projects.listProjects({
      pagination: { offset, limit: MAX_PAGE, asc: true },
      sortingColumn: ProjectFieldName.NAME,
    });
    yield* projects;
    if (projects.length < MAX_PAGE) return;
  }
}

export async function projectById(api: ConsoleApi, projectId: string): Promise<Project | undefined> {
  try {
    return (await api.projects.getProject({ projectId })).project;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The ids of a project's apps (whose name matches, when given); none when the user may not read it. */
async function appIdsOf(api: ConsoleApi, projectId: string, name?: { name: string; method: TextFilterMethod }): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    for (let offset = 0n; ; offset += BigInt(MAX_PAGE)) {
      const { applications } = await api.applications.listApplications({
        pagination: { offset, limit: MAX_PAGE, asc: true },
        filters: [
          { filter: { case: "projectIdFilter", value: { projectId } } },
          ...(name ? [{ filter: { case: "nameFilter" as const, value: name } }] : []),
        ],
      });
      for (const app of applications) ids.add(app.applicationId);
      if (applications.length < MAX_PAGE) return ids;
    }
  } catch (error) {
    if (isMissing(error)) return ids;
    throw error;
  }
}

export interface Located {
  app: Application;
  project: Project;
}

/** The app and its project, or undefined when the user may not see it. */
export async function locateApplication(api: ConsoleApi, applicationId: string, hint: string | undefined): Promise<Located | undefined> {
  let app: Application | undefined;
  try {
    app = (await api.applications.getApplication({ applicationId })).application;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  if (!app) return undefined;
  if (hint && (await appIdsOf(api, hint, exactly(app.name))).has(applicationId)) {
    const project = await projectById(api, hint);
    if (project) return { app, project };
  }
  for await (const project of visibleProjects(api)) {
    if ((await appIdsOf(api, project.projectId, exactly(app.name))).has(applicationId)) return { app, project };
  }
  return undefined;
}

const exactly = (name: string) => ({ name, method: TextFilterMethod.EQUALS });

/** The projects the user sees, the first thousand by name (enough for a select). */
export async function someProjects(api: ConsoleApi): Promise<Project[]> {
  const { projects } = await api.projects.listProjects({
    pagination: { limit: MAX_PAGE, asc: true },
    sortingColumn: ProjectFieldName.NAME,
  });
  return projects;
}

/** The projects of the listed apps, found among `projects` with the list's search `q`. */
export async function projectsOf(api: ConsoleApi, apps: Application[], q: string, projects: Project[]): Promise<Map<string, Project>> {
  const found = new Map<string, Project>();
  const wanted = new Set(apps.map((a) => a.applicationId));
  for (const project of projects) {
    if (wanted.size === 0) break;
    const named = q ? { name: q, method: TextFilterMethod.CONTAINS_IGNORE_CASE } : undefined;
    for (const id of await appIdsOf(api, project.projectId, named)) {
      if (!wanted.has(id)) continue;
      found.set(id, project);
      wanted.delete(id);
    }
  }
  return found;
}
