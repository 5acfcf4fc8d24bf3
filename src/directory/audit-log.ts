// Reading the audit log (docs/rules.md#r-audit-2): entries about one resource (a project with its
// roles, a grant, an app with its keys, a user, an organization) for the v1 change lists, or any
// entries for the instance's event list. The entry id is the sequence callers page by. Who may
// read which resource is the caller's check; this only reads.
import type { AuditEntry, Prisma } from "../generated/prisma/client.js";
import type { DirectoryContext } from "./context.js";
import { invalidArgument } from "./errors.js";
import { requireId } from "./validate.js";

export type { AuditEntry };

/** The entries about one resource: its own, and those of the rows that belong to it (named in their JSON). */
export interface AuditSubject {
  targetType: string;
  targetId: string;
  /** Entries of this target type whose before or after state names the subject in this field. */
  members?: { targetType: string; field: string }[] | undefined;
}

export interface AuditQuery {
  subject?: AuditSubject | undefined;
  /** Entries after this sequence (ascending) or before it (descending); 0: from the start or the end. */
  sequence?: bigint | undefined;
  limit?: number | undefined;
  asc?: boolean | undefined;
  actorId?: string | undefined;
  actions?: string[] | undefined;
  targetTypes?: string[] | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditView extends AuditEntry {
  /** The user who made the change, when it was a user that still exists. */
  actor: { id: string; username: string; displayName: string | null; name: string | null } | null;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function subjectWhere(s: AuditSubject): Prisma.AuditEntryWhereInput {
  const id = requireId("subject", s.targetId);
  return {
    OR: [
      { targetType: s.targetType, targetId: id },
      ...(s.members ?? []).flatMap((m) => [
        { targetType: m.targetType, after: { path: [m.field], equals: id } },
        { targetType: m.targetType, before: { path: [m.field], equals: id } },
      ]),
    ],
  };
}

export async function listAuditEntries(ctx: DirectoryContext, q: AuditQuery): Promise<AuditView[]> {
  const limit = q.limit || DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw invalidArgument("limit", `must be at most ${MAX_LIMIT}`);
  const asc = q.asc ?? false;
  const conditions: Prisma.AuditEntryWhereInput[] = [];
  if (q.subject) conditions.push(subjectWhere(q.subject));
  if (q.sequence) conditions.push({ id: asc ? { gt: q.sequence } : { lt: q.sequence } });
  if (q.actorId) conditions.push({ actorId: q.actorId });
  if (q.actions?.length) conditions.push({ action: { in: q.actions } });
  if (q.targetTypes?.length) conditions.push({ targetType: { in: q.targetTypes } });
  if (q.targetId) conditions.push({ targetId: q.targetId });
  if (q.from) conditions.push({ at: { gte: q.from } });
  if (q.to) conditions.push({ at: { lte: q.to } });
  const entries = await ctx.prisma.auditEntry.findMany({
    where: conditions.length ? { AND: conditions } : {},
    orderBy: { id: asc ? "asc" : "desc" },
    take: limit,
  });
  const actorIds = [...new Set(entries.map((e) => e.actorId))];
  const actors = await ctx.prisma.user.findMany({
    where: { id: { in: actorIds } },
    select: { id: true, username: true, displayName: true, name: true },
  });
  const byId = new Map(actors.map((a) => [a.id, a]));
  return entries.map((e) => ({ ...e, actor: byId.get(e.actorId) ?? null }));
}
