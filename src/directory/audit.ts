// The append-only audit log: who did what to which target, with the state before and after.
import type { Prisma } from "../generated/prisma/client.js";
import type { Tx } from "./context.js";

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}

export async function writeAudit(tx: Tx, actorId: string, record: AuditRecord): Promise<void> {
  await tx.auditEntry.create({
    data: {
      actorId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      before: toJson(record.before),
      after: toJson(record.after),
    },
  });
}

// Secrets never reach the audit log: hashes are dropped, dates become strings.
const HIDDEN = new Set(["passwordHash", "clientSecretHash", "secretHash", "tokenHash"]);

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (HIDDEN.has(key)) return undefined;
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
      return v;
    }),
  ) as Prisma.InputJsonValue;
}
