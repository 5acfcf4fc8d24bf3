// Writes that carry their audit entry, in one transaction: setting a row's state column (ACTIVE,
// INACTIVE, LOCKED…), as every deactivate, reactivate, lock and unlock of the directory does, and
// deleting a row, as every idempotent delete does.
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { failedPrecondition, type DomainError } from "./errors.js";

export interface StateChange<Row extends { id: string; state: string }, Shown> {
  /** The new state. */
  to: Row["state"];
  /** The audit entry's action and target type; its target is the row's id. */
  action: string;
  targetType: string;
  /** Loads the row, or throws not_found. */
  load: (tx: Tx) => Promise<Row>;
  /** Writes the new state and returns the row as it now is. */
  save: (tx: Tx, before: Row) => Promise<Row>;
  /** Why the row's present state forbids the change, or undefined when it allows it. */
  refusal?: ((before: Row) => DomainError | undefined) | undefined;
  /** A row already in the new state is returned as it is: no write, no audit entry. */
  sameStateIsNoOp?: boolean | undefined;
  /** What callers and the audit log see of a row (users: without their password hash); the row itself by default. */
  show?: ((row: Row) => Shown) | undefined;
}

/** Callers check their input in an async function, so that a bad id rejects rather than throws. */
export function changeState<Row extends { id: string; state: string }, Shown = Row>(
  ctx: DirectoryContext,
  change: StateChange<Row, Shown>,
): Promise<Shown> {
  const show = change.show ?? ((row: Row) => row as unknown as Shown);
  return inTransaction(ctx, async (tx) => {
    const before = await change.load(tx);
    if (change.sameStateIsNoOp && before.state === change.to) return show(before);
    const refusal = change.refusal?.(before);
    if (refusal) throw refusal;
    const after = await change.save(tx, before);
    await writeAudit(tx, ctx.actor.id, {
      action: change.action,
      targetType: change.targetType,
      targetId: before.id,
      before: show(before),
      after: show(after),
    });
    return show(after);
  });
}

/** The refusal of ZITADEL's organizations, project grants and apps: "<what> is already active". */
export function refuseSameState(what: string, to: string): (before: { state: string }) => DomainError | undefined {
  return (before) => (before.state === to ? failedPrecondition(`${what} is already ${to.toLowerCase()}`) : undefined);
}

export interface Deletion<Row extends { id: string }> {
  /** The audit entry's action and target type; its target is the row's id. */
  action: string;
  targetType: string;
  /** The row to delete, or null when there is none (the delete then succeeds with false). */
  find: (tx: Tx) => Promise<Row | null>;
  /** Deletes the row; false when it was gone already (a concurrent delete). */
  remove: (tx: Tx, row: Row) => Promise<boolean>;
  /** What the audit log keeps of the row; the row itself by default. */
  show?: ((row: Row) => unknown) | undefined;
}

/** Deletes a row and writes its audit entry; true when this call deleted it, false when there was nothing to delete. */
export function deleteAudited<Row extends { id: string }>(ctx: DirectoryContext, deletion: Deletion<Row>): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const before = await deletion.find(tx);
    if (!before) return false;
    if (!(await deletion.remove(tx, before))) return false;
    await writeAudit(tx, ctx.actor.id, {
      action: deletion.action,
      targetType: deletion.targetType,
      targetId: before.id,
      before: deletion.show ? deletion.show(before) : before,
    });
    return true;
  });
}
