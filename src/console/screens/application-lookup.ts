// Finding an application's project: the API's Application carries its project id (ZITADEL's
// field 9). The console's links still carry the project (`?project=`, a hidden field in forms),
// because every change of an app names its project.
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Application, ApplicationState } from "../../generated/proto/zitadel/application/v2/application_pb.js";
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

export async function projectById(api: ConsoleApi, projectId: string): Promise<Project | undefined> {
  try {
    return (await api.projects.getProject({ projectId })).project;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export interface Located {
  app: Application;
  project: Project;
}

/** The app and its project, or undefined when the user may not see it. */
export async function locateApplication(api: ConsoleApi, applicationId: string): Promise<Located | undefined> {
  let app: Application | undefined;
  try {
    app = (await api.applications.getApplication({ applicationId })).application;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const project = app?.projectId ? await projectById(api, app.projectId) : undefined;
  return app && project ? { app, project } : undefined;
}

/** The projects the user sees, the first thousand by name (enough for a select). */
export async function someProjects(api: ConsoleApi): Promise<Project[]> {
  const { projects } = await api.projects.listProjects({
    pagination: { limit: MAX_PAGE, asc: true },
    sortingColumn: ProjectFieldName.NAME,
  });
  return projects;
}

/** The projects of the listed apps, by app id: from `known`, else asked once per project. */
export async function projectsOf(api: ConsoleApi, apps: Application[], known: Project[]): Promise<Map<string, Project>> {
  const byId = new Map(known.map((p) => [p.projectId, p]));
  const missing = [...new Set(apps.map((a) => a.projectId))].filter((id) => id && !byId.has(id));
  for (const project of await Promise.all(missing.map((id) => projectById(api, id)))) {
    if (project) byId.set(project.projectId, project);
  }
  const found = new Map<string, Project>();
  for (const app of apps) {
    const project = byId.get(app.projectId);
    if (project) found.set(app.applicationId, project);
  }
  return found;
}
