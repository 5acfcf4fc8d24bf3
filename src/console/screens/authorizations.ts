// Authorizations (ZITADEL's user grants): a user's role keys on one project, held by the project's
// owner or by an organization the project is granted to (docs/rules.md#authorizations). Listed
// with search (login name, across organizations) and filters, created in two steps (user and
// project, then roles), opened, their roles changed, (de)activated and deleted.
import type { ConsoleApi } from "../api.js";
import { organizationNames } from "../lookups.js";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type Authorization,
  type AuthorizationsSearchFilterSchema,
  State,
} from "../../generated/proto/zitadel/authorization/v2/authorization_pb.js";
import { type Html, html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, ConsoleState, Screen } from "../screen.js";
import { impactSection, type Previewed, previewImpact } from "../impact.js";
import { csrfField, errorBox, notice, pager, readListing, searchForm, textField } from "../ui.js";
import {
  type FoundUser,
  findProjectTarget,
  findUser,
  listOrganizationChoices,
  listProjectTargets,
  type ProjectTarget,
  readTargetValue,
  roleChoices,
  targetValue,
} from "./choices.js";
import { checkboxGroup, type SelectOption, selectField } from "./form-fields.js";
import { refusal } from "./organizations.js";
import { refusedPage } from "./refused.js";

const BASE = `${CONSOLE}/authorizations`;
const ID = /^\d{1,20}$/;
const STATES: Record<State, string> = { [State.UNSPECIFIED]: "unknown", [State.ACTIVE]: "active", [State.INACTIVE]: "inactive" };
type Failure = { status: number; message: string };
type Filter = MessageInitShape<typeof AuthorizationsSearchFilterSchema>;

export const authorizations: Screen = (router) => {
  router.get("/authorizations", (ctx) => listPage(ctx));
  router.get("/authorizations/new", (ctx) => newPage(ctx));

  router.post("/authorizations", async (ctx) => {
    const { api, form } = ctx.state.console;
    const posted = {
      user: { id: form.get("userId") ?? "", loginName: form.get("loginName") ?? "", organizationId: form.get("userOrganizationId") ?? "" },
      projectId: form.get("projectId") ?? "",
      organizationId: form.get("organizationId") ?? "",
      roleKeys: form.getAll("roleKeys"),
    };
    try {
      const created = await api.authorizations.createAuthorization({
        userId: posted.user.id,
        projectId: posted.projectId,
        organizationId: posted.organizationId,
        roleKeys: posted.roleKeys,
      });
      ctx.status = 303;
      ctx.redirect(`${BASE}/${created.id}?notice=created`);
    } catch (error) {
      const failed = refusal(error);
      const target =
        ID.test(posted.projectId) && ID.test(posted.organizationId)
          ? await findProjectTarget(api, posted.projectId, posted.organizationId)
          : undefined;
      if (!target) return stepOne(ctx, { user: posted.user.loginName || posted.user.id, error: failed, invalid: "target" });
      await stepTwo(ctx, posted.user, target, { checked: posted.roleKeys, error: failed });
    }
  });

  router.get("/authorizations/:id", (ctx) => withAuthorization(ctx, (a) => detailPage(ctx, a)));

  router.post("/authorizations/:id/roles", async (ctx) => {
    const { api, form } = ctx.state.console;
    const roleKeys = form.getAll("roleKeys");
    // Taking roles away is confirmed first, on a page that previews who loses what. Input the
    // change would refuse (its preview is refused too) goes straight to it, to be shown on the form.
    if (form.get("confirmed") !== "yes") {
      const a = await findAuthorization(api, ctx.params.id);
      if (a && !a.roles.every((r) => roleKeys.includes(r.key))) {
        const previewed = await previewImpact(ctx, { case: "updateAuthorization", value: { id: a.id, roleKeys } });
        if ("preview" in previewed) return narrowPage(ctx, a, roleKeys, previewed);
      }
    }
    try {
      await api.authorizations.updateAuthorization({ id: ctx.params.id, roleKeys });
      ctx.status = 303;
      ctx.redirect(`${BASE}/${encodeURIComponent(ctx.params.id)}?notice=roles`);
    } catch (error) {
      const failed = refusal(error);
      await withAuthorization(ctx, (a) => detailPage(ctx, a, { section: "roles", error: failed, checked: roleKeys }), failed);
    }
  });

  for (const change of ["activate", "deactivate"] as const) {
    router.post(`/authorizations/:id/${change}`, async (ctx) => {
      const { api } = ctx.state.console;
      try {
        if (change === "activate") await api.authorizations.activateAuthorization({ id: ctx.params.id });
        else await api.authorizations.deactivateAuthorization({ id: ctx.params.id });
        ctx.status = 303;
        ctx.redirect(`${BASE}/${encodeURIComponent(ctx.params.id)}?notice=${change}d`);
      } catch (error) {
        const failed = refusal(error);
        await withAuthorization(ctx, (a) => detailPage(ctx, a, { section: "state", error: failed }), failed);
      }
    });
  }

  router.get("/authorizations/:id/deactivate", (ctx) => withAuthorization(ctx, (a) => confirmPage(ctx, a, "deactivate")));
  router.get("/authorizations/:id/delete", (ctx) => withAuthorization(ctx, (a) => confirmPage(ctx, a, "delete")));

  router.post("/authorizations/:id/delete", async (ctx) => {
    const { api } = ctx.state.console;
    try {
      await api.authorizations.deleteAuthorization({ id: ctx.params.id });
      ctx.status = 303;
      ctx.redirect(`${BASE}?notice=deleted`);
    } catch (error) {
      const failed = refusal(error);
      await withAuthorization(ctx, (a) => confirmPage(ctx, a, "delete", failed), failed);
    }
  });
};

