// The user search queries of zitadel.user.v2 and zitadel.management.v1 (v1's are a subset of
// v2's, with the same names and fields) as directory conditions, read once for both. Only the
// state numbers differ; each version passes its table.
import { invalidArgument } from "../directory/errors.js";
import { MAX_FILTER_DEPTH } from "../directory/list.js";
import type * as userListing from "../directory/user-listing.js";
import { requireId } from "../directory/validate.js";
import type { UserState, UserType } from "../generated/prisma/client.js";
import { fromEnum, textFilter } from "./convert.js";

type Text<K extends string> = { [P in K]: string } & { method: number };

/** Either version's SearchQuery, by shape. */
export interface UserQuery {
  query:
    | { case: "userNameQuery"; value: Text<"userName"> }
    | { case: "loginNameQuery"; value: Text<"loginName"> }
    | { case: "firstNameQuery"; value: Text<"firstName"> }
    | { case: "lastNameQuery"; value: Text<"lastName"> }
    | { case: "nickNameQuery"; value: Text<"nickName"> }
    | { case: "displayNameQuery"; value: Text<"displayName"> }
    | { case: "emailQuery"; value: Text<"emailAddress"> }
    | { case: "phoneQuery"; value: Text<"number"> }
    | { case: "stateQuery"; value: { state: number } }
    | { case: "typeQuery"; value: { type: number } }
    | { case: "inUserIdsQuery"; value: { userIds: string[] } }
    | { case: "inUserEmailsQuery"; value: { userEmails: string[] } }
    | { case: "organizationIdQuery"; value: { organizationId: string } }
    | { case: "andQuery"; value: { queries: UserQuery[] } }
    | { case: "orQuery"; value: { queries: UserQuery[] } }
    | { case: "notQuery"; value: { query?: UserQuery | undefined } }
    | { case: undefined; value?: undefined };
}

/** A state the query names that no user is in (ZITADEL's DELETED, SUSPEND) matches nothing. */
export type StateTable = Record<number, UserState | "NONE">;
const TYPE: Record<number, UserType> = { 1: "HUMAN", 2: "MACHINE" };

/** One search query as a directory condition; several queries are ANDed, as in ZITADEL. */
export function readUserQuery(q: UserQuery, field: string, states: StateTable, depth = 0): userListing.ListUsersInput {
  if (depth > MAX_FILTER_DEPTH) throw invalidArgument(field, `must not nest deeper than ${MAX_FILTER_DEPTH} levels`);
  const { query } = q;
  const nested = (queries: UserQuery[], name: string) =>
    queries.map((sub, i) => readUserQuery(sub, `${field}.${name}.queries[${i}]`, states, depth + 1));
  switch (query.case) {
    case "userNameQuery":
      return { username: textFilter(`${field}.userNameQuery`, query.value.userName, query.value.method) };
    case "loginNameQuery":
      return { username: textFilter(`${field}.loginNameQuery`, query.value.loginName, query.value.method) };
    case "firstNameQuery":
      return { givenName: textFilter(`${field}.firstNameQuery`, query.value.firstName, query.value.method) };
    case "lastNameQuery":
      return { familyName: textFilter(`${field}.lastNameQuery`, query.value.lastName, query.value.method) };
    case "nickNameQuery":
      return { nickName: textFilter(`${field}.nickNameQuery`, query.value.nickName, query.value.method) };
    case "displayNameQuery":
      return { displayName: textFilter(`${field}.displayNameQuery`, query.value.displayName, query.value.method) };
    case "emailQuery":
      return { email: textFilter(`${field}.emailQuery`, query.value.emailAddress, query.value.method) };
    case "phoneQuery":
      // rolegate keeps no phone numbers: no user matches.
      textFilter(`${field}.phoneQuery`, query.value.number, query.value.method);
      return { ids: [] };
    case "stateQuery": {
      const state = fromEnum(`${field}.stateQuery.state`, query.value.state, states);
      return state === "NONE" ? { ids: [] } : { state };
    }
    case "typeQuery":
      return { type: fromEnum(`${field}.typeQuery.type`, query.value.type, TYPE) };
    case "inUserIdsQuery":
      return { ids: query.value.userIds };
    case "inUserEmailsQuery":
      return { emails: query.value.userEmails };
    case "organizationIdQuery":
      return { orgId: requireId(`${field}.organizationIdQuery.organizationId`, query.value.organizationId) };
    case "andQuery":
      return { and: nested(query.value.queries, "andQuery") };
    case "orQuery": {
      const queries = nested(query.value.queries, "orQuery");
      return queries.length ? { or: queries } : {};
    }
    case "notQuery":
      if (!query.value.query) throw invalidArgument(`${field}.notQuery.query`, "is required");
      return { not: readUserQuery(query.value.query, `${field}.notQuery.query`, states, depth + 1) };
    default:
      return {};
  }
}
