// Reads the screens share, through the API like everything else: an organization by id, and the
// names of organizations the signed-in user may see (others keep no name).
import { TextQueryMethod } from "@zitadel/proto/zitadel/object/v2/object_pb.js";
import type { Organization } from "@zitadel/proto/zitadel/org/v2/org_pb.js";
import type { ConsoleApi } from "./api.js";
import type { Listing } from "./ui.js";

/** At most this many organizations are looked up by name for one page. */
const NAME_LOOKUPS = 50;
/** The organizations one page of names reads. */
const NAMES_PAGE = 200;

/** The organization with this id, if the signed-in user may see it. */
export async function findOrganization(api: ConsoleApi, id: string): Promise<Organization | undefined> {
  const { result } = await api.organizations.listOrganizations({
    query: { limit: 1 },
    queries: [{ query: { case: "idQuery", value: { id } } }],
  });
  return result[0];
}

/** One page of the organizations the signed-in user may see, their names searched for the listing's `q`. */
export function searchOrganizations(api: ConsoleApi, listing: Listing) {
  return api.organizations.listOrganizations({
    query: { offset: listing.offset, limit: listing.limit, asc: true },
    queries: listing.q ? [{ query: { case: "nameQuery", value: { name: listing.q, method: TextQueryMethod.CONTAINS_IGNORE_CASE } } }] : [],
  });
}

/**
 * Names of organizations by id: those already known, then the others the caller may see. A list
 * names several: one page of the organizations the caller sees covers them on most instances (one
 * API call instead of one per organization; the bench case (console) measures it), and any still
 * missing are looked up one by one.
 */
export async function organizationNames(
  api: ConsoleApi,
  ids: Iterable<string>,
  known = new Map<string, string>(),
): Promise<Map<string, string>> {
  const names = new Map(known);
  let missing = [...new Set(ids)].filter((id) => id && !names.has(id));
  if (missing.length > 1) {
    const wanted = new Set(missing);
    const { result } = await api.organizations.listOrganizations({ query: { limit: NAMES_PAGE } });
    for (const org of result) if (wanted.has(org.id)) names.set(org.id, org.name);
    missing = missing.filter((id) => !names.has(id));
  }
  const looked = await Promise.all(missing.slice(0, NAME_LOOKUPS).map((id) => findOrganization(api, id)));
  for (const org of looked) if (org) names.set(org.id, org.name);
  return names;
}
