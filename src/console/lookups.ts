// Reads the screens share, through the API like everything else: an organization by id, and the
// names of organizations the signed-in user may see (others keep no name).
import type { Organization } from "@zitadel/proto/zitadel/org/v2/org_pb.js";
import type { ConsoleApi } from "./api.js";

/** At most this many organizations are looked up by name for one page. */
const NAME_LOOKUPS = 50;

/** The organization with this id, if the signed-in user may see it. */
export async function findOrganization(api: ConsoleApi, id: string): Promise<Organization | undefined> {
  const { result } = await api.organizations.listOrganizations({
    query: { limit: 1 },
    queries: [{ query: { case: "idQuery", value: { id } } }],
  });
  return result[0];
}

/** Names of organizations by id: those already known, then the others the caller may see. */
export async function organizationNames(
  api: ConsoleApi,
  ids: Iterable<string>,
  known = new Map<string, string>(),
): Promise<Map<string, string>> {
  const names = new Map(known);
  const missing = [...new Set(ids)].filter((id) => id && !names.has(id)).slice(0, NAME_LOOKUPS);
  for (const org of await Promise.all(missing.map((id) => findOrganization(api, id)))) if (org) names.set(org.id, org.name);
  return names;
}
