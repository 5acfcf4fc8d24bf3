// The InternalPermissionService's behaviour, once for every version (v2beta, v2): who may change
// administrators where, and which directory call does it. Takes directory inputs and returns
// directory rows; the version files (internal-permission-service*.ts) only translate messages.
// Who may grant administrator roles on a resource (docs/rules.md#r-admin-3): only instance owners
// on the instance; an organization's owners on it, its projects and their grants; a project's
// owners on the project and its grants. On top, nobody hands out a role its own roles do not cover
// (coversRole, docs/rules.md#r-admin-4). Lists show what the caller administers, plus the caller's
// own roles (docs/rules.md#r-admin-2).
import type { HandlerContext } from "@connectrpc/connect";
import { canManageOrganization, canManageProject, isIamOwner, scopeOf, type Principal } from "../access/permissions.js";
import { coversRole, describeRole, type HeldRole } from "../access/user-administration.js";
import * as administrators from "../directory/administrators.js";
import { notFound, permissionDenied } from "../directory/errors.js";
import type { Page } from "../directory/list.js";
import { requireId } from "../directory/validate.js";
import { callOf, requireThat, type ApiDeps, type Call, contextOrganization } from "./context.js";

export type InternalPermissionOperations = ReturnType<typeof internalPermissionOperations>;

export interface InternalPermissionOperationsOptions {
  /**
   * v1 works within one organization, the `x-zitadel-orgid` header's or else the caller's own
   * (docs/rules.md#r-admin-6): an organization other than it, or a project (or grant of a project)
   * of another organization, is not found there, even for an instance owner; removals leave it alone.
   */
  withinContextOrganization?: boolean;
}

export function internalPermissionOperations(
  deps: ApiDeps,
  { withinContextOrganization = false }: InternalPermissionOperationsOptions = {},
) {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);

  /** Whether the resource is the request organization, or a project (or grant) of it; always true outside v1. */
  async function inContext(c: Call, ref: administrators.ResourceRef): Promise<boolean> {
    if (!withinContextOrganization) return true;
    if (ref.instance) return true;
    if (ref.organizationId !== undefined) return ref.organizationId === contextOrganization(c);
    const owners = await administrators.findResourceOwners(c.dir, ref);
    return owners?.project.orgId === contextOrganization(c);
  }
  const requireInContext = async (c: Call, ref: administrators.ResourceRef) => {
    if (!(await inContext(c, ref))) throw notFound(describeResource(ref), resourceIdOf(ref));
  };

  return {
    listAdministrators(
      ctx: HandlerContext,
      input: Omit<administrators.ListAdministratorsInput, "visibleTo">,
    ): Promise<Page<administrators.AdministratorRow>> {
      const c = call(ctx);
      return administrators.listAdministrators(c.dir, { ...input, visibleTo: visibilityOf(c.principal) });
    },

    /** The administrators of one resource (v1's members), which must be in the request's organization. */
    async listAdministratorsOf(
      ctx: HandlerContext,
      ref: administrators.ResourceRef,
      input: Omit<administrators.ListAdministratorsInput, "visibleTo">,
    ): Promise<Page<administrators.AdministratorRow>> {
      const c = call(ctx);
      await requireInContext(c, ref);
      const filter: administrators.AdministratorFilter = ref.instance
        ? { resource: "INSTANCE" }
        : ref.organizationId !== undefined
          ? { resource: "ORGANIZATION", resourceId: ref.organizationId }
          : ref.projectId !== undefined
            ? { resource: "PROJECT", resourceId: ref.projectId }
            : { resource: "PROJECT_GRANT", resourceId: ref.projectGrant?.projectGrantId ?? "" };
      return administrators.listAdministrators(c.dir, {
        ...input,
        filters: [...(input.filters ?? []), filter],
        visibleTo: visibilityOf(c.principal),
      });
    },

    async createAdministrator(ctx: HandlerContext, input: administrators.AdministratorInput): Promise<administrators.Administrator> {
      const c = call(ctx);
      await requireInContext(c, input.resource);
      await requireAdministratorRights(c, input.resource, "create", input.roles);
      return administrators.createAdministrator(c.dir, input);
    },

    async updateAdministrator(ctx: HandlerContext, input: administrators.AdministratorInput): Promise<administrators.Administrator> {
      const c = call(ctx);
      await requireInContext(c, input.resource);
      await requireAdministratorRights(c, input.resource, "update", input.roles);
      return administrators.updateAdministrator(c.dir, input);
    },

    /** Idempotent: false when the user held no roles on the resource. */
    async deleteAdministrator(ctx: HandlerContext, input: Omit<administrators.AdministratorInput, "roles">): Promise<boolean> {
      const c = call(ctx);
      if (!(await inContext(c, input.resource))) return false;
      await requireAdministratorRights(c, input.resource, "delete");
      return administrators.deleteAdministrator(c.dir, input);
    },
  };
}

/**
 * Refuses (permission_denied) a change of administrators on a resource the caller does not manage,
 * or one that hands out a role the caller's roles do not cover. Unknown projects and grants pass:
 * the directory answers for them (not found, or an idempotent delete). Roles that do not belong on
 * the resource are left to the directory too (invalid_argument).
 */
async function requireAdministratorRights(c: Call, ref: administrators.ResourceRef, what: string, roles: string[] = []): Promise<void> {
  const p = c.principal;
  let held: (role: string) => HeldRole | undefined;
  if (ref.instance) {
    requireThat(isIamOwner(p), `${what} instance administrators`);
    held = (role) => (role === "IAM_OWNER" ? { role } : undefined);
  } else if (ref.organizationId !== undefined) {
    const orgId = requireId("resource.organizationId", ref.organizationId);
    requireThat(canManageOrganization(p, orgId), `${what} administrators of organization ${orgId}`);
    held = (role) => (role === "ORG_OWNER" || role === "ORG_USER_MANAGER" ? { role, orgId } : undefined);
  } else {
    // A project, or a grant of one: its administrators decide.
    const owners = await administrators.findResourceOwners(c.dir, ref);
    if (!owners) return;
    const { project, grant } = owners;
    requireThat(canManageProject(p, project), `${what} administrators of ${grant ? `project grant ${grant.id}` : `project ${project.id}`}`);
    held = (role) =>
      role === "PROJECT_OWNER" && !grant
        ? { role, project }
        : role === "PROJECT_GRANT_OWNER" && grant
          ? { role, project, grant }
          : undefined;
  }
  // The resource checks above are stricter than coverage today; this keeps the rule explicit
  // should they ever widen.
  for (const role of roles) {
    const h = held(role);
    if (h && !coversRole(p, h)) throw permissionDenied(`not allowed to hand out ${describeRole(h)}: your roles do not cover it`);
  }
}

function describeResource(ref: administrators.ResourceRef): string {
  return ref.organizationId !== undefined ? "organization" : ref.projectId !== undefined ? "project" : "project grant";
}

function resourceIdOf(ref: administrators.ResourceRef): string {
  return ref.organizationId ?? ref.projectId ?? `${ref.projectGrant?.projectGrantId} of project ${ref.projectGrant?.projectId}`;
}

/** What a caller may see: everything (instance owners); otherwise what its memberships reach, and its own roles. */
function visibilityOf(p: Principal): administrators.AdministratorVisibility | undefined {
  const scope = scopeOf(p);
  if (scope.all) return undefined;
  return { userId: p.userId, orgIds: scope.orgIds, projectIds: scope.projectIds, grantIds: scope.grantIds };
}
