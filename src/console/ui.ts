// The pieces every console screen shares: search and pagination, messages, API errors in words.
import { Code, ConnectError } from "@connectrpc/connect";
import { html, type Html } from "./html.js";

export const PAGE_SIZE = 20;
const MAX_SEARCH = 200;

export interface Listing {
  /** The search text (trimmed; "" lists everything). */
  q: string;
  /** 1-based. */
  page: number;
  offset: bigint;
  limit: number;
}

/** `?q=…&page=…` read leniently: a page that is not a positive number is the first page. */
export function readListing(query: Record<string, string | string[] | undefined>): Listing {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  const q = first(query.q).trim().slice(0, MAX_SEARCH);
  const raw = Number.parseInt(first(query.page), 10);
  const page = Number.isSafeInteger(raw) && raw > 0 && raw <= 100_000 ? raw : 1;
  return { q, page, offset: BigInt((page - 1) * PAGE_SIZE), limit: PAGE_SIZE };
}

export function searchForm(action: string, listing: Listing, label: string, extra: Html | string = ""): Html {
  return html`<form method="get" action="${action}" class="search" role="search">
  <div><label for="q">${label}</label><input type="search" id="q" name="q" value="${listing.q}"></div>
  ${extra}
  <button type="submit" class="secondary">Search</button>
</form>`;
}

/** "1–20 of 45", with previous and next links that keep the search. */
export function pager(action: string, listing: Listing, total: number, params: Record<string, string> = {}): Html {
  if (total === 0) return html`<p class="muted">Nothing found.</p>`;
  const from = (listing.page - 1) * PAGE_SIZE + 1;
  const to = Math.min(total, listing.page * PAGE_SIZE);
  const link = (page: number) => {
    const query = new URLSearchParams({ ...params, ...(listing.q ? { q: listing.q } : {}), page: String(page) });
    return `${action}?${query.toString()}`;
  };
  const previous = listing.page > 1 ? html`<a href="${link(listing.page - 1)}" rel="prev">Previous page</a>` : "";
  const next = to < total ? html`<a href="${link(listing.page + 1)}" rel="next">Next page</a>` : "";
  return html`<nav class="pager" aria-label="Pages"><span>${from}–${to} of ${total}</span>${previous}${next}</nav>`;
}

export const errorBox = (message: string | undefined) => (message ? html`<p class="error" role="alert">${message}</p>` : "");
export const notice = (message: string | undefined) => (message ? html`<p class="notice" role="status">${message}</p>` : "");

/** An API refusal in words for the page, and the HTTP status the page answers with. */
export function describeApiError(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof ConnectError)) return undefined;
  const status = HTTP_STATUS[error.code] ?? 500;
  if (status === 500) return undefined; // not the user's doing: the console's error handler logs it
  const message =
    error.code === Code.PermissionDenied
      ? `You are not allowed to do this (${error.rawMessage}).`
      : error.code === Code.Unavailable
        ? "rolegate cannot reach its database or session store right now. Try again in a moment."
        : error.rawMessage;
  return { status, message };
}

const HTTP_STATUS: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.FailedPrecondition]: 409,
  [Code.AlreadyExists]: 409,
  [Code.NotFound]: 404,
  [Code.PermissionDenied]: 403,
  [Code.Unauthenticated]: 401,
  [Code.Unavailable]: 503,
  [Code.ResourceExhausted]: 429,
  [Code.OutOfRange]: 400,
};

export const csrfField = (token: string) => html`<input type="hidden" name="csrf" value="${token}">`;

/** A labelled text field, marked invalid (and described) when the API named it in its error. */
export function textField(
  name: string,
  label: string,
  value: string,
  options: { required?: boolean; invalid?: boolean; type?: string; hint?: string } = {},
): Html {
  const hintId = options.hint ? `${name}-hint` : undefined;
  return html`<label for="${name}">${label}</label>${options.hint ? html`<p class="muted" id="${hintId}">${options.hint}</p>` : ""}<input type="${options.type ?? "text"}" id="${name}" name="${name}" value="${value}"${options.required ? html` aria-required="true"` : ""}${options.invalid ? html` aria-invalid="true"` : ""}${hintId ? html` aria-describedby="${hintId}"` : ""}>`;
}
