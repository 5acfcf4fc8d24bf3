// Setting a row's state column (ACTIVE, INACTIVE, LOCKED…) together with its audit entry, in one
// transaction: what every deactivate, reactivate, lock and unlock of the directory does.
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
