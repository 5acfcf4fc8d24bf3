// Listing users, with ZITADEL's user search queries (text, type, state and nested and/or/not).
import type { Prisma, UserState, UserType } from "../generated/prisma/client.js";
import type { DirectoryContext } from "./context.js";
import { invalidArgument } from "./errors.js";
import { MAX_FILTER_DEPTH, readPagination, textWhere, type Page, type Pagination, type TextFilter } from "./list.js";
import { toPublicUser, type User } from "./user-rows.js";
import { optionalEnum, requireId, requireList, requireText } from "./validate.js";

const USER_TYPES = ["HUMAN", "MACHINE"] as const satisfies readonly UserType[];
const USER_STATES = ["ACTIVE", "INACTIVE", "LOCKED", "INITIAL"] as const satisfies readonly UserState[];

export type UserSort = "userName" | "firstName" | "lastName" | "nickName" | "displayName" | "email" | "state" | "type" | "creationDate";

const USER_SORT = {
  userName: "username",
  firstName: "givenName",
  lastName: "familyName",
  nickName: "nickName",
  displayName: "displayName",
  email: "email",
  state: "state",
  type: "type",
  creationDate: "createdAt",
} as const satisfies Record<UserSort, keyof Prisma.UserOrderByWithRelationInput>;

export interface ListUsersInput {
  pagination?: Pagination | undefined;
  sortBy?: UserSort | undefined;
  ids?: string[] | undefined;
  orgId?: string | undefined;
  username?: TextFilter | undefined;
  email?: TextFilter | undefined;
  displayName?: TextFilter | undefined;
  givenName?: TextFilter | undefined;
  familyName?: TextFilter | undefined;
  nickName?: TextFilter | undefined;
  type?: UserType | undefined;
  state?: UserState | undefined;
  /** Users of any of these organizations (the management API narrows lists to what a caller may see). */
  orgIds?: string[] | undefined;
  /** Users with any of these email addresses (any case). */
  emails?: string[] | undefined;
  /** Nested conditions, as ZITADEL's and/or/not queries. */
  and?: ListUsersInput[] | undefined;
  or?: ListUsersInput[] | undefined;
  not?: ListUsersInput | undefined;
}

export async function listUsers(ctx: DirectoryContext, input: ListUsersInput = {}): Promise<Page<User>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy = optionalEnum("sortingColumn", input.sortBy, Object.keys(USER_SORT) as UserSort[]) ?? "creationDate";
  const where = userFilters(input);
  const direction = asc ? "asc" : "desc";
  const [rows, total] = await Promise.all([
    ctx.prisma.user.findMany({ where, orderBy: [{ [USER_SORT[sortBy]]: direction }, { id: direction }], skip, take }),
    ctx.prisma.user.count({ where }),
  ]);
  return { items: rows.map(toPublicUser), totalResult: total, appliedLimit: take };
}

// Field names are those of ZITADEL's user search queries.
function userFilters(input: ListUsersInput, depth = 0): Prisma.UserWhereInput {
  if (depth > MAX_FILTER_DEPTH) throw invalidArgument("queries", `must not nest deeper than ${MAX_FILTER_DEPTH} levels`);
  const nested = (entry: ListUsersInput) => userFilters(entry, depth + 1);
  const text = (field: string, filter: TextFilter | undefined) => (filter ? textWhere(field, filter) : undefined);
  return {
    id: input.ids === undefined ? undefined : { in: requireList("inUserIdsQuery", input.ids, requireId) },
    orgId: input.orgId === undefined ? undefined : requireId("organizationIdQuery", input.orgId),
    username: text("userNameQuery", input.username),
    email: text("emailQuery", input.email),
    displayName: text("displayNameQuery", input.displayName),
    givenName: text("firstNameQuery", input.givenName),
    familyName: text("lastNameQuery", input.familyName),
    nickName: text("nickNameQuery", input.nickName),
    type: optionalEnum("typeQuery", input.type, USER_TYPES),
    state: optionalEnum("stateQuery", input.state, USER_STATES),
    AND: [
      ...(input.orgIds === undefined ? [] : [{ orgId: { in: requireList("orgIds", input.orgIds, requireId) } }]),
      ...(input.emails === undefined
        ? []
        : [
            {
              OR: requireList("inUserEmailsQuery", input.emails, requireText).map((email) => ({
                email: { equals: email, mode: "insensitive" as const },
              })),
            },
          ]),
      ...(input.and ?? []).map(nested),
      ...(input.or === undefined ? [] : [{ OR: input.or.map(nested) }]),
      ...(input.not === undefined ? [] : [{ NOT: nested(input.not) }]),
    ],
  };
}
