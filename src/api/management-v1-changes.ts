// zitadel.management.v1 change lists, read from the audit log (docs/rules.md#r-audit-2): a
// project's (with its roles), a project grant's, an app's (with its keys), a user's and the
// request organization's. Each list needs the right to read the resource it is about.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ChangeQuery } from "@zitadel/proto/zitadel/change_pb.js";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import { canManageOrganization, canManageUsers } from "../access/permissions.js";
import { type AuditSubject, type AuditView, listAuditEntries } from "../directory/audit-log.js";
import { notFound } from "../directory/errors.js";
import { requireId } from "../directory/validate.js";
import { callOf, requireThat, type ApiDeps, contextOrganization } from "./context.js";
import { displayNameOf, ts } from "./convert.js";
import { projectOperations } from "./project-operations.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;

function toChange(entry: AuditView, resourceOwnerId: string) {
  return {
    changeDate: ts(entry.at),
    eventType: { key: entry.action, localizedMessage: entry.action },
    sequence: BigInt(entry.id),
    editorId: entry.actorId,
    editorDisplayName: entry.actor ? displayNameOf(entry.actor) : entry.actorId,
    resourceOwnerId,
    editorPreferredLoginName: entry.actor?.username ?? "",
    editorAvatarUrl: "",
  };
}

export function managementV1Changes(deps: ApiDeps): Impl {
  const ops = projectOperations(deps, { projectIdField: "projectId", withinContextOrganization: true });
  async function changes(ctx: HandlerContext, subject: AuditSubject, query: ChangeQuery | undefined, resourceOwner: string) {
    const c = callOf(deps, ctx);
    const entries = await listAuditEntries(c.dir, { subject, sequence: query?.sequence, limit: query?.limit, asc: query?.asc });
    return { result: entries.map((e) => toChange(e, resourceOwner)) };
  }

  return {
    async listProjectChanges(req, ctx) {
      const project = await ops.manageableProject(ctx, req.projectId);
      const subject = { targetType: "project", targetId: project.id, members: [{ targetType: "projectGrant", field: "projectId" }] };
      return changes(ctx, subject, req.query, project.orgId);
    },
    async listProjectGrantChanges(req, ctx) {
      const project = await ops.manageableProject(ctx, req.projectId);
      if (!(await ops.grantById(ctx, req))) throw notFound("project grant", req.grantId);
      return changes(ctx, { targetType: "projectGrant", targetId: req.grantId }, req.query, project.orgId);
    },
    async listAppChanges(req, ctx) {
      const project = await ops.manageableProject(ctx, req.projectId);
      const app = await deps.prisma.application.findFirst({ where: { id: requireId("appId", req.appId), projectId: project.id } });
      if (!app) throw notFound("application", req.appId);
      const subject = { targetType: "application", targetId: app.id, members: [{ targetType: "application_key", field: "applicationId" }] };
      return changes(ctx, subject, req.query, project.orgId);
    },
    async listUserChanges(req, ctx) {
      const c = callOf(deps, ctx);
      const user = await deps.prisma.user.findUnique({ where: { id: requireId("userId", req.userId) }, select: { id: true, orgId: true } });
      // Users of another organization than the request's are not found, as everywhere in v1.
      if (!user || user.orgId !== contextOrganization(c)) throw notFound("user", req.userId);
      requireThat(user.id === c.principal.userId || canManageUsers(c.principal, user.orgId), `read the changes of user ${user.id}`);
      return changes(ctx, { targetType: "user", targetId: user.id }, req.query, user.orgId);
    },
    async listOrgChanges(req, ctx) {
      const c = callOf(deps, ctx);
      const orgId = contextOrganization(c);
      requireThat(canManageOrganization(c.principal, orgId), `read the changes of organization ${orgId}`);
      return changes(ctx, { targetType: "organization", targetId: orgId }, req.query, orgId);
    },
  };
}
