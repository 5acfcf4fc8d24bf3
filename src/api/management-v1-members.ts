// zitadel.management.v1 members: the administrators of the request's organization, of its projects
// and of their grants, mapped onto the InternalPermissionService's operations
// (internal-permission-operations.ts), within the request's organization (docs/rules.md#r-admin-6).
// v1 names a project grant by its id; ZITADEL's roles that rolegate does not have are refused
// (invalid_argument naming the role); the *MemberRoles methods list those rolegate has.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import type { SearchQuery } from "@zitadel/proto/zitadel/member_pb.js";
import type { MembershipQuery } from "@zitadel/proto/zitadel/user_pb.js";
import * as administrators from "../directory/administrators.js";
import { callOf, type ApiDeps, contextOrganization } from "./context.js";
import { displayNameOf, textFilter } from "./convert.js";
import { internalPermissionOperations } from "./internal-permission-operations.js";

import { changed, details, listDetails, listQuery } from "./v1-messages.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;
type Row = administrators.AdministratorRow;

const USER_TYPE = { HUMAN: 1, MACHINE: 2 } as const;

function toMember(row: Row, resourceOwner: string) {
  return {
    userId: row.userId,
    details: details(row, resourceOwner),
    roles: row.roles,
    preferredLoginName: row.user.username,
    email: row.user.email ?? "",
    firstName: row.user.givenName ?? "",
    lastName: row.user.familyName ?? "",
    displayName: displayNameOf(row.user),
    avatarUrl: "",
    userType: USER_TYPE[row.user.type],
    userResourceOwner: row.user.orgId,
  };
}

/** v1's Membership: the resource by id, named by displayName. */
function toMembership(row: Row) {
  const on = row.org
    ? { type: { case: "orgId" as const, value: row.org.id }, displayName: row.org.name, owner: row.org.id }
    : row.project
      ? { type: { case: "projectId" as const, value: row.project.id }, displayName: row.project.name, owner: row.project.orgId }
      : row.projectGrant
        ? {
            type: { case: "projectGrantId" as const, value: row.projectGrant.id },
            displayName: row.projectGrant.project.name,
            owner: row.projectGrant.project.orgId,
          }
        : { type: { case: "iam" as const, value: true }, displayName: "", owner: "" };
  return { userId: row.userId, details: details(row, on.owner), roles: row.roles, displayName: on.displayName, type: on.type };
}

function readMemberQueries(queries: SearchQuery[]): administrators.AdministratorFilter {
  const filter: administrators.AdministratorFilter = {};
  for (const { query } of queries) {
    if (query.case === "firstNameQuery") filter.userGivenName = textFilter("firstNameQuery", query.value.firstName, query.value.method);
    if (query.case === "lastNameQuery") filter.userFamilyName = textFilter("lastNameQuery", query.value.lastName, query.value.method);
    if (query.case === "emailQuery") filter.userEmail = textFilter("emailQuery", query.value.email, query.value.method);
    if (query.case === "userIdQuery") filter.userId = query.value.userId;
  }
  return filter;
}

function readMembershipQuery({ query }: MembershipQuery): administrators.AdministratorFilter {
  switch (query.case) {
    case "orgQuery":
      return { resource: "ORGANIZATION", resourceId: query.value.orgId };
    case "projectQuery":
      return { resource: "PROJECT", resourceId: query.value.projectId };
    case "projectGrantQuery":
      return { resource: "PROJECT_GRANT", resourceId: query.value.projectGrantId };
    case "iamQuery":
      return query.value.iam ? { resource: "INSTANCE" } : {};
    default:
      return {};
  }
}

export function managementV1Members(deps: ApiDeps): Impl {
  const ops = internalPermissionOperations(deps, { withinContextOrganization: true });
  const orgOf = (ctx: HandlerContext) => contextOrganization(callOf(deps, ctx));
  const roleList = (resource: keyof typeof administrators.ROLES_BY_RESOURCE) => {
    const result = [...administrators.ROLES_BY_RESOURCE[resource]];
    return { details: { totalResult: BigInt(result.length), processedSequence: 0n }, result };
  };
  const grant = (req: { projectId: string; grantId: string }) => ({
    projectGrant: { projectId: req.projectId, projectGrantId: req.grantId },
  });

  /** The four member methods of one kind of resource, given how a request names it. */
  function members<R>(resourceOf: (req: R, ctx: HandlerContext) => administrators.ResourceRef) {
    return {
      async list(
        req: R & { query?: { offset: bigint; limit: number; asc: boolean } | undefined; queries: SearchQuery[] },
        ctx: HandlerContext,
      ) {
        const page = await ops.listAdministratorsOf(ctx, resourceOf(req, ctx), {
          ...readMemberQueries(req.queries),
          pagination: listQuery(req.query),
        });
        const org = orgOf(ctx);
        return { details: listDetails(page), result: page.items.map((row) => toMember(row, org)) };
      },
      async add(req: R & { userId: string; roles: string[] }, ctx: HandlerContext) {
        const admin = await ops.createAdministrator(ctx, { userId: req.userId, resource: resourceOf(req, ctx), roles: req.roles });
        return { details: details(admin, orgOf(ctx)) };
      },
      async update(req: R & { userId: string; roles: string[] }, ctx: HandlerContext) {
        const admin = await ops.updateAdministrator(ctx, { userId: req.userId, resource: resourceOf(req, ctx), roles: req.roles });
        return { details: details(admin, orgOf(ctx)) };
      },
      /** Idempotent: a member already gone is no error. */
      async remove(req: R & { userId: string }, ctx: HandlerContext) {
        await ops.deleteAdministrator(ctx, { userId: req.userId, resource: resourceOf(req, ctx) });
        return { details: changed(orgOf(ctx)) };
      },
    };
  }
  const orgMembers = members((_req: object, ctx) => ({ organizationId: orgOf(ctx) }));
  const projectMembers = members((req: { projectId: string }) => ({ projectId: req.projectId }));
  const grantMembers = members((req: { projectId: string; grantId: string }) => grant(req));

  return {
    async listOrgMemberRoles() {
      return { result: roleList("ORGANIZATION").result };
    },
    listOrgMembers: orgMembers.list,
    addOrgMember: orgMembers.add,
    updateOrgMember: orgMembers.update,
    removeOrgMember: orgMembers.remove,

    async listProjectMemberRoles() {
      return roleList("PROJECT");
    },
    listProjectMembers: projectMembers.list,
    addProjectMember: projectMembers.add,
    updateProjectMember: projectMembers.update,
    removeProjectMember: projectMembers.remove,

    async listProjectGrantMemberRoles() {
      return roleList("PROJECT_GRANT");
    },
    listProjectGrantMembers: grantMembers.list,
    addProjectGrantMember: grantMembers.add,
    updateProjectGrantMember: grantMembers.update,
    removeProjectGrantMember: grantMembers.remove,

    /** The memberships of a user of the request's organization that the caller may see. */
    async listUserMemberships(req, ctx) {
      const page = await ops.listAdministrators(ctx, {
        userId: req.userId,
        userOrganizationId: orgOf(ctx),
        filters: req.queries.map(readMembershipQuery),
        pagination: listQuery(req.query),
      });
      return { details: listDetails(page), result: page.items.map(toMembership) };
    },
  };
}