// ---- the list ----------------------------------------------------------------------------------

const LIST_NOTICES: Record<string, string> = { deleted: "The authorization was deleted." };

async function listPage(ctx: ConsoleContext) {
  const { api, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const param = (name: string) => {
    const value = ctx.query[name];
    return typeof value === "string" && ID.test(value) ? value : "";
  };
  const filters = { project: param("project"), org: param("org"), userOrg: param("userOrg") };
  const conditions: Filter[] = [];
  if (filters.project) conditions.push({ filter: { case: "projectId", value: { id: filters.project } } });
  if (filters.org) conditions.push({ filter: { case: "organizationId", value: { id: filters.org } } });
  if (filters.userOrg) conditions.push({ filter: { case: "userOrganizationId", value: { id: filters.userOrg } } });
  const list = (search: Filter | undefined) =>
    api.authorizations.listAuthorizations({
      pagination: { offset: listing.offset, limit: listing.limit, asc: true },
      filters: [...conditions, ...(search ? [search] : [])],
    });
  let response = await list(
    listing.q
      ? {
          filter: {
            case: "userPreferredLoginName",
            value: { loginName: listing.q, method: TextFilterMethod.CONTAINS_IGNORE_CASE },
          },
        }
      : undefined,
  );
  // A user id searches for that user's authorizations.
  if (response.authorizations.length === 0 && ID.test(listing.q)) {
    response = await list({ filter: { case: "inUserIds", value: { ids: [listing.q] } } });
  }
  const organizations = await listOrganizationChoices(api);
  const known = new Map(organizations.organizations.map((o) => [o.id, o.name]));
  const projects = await listProjectTargets(api, { knownNames: known });
  for (const a of response.authorizations) if (a.organization) known.set(a.organization.id, a.organization.name);
  const names = await organizationNames(
    api,
    response.authorizations.map((a) => a.user?.organizationId ?? ""),
    known,
  );
  const total = Number(response.pagination?.totalResult ?? 0);
  const shown = typeof ctx.query.notice === "string" ? LIST_NOTICES[ctx.query.notice] : undefined;

  const projectOptions = distinctProjects(projects.targets, filters.project);
  const orgOptions = (selected: string): SelectOption[] => [
    { value: "", label: "Any organization" },
    ...organizations.organizations.map((o) => ({ value: o.id, label: o.name })),
    ...(selected && !known.has(selected) ? [{ value: selected, label: `Organization ${selected}` }] : []),
  ];
  const extra = html`<div>${selectField("project", "Project", projectOptions, filters.project)}</div>
<div>${selectField("org", "Held by", orgOptions(filters.org), filters.org)}</div>
<div>${selectField("userOrg", "User's organization", orgOptions(filters.userOrg), filters.userOrg)}</div>`;
  const params = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  page(
    "Authorizations",
    "/authorizations",
    html`<h1>Authorizations</h1>
${notice(shown)}
<p>Who holds which roles of which project. An authorization held by another organization than the user's own is an <strong>external</strong> user grant.</p>
<p><a class="button" href="${BASE}/new">Create an authorization</a></p>
${searchForm(BASE, listing, "Search by login name or user ID", extra)}
<table class="responsive">
<thead><tr><th scope="col">User</th><th scope="col">User's organization</th><th scope="col">Project</th><th scope="col">Held by</th><th scope="col">Roles</th><th scope="col">State</th></tr></thead>
<tbody>${response.authorizations.map((a) => row(a, names))}</tbody>
</table>
${pager(BASE, listing, total, params)}`,
  );
}

function row(a: Authorization, names: Map<string, string>): Html {
  const userOrg = a.user?.organizationId ?? "";
  return html`<tr>
  <td data-label="User"><a href="${BASE}/${a.id}">${a.user?.preferredLoginName || a.user?.id}</a></td>
  <td data-label="User's organization">${names.get(userOrg) ?? userOrg}</td>
  <td data-label="Project">${a.project?.name}</td>
  <td data-label="Held by">${a.organization?.name}${isExternal(a) ? html` <span class="tag">external</span>` : ""}</td>
  <td data-label="Roles">${a.roles.map((r) => r.key).join(", ") || html`<span class="muted">none</span>`}</td>
  <td data-label="State">${STATES[a.state]}</td>
</tr>`;
}

/** A role's display name beside its key, unless it only repeats the key. */
const shownName = (key: string, displayName: string) => (displayName && displayName !== key ? displayName : undefined);

/** Held by an organization other than the user's own: an external user grant. */
const isExternal = (a: Authorization) => Boolean(a.organization && a.user && a.organization.id !== a.user.organizationId);

function distinctProjects(targets: ProjectTarget[], selected: string): SelectOption[] {
  const seen = new Map<string, string>();
  for (const t of targets) if (!seen.has(t.projectId)) seen.set(t.projectId, t.projectName);
  const options: SelectOption[] = [{ value: "", label: "Any project" }];
  for (const [value, label] of seen) options.push({ value, label });
  if (selected && !seen.has(selected)) options.push({ value: selected, label: `Project ${selected}` });
  return options;
}

// ---- creating: step 1 (user and project), step 2 (roles) ------------------------------------

async function newPage(ctx: ConsoleContext) {
  const { api } = ctx.state.console;
  const text = (name: string) => (typeof ctx.query[name] === "string" ? (ctx.query[name] as string).trim() : "");
  const user = text("user");
  const target = text("target");
  // The first visit, or narrowing the project list: step 1.
  if (!("target" in ctx.query) || "projectName" in ctx.query) return stepOne(ctx, { user, target, projectName: text("projectName") });
  const found = user ? await findUser(api, user) : undefined;
  if (!found) {
    const message = user
      ? `There is no user with the login name ${user} that you may see. For a user of an organization you do not administer, enter the user's ID.`
      : "Enter the user's login name.";
    return stepOne(ctx, { user, target, error: { status: user ? 404 : 400, message }, invalid: "user" });
  }
  const chosen = readTargetValue(target);
  const resolved = chosen && (await findProjectTarget(api, chosen.projectId, chosen.holderId));
  if (!resolved) {
    const message = chosen ? "There is no such project that you may see." : "Choose a project.";
    return stepOne(ctx, { user, target, error: { status: chosen ? 404 : 400, message }, invalid: "target" });
  }
  await stepTwo(ctx, found, resolved);
}

interface StepOne {
  user: string;
  target?: string;
  projectName?: string;
  error?: Failure;
  invalid?: "user" | "target";
}

async function stepOne(ctx: ConsoleContext, step: StepOne) {
  const { api, page } = ctx.state.console;
  const { targets, more } = await listProjectTargets(api, { name: step.projectName ?? "" });
  const options: SelectOption[] = [
    { value: "", label: "Choose a project" },
    ...targets.map((t) => ({
      value: targetValue(t),
      label: `${t.projectName} — held by ${t.holderName}${t.grantedRoleKeys ? ` (granted${t.grantActive ? "" : ", inactive"})` : " (owner)"}`,
    })),
  ];
  const narrowing =
    more || step.projectName
      ? html`<form method="get" action="${BASE}/new" class="search" role="search">
  <input type="hidden" name="user" value="${step.user}">
  <div><label for="projectName">Find projects by name</label><input type="search" id="projectName" name="projectName" value="${step.projectName ?? ""}"></div>
  <button type="submit" class="secondary">Find projects</button>
</form>
${more ? html`<p class="muted">Only the first projects are offered; find the one you want by name.</p>` : ""}`
      : "";
  page(
    "Create an authorization",
    "/authorizations",
    html`<p><a href="${BASE}">Authorizations</a></p>
<h1>Create an authorization</h1>
<p class="muted">Step 1 of 2: the user and the project.</p>
${errorBox(step.error?.message)}
${narrowing}
<form method="get" action="${BASE}/new">
${textField("user", "User's login name", step.user, {
  required: true,
  invalid: step.invalid === "user",
  hint: "Login names are unique across organizations. For a user of an organization you do not administer (an external user grant), enter the user's ID.",
})}
${selectField("target", "Project and the organization that holds the authorization", options, step.target ?? "", {
  invalid: step.invalid === "target",
  hint: "A project your organization owns is held by the owner and may give any of its roles; a project granted to an organization is held by that organization and may give only the granted roles.",
})}
<button type="submit">Continue</button>
</form>`,
    step.error?.status,
  );
}

async function stepTwo(ctx: ConsoleContext, user: FoundUser, target: ProjectTarget, failed?: { checked: string[]; error: Failure }) {
  const { api, csrfToken, page } = ctx.state.console;
  const roles = (await roleChoices(api, target)) ?? [];
  const userName = user.loginName || `user ${user.id}`;
  const external = user.organizationId !== target.holderId;
  const back = `${BASE}/new?${new URLSearchParams({ user: user.loginName || user.id, target: targetValue(target), projectName: "" })}`;
  page(
    "Create an authorization",
    "/authorizations",
    html`<p><a href="${BASE}">Authorizations</a></p>
<h1>Create an authorization</h1>
<p class="muted">Step 2 of 2: the roles.</p>
${errorBox(failed?.error.message)}
<dl class="summary">
  <dt>User</dt><dd>${userName}</dd>
  <dt>Project</dt><dd>${target.projectName}</dd>
  <dt>Held by</dt><dd>${target.holderName}${target.grantedRoleKeys ? " (through its grant of the project)" : " (the project's owner)"}${external ? html` <span class="tag">external</span>` : ""}</dd>
</dl>
${target.grantedRoleKeys && !target.grantActive ? html`<p class="muted">The grant is inactive: nothing can be authorized under it until it is activated.</p>` : ""}
<form method="post" action="${BASE}">
${csrfField(csrfToken)}
<input type="hidden" name="userId" value="${user.id}">
<input type="hidden" name="loginName" value="${user.loginName}">
<input type="hidden" name="userOrganizationId" value="${user.organizationId}">
<input type="hidden" name="projectId" value="${target.projectId}">
<input type="hidden" name="organizationId" value="${target.holderId}">
${checkboxGroup(
  "roleKeys",
  target.grantedRoleKeys ? "Roles (those granted to the holding organization)" : "Roles",
  roles.map((r) => ({ value: r.key, label: r.key, detail: shownName(r.key, r.displayName) })),
  new Set(failed?.checked ?? []),
  {
    invalid: Boolean(failed?.error.message.startsWith("roleKeys")),
    empty: "There are no roles to give: the authorization will hold none.",
  },
)}
<div class="actions"><button type="submit">Create authorization</button>
<a href="${back}">Choose another user or project</a></div>
</form>`,
    failed?.error.status,
  );
}

// ---- one authorization ------------------------------------------------------------------------

/**
 * Runs `show` with the authorization the path names. When the caller sees none: 404, or, after a
 * change the API refused, that refusal (an authorization one may not see may still be refused).
 */
async function withAuthorization(ctx: ConsoleContext, show: (a: Authorization) => Promise<void>, failed?: Failure) {
  const { api, page } = ctx.state.console;
  const id = ctx.params.id ?? "";
  const found = await findAuthorization(api, id);
  if (!found && failed) return refusedPage(ctx, "/authorizations", failed);
  if (!found) {
    return page(
      "Authorization not found",
      "/authorizations",
      html`<h1>Authorization not found</h1><p>There is no authorization ${id} that you may see.</p><p><a href="${BASE}">Authorizations</a></p>`,
      404,
    );
  }
  await show(found);
}

/** The authorization, when the caller may see it. */
async function findAuthorization(api: ConsoleApi, id: string | undefined): Promise<Authorization | undefined> {
  if (!id || !ID.test(id)) return undefined;
  const { authorizations } = await api.authorizations.listAuthorizations({
    pagination: { limit: 1 },
    filters: [{ filter: { case: "authorizationIds", value: { ids: [id] } } }],
  });
  return authorizations[0];
}

const NOTICES: Record<string, string> = {
  created: "The authorization was created.",
  roles: "The roles were saved.",
  activated: "The authorization is active.",
  deactivated: "The authorization is inactive: it counts for nothing until activated.",
};

function summary(a: Authorization, userOrgName: string): Html {
  return html`<dl class="summary">
  <dt>User</dt><dd>${a.user?.preferredLoginName}${a.user?.displayName && a.user.displayName !== a.user.preferredLoginName ? ` (${a.user.displayName})` : ""}</dd>
  <dt>User's organization</dt><dd>${userOrgName}</dd>
  <dt>Project</dt><dd>${a.project?.name}</dd>
  <dt>Held by</dt><dd>${a.organization?.name}${isExternal(a) ? html` <span class="tag">external</span>` : ""}</dd>
  <dt>Roles</dt><dd>${a.roles.map((r) => r.key).join(", ") || "none"}</dd>
  <dt>State</dt><dd>${STATES[a.state]}</dd>
  <dt>ID</dt><dd>${a.id}</dd>
</dl>`;
}

async function userOrganizationName(state: ConsoleState, a: Authorization): Promise<string> {
  const id = a.user?.organizationId ?? "";
  const known = new Map(a.organization ? [[a.organization.id, a.organization.name]] : []);
  return (await organizationNames(state.api, [id], known)).get(id) ?? id;
}

async function detailPage(
  ctx: ConsoleContext,
  a: Authorization,
  failed?: { section: "roles" | "state"; error: Failure; checked?: string[] },
) {
  const state = ctx.state.console;
  const { api, csrfToken, page } = state;
  const target: ProjectTarget | undefined =
    a.project && a.organization ? await findProjectTarget(api, a.project.id, a.organization.id) : undefined;
  const choices = (target && (await roleChoices(api, target))) ?? [];
  // Keys held but no longer offered (or not readable) stay listed, so saving keeps them unless unchecked.
  const offered = new Map(choices.map((c) => [c.key, c.displayName]));
  for (const r of a.roles) if (!offered.has(r.key)) offered.set(r.key, r.displayName);
  const checked = new Set(failed?.section === "roles" ? failed.checked : a.roles.map((r) => r.key));
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const title = `${a.user?.preferredLoginName} on ${a.project?.name}`;
  const active = a.state === State.ACTIVE;
  page(
    title,
    "/authorizations",
    html`<p><a href="${BASE}">Authorizations</a></p>
<h1>${title}</h1>
${notice(shown)}
${summary(a, await userOrganizationName(state, a))}
<section class="card" aria-labelledby="roles">
<h2 id="roles">Change the roles</h2>
${failed?.section === "roles" ? errorBox(failed.error.message) : ""}
<form method="post" action="${BASE}/${a.id}/roles">
${csrfField(csrfToken)}
${checkboxGroup(
  "roleKeys",
  target?.grantedRoleKeys ? "Roles (those granted to the holding organization)" : "Roles",
  [...offered].map(([key, displayName]) => ({ value: key, label: key, detail: shownName(key, displayName) })),
  checked,
  { invalid: failed?.section === "roles", empty: "The project has no roles." },
)}
<button type="submit">Save roles</button>
</form>
</section>
<section class="card" aria-labelledby="state">
<h2 id="state">State</h2>
${failed?.section === "state" ? errorBox(failed.error.message) : ""}
<p>${active ? "Active: the roles count at sign-in." : "Inactive: the roles count for nothing until the authorization is activated."}</p>
${
  active
    ? html`<p><a class="button danger" href="${BASE}/${a.id}/deactivate">Deactivate…</a></p>`
    : html`<form method="post" action="${BASE}/${a.id}/activate">
${csrfField(csrfToken)}
<button type="submit" class="secondary">Activate</button>
</form>`
}
</section>
<section class="card" aria-labelledby="delete">
<h2 id="delete">Delete</h2>
<p>Tokens issued from then on no longer carry these roles.</p>
<p><a href="${BASE}/${a.id}/delete">Delete this authorization</a></p>
</section>`,
    failed?.error.status,
  );
}

/** Asks to confirm a deletion or deactivation, showing what the user loses (the impact preview). */
async function narrowPage(ctx: ConsoleContext, a: Authorization, roleKeys: string[], previewed: Previewed) {
  const state = ctx.state.console;
  const dropped = a.roles.filter((r) => !roleKeys.includes(r.key)).map((r) => r.key);
  state.page(
    "Take roles away",
    "/authorizations",
    html`<p><a href="${BASE}/${a.id}">Back to the authorization</a></p>
<h1>Take roles away?</h1>
${summary(a, await userOrganizationName(state, a))}
<p>The authorization will no longer hold ${dropped.join(", ")}${roleKeys.length > 0 ? html`; it keeps ${roleKeys.join(", ")}` : html`, and holds no role`}.</p>
${await impactSection(
  ctx,
  previewed,
  roleKeys.map((key) => ["roleKeys", key]),
)}
<form method="post" action="${BASE}/${a.id}/roles">
${csrfField(state.csrfToken)}
<input type="hidden" name="confirmed" value="yes">
${roleKeys.map((key) => html`<input type="hidden" name="roleKeys" value="${key}">`)}
<div class="actions"><button type="submit" class="danger">Save roles</button>
<a href="${BASE}/${a.id}">Cancel</a></div>
</form>`,
  );
}

async function confirmPage(ctx: ConsoleContext, a: Authorization, change: "delete" | "deactivate", failed?: Failure) {
  const state = ctx.state.console;
  const verb = change === "delete" ? "Delete" : "Deactivate";
  state.page(
    `${verb} the authorization`,
    "/authorizations",
    html`<p><a href="${BASE}/${a.id}">Back to the authorization</a></p>
<h1>${verb} the authorization?</h1>
${errorBox(failed?.message)}
${summary(a, await userOrganizationName(state, a))}
${await impactSection(ctx, { case: change === "delete" ? "deleteAuthorization" : "deactivateAuthorization", value: a.id })}
<form method="post" action="${BASE}/${a.id}/${change}">
${csrfField(state.csrfToken)}
<div class="actions"><button type="submit" class="danger">${verb} authorization</button>
<a href="${BASE}/${a.id}">Cancel</a></div>
</form>`,
    failed?.status,
  );
}
