// What the project screens share: paths, the project's settings in words (docs/rules.md, Projects
// and Sign-in checks), loading a project as the API shows it, organization names, and a search
// and pager for a list that shares its page with another (prefixed query parameters).
import { Code, ConnectError } from "@connectrpc/connect";
import { OrganizationFieldName } from "@zitadel/proto/zitadel/org/v2/query_pb.js";
import {
  GrantedProjectState,
  PrivateLabelingSetting,
  type Project,
  ProjectGrantState,
  ProjectState,
} from "../../generated/proto/zitadel/project/v2/query_pb.js";
import type { ConsoleApi } from "../api.js";
import { type Html, html, type Value } from "../html.js";
import { CONSOLE } from "../layout.js";
import { type ImpactChange, impactSection, type Previewed } from "../impact.js";
import type { ConsoleContext } from "../screen.js";
import { csrfField, errorBox, type Listing, PAGE_SIZE, readListing } from "../ui.js";
import { refusal } from "./organizations.js";

export const PROJECTS = `${CONSOLE}/projects`;

/** A console path below a project: `/ui/console/projects/<id>/<segments…>`, each segment encoded. */
export const projectPath = (projectId: string, ...segments: string[]) =>
  [PROJECTS, projectId, ...segments].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join("/");

/** An API refusal shown on the page, and the form field it names ("roleKey: …", "roleKeys[1]: …"). */
export interface Failure {
  status: number;
  message: string;
  field?: string | undefined;
}

/** `refusal` (rethrows what is not the user's doing), with the field the API's message names. */
export function failure(error: unknown): Failure {
  const { status, message } = refusal(error);
  return { status, message, field: /^([A-Za-z]+)(\[\d+\])?(\.[A-Za-z]+)?: /.exec(message)?.[1] };
}

/** Whether a refusal is about the organization a form names: by its field, or "organization … not found". */
export const aboutOrganization = (error: Failure | undefined, field: string) =>
  error !== undefined && (error.field === field || (error.status === 404 && error.message.startsWith("organization ")));

export const PROJECT_STATES: Record<ProjectState, string> = {
  [ProjectState.UNSPECIFIED]: "unknown",
  [ProjectState.ACTIVE]: "active",
  [ProjectState.INACTIVE]: "inactive",
};

export const GRANT_STATES: Record<ProjectGrantState, string> = {
  [ProjectGrantState.UNSPECIFIED]: "unknown",
  [ProjectGrantState.ACTIVE]: "active",
  [ProjectGrantState.INACTIVE]: "inactive",
};

export const GRANTED_STATES: Record<GrantedProjectState, string> = {
  [GrantedProjectState.UNSPECIFIED]: "unknown",
  [GrantedProjectState.ACTIVE]: "active",
  [GrantedProjectState.INACTIVE]: "inactive",
};

/** The four settings' form labels (create and change), the same words the detail page uses. */
export const SETTING_LABELS = {
  authorizationRequired: "Users need a role on this project to sign in (authorization required)",
  projectAccessRequired: "Only users of organizations that own the project or hold an active grant may sign in (project access required)",
  projectRoleAssertion: "Tokens carry the roles (project role assertion)",
  privateLabelingSetting: "Login branding",
} as const;

/** Whose branding the login pages of the project's apps show (R-BRAND-1). */
export const LABELING: Record<PrivateLabelingSetting, string> = {
  [PrivateLabelingSetting.UNSPECIFIED]: "the instance's default branding",
  [PrivateLabelingSetting.ENFORCE_PROJECT_RESOURCE_OWNER_POLICY]: "the branding of the organization that owns the project",
  [PrivateLabelingSetting.ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY]:
    "the branding of the user's organization once the user is known (or an organization scope names it), before that the project owner's",
};

const LABELING_ORDER = [
  PrivateLabelingSetting.UNSPECIFIED,
  PrivateLabelingSetting.ENFORCE_PROJECT_RESOURCE_OWNER_POLICY,
  PrivateLabelingSetting.ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
];

