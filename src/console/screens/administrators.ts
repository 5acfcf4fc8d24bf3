// Administrators: a user's administrator roles on one resource, the instance, an organization, a
// project or a project grant (docs/rules.md#administrators). Listed with search and a resource
// filter, added, their roles changed, removed. Who may hand out which role is the API's decision
// (nobody hands out a role its own roles do not cover); the page shows its refusal.
import { organizationNames } from "../lookups.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import type { Administrator, AdministratorSearchFilterSchema } from "../../generated/proto/zitadel/internal_permission/v2/query_pb.js";
import { type Html, html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, notice, pager, readListing, searchForm, textField } from "../ui.js";
import { findUser, listOrganizationChoices, listProjectTargets } from "./choices.js";
import { checkboxGroup, type SelectOption, selectField } from "./form-fields.js";
import { refusal } from "./organizations.js";
import { refusedPage } from "./refused.js";

const BASE = `${CONSOLE}/administrators`;
type Failure = { status: number; message: string };
type Filter = MessageInitShape<typeof AdministratorSearchFilterSchema>;

type Kind = "instance" | "organization" | "project" | "projectGrant";

/** One resource as the console names it in paths and form values. */
type Resource =
  | { kind: "instance" }
  | { kind: "organization"; organizationId: string }
  | { kind: "project"; projectId: string }
  | { kind: "projectGrant"; projectId: string; organizationId: string };

/** Each role belongs on one kind of resource (docs/rules.md#r-admin-1). */
const ROLES: readonly { role: string; kind: Kind; on: string }[] = [
  { role: "IAM_OWNER", kind: "instance", on: "the instance" },
  { role: "ORG_OWNER", kind: "organization", on: "an organization" },
  { role: "ORG_USER_MANAGER", kind: "organization", on: "an organization" },
  { role: "PROJECT_OWNER", kind: "project", on: "a project" },
  { role: "PROJECT_GRANT_OWNER", kind: "projectGrant", on: "a project grant" },
];

const ID = "\\d{1,20}";
const KEYS = new RegExp(`^(?:(instance)|org-(${ID})|project-(${ID})|grant-(${ID})-(${ID}))$`);

/** "instance", "org-<id>", "project-<id>", "grant-<project id>-<granted organization id>". */
function resourceKey(r: Resource): string {
  switch (r.kind) {
    case "instance":
      return "instance";
    case "organization":
      return `org-${r.organizationId}`;
    case "project":
      return `project-${r.projectId}`;
    case "projectGrant":
      return `grant-${r.projectId}-${r.organizationId}`;
  }
}

function readResourceKey(key: string): Resource | undefined {
  const m = KEYS.exec(key);
  if (!m) return undefined;
  if (m[1]) return { kind: "instance" };
  if (m[2]) return { kind: "organization", organizationId: m[2] };
  if (m[3]) return { kind: "project", projectId: m[3] };
  return { kind: "projectGrant", projectId: m[4]!, organizationId: m[5]! };
}

/** The API's ResourceType (requests) and ResourceFilter (lists) have the same shape. */
function resourceMessage(r: Resource): {
  resource:
    | { case: "instance"; value: boolean }
    | { case: "organizationId" | "projectId"; value: string }
    | { case: "projectGrant"; value: { projectId: string; organizationId: string } };
} {
  switch (r.kind) {
    case "instance":
      return { resource: { case: "instance", value: true } };
    case "organization":
      return { resource: { case: "organizationId", value: r.organizationId } };
    case "project":
      return { resource: { case: "projectId", value: r.projectId } };
    case "projectGrant":
      return { resource: { case: "projectGrant", value: { projectId: r.projectId, organizationId: r.organizationId } } };
  }
}

function resourceOf(a: Administrator): Resource {
  switch (a.resource.case) {
    case "organization":
      return { kind: "organization", organizationId: a.resource.value.id };
    case "project":
      return { kind: "project", projectId: a.resource.value.id };
    case "projectGrant":
      return { kind: "projectGrant", projectId: a.resource.value.projectId, organizationId: a.resource.value.grantedOrganizationId };
    default:
      return { kind: "instance" };
  }
}

