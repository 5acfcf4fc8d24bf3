// Users: humans and machine users (service accounts). Listed with search, pages and an optional
// organization filter (`?org=`), and created; user-detail.ts opens and changes one.
import { organizationNames } from "../lookups.js";
import { OrganizationFieldName } from "@zitadel/proto/zitadel/org/v2/query_pb.js";
import { TextQueryMethod } from "@zitadel/proto/zitadel/object/v2/object_pb.js";
import { type SearchQuery, UserFieldName } from "@zitadel/proto/zitadel/user/v2/query_pb.js";
import type { User } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import { html } from "../html.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { csrfField, errorBox, notice, pager, readListing, searchForm, textField } from "../ui.js";
import { userDetail } from "./user-detail.js";
import {
  checkbox,
  displayName,
  type Failure,
  failure,
  organizationLink,
  STATES,
  ticked,
  USERS,
  userPath,
  userType,
} from "./user-shared.js";

/** The organizations offered when creating a user: the first this many the caller sees, by name. */
const ORGANIZATION_CHOICES = 1000;

export const users: Screen = (router) => {
  router.get("/users", (ctx) => listPage(ctx));
  router.get("/users/new/human", (ctx) => newHumanPage(ctx));
  router.get("/users/new/machine", (ctx) => newMachinePage(ctx));

  router.post("/users/new/human", async (ctx) => {
    const { api, form } = ctx.state.console;
    const password = form.get("password") ?? "";
    try {
      const created = await api.users.addHumanUser({
        organization: { org: { case: "orgId", value: form.get("organizationId") ?? "" } },
        username: form.get("username") ?? "",
        profile: { givenName: form.get("givenName") ?? "", familyName: form.get("familyName") ?? "" },
        email: { email: form.get("email") ?? "" },
        passwordType: password
          ? { case: "password", value: { password, changeRequired: form.get("changeRequired") === "on" } }
          : { case: undefined },
      });
      ctx.status = 303;
      ctx.redirect(`${userPath(created.userId)}?notice=created`);
    } catch (error) {
      await newHumanPage(ctx, failure("human", error, form, HUMAN_FIELDS, "organizationId"));
    }
  });

  router.post("/users/new/machine", async (ctx) => {
    const { api, form } = ctx.state.console;
    try {
      const created = await api.users.createUser({
        organizationId: form.get("organizationId") ?? "",
        username: form.get("username") ?? "",
        userType: { case: "machine", value: { name: form.get("name") ?? "", description: form.get("description") ?? "" } },
      });
      ctx.status = 303;
      ctx.redirect(`${userPath(created.id)}?notice=created`);
    } catch (error) {
      await newMachinePage(ctx, failure("machine", error, form, MACHINE_FIELDS, "organizationId"));
    }
  });

  userDetail(router);
};

const HUMAN_FIELDS: Record<string, string> = {
  username: "username",
  givenName: "givenName",
  familyName: "familyName",
  email: "email",
  password: "password",
};
const MACHINE_FIELDS: Record<string, string> = { username: "username", name: "name", description: "description" };

const LIST_NOTICES: Record<string, string> = { deleted: "The user was deleted." };

async function listPage(ctx: ConsoleContext) {
  const { api, page } = ctx.state.console;
  const listing = readListing(ctx.query);
  const org = typeof ctx.query.org === "string" && ctx.query.org !== "" ? ctx.query.org : undefined;
  const queries: SearchQuery[] = [];
  if (listing.q) {
    const text = { method: TextQueryMethod.CONTAINS_IGNORE_CASE };
    queries.push({
      query: {
        case: "orQuery",
        value: {
          queries: [
            { query: { case: "loginNameQuery", value: { loginName: listing.q, ...text } } },
            { query: { case: "displayNameQuery", value: { displayName: listing.q, ...text } } },
          ],
        },
      },
    } as SearchQuery);
  }
  if (org) queries.push({ query: { case: "organizationIdQuery", value: { organizationId: org } } } as SearchQuery);
  const response = await api.users.listUsers({
    query: { offset: listing.offset, limit: listing.limit, asc: true },
    sortingColumn: UserFieldName.USER_NAME,
    queries,
  });
  const total = Number(response.details?.totalResult ?? 0);
  const ownerOf = (user: User) => user.details?.resourceOwner ?? "";
  const names = await organizationNames(api, [...response.result.map(ownerOf), ...(org ? [org] : [])]);
  const rows = response.result.map(
    (user) => html`<tr>
  <td data-label="Login name"><a href="${userPath(user.userId)}">${user.preferredLoginName}</a></td>
  <td data-label="Display name">${displayName(user)}</td>
  <td data-label="Type">${userType(user)}</td>
  <td data-label="State">${STATES[user.state]}</td>
  <td data-label="Organization">${organizationLink(ownerOf(user), names)}</td>
</tr>`,
  );
  const params: Record<string, string> = org ? { org } : {};
  const newQuery = org ? `?org=${encodeURIComponent(org)}` : "";
  const shown = typeof ctx.query.notice === "string" ? LIST_NOTICES[ctx.query.notice] : undefined;
  page(
    "Users",
    "/users",
    html`<h1>${org ? html`Users of ${names.get(org) ?? org}` : "Users"}</h1>
${notice(shown)}
${org ? html`<p><a href="${USERS}">All users</a></p>` : ""}
<p class="actions"><a href="${USERS}/new/human${newQuery}">New human user</a> <a href="${USERS}/new/machine${newQuery}">New machine user</a></p>
${searchForm(USERS, listing, "Search by login name or display name", org ? html`<input type="hidden" name="org" value="${org}">` : "")}
<table class="responsive">
<thead><tr><th scope="col">Login name</th><th scope="col">Display name</th><th scope="col">Type</th><th scope="col">State</th><th scope="col">Organization</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${pager(USERS, listing, total, params)}`,
  );
}

