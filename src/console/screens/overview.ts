// The console's start page: who is signed in, and which administrator roles they hold where.
import type { Administrator } from "../../generated/proto/zitadel/internal_permission/v2/query_pb.js";
import { html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { Screen } from "../screen.js";

export const overview: Screen = (router) => {
  router.get("/", async (ctx) => {
    const { api, session, page } = ctx.state.console;
    const { administrators } = await api.administrators.listAdministrators({
      filters: [{ filter: { case: "inUserIdsFilter", value: { ids: [session.userId] } } }],
    });
    const roles = administrators.map((a) => html`<li>${a.roles.join(", ")} ${describeResource(a)}</li>`);
    page(
      "Overview",
      "/",
      html`<h1>Welcome, ${session.name}</h1>
${
  roles.length > 0
    ? html`<h2>Your administrator roles</h2><ul>${roles}</ul>`
    : html`<p>You hold no administrator role. You can see what the management API shows you; ask an administrator for a role to change anything.</p>`
}
<h2>Where to start</h2>
<ul>
  <li><a href="${CONSOLE}/organizations">Organizations</a>: the tenants, their users, projects and branding.</li>
  <li><a href="${CONSOLE}/projects">Projects</a>: settings, roles, and grants to other organizations; <a href="${CONSOLE}/granted">Granted to us</a>: what others granted yours.</li>
  <li><a href="${CONSOLE}/authorizations">Authorizations</a>: who holds which roles, external user grants included.</li>
  <li><a href="${CONSOLE}/explain">Explain access</a>: why a user can or cannot sign in to an app.</li>
</ul>`,
    );
  });
};

function describeResource(a: Administrator) {
  switch (a.resource.case) {
    case "instance":
      return "on the whole instance";
    case "organization":
      return html`of the organization <a href="${CONSOLE}/organizations/${a.resource.value.id}">${a.resource.value.name}</a>`;
    case "project":
      return html`of the project ${a.resource.value.name}`;
    case "projectGrant":
      return html`of the project ${a.resource.value.projectName}, granted to organization ${a.resource.value.grantedOrganizationId}`;
    default:
      return "";
  }
}