export const administrators: Screen = (router) => {
  router.get("/administrators", (ctx) => listPage(ctx));

  router.post("/administrators", async (ctx) => {
    const { api, form } = ctx.state.console;
    const posted = { user: form.get("user") ?? "", resource: form.get("resource") ?? "", roles: form.getAll("roles") };
    const fail = (invalid: AddForm["invalid"], status: number, message: string) =>
      listPage(ctx, { ...posted, invalid, error: { status, message } });
    const user = posted.user.trim() ? await findUser(api, posted.user) : undefined;
    if (!user) {
      if (!posted.user.trim()) return fail("user", 400, "Enter the user's login name.");
      return fail("user", 404, `There is no user with the login name ${posted.user.trim()} that you may see.`);
    }
    const resource = readResourceKey(posted.resource);
    if (!resource) return fail("resource", 400, "Choose the resource the roles are on.");
    try {
      await api.administrators.createAdministrator({ userId: user.id, resource: resourceMessage(resource), roles: posted.roles });
      ctx.status = 303;
      ctx.redirect(`${BASE}/${user.id}/${resourceKey(resource)}?notice=created`);
    } catch (error) {
      const failed = refusal(error);
      const invalid = /^roles/.test(failed.message) ? "roles" : /^userId|^user /.test(failed.message) ? "user" : undefined;
      await listPage(ctx, { ...posted, invalid, error: failed });
    }
  });

  router.get("/administrators/:userId/:resource", (ctx) => withAdministrator(ctx, (a) => detailPage(ctx, a)));

  router.post("/administrators/:userId/:resource/roles", async (ctx) => {
    const { api, form } = ctx.state.console;
    const roles = form.getAll("roles");
    const named = namedInPath(ctx);
    if (!named) return notFoundPage(ctx);
    try {
      await api.administrators.updateAdministrator({ userId: named.userId, resource: resourceMessage(named.resource), roles });
      ctx.status = 303;
      ctx.redirect(`${BASE}/${named.userId}/${resourceKey(named.resource)}?notice=roles`);
    } catch (error) {
      const failed = refusal(error);
      await withAdministrator(ctx, (a) => detailPage(ctx, a, { error: failed, checked: roles }), failed);
    }
  });

  router.get("/administrators/:userId/:resource/delete", (ctx) => withAdministrator(ctx, (a) => deletePage(ctx, a)));

  router.post("/administrators/:userId/:resource/delete", async (ctx) => {
    const { api } = ctx.state.console;
    const named = namedInPath(ctx);
    if (!named) return notFoundPage(ctx);
    try {
      await api.administrators.deleteAdministrator({ userId: named.userId, resource: resourceMessage(named.resource) });
      ctx.status = 303;
      ctx.redirect(`${BASE}?notice=removed`);
    } catch (error) {
      const failed = refusal(error);
      await withAdministrator(ctx, (a) => deletePage(ctx, a, failed), failed);
    }
  });
};

/** The user and resource the path names; undefined when they cannot name one. */
function namedInPath(ctx: ConsoleContext): { userId: string; resource: Resource } | undefined {
  const userId = ctx.params.userId ?? "";
  const resource = readResourceKey(ctx.params.resource ?? "");
  return resource && new RegExp(`^${ID}$`).test(userId) ? { userId, resource } : undefined;
}

function notFoundPage(ctx: ConsoleContext) {
  ctx.state.console.page(
    "Administrator not found",
    "/administrators",
    html`<h1>Administrator not found</h1><p>That user holds no administrator roles there that you may see.</p><p><a href="${BASE}">Administrators</a></p>`,
    404,
  );
}

const pathOf = (a: Administrator) => `${BASE}/${a.user?.id}/${resourceKey(resourceOf(a))}`;

// ---- the list, with the form to add one -------------------------------------------------------

interface AddForm {
  user: string;
  resource: string;
  roles: string[];
  invalid: "user" | "resource" | "roles" | undefined;
  error: Failure;
}

const LIST_NOTICES: Record<string, string> = { removed: "The administrator's roles on that resource were removed." };

/** The resource filter's kinds: a role belongs on one kind of resource, so the roles tell the kind. */
const KIND_FILTERS: Record<string, Filter> = {
  "kind-organization": {
    filter: {
      case: "or",
      value: { queries: ["ORG_OWNER", "ORG_USER_MANAGER"].map((roleKey) => ({ filter: { case: "role", value: { roleKey } } })) },
    },
  },
  "kind-project": { filter: { case: "role", value: { roleKey: "PROJECT_OWNER" } } },
  "kind-grant": { filter: { case: "role", value: { roleKey: "PROJECT_GRANT_OWNER" } } },
};

