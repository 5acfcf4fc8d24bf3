// zitadel.admin.v1.AdminService: ListEvents, the instance's audit log (docs/rules.md#r-audit-2),
// for instance administrators only. Each audit entry is an event: its action the event type, its
// target the aggregate, its before and after states the payload (never a secret: R-AUDIT-1).
import type { JsonObject } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@zitadel/proto/zitadel/admin_pb.js";
import { isIamOwner } from "../access/permissions.js";
import { type AuditView, listAuditEntries } from "../directory/audit-log.js";
import { invalidArgument } from "../directory/errors.js";
import { callOf, requireThat, type ApiDeps } from "./context.js";
import { displayNameOf, ts } from "./convert.js";

const localized = (key: string) => ({ key, localizedMessage: key });

function toEvent(entry: AuditView) {
  return {
    editor: { userId: entry.actorId, displayName: entry.actor ? displayNameOf(entry.actor) : entry.actorId, service: "management" },
    aggregate: { id: entry.targetId, type: { type: entry.targetType, localized: localized(entry.targetType) }, resourceOwner: "" },
    sequence: BigInt(entry.id),
    creationDate: ts(entry.at),
    // Prisma's JSON and protobuf's Struct are both plain JSON values.
    payload: { before: entry.before ?? null, after: entry.after ?? null } as JsonObject,
    type: { type: entry.action, localized: localized(entry.action) },
  };
}

export function adminService(deps: ApiDeps): Partial<ServiceImpl<typeof AdminService>> {
  return {
    async listEvents(req, ctx) {
      const c = callOf(deps, ctx);
      requireThat(isIamOwner(c.principal), "read the instance's events");
      // Audit entries carry no resource owner: a filter on it could only be ignored, so it is refused.
      if (req.resourceOwner) throw invalidArgument("resourceOwner", "is not supported; filter by aggregateId");
      const range = req.creationDateFilter.case === "range" ? req.creationDateFilter.value : undefined;
      const since = req.creationDateFilter.case === "from" ? req.creationDateFilter.value : (range?.since ?? req.creationDate);
      const entries = await listAuditEntries(c.dir, {
        sequence: req.sequence,
        limit: req.limit,
        asc: req.asc,
        actorId: req.editorUserId || undefined,
        actions: req.eventTypes,
        targetId: req.aggregateId || undefined,
        targetTypes: req.aggregateTypes,
        from: since ? timestampDate(since) : undefined,
        to: range?.until ? timestampDate(range.until) : undefined,
      });
      return { events: entries.map(toEvent) };
    },
  };
}