/** The organizations the caller sees, by name, as a labelled select (the chosen one kept). */
async function organizationSelect(ctx: ConsoleContext, failed: Failure | undefined) {
  const { api } = ctx.state.console;
  const { result } = await api.organizations.listOrganizations({
    query: { limit: ORGANIZATION_CHOICES, asc: true },
    sortingColumn: OrganizationFieldName.NAME,
  });
  const chosen = failed?.values.get("organizationId") ?? (typeof ctx.query.org === "string" ? ctx.query.org : "");
  const options = result.map((org) => html`<option value="${org.id}"${org.id === chosen ? html` selected` : ""}>${org.name}</option>`);
  const invalid = failed?.field === "organizationId";
  return html`<label for="organizationId">Organization</label><select id="organizationId" name="organizationId"${invalid ? html` aria-invalid="true"` : ""}>${options}</select>`;
}

async function newHumanPage(ctx: ConsoleContext, failed?: Failure) {
  const { csrfToken, page } = ctx.state.console;
  const value = (name: string) => failed?.values.get(name) ?? "";
  const field = (name: string, label: string, options: { type?: string; hint?: string; required?: boolean } = {}) =>
    textField(name, label, value(name), { ...options, invalid: failed?.field === name });
  page(
    "New human user",
    "/users",
    html`<p><a href="${USERS}">Users</a></p>
<h1>New human user</h1>
${errorBox(failed?.message)}
<form method="post" action="${USERS}/new/human">
${csrfField(csrfToken)}
${await organizationSelect(ctx, failed)}
${field("username", "Username", { hint: "The login name. Leave it empty to sign in with the email address." })}
${field("givenName", "Given name", { required: true })}
${field("familyName", "Family name", { required: true })}
${field("email", "Email", { type: "email", required: true })}
${textField("password", "Initial password (optional)", "", {
  type: "password",
  invalid: failed?.field === "password",
  hint: "Without one, the user cannot sign in with a password until an administrator sets one.",
})}
${checkbox("changeRequired", "The user must change it at the first sign-in", ticked(failed?.values, "changeRequired", true))}
<button type="submit">Create human user</button>
</form>`,
    failed?.status,
  );
}

async function newMachinePage(ctx: ConsoleContext, failed?: Failure) {
  const { csrfToken, page } = ctx.state.console;
  const value = (name: string) => failed?.values.get(name) ?? "";
  const invalid = (name: string) => failed?.field === name;
  page(
    "New machine user",
    "/users",
    html`<p><a href="${USERS}">Users</a></p>
<h1>New machine user</h1>
${errorBox(failed?.message)}
<form method="post" action="${USERS}/new/machine">
${csrfField(csrfToken)}
${await organizationSelect(ctx, failed)}
${textField("username", "Username", value("username"), {
  invalid: invalid("username"),
  hint: "Its client id for the client-credentials grant. Leave it empty to use the user's id.",
})}
${textField("name", "Name", value("name"), { required: true, invalid: invalid("name") })}
<label for="description">Description (optional)</label>
<textarea id="description" name="description" rows="3"${invalid("description") ? html` aria-invalid="true"` : ""}>${value("description")}</textarea>
<button type="submit">Create machine user</button>
</form>`,
    failed?.status,
  );
}