async function listPage(ctx: ConsoleContext, failed?: AddForm) {
  const { api, csrfToken, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const resourceParam = typeof ctx.query.resource === "string" ? ctx.query.resource : "";
  const filters: Filter[] = [];
  if (listing.q) {
    const text = { method: TextFilterMethod.CONTAINS_IGNORE_CASE };
    filters.push({
      filter: {
        case: "or",
        value: {
          queries: [
            { filter: { case: "userPreferredLoginName", value: { preferredLoginName: listing.q, ...text } } },
            { filter: { case: "userDisplayName", value: { displayName: listing.q, ...text } } },
          ],
        },
      },
    });
  }
  const kindFilter = KIND_FILTERS[resourceParam];
  const oneResource = readResourceKey(resourceParam);
  if (kindFilter) filters.push(kindFilter);
  else if (oneResource) filters.push({ filter: { case: "resource", value: resourceMessage(oneResource) } });
  const response = await api.administrators.listAdministrators({
    pagination: { offset: listing.offset, limit: listing.limit, asc: true },
    filters,
  });
  const choices = await resourceChoices(ctx);
  const names = await organizationNames(
    api,
    response.administrators.flatMap((a) => [a.user?.organizationId ?? "", grantedOrganizationOf(a)]),
    choices.organizationNames,
  );
  const total = Number(response.pagination?.totalResult ?? 0);
  const shown = typeof ctx.query.notice === "string" ? LIST_NOTICES[ctx.query.notice] : undefined;
  const filterOptions: SelectOption[] = [
    { value: "", label: "Any resource" },
    { value: "kind-organization", label: "Any organization", group: "Kinds of resource" },
    { value: "kind-project", label: "Any project", group: "Kinds of resource" },
    { value: "kind-grant", label: "Any project grant", group: "Kinds of resource" },
    ...choices.options,
  ];
  if (oneResource && !filterOptions.some((o) => o.value === resourceParam))
    filterOptions.push({ value: resourceParam, label: resourceParam });
  const addOptions: SelectOption[] = [{ value: "", label: "Choose a resource" }, ...choices.options];
  page(
    "Administrators",
    "/administrators",
    html`<h1>Administrators</h1>
${notice(shown)}
<p>Who holds which administrator role on which resource. Nobody can hand out a role their own roles do not cover.</p>
<p><a class="button" href="#add-admin">Add an administrator</a></p>
${searchForm(BASE, listing, "Search by login name or name", html`<div>${selectField("resource", "Resource", filterOptions, resourceParam, { id: "resource-filter" })}</div>`)}
<table class="responsive">
<thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">User's organization</th><th scope="col">Resource</th><th scope="col">Roles</th></tr></thead>
<tbody>${response.administrators.map((a) => row(a, names))}</tbody>
</table>
${pager(BASE, listing, total, resourceParam ? { resource: resourceParam } : {})}
<section class="card" aria-labelledby="add-admin">
<h2 id="add-admin">Add an administrator</h2>
${errorBox(failed?.error.message)}
<form method="post" action="${BASE}">
${csrfField(csrfToken)}
${textField("user", "User's login name", failed?.user ?? "", {
  required: true,
  invalid: failed?.invalid === "user",
  hint: "Login names are unique across organizations; a user's ID works too.",
})}
${selectField("resource", "Resource the roles apply to", addOptions, failed?.resource ?? "", {
  invalid: failed?.invalid === "resource",
  hint: "The whole instance, an organization, a project, or a project's grant to another organization.",
})}
${checkboxGroup(
  "roles",
  "Roles",
  ROLES.map((r) => ({ value: r.role, label: r.role, detail: `on ${r.on}` })),
  new Set(failed?.roles ?? []),
  { invalid: failed?.invalid === "roles" },
)}
<button type="submit">Add administrator</button>
</form>
</section>`,
    failed?.error.status,
  );
}

function grantedOrganizationOf(a: Administrator): string {
  return a.resource.case === "projectGrant" ? a.resource.value.grantedOrganizationId : "";
}

function describeResource(a: Administrator, names: Map<string, string>): Html {
  switch (a.resource.case) {
    case "organization":
      return html`Organization ${a.resource.value.name}`;
    case "project":
      return html`Project ${a.resource.value.name}`;
    case "projectGrant": {
      const granted = a.resource.value.grantedOrganizationId;
      return html`Project ${a.resource.value.projectName}, granted to ${names.get(granted) ?? granted}`;
    }
    default:
      return html`The instance`;
  }
}

function row(a: Administrator, names: Map<string, string>): Html {
  const org = a.user?.organizationId ?? "";
  return html`<tr>
  <td data-label="User"><a href="${pathOf(a)}">${a.user?.preferredLoginName}</a></td>
  <td data-label="Name">${a.user?.displayName}</td>
  <td data-label="User's organization">${names.get(org) ?? org}</td>
  <td data-label="Resource">${describeResource(a, names)}</td>
  <td data-label="Roles">${a.roles.join(", ")}</td>
</tr>`;
}

/** The resources the caller sees, as select options: the instance, organizations, projects, grants. */
async function resourceChoices(ctx: ConsoleContext): Promise<{ options: SelectOption[]; organizationNames: Map<string, string> }> {
  const { api } = ctx.state.console;
  const orgs = await listOrganizationChoices(api);
  const projects = await listProjectTargets(api, { knownNames: new Map(orgs.organizations.map((o) => [o.id, o.name])) });
  const options: SelectOption[] = [{ value: "instance", label: "The instance", group: "Instance" }];
  for (const o of orgs.organizations)
    options.push({ value: resourceKey({ kind: "organization", organizationId: o.id }), label: o.name, group: "Organizations" });
  for (const t of projects.targets.filter((t) => !t.grantedRoleKeys)) {
    options.push({ value: resourceKey({ kind: "project", projectId: t.projectId }), label: t.projectName, group: "Projects" });
  }
  for (const t of projects.targets.filter((t) => t.grantedRoleKeys)) {
    options.push({
      value: resourceKey({ kind: "projectGrant", projectId: t.projectId, organizationId: t.holderId }),
      label: `${t.projectName}, granted to ${t.holderName}`,
      group: "Project grants",
    });
  }
  const names = new Map(orgs.organizations.map((o) => [o.id, o.name]));
  for (const t of projects.targets) names.set(t.holderId, t.holderName);
  return { options, organizationNames: names };
}

// ---- one administrator (a user's roles on one resource) --------------------------------------

/**
 * Runs `show` with the administrator the path names. When the caller sees none: 404, or, after a
 * change the API refused, that refusal.
 */
async function withAdministrator(ctx: ConsoleContext, show: (a: Administrator) => Promise<void>, failed?: Failure) {
  const named = namedInPath(ctx);
  const found =
    named &&
    (
      await ctx.state.console.api.administrators.listAdministrators({
        pagination: { limit: 1 },
        filters: [
          { filter: { case: "inUserIdsFilter", value: { ids: [named.userId] } } },
          { filter: { case: "resource", value: resourceMessage(named.resource) } },
        ],
      })
    ).administrators[0];
  if (!found && failed) return refusedPage(ctx, "/administrators", failed);
  if (!found) return notFoundPage(ctx);
  await show(found);
}

const NOTICES: Record<string, string> = { created: "The administrator was added.", roles: "The roles were saved." };

async function summary(ctx: ConsoleContext, a: Administrator): Promise<Html> {
  const names = await organizationNames(ctx.state.console.api, [a.user?.organizationId ?? "", grantedOrganizationOf(a)], new Map());
  const org = a.user?.organizationId ?? "";
  return html`<dl class="summary">
  <dt>User</dt><dd>${a.user?.preferredLoginName}${a.user?.displayName && a.user.displayName !== a.user.preferredLoginName ? ` (${a.user.displayName})` : ""}</dd>
  <dt>User's organization</dt><dd>${names.get(org) ?? org}</dd>
  <dt>Resource</dt><dd>${describeResource(a, names)}</dd>
  <dt>Roles</dt><dd>${a.roles.join(", ")}</dd>
</dl>`;
}

async function detailPage(ctx: ConsoleContext, a: Administrator, failed?: { error: Failure; checked: string[] }) {
  const { csrfToken, page } = ctx.state.console;
  const kind = resourceOf(a).kind;
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const title = `${a.user?.preferredLoginName}: ${a.roles.join(", ")}`;
  page(
    title,
    "/administrators",
    html`<p><a href="${BASE}">Administrators</a></p>
<h1>${a.user?.preferredLoginName}</h1>
${notice(shown)}
${await summary(ctx, a)}
<section class="card" aria-labelledby="roles">
<h2 id="roles">Change the roles</h2>
${errorBox(failed?.error.message)}
<form method="post" action="${pathOf(a)}/roles">
${csrfField(csrfToken)}
${checkboxGroup(
  "roles",
  "Roles on this resource",
  ROLES.filter((r) => r.kind === kind).map((r) => ({ value: r.role, label: r.role })),
  new Set(failed?.checked ?? a.roles),
  { invalid: Boolean(failed) },
)}
<button type="submit">Save roles</button>
</form>
</section>
<section class="card" aria-labelledby="remove">
<h2 id="remove">Remove</h2>
<p>The user loses these administrator roles on this resource at once.</p>
<p><a href="${pathOf(a)}/delete">Remove this administrator</a></p>
</section>`,
    failed?.error.status,
  );
}

async function deletePage(ctx: ConsoleContext, a: Administrator, failed?: Failure) {
  const { csrfToken, page } = ctx.state.console;
  page(
    "Remove the administrator",
    "/administrators",
    html`<p><a href="${pathOf(a)}">Back to the administrator</a></p>
<h1>Remove the administrator?</h1>
${errorBox(failed?.message)}
${await summary(ctx, a)}
<form method="post" action="${pathOf(a)}/delete">
${csrfField(csrfToken)}
<div class="actions"><button type="submit" class="danger">Remove administrator</button>
<a href="${pathOf(a)}">Cancel</a></div>
</form>`,
    failed?.status,
  );
}
