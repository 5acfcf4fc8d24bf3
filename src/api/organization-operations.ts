// The OrganizationService's behaviour, once for every version (v2, v2beta, management v1): who may
// do what to an organization and its metadata, and which directory call does it. Takes plain inputs and returns
// directory rows; the version files (organization-service.ts, management-v1-orgs.ts) only
// translate messages.
import type { HandlerContext } from "@connectrpc/connect";
import { canManageOrganization, isIamOwner, scopeOf, type Principal } from "../access/permissions.js";
import { decideUserOperation, describeRole } from "../access/user-administration.js";
import { createAdministrator, findHeldRolesOfOrganizationUsers } from "../directory/administrators.js";
import { assertThat, failedPrecondition, invalidArgument, notFound, permissionDenied } from "../directory/errors.js";
import type { Page } from "../directory/list.js";
import * as metadata from "../directory/org-metadata.js";
import type { OrgMetadata } from "../directory/org-metadata.js";
import * as orgs from "../directory/organizations.js";
import type { MetadataEntry } from "../directory/user-metadata.js";
import { requireId, requireText } from "../directory/validate.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";

/** An administrator of a new organization as v2 and v2beta name it: an existing user, or a new human (not supported). */
export interface AdminRequest {
  userType: { case: "userId"; value: string } | { case: "human"; value: unknown } | { case: undefined; value?: undefined };
  roles: string[];
}

export type OrganizationOperations = ReturnType<typeof organizationOperations>;

export function organizationOperations(deps: ApiDeps) {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    /** Creates the organization and makes the named existing users its administrators. */
    async createOrganization(ctx: HandlerContext, input: { name: string; id?: string | undefined; admins: AdminRequest[] }) {
      const c = call(ctx);
      requireThat(isIamOwner(c.principal), "create organizations");
      const admins = input.admins.map((admin, i) => {
        if (admin.userType.case !== "userId") {
          throw invalidArgument(`admins[${i}]`, "only existing users (userId) can be made administrators of a new organization");
        }
        return { userId: admin.userType.value, roles: admin.roles.length ? admin.roles : ["ORG_OWNER"] };
      });
      const org = await orgs.createOrganization(c.dir, { name: input.name, id: input.id });
      try {
        for (const admin of admins) {
          await createAdministrator(c.dir, { userId: admin.userId, resource: { organizationId: org.id }, roles: admin.roles });
        }
      } catch (error) {
        // No half-created organization: take it back when an administrator cannot be added.
        await orgs.deleteOrganization(c.dir, org.id);
        throw error;
      }
      return { org, adminIds: admins.map((a) => a.userId) };
    },

    /** The organizations the caller may see (visibleIds), narrowed by the input's own ids. */
    listOrganizations(ctx: HandlerContext, input: orgs.ListOrganizationsInput): Promise<Page<orgs.Organization>> {
      const c = call(ctx);
      return orgs.listOrganizations(c.dir, { ...input, ids: intersect(input.ids, visibleIds(c.principal)) });
    },

    /** An organization the caller may see (visibleIds); any other is not found. */
    async getOrganization(ctx: HandlerContext, id: string): Promise<orgs.Organization> {
      const c = call(ctx);
      const org = await orgs.getOrganization(c.dir, id);
      if (!isVisible(c.principal, org.id)) throw notFound("organization", id);
      return org;
    },

    /** The organization with this primary domain (in any case), if the caller may see it. */
    async getOrganizationByDomain(ctx: HandlerContext, domain: string): Promise<orgs.Organization> {
      const c = call(ctx);
      const name = requireText("domain", domain, { max: 253 }).toLowerCase();
      const id = await orgs.getOrganizationIdByDomain(c.dir, name);
      if (!isVisible(c.principal, id)) throw notFound("organization", name);
      return orgs.getOrganization(c.dir, id);
    },

    /** Metadata is read and written by the organization's owners (and instance owners) only. */
    async setMetadata(ctx: HandlerContext, input: { orgId: string; metadata: MetadataEntry[] }): Promise<OrgMetadata[]> {
      const c = call(ctx);
      await manageableOrg(c, input.orgId);
      return metadata.setOrgMetadata(c.dir, input);
    },

    async listMetadata(ctx: HandlerContext, input: metadata.ListOrgMetadataInput): Promise<Page<OrgMetadata>> {
      const c = call(ctx);
      await manageableOrg(c, input.orgId);
      return metadata.listOrgMetadata(c.dir, input);
    },

    async getMetadata(ctx: HandlerContext, input: { orgId: string; key: string }): Promise<OrgMetadata> {
      const c = call(ctx);
      await manageableOrg(c, input.orgId);
      return metadata.getOrgMetadata(c.dir, input);
    },

    /** Keys the organization does not have are ignored. */
    async deleteMetadata(ctx: HandlerContext, input: { orgId: string; keys: string[] }): Promise<number> {
      const c = call(ctx);
      await manageableOrg(c, input.orgId);
      return metadata.deleteOrgMetadata(c.dir, input);
    },

    /** The id of the first organization created (ZITADEL's default organization); null when there is none. */
    findDefaultOrganizationId(ctx: HandlerContext): Promise<string | null> {
      return orgs.findDefaultOrganizationId(call(ctx).dir);
    },

    async updateOrganization(ctx: HandlerContext, input: { id: string; name: string }): Promise<orgs.Organization> {
      const c = call(ctx);
      await manageableOrg(c, input.id);
      return orgs.updateOrganization(c.dir, { id: input.id, name: input.name });
    },

    /** Idempotent: an unknown organization is no error. */
    async deleteOrganization(ctx: HandlerContext, idValue: string): Promise<void> {
      const c = call(ctx);
      const id = requireId("id", idValue);
      const existing = await orgs.findOrganization(c.dir, id);
      if (existing) {
        requireThat(canManageOrganization(c.principal, id), `delete organization ${id}`);
        // Deleting one's own organization would delete the caller (and, for the first
        // organization, the instance administrator) with it.
        assertThat(id !== c.principal.orgId, () => failedPrecondition("an administrator cannot delete the organization it belongs to"));
        await assertCoversMembers(c, id, "delete", "delete");
        await orgs.deleteOrganization(c.dir, id);
      }
    },

    async deactivateOrganization(ctx: HandlerContext, id: string): Promise<orgs.Organization> {
      const c = call(ctx);
      await manageableOrg(c, id);
      await assertCoversMembers(c, id, "state", "deactivate");
      return orgs.deactivateOrganization(c.dir, id);
    },

    async activateOrganization(ctx: HandlerContext, id: string): Promise<orgs.Organization> {
      const c = call(ctx);
      await manageableOrg(c, id);
      return orgs.activateOrganization(c.dir, id);
    },
  };
}