/** The project's four settings as sentences (R-CHECK-6, R-CHECK-7, R-CLAIM-3, R-BRAND-1). */
export function settingsInWords(p: Project): Html {
  const authorization = p.authorizationRequired
    ? html`<strong>${SETTING_LABELS.authorizationRequired}.</strong> A user signs in only with at least one active authorization on this project that has at least one role, held by any organization.`
    : html`<strong>Users need no role on this project to sign in (authorization required is off).</strong>`;
  const access = p.projectAccessRequired
    ? html`<strong>${SETTING_LABELS.projectAccessRequired}.</strong> The user's own organization must own the project or hold an active grant of it; an authorization given to a user of another organization does not open it.`
    : html`<strong>Users of any organization may sign in (project access required is off).</strong>`;
  const assertion = p.projectRoleAssertion
    ? html`<strong>${SETTING_LABELS.projectRoleAssertion}.</strong> The role claim of this project is added even when the app's scopes do not ask for roles.`
    : html`<strong>Tokens carry the roles only when the app's scopes ask for them (project role assertion is off).</strong>`;
  return html`<ul class="settings">
  <li>${authorization}</li>
  <li>${access}</li>
  <li>${assertion}</li>
  <li><strong>${SETTING_LABELS.privateLabelingSetting}:</strong> ${LABELING[p.privateLabelingSetting] ?? "unknown"}.</li>
</ul>`;
}

/** The four settings as form fields, checked as `p` has them. */
export function settingsFields(
  p: Pick<Project, "authorizationRequired" | "projectAccessRequired" | "projectRoleAssertion" | "privateLabelingSetting">,
  invalid?: string,
): Html {
  const box = (name: "authorizationRequired" | "projectAccessRequired" | "projectRoleAssertion") =>
    html`<div class="choice"><input type="checkbox" id="${name}" name="${name}" value="on"${p[name] ? html` checked` : ""}><label for="${name}">${SETTING_LABELS[name]}</label></div>`;
  const options = LABELING_ORDER.map(
    (value) =>
      html`<option value="${value}"${value === p.privateLabelingSetting ? html` selected` : ""}>${capitalize(LABELING[value])}</option>`,
  );
  return html`${box("authorizationRequired")}${box("projectAccessRequired")}${box("projectRoleAssertion")}
<label for="privateLabelingSetting">${SETTING_LABELS.privateLabelingSetting}</label>
<select id="privateLabelingSetting" name="privateLabelingSetting"${invalid === "privateLabelingSetting" ? html` aria-invalid="true"` : ""}>${options}</select>`;
}

