// "Granted to us": the projects other organizations granted to one of the caller's organizations,
// with the role keys granted and the grant's state: what that organization's administrators may
// assign. Which grants the caller sees is the API's decision (ListProjectGrants, narrowed to the
// caller's memberships); the page only picks the granted organization.
import { organizationNames } from "../lookups.js";
import { ConnectError } from "@connectrpc/connect";
import { TextFilterMethod } from "../../generated/proto/zitadel/filter/v2/filter_pb.js";
import { ProjectGrantFieldName, ProjectGrantState } from "../../generated/proto/zitadel/project/v2/query_pb.js";
import type { ConsoleApi } from "../api.js";
import { html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { Screen } from "../screen.js";
import { pager, readListing, searchForm } from "../ui.js";
import { GRANT_STATES, organizationLabel, organizationOptions, projectPath, visibleOrganizations } from "./project-common.js";
import { inOrganization } from "./org-context.js";

const BASE = `${CONSOLE}/granted`;

export const grantedProjects: Screen = (router) => {
  router.get("/granted", async (ctx) => {
    const { api, session, page } = ctx.state.console;
    const listing = readListing(ctx.query);
    const orgs = await visibleOrganizations(api);
    const asked = typeof ctx.query.org === "string" ? ctx.query.org.trim() : "";
    const org = asked || (await ownOrganization(api, session.userId)) || orgs[0]?.id || "";
    const select = html`<div><label for="org">Granted organization</label><select id="org" name="org">${organizationOptions(orgs, org)}</select></div>`;
    const response = org
      ? await api.projects.listProjectGrants({
          pagination: { offset: listing.offset, limit: listing.limit, asc: true },
          sortingColumn: ProjectGrantFieldName.CREATION_DATE,
          filters: [
            { filter: { case: "grantedOrganizationIdFilter", value: { id: org } } },
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
          ],
        })
      : undefined;
    const grants = response?.projectGrants ?? [];
    const owners = await organizationNames(
      api,
      grants.map((g) => g.organizationId),
    );
    // The granted organization's administrators may not see the owner itself; v1's granted projects carry its name.
    for (const [id, name] of await ownerNamesOfGrants(
      api,
      org,
      grants.map((g) => g.organizationId).filter((id) => !owners.has(id)),
    ))
      owners.set(id, name);
    const total = Number(response?.pagination?.totalResult ?? 0);
    const rows = grants.map(
      (g) => html`<tr>
  <td data-label="Project"><a href="${projectPath(g.projectId)}">${g.projectName}</a></td>
  <td data-label="Granted by">${organizationLabel(owners, g.organizationId)}</td>
  <td data-label="Roles you may assign">${g.grantedRoleKeys.length ? g.grantedRoleKeys.map((k, i) => html`${i ? ", " : ""}<code>${k}</code>`) : html`<span class="muted">none</span>`}</td>
  <td data-label="Grant state">${GRANT_STATES[g.state]}${g.state === ProjectGrantState.INACTIVE ? html`<br><span class="muted">its authorizations count for nothing</span>` : ""}</td>
</tr>`,
    );
    const grantedName = orgs.find((o) => o.id === org)?.name ?? grants[0]?.grantedOrganizationName ?? (org ? `organization ${org}` : "");
    page(
      "Granted to us",
      "/granted",
      html`<h1>Granted to us</h1>
<p>Projects other organizations share with ${grantedName || "your organization"}: its administrators may give its users the roles listed, while the grant is active.</p>
${searchForm(BASE, listing, "Search by project name", select)}
<table class="responsive">
<thead><tr><th scope="col">Project</th><th scope="col">Granted by</th><th scope="col">Roles you may assign</th><th scope="col">Grant state</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${pager(BASE, listing, total, org ? { org } : {})}`,
    );
  });
};

/**
 * The names of the organizations that granted projects to `org`, as management v1's granted
 * projects (in `org`'s context) carry them: one look-up per owner, for those the caller cannot list.
 */
async function ownerNamesOfGrants(api: ConsoleApi, org: string, ownerIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    [...new Set(ownerIds)].map(async (owner) => {
      try {
        const { result } = await api.management.listGrantedProjects(
          { query: { limit: 1 }, queries: [{ query: { case: "projectResourceOwnerQuery", value: { resourceOwner: owner } } }] },
          inOrganization(org),
        );
        if (result[0]?.projectOwnerName) names.set(owner, result[0].projectOwnerName);
      } catch (error) {
        // Refused: the page shows the owner by id, as before.
        if (!(error instanceof ConnectError)) throw error;
      }
    }),
  );
  return names;
}

/** The signed-in user's own organization, if the API shows the user to itself. */
async function ownOrganization(api: ConsoleApi, userId: string): Promise<string | undefined> {
  try {
    return (await api.users.getUserByID({ userId })).details?.resourceOwner;
  } catch (error) {
    if (error instanceof ConnectError) return undefined;
    throw error;
  }
}