export function intersect(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.filter((id) => b.includes(id));
}

function isVisible(p: Principal, id: string): boolean {
  return visibleIds(p)?.includes(id) ?? true;
}

/** Instance owners see every organization; others those they administer, and their own. */
function visibleIds(p: Principal): string[] | undefined {
  if (isIamOwner(p)) return undefined;
  const scope = scopeOf(p);
  return [...new Set([...scope.userOrgIds, p.orgId])];
}

async function manageableOrg(c: Call, id: string) {
  const org = await orgs.getOrganization(c.dir, id);
  if (!canManageOrganization(c.principal, org.id)) {
    if (org.id !== c.principal.orgId) throw notFound("organization", id);
    requireThat(false, `change organization ${id}`);
  }
  return org;
}

/**
 * Deactivating or deleting an organization does that to its users: the caller's roles must cover
 * every administrator role they hold, as for changing each of them (an ORG_OWNER cannot take the
 * instance owner down with its organization).
 */
async function assertCoversMembers(c: Call, orgId: string, operation: "state" | "delete", what: string): Promise<void> {
  for (const [userId, roles] of await findHeldRolesOfOrganizationUsers(c.dir, orgId)) {
    const decision = decideUserOperation(c.principal, { userId, orgId, roles }, operation);
    if (decision.allowed) continue;
    const why =
      decision.reason === "holds_uncovered_role"
        ? `: its user ${userId} holds ${describeRole(decision.role)}, which your roles do not cover`
        : "";
    throw permissionDenied(`not allowed to ${what} organization ${orgId}${why}`);
  }
}
