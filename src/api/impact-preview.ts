// rolegate.access.v1.AccessService/PreviewImpact (docs/rules.md#r-impact-1): who would lose access,
// roles or apps if a change were made. The change is made for real, by the same operation the
// management API runs for it (permission checks, cascades, audit entries), inside a transaction
// that is rolled back (src/directory/impact.ts); before and after, each affected user's access is
// decided by the sign-in policy's own code (src/access/impact.ts). Nothing here decides access.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { holdingOf, type Holding, lossBetween, NOTHING } from "../access/impact.js";
import { canManageProject } from "../access/permissions.js";
import { decideUserOperation } from "../access/user-administration.js";
import { loadAccessMatrix, type UserOnProject } from "../directory/access-snapshots.js";
import { failedPrecondition, invalidArgument, notFound } from "../directory/errors.js";
import { availableApps, describeImpact, dryRun, type ImpactScope, impactPairs, MAX_IMPACT_PAIRS } from "../directory/impact.js";
import type { Tx } from "../directory/context.js";
import { requireId } from "../directory/validate.js";
import type { PreviewImpactRequest, PreviewImpactResponseSchema } from "../generated/proto/rolegate/access/v1/access_service_pb.js";
import { appOperations } from "./app-operations.js";
import { authorizationOperations } from "./authorization-operations.js";
import { type ApiDeps, callOf } from "./context.js";
import { organizationOperations } from "./organization-operations.js";
import { projectOperations } from "./project-operations.js";
import { userOperations } from "./user-operations.js";