/** The settings a form posted; an unknown branding value goes to the API as is (it refuses it). */
export function readSettings(form: URLSearchParams) {
  const labeling = Number.parseInt(form.get("privateLabelingSetting") ?? "0", 10);
  return {
    authorizationRequired: form.get("authorizationRequired") === "on",
    projectAccessRequired: form.get("projectAccessRequired") === "on",
    projectRoleAssertion: form.get("projectRoleAssertion") === "on",
    privateLabelingSetting: (Number.isSafeInteger(labeling) && Math.abs(labeling) < 2 ** 31 ? labeling : -1) as PrivateLabelingSetting,
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The project as the API shows it to the caller, or undefined when it does not (404 for both). */
export async function findProject(api: ConsoleApi, projectId: string): Promise<Project | undefined> {
  try {
    return (await api.projects.getProject({ projectId })).project;
  } catch (error) {
    if (error instanceof ConnectError && (error.code === Code.NotFound || error.code === Code.InvalidArgument)) return undefined;
    throw error;
  }
}

export function projectNotFound(ctx: ConsoleContext, projectId: string) {
  ctx.state.console.page(
    "Project not found",
    "/projects",
    html`<p><a href="${PROJECTS}">Projects</a></p><h1>Project not found</h1><p>There is no project ${projectId} that you may see.</p>`,
    404,
  );
}

/** An organization by name where the caller may see it, else by id. */
export const organizationLabel = (names: Map<string, string>, id: string): Value => names.get(id) ?? html`organization ${id}`;

/** The organizations the caller may see (at most 200, by name), for the organization selects. */
export async function visibleOrganizations(api: ConsoleApi): Promise<{ id: string; name: string }[]> {
  const { result } = await api.organizations.listOrganizations({
    query: { limit: 200, asc: true },
    sortingColumn: OrganizationFieldName.NAME,
    queries: [],
  });
  return result.map((o) => ({ id: o.id, name: o.name }));
}

export function organizationOptions(orgs: { id: string; name: string }[], selected: string): Html[] {
  const list = orgs.some((o) => o.id === selected) || !selected ? orgs : [{ id: selected, name: `Organization ${selected}` }, ...orgs];
  return list.map((o) => html`<option value="${o.id}"${o.id === selected ? html` selected` : ""}>${o.name}</option>`);
}

/** `?<prefix>_q=…&<prefix>_page=…`: a list that shares its page with another. */
export const readSectionListing = (query: ConsoleContext["query"], prefix: string): Listing =>
  readListing({ q: query[`${prefix}_q`], page: query[`${prefix}_page`] });

/** A search form for the list of `what` (its landmark's name "Search <what>"); `label` names the field. */
export function sectionSearch(
  action: string,
  prefix: string,
  what: string,
  listing: Listing,
  label: string,
  extra: Html | string = "",
): Html {
  return html`<form method="get" action="${action}" class="search" role="search" aria-label="Search ${what}">
  <div><label for="${prefix}-q">${label}</label><input type="search" id="${prefix}-q" name="${prefix}_q" value="${listing.q}"></div>
  ${extra}
  <button type="submit" class="secondary">Search</button>
</form>`;
}

/** "1–20 of 45" with previous and next links that keep the search, landing on `#<prefix>`. */
export function sectionPager(
  action: string,
  prefix: string,
  what: string,
  listing: Listing,
  total: number,
  params: Record<string, string> = {},
): Html {
  if (total === 0) return html`<p class="muted">${listing.q ? "Nothing found." : `No ${what} yet.`}</p>`;
  const from = (listing.page - 1) * PAGE_SIZE + 1;
  const to = Math.min(total, listing.page * PAGE_SIZE);
  const link = (page: number) => {
    const query = new URLSearchParams({
      ...params,
      ...(listing.q ? { [`${prefix}_q`]: listing.q } : {}),
      [`${prefix}_page`]: String(page),
    });
    return `${action}?${query.toString()}#${prefix}`;
  };
  const previous = listing.page > 1 ? html`<a href="${link(listing.page - 1)}" rel="prev">Previous page of ${what}</a>` : "";
  const next = to < total ? html`<a href="${link(listing.page + 1)}" rel="next">Next page of ${what}</a>` : "";
  return html`<nav class="pager" aria-label="Pages of ${what}"><span>${from}–${to} of ${total}</span>${previous}${next}</nav>`;
}

/**
 * A confirmation page for a destructive action: what goes, who loses access (the impact
 * preview, when the change can take access away), and the one button that does it, posting
 * `fields` along (a narrowed grant's new roles).
 */
export async function confirmPage(
  ctx: ConsoleContext,
  options: {
    title: string;
    back: { href: string; label: string };
    what: Value;
    action: string;
    button: string;
    error?: Failure;
    impact?: ImpactChange | Previewed;
    fields?: [string, string][];
    /** For a page that answers a form: the fields the preview's pager posts again. */
    repost?: [string, string][];
  },
) {
  const { csrfToken, page } = ctx.state.console;
  const impact = options.impact ? await impactSection(ctx, options.impact, options.repost) : "";
  const fields = (options.fields ?? []).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  page(
    options.title,
    "/projects",
    html`<p><a href="${options.back.href}">${options.back.label}</a></p>
<h1>${options.title}</h1>
${errorBox(options.error?.message)}
${options.what}
${impact}
<form method="post" action="${options.action}" class="actions">
${csrfField(csrfToken)}
${fields}
<button type="submit" class="danger">${options.button}</button>
<a href="${options.back.href}">Cancel</a>
</form>`,
    options.error?.status,
  );
}
