// What every zitadel.management.v1 mapping shares: ObjectDetails, ListQuery and ListDetails.
// v1 has no event sequence; `sequence` and `processedSequence` are 0.
import type { Page, Pagination } from "../directory/list.js";
import { now, pagination, ts } from "./convert.js";

/** ObjectDetails of a row: its dates and the organization that owns it. */
export function details(row: { createdAt: Date; updatedAt: Date }, resourceOwner: string) {
  return { sequence: 0n, creationDate: ts(row.createdAt), changeDate: ts(row.updatedAt), resourceOwner };
}

/** ObjectDetails of a change that leaves no row (a removal). */
export function changed(resourceOwner: string) {
  return { sequence: 0n, changeDate: now(), resourceOwner };
}

/** v1's ListQuery is v2's pagination under another name. */
export function listQuery(query: { offset: bigint; limit: number; asc: boolean } | undefined): Pagination | undefined {
  return pagination(query);
}

export function listDetails(page: Page<unknown>) {
  return { totalResult: BigInt(page.totalResult), processedSequence: 0n, viewTimestamp: now() };
}