type Response = MessageInitShape<typeof PreviewImpactResponseSchema>;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** What to compare, and the change itself (run by the API's own operation). */
interface Plan {
  scope: ImpactScope;
  perform(): Promise<unknown>;
}

export function impactPreview(deps: ApiDeps) {
  return async function previewImpact(req: PreviewImpactRequest, ctx: HandlerContext): Promise<Response> {
    const limit = req.limit === 0 ? DEFAULT_LIMIT : req.limit;
    if (limit > MAX_LIMIT) throw invalidArgument("limit", `at most ${MAX_LIMIT}`);
    if (!req.change.case) throw invalidArgument("change", "name the change to preview");
    const { principal } = callOf(deps, ctx);
    return dryRun(deps.prisma, async (dry, tx) => {
      // The operations on the dry run's client; nothing is announced to the caches.
      const plan = await planOf(req.change, tx, { ...deps, prisma: dry, directoryChanged: undefined, keysChanged: undefined }, ctx);
      // The change is tried first and undone to a savepoint: a caller who may not make it gets its
      // error before anything is read for them.
      await tx.$executeRawUnsafe("SAVEPOINT before_change");
      await plan.perform();
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT before_change");
      const pairs = await impactPairs(tx, plan.scope);
      if (pairs.length > MAX_IMPACT_PAIRS) {
        throw failedPrecondition(`this change reaches more than ${MAX_IMPACT_PAIRS} user × project pairs: too many to preview`);
      }
      const before = await holdings(tx, pairs);
      await plan.perform();
      // Who holds nothing before has nothing to lose: only the others are read again.
      const after = await holdings(
        tx,
        pairs.filter(({ userId, projectId }) => before.byPair.get(`${userId}\n${projectId}`) !== NOTHING),
      );
      // Names as they were: a deleted user is still named, and read rights are judged before the change.
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT before_change");
      const losses = pairs.flatMap(({ userId, projectId }) => {
        const key = `${userId}\n${projectId}`;
        const loss = lossBetween(before.byPair.get(key) ?? NOTHING, after.byPair.get(key) ?? NOTHING);
        return loss ? [{ userId, projectId, ...loss }] : [];
      });
      const page = losses.slice(req.offset, req.offset + limit);
      const names = await describeImpact(
        tx,
        page.map((l) => l.userId),
        page.map((l) => l.projectId),
      );
      const apps = new Map(before.apps.map((a) => [a.id, a]));
      return {
        affectedUsers: new Set(losses.map((l) => l.userId)).size,
        usersLosingAccess: new Set(losses.filter((l) => l.losesAccess).map((l) => l.userId)).size,
        totalEntries: losses.length,
        entries: page.map((l) => {
          // Counted for everyone, named only for the caller's eyes: a user the caller may not read,
          // or a project it does not manage, stays anonymous (another tenant's data).
          const found = names.users.get(l.userId);
          const readable = found && decideUserOperation(principal, { userId: found.id, orgId: found.orgId, roles: [] }, "read").allowed;
          const user = readable ? found : undefined;
          const project = names.projects.get(l.projectId);
          const shown = project && canManageProject(principal, project) ? project : undefined;
          return {
            userId: user?.id ?? "",
            loginName: user?.loginName ?? "",
            displayName: user?.displayName ?? "a user of another organization",
            organizationId: user?.orgId ?? "",
            organizationName: user?.orgName ?? "",
            projectId: shown?.id ?? "",
            projectName: shown?.name ?? "a project of another organization",
            losesAccess: l.losesAccess,
            // Another tenant's project keeps its roles and apps to itself.
            lostRoles: shown ? l.lostRoles : [],
            lostApps: (shown ? l.lostApps : []).map((id) => {
              const app = apps.get(id);
              return { applicationId: id, name: app?.name ?? "", clientId: app?.clientId ?? "" };
            }),
          };
        }),
      };
    });
  };
}

/** Each pair's holding, by "user\nproject", and the apps available at the time. */
async function holdings(tx: Tx, pairs: UserOnProject[]) {
  const projectIds = [...new Set(pairs.map((p) => p.projectId))];
  const [matrix, apps] = await Promise.all([loadAccessMatrix(tx, pairs), availableApps(tx, projectIds)]);
  const appsOf = new Map<string, string[]>();
  for (const app of apps) appsOf.set(app.projectId, [...(appsOf.get(app.projectId) ?? []), app.id]);
  const byPair = new Map<string, Holding>();
  for (const { userId, projectId } of pairs) {
    const available = appsOf.get(projectId) ?? [];
    byPair.set(`${userId}\n${projectId}`, holdingOf(matrix.get(userId)?.get(projectId), available));
  }
  return { byPair, apps };
}

async function planOf(change: PreviewImpactRequest["change"], tx: Tx, deps: ApiDeps, ctx: HandlerContext): Promise<Plan> {
  const projects = () => projectOperations(deps, { projectIdField: "projectId" });
  const project = (id: string) => ({ projectIds: [requireId("projectId", id)] });
  switch (change.case) {
    case "removeProjectRole":
      return { scope: project(change.value.projectId), perform: () => projects().removeProjectRole(ctx, change.value) };
    case "updateProjectGrant":
      return { scope: project(change.value.projectId), perform: () => projects().updateProjectGrant(ctx, change.value) };
    case "deactivateProjectGrant":
      return { scope: project(change.value.projectId), perform: () => projects().deactivateProjectGrant(ctx, change.value) };
    case "deleteProjectGrant":
      return { scope: project(change.value.projectId), perform: () => projects().deleteProjectGrant(ctx, change.value) };
    case "deactivateProject":
      return { scope: project(change.value), perform: () => projects().deactivateProject(ctx, change.value) };
    case "deleteProject":
      return { scope: project(change.value), perform: () => projects().deleteProject(ctx, change.value) };
    case "deactivateApplication":
    case "deleteApplication": {
      const id = requireId("applicationId", change.value);
      const app = await tx.application.findUnique({ where: { id }, select: { projectId: true } });
      if (!app) throw notFound("application", id);
      const ops = appOperations(deps, {
        fields: { app: { id: "applicationId" }, create: {}, update: {}, newKey: {}, key: { id: "keyId" } },
      });
      const ref = { projectId: app.projectId, id };
      return {
        scope: { projectIds: [app.projectId] },
        perform: () => (change.case === "deleteApplication" ? ops.deleteApplication(ctx, ref) : ops.deactivateApplication(ctx, ref)),
      };
    }
    case "deactivateOrganization":
    case "deleteOrganization": {
      const id = requireId("organizationId", change.value);
      // Its projects (everyone who uses them), and its users (every project they use).
      const owned = await tx.project.findMany({ where: { orgId: id }, select: { id: true } });
      const ops = organizationOperations(deps);
      return {
        scope: { projectIds: owned.map((p) => p.id), orgIds: [id] },
        perform: () => (change.case === "deleteOrganization" ? ops.deleteOrganization(ctx, id) : ops.deactivateOrganization(ctx, id)),
      };
    }
    case "deactivateAuthorization":
    case "deleteAuthorization":
    case "updateAuthorization": {
      const id = requireId("id", change.case === "updateAuthorization" ? change.value.id : change.value);
      const row = await tx.authorization.findUnique({ where: { id }, select: { userId: true, projectId: true } });
      if (!row) throw notFound("authorization", id);
      const ops = authorizationOperations(deps);
      // The user's projects: this one among them (the user holds an authorization on it).
      const scope = { userIds: [row.userId] };
      if (change.case === "updateAuthorization") return { scope, perform: () => ops.updateAuthorization(ctx, change.value) };
      return {
        scope,
        perform: () => (change.case === "deleteAuthorization" ? ops.deleteAuthorization(ctx, id) : ops.deactivateAuthorization(ctx, id)),
      };
    }
    case "deactivateUser":
    case "lockUser":
    case "deleteUser": {
      const id = requireId("userId", change.value);
      const ops = userOperations(deps);
      const perform = { deactivateUser: ops.deactivateUser, lockUser: ops.lockUser, deleteUser: ops.deleteUser }[change.case];
      return { scope: { userIds: [id] }, perform: () => perform(ctx, id) };
    }
    default:
      throw invalidArgument("change", "name the change to preview");
  }
}
