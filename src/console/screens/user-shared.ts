// What the user screens share: where they live, how an API refusal becomes a form's message with
// the field it names, and how users, states and dates are written out.
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import type { ConnectError } from "@connectrpc/connect";
import { type User, UserState } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import { html, type Html } from "../html.js";
import { CONSOLE } from "../layout.js";
import { refusal } from "./organizations.js";

export const USERS = `${CONSOLE}/users`;
export const userPath = (id: string) => `${USERS}/${encodeURIComponent(id)}`;

export const STATES: Record<UserState, string> = {
  [UserState.UNSPECIFIED]: "unknown",
  [UserState.ACTIVE]: "active",
  [UserState.INACTIVE]: "inactive",
  [UserState.DELETED]: "deleted",
  [UserState.LOCKED]: "locked",
  [UserState.INITIAL]: "initial",
};

/** A refused form: its message (shown in that form's section), status, field and typed values. */
export interface Failure {
  /** Which form failed, so that only its section shows the message. */
  form: string;
  status: number;
  message: string;
  /** The form field the API named, marked aria-invalid. */
  field?: string | undefined;
  values: URLSearchParams;
}

/**
 * An API refusal as a form's failure; anything else is rethrown (the middleware answers it).
 * `fields` maps the request fields the API names in its messages ("username: must not be empty")
 * to the form's fields; `fallback` is marked when the API names none (an unknown organization).
 */
export function failure(
  form: string,
  error: unknown,
  values: URLSearchParams,
  fields: Record<string, string> = {},
  fallback?: string,
): Failure {
  const { status, message } = refusal(error);
  const named = /^([A-Za-z][\w.[\]]*): /
    .exec((error as ConnectError).rawMessage)?.[1]
    ?.split(".")
    .pop();
  return { form, status, message, field: (named && fields[named]) ?? fallback, values };
}

/** A failure the console finds itself, before calling the API (a date it cannot read). */
export const inputFailure = (form: string, field: string, message: string, values: URLSearchParams): Failure => ({
  form,
  status: 400,
  message,
  field,
  values,
});

export const failedHere = (failed: Failure | undefined, form: string) => (failed?.form === form ? failed : undefined);

export function displayName(user: User): string {
  if (user.type.case === "human") return user.type.value.profile?.displayName || user.username;
  if (user.type.case === "machine") return user.type.value.name || user.username;
  return user.username;
}

export const userType = (user: User) => (user.type.case === "machine" ? "machine" : "human");

export function organizationLink(id: string, names: Map<string, string>): Html {
  const name = names.get(id);
  return name ? html`<a href="${CONSOLE}/organizations/${id}">${name}</a>` : html`${id}`;
}

/** Tokens and keys made without an expiration get one in the year 9999 (ZITADEL's "never"). */
export function formatDate(value: Timestamp | undefined, { never = false } = {}): string {
  if (!value) return "";
  const date = timestampDate(value);
  if (never && date.getUTCFullYear() >= 9999) return "never";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * A date field's value (`YYYY-MM-DD`, as <input type="date"> sends it) as midnight UTC; "" is no
 * date; anything else, or a day that does not exist, is null. The API decides whether it is too
 * early or too late.
 */
export function readDate(value: string): Date | undefined | null {
  const text = value.trim();
  if (text === "") return undefined;
  const match = /^(\d{4,6})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime()) || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (date.getUTCFullYear() !== year) return null;
  return date;
}

/** A checkbox whose value is kept when the form comes back (checked unless `values` says otherwise). */
export function checkbox(name: string, label: string, checked: boolean): Html {
  return html`<p class="check"><input type="checkbox" id="${name}" name="${name}" value="on"${checked ? html` checked` : ""}> <label for="${name}">${label}</label></p>`;
}

/** Whether a checkbox was ticked: on a first render `initial`, on a failed post what was sent. */
export const ticked = (values: URLSearchParams | undefined, name: string, initial: boolean) =>
  values ? values.get(name) === "on" : initial;
