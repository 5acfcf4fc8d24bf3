// zitadel.user.v2.UserService on the directory: human and machine users, their state, password,
// client secret, personal access tokens, keys and metadata. Other methods answer `unimplemented`.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { TimestampFilter } from "@zitadel/proto/zitadel/filter/v2/filter_pb.js";
import type { KeysSearchFilter } from "@zitadel/proto/zitadel/user/v2/key_pb.js";
import type { PersonalAccessTokensSearchFilter } from "@zitadel/proto/zitadel/user/v2/pat_pb.js";
import type { SearchQuery } from "@zitadel/proto/zitadel/user/v2/query_pb.js";
import type { SetHumanEmail } from "@zitadel/proto/zitadel/user/v2/email_pb.js";
import type { HashedPassword, Password } from "@zitadel/proto/zitadel/user/v2/password_pb.js";
import type { SetHumanPhone } from "@zitadel/proto/zitadel/user/v2/phone_pb.js";
import type { SetHumanProfile } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import type { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import { canManageUsers, scopeOf } from "../access/permissions.js";
import { decideUserOperation, describeRole, type UserOperation } from "../access/user-administration.js";
import { findHeldRoles } from "../directory/administrators.js";
import { assertThat, failedPrecondition, invalidArgument, notFound, permissionDenied } from "../directory/errors.js";
import { MAX_FILTER_DEPTH, type DateFilter } from "../directory/list.js";
import * as orgs from "../directory/organizations.js";
import * as passwords from "../directory/passwords.js";
import * as credentials from "../directory/user-credentials.js";
import * as userListing from "../directory/user-listing.js";
import * as userMetadata from "../directory/user-metadata.js";
import * as users from "../directory/users.js";
import { requireId, requireText } from "../directory/validate.js";
import type { AccessTokenType, UserState, UserType } from "../generated/prisma/client.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, TIMESTAMP_METHOD, toEnum, ts } from "./convert.js";

// zitadel.user.v2.UserState; rolegate deletes users instead of keeping them as DELETED (3).
const STATE: Record<number, UserState | undefined> = { 1: "ACTIVE", 2: "INACTIVE", 4: "LOCKED", 5: "INITIAL" };
const STATE_QUERY: Record<number, UserState | "DELETED"> = { 1: "ACTIVE", 2: "INACTIVE", 3: "DELETED", 4: "LOCKED", 5: "INITIAL" };
const TYPE: Record<number, UserType> = { 1: "HUMAN", 2: "MACHINE" };
const ACCESS_TOKEN_TYPE: Record<number, AccessTokenType | undefined> = { 0: "BEARER", 1: "JWT" };
// zitadel.user.v2.Gender: accepted, not stored (rolegate keeps no gender).
const GENDER: Record<number, true> = { 0: true, 1: true, 2: true, 3: true };
const USER_SORT: Record<number, userListing.UserSort | undefined> = {
  0: undefined,
  1: "userName",
  2: "firstName",
  3: "lastName",
  4: "nickName",
  5: "displayName",
  6: "email",
  7: "state",
  8: "type",
  9: "creationDate",
};
// PersonalAccessTokenFieldName and KeyFieldName number their columns alike.
const CREDENTIAL_SORT: Record<number, credentials.CredentialSort | undefined> = {
  0: undefined,
  1: "creationDate",
  2: "id",
  3: "userId",
  4: "organizationId",
  5: "expirationDate",
};
const LAST_DATE = Date.UTC(10000, 0, 1);

/** A user the caller administers, or the caller itself; anyone else's is reported as not found. */
async function readableUser(c: Call, id: string): Promise<users.User> {
  const user = await users.getUser(c.dir, id);
  // Reading needs no roles of the target: only whether the caller manages its organization.
  if (!decideUserOperation(c.principal, { userId: user.id, orgId: user.orgId, roles: [] }, "read").allowed) throw notFound("user", id);
  return user;
}

/**
 * A user the caller administers and whose administrator roles the caller's cover (so the change
 * cannot hand the caller powers it lacks). Its own user is visible to it, but not writable.
 */
async function writableUser(c: Call, id: string, what: string, operation: Exclude<UserOperation, "read">): Promise<users.User> {
  const user = await readableUser(c, id);
  await assertMayChange(c, { userId: user.id, orgId: user.orgId }, what, operation);
  return user;
}

async function assertMayChange(
  c: Call,
  target: { userId: string; orgId: string },
  what: string,
  operation: Exclude<UserOperation, "read">,
): Promise<void> {
  // Not a user manager: refused before the target's roles are read.
  requireThat(canManageUsers(c.principal, target.orgId), `${what} user ${target.userId}`);
  const decision = decideUserOperation(c.principal, { ...target, roles: await findHeldRoles(c.dir, target.userId) }, operation);
  if (decision.allowed) return;
  const why = decision.reason === "holds_uncovered_role" ? `: it holds ${describeRole(decision.role)}, which your roles do not cover` : "";
  throw permissionDenied(`not allowed to ${what} user ${target.userId}${why}`);
}

/** Administrators must not lock themselves out (their token would stop working). */
function assertNotSelf(c: Call, user: users.User, what: string): void {
  assertThat(user.id !== c.principal.userId, () => failedPrecondition(`an administrator cannot ${what} itself`));
}

/** The organization of a new user: the request's, else the x-zitadel-orgid header's, else the caller's. */
async function organizationOf(c: Call, requested: { orgId?: string | undefined; orgDomain?: string | undefined }): Promise<string> {
  let orgId = requested.orgId || c.headerOrgId || c.principal.orgId;
  if (requested.orgDomain !== undefined) {
    const domain = requireText("organization.orgDomain", requested.orgDomain, { max: 253 }).toLowerCase();
    orgId = await orgs.getOrganizationIdByDomain(c.dir, domain);
  }
  requireThat(canManageUsers(c.principal, orgId), `create users in organization ${orgId}`);
  return orgId;
}

interface HumanFields {
  userId?: string | undefined;
  username?: string | undefined;
  profile?: SetHumanProfile | undefined;
  email?: SetHumanEmail | undefined;
  phone?: SetHumanPhone | undefined;
  passwordType:
    | { case: "password"; value: Password }
    | { case: "hashedPassword"; value: HashedPassword }
    | { case: undefined; value?: undefined };
  idpLinks: unknown[];
  totpSecret?: string | undefined;
  metadata: { key: string; value: Uint8Array }[];
}

/** Creates a human user with its metadata; a user whose metadata is refused is taken back. */
async function createHuman(c: Call, orgId: string, req: HumanFields): Promise<users.User> {
  rejectPhone(req.phone);
  if (req.passwordType.case === "hashedPassword") throw unsupported("hashedPassword", "set a password instead");
  if (req.idpLinks.length > 0) throw unsupported("idpLinks");
  if (req.totpSecret) throw unsupported("totpSecret");
  checkGender(req.profile);
  const password = req.passwordType.case === "password" ? req.passwordType.value : undefined;
  const user = await users.createHumanUser(c.dir, {
    orgId,
    userId: req.userId,
    username: req.username,
    email: req.email?.email ?? "",
    emailVerified: emailVerified(req.email),
    givenName: req.profile?.givenName ?? "",
    familyName: req.profile?.familyName ?? "",
    displayName: req.profile?.displayName,
    nickName: req.profile?.nickName,
    preferredLanguage: req.profile?.preferredLanguage,
    password: password?.password,
    passwordChangeRequired: password?.changeRequired,
  });
  await withMetadata(c, user, req.metadata);
  return user;
}

async function withMetadata(c: Call, user: users.User, metadata: { key: string; value: Uint8Array }[]): Promise<void> {
  if (metadata.length === 0) return;
  try {
    await userMetadata.setUserMetadata(c.dir, { userId: user.id, metadata: metadata.map(({ key, value }) => ({ key, value })) });
  } catch (error) {
    await users.deleteUser(c.dir, user.id);
    throw error;
  }
}

function rejectPhone(phone: SetHumanPhone | undefined): void {
  if (phone && phone.phone !== "") throw unsupported("phone");
}

function checkGender(profile: SetHumanProfile | undefined): void {
  if (profile?.gender !== undefined) fromEnum("profile.gender", profile.gender, GENDER);
}

/** A verification code is neither sent nor returned: rolegate does not verify addresses itself. */
function emailVerified(email: SetHumanEmail | undefined): boolean | undefined {
  return email?.verification.case === "isVerified" ? email.verification.value : undefined;
}

function unsupported(field: string, hint?: string) {
  return invalidArgument(field, `is not supported by rolegate${hint ? `; ${hint}` : ""}`);
}

function optionalDate(field: string, value: Timestamp | undefined): Date | undefined {
  if (!value) return undefined;
  const date = timestampDate(value);
  // PostgreSQL timestamps end with the year 294276; ZITADEL's clients stay far below 10000.
  if (!(date.getTime() < LAST_DATE)) throw invalidArgument(field, "must be a timestamp before the year 10000");
  return date;
}

function details(user: users.User, changeDate = user.updatedAt) {
  return { sequence: 0n, creationDate: ts(user.createdAt), changeDate: ts(changeDate), resourceOwner: user.orgId };
}

/** The user as zitadel.user.v2.User; login names are instance-wide usernames in rolegate. */
function toUser(user: users.User, hasSecret: boolean) {
  const names = {
    userId: user.id,
    state: toEnum(STATE, user.state),
    username: user.username,
    loginNames: [user.username],
    preferredLoginName: user.username,
  };
  const type =
    user.type === "HUMAN"
      ? {
          case: "human" as const,
          value: {
            ...names,
            profile: {
              givenName: user.givenName ?? "",
              familyName: user.familyName ?? "",
              nickName: user.nickName ?? undefined,
              displayName: user.displayName ?? undefined,
              preferredLanguage: user.preferredLanguage ?? undefined,
              avatarUrl: "",
            },
            email: { email: user.email ?? "", isVerified: user.emailVerified },
            passwordChangeRequired: user.passwordChangeRequired,
          },
        }
      : {
          case: "machine" as const,
          value: {
            name: user.name ?? "",
            description: user.description ?? "",
            hasSecret,
            accessTokenType: toEnum(ACCESS_TOKEN_TYPE, user.accessTokenType),
          },
        };
  return { ...names, details: details(user), type };
}

async function secretHolders(c: Call, list: users.User[]): Promise<Set<string>> {
  return credentials.usersWithSecret(
    c.dir,
    list.filter((u) => u.type === "MACHINE").map((u) => u.id),
  );
}

/** Organizations whose users the caller administers; undefined for instance owners (all). */
function userOrgsOf(c: Call): string[] | undefined {
  const scope = scopeOf(c.principal);
  return scope.all ? undefined : scope.userOrgIds;
}

/** The owner of a token or key, checked before it is removed; other tenants' are not found. */
async function assertRemovable(
  c: Call,
  kind: string,
  id: string,
  requestedUserId: string,
  row: credentials.CredentialOwner | null,
): Promise<void> {
  if (requestedUserId) await writableUser(c, requestedUserId, `remove ${kind}s of`, "credentials");
  if (!row || (requestedUserId && row.userId !== requestedUserId)) throw notFound(kind, id);
  if (!canManageUsers(c.principal, row.orgId)) {
    requireThat(row.userId !== c.principal.userId, `remove ${kind}s of user ${row.userId}`);
    throw notFound(kind, id);
  }
  if (!requestedUserId) await assertMayChange(c, row, `remove ${kind}s of`, "credentials");
}

export function userService(deps: ApiDeps): Partial<ServiceImpl<typeof UserService>> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async createUser(req, ctx) {
      const c = call(ctx);
      const orgId = await organizationOf(c, { orgId: req.organizationId });
      const { userType } = req;
      let user: users.User;
      if (userType.case === "human") {
        user = await createHuman(c, orgId, { ...userType.value, userId: req.userId, username: req.username });
      } else if (userType.case === "machine") {
        user = await users.createMachineUser(c.dir, {
          orgId,
          userId: req.userId,
          username: req.username,
          name: userType.value.name,
          description: userType.value.description,
        });
      } else {
        throw invalidArgument("userType", "set human or machine");
      }
      return { id: user.id, creationDate: ts(user.createdAt) };
    },

    async addHumanUser(req, ctx) {
      const c = call(ctx);
      const org = req.organization?.org;
      const orgId = await organizationOf(c, {
        orgId: org?.case === "orgId" ? org.value : undefined,
        orgDomain: org?.case === "orgDomain" ? org.value : undefined,
      });
      const user = await createHuman(c, orgId, req);
      return { userId: user.id, details: details(user) };
    },

    async getUserByID(req, ctx) {
      const c = call(ctx);
      const user = await readableUser(c, req.userId);
      const holders = await secretHolders(c, [user]);
      return { details: details(user), user: toUser(user, holders.has(user.id)) };
    },

    async listUsers(req, ctx) {
      const c = call(ctx);
      const visibleOrgs = userOrgsOf(c);
      const page = await userListing.listUsers(c.dir, {
        and: req.queries.map((q, i) => readQuery(q, `queries[${i}]`, 0)),
        // What the caller may read: users of the organizations it administers, and itself.
        or: visibleOrgs === undefined ? undefined : [{ orgIds: visibleOrgs }, { ids: [c.principal.userId] }],
        pagination: pagination(req.query),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, USER_SORT),
      });
      const holders = await secretHolders(c, page.items);
      return {
        details: { totalResult: BigInt(page.totalResult), processedSequence: 0n, timestamp: now() },
        sortingColumn: req.sortingColumn,
        result: page.items.map((u) => toUser(u, holders.has(u.id))),
      };
    },

    async updateHumanUser(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "update", "profile");
      rejectPhone(req.phone);
      checkGender(req.profile);
      const { profile, email } = req;
      let password: Password | undefined;
      let currentPassword: string | undefined;
      if (req.password) {
        const { passwordType, verification } = req.password;
        if (passwordType.case === "hashedPassword") throw unsupported("password.hashedPassword", "set password.password instead");
        if (passwordType.case !== "password") throw invalidArgument("password.password", "is required");
        if (verification.case === "verificationCode") throw unsupported("password.verificationCode", "password reset codes are not issued");
        password = passwordType.value;
        currentPassword = verification.case === "currentPassword" ? verification.value : undefined;
      }
      const user = await users.updateHumanUser(c.dir, {
        userId: req.userId,
        username: req.username,
        // Proto3 strings: an empty given or family name leaves it as it is, as in ZITADEL.
        givenName: profile?.givenName || undefined,
        familyName: profile?.familyName || undefined,
        displayName: profile?.displayName,
        nickName: profile?.nickName,
        preferredLanguage: profile?.preferredLanguage,
        email: email?.email,
        emailVerified: emailVerified(email),
        password: password?.password,
        passwordChangeRequired: password?.changeRequired,
        currentPassword,
      });
      return { details: details(user) };
    },

    async deactivateUser(req, ctx) {
      const c = call(ctx);
      assertNotSelf(c, await writableUser(c, req.userId, "deactivate", "state"), "deactivate");
      return { details: details(await users.deactivateUser(c.dir, req.userId)) };
    },

    async reactivateUser(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "reactivate", "state");
      return { details: details(await users.reactivateUser(c.dir, req.userId)) };
    },

    async lockUser(req, ctx) {
      const c = call(ctx);
      assertNotSelf(c, await writableUser(c, req.userId, "lock", "state"), "lock");
      return { details: details(await users.lockUser(c.dir, req.userId)) };
    },

    async unlockUser(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "unlock", "state");
      return { details: details(await users.unlockUser(c.dir, req.userId)) };
    },

    // The doc comment: afterwards "endpoints requesting this user will return an error 'User not
    // found'" — deleting it again included, as in ZITADEL.
    async deleteUser(req, ctx) {
      const c = call(ctx);
      const user = await writableUser(c, req.userId, "delete", "delete");
      assertNotSelf(c, user, "delete");
      if (!(await users.deleteUser(c.dir, user.id))) throw notFound("user", user.id);
      return { details: details(user, new Date()) };
    },

    async setPassword(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "set the password of", "credentials");
      if (!req.newPassword) throw invalidArgument("newPassword", "is required");
      const { verification } = req;
      if (verification.case === "verificationCode") throw unsupported("verificationCode", "password reset codes are not issued");
      const user = await passwords.setPassword(c.dir, {
        userId: req.userId,
        password: req.newPassword.password,
        changeRequired: req.newPassword.changeRequired,
        currentPassword: verification.case === "currentPassword" ? verification.value : undefined,
      });
      return { details: details(user) };
    },

    async addSecret(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "add a secret to", "credentials");
      const secret = await credentials.addSecret(c.dir, req.userId);
      return { creationDate: ts(secret.createdAt), clientSecret: secret.clientSecret };
    },

    async removeSecret(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "remove the secret of", "credentials");
      await credentials.removeSecret(c.dir, req.userId);
      return { deletionDate: now() };
    },

    async addPersonalAccessToken(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "add personal access tokens to", "credentials");
      const pat = await credentials.addPersonalAccessToken(c.dir, {
        userId: req.userId,
        expirationDate: optionalDate("expirationDate", req.expirationDate),
      });
      return { creationDate: ts(pat.createdAt), tokenId: pat.id, token: pat.token };
    },

    async removePersonalAccessToken(req, ctx) {
      const c = call(ctx);
      const tokenId = requireId("tokenId", req.tokenId);
      const row = await credentials.findPersonalAccessTokenOwner(c.dir, tokenId);
      await assertRemovable(c, "personal access token", tokenId, req.userId, row);
      await credentials.removePersonalAccessToken(c.dir, { tokenId, userId: req.userId });
      return { deletionDate: now() };
    },

    async listPersonalAccessTokens(req, ctx) {
      const c = call(ctx);
      const page = await credentials.listPersonalAccessTokens(c.dir, {
        ...readCredentialFilters(req.filters, "tokenIdFilter"),
        orgIds: userOrgsOf(c),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, CREDENTIAL_SORT),
      });
      return { pagination: paginationResponse(page), result: page.items.map(toCredential) };
    },

    async addKey(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "add keys to", "credentials");
      const key = await credentials.addKey(c.dir, {
        userId: req.userId,
        publicKey: req.publicKey,
        expirationDate: optionalDate("expirationDate", req.expirationDate),
      });
      return {
        creationDate: ts(key.createdAt),
        keyId: key.keyId,
        // The service-account key file, when rolegate generated the key pair.
        keyContent: key.keyContent === undefined ? new Uint8Array() : new TextEncoder().encode(key.keyContent),
      };
    },

    async removeKey(req, ctx) {
      const c = call(ctx);
      const keyId = requireId("keyId", req.keyId);
      const row = await credentials.findKeyOwner(c.dir, keyId);
      await assertRemovable(c, "key", keyId, req.userId, row);
      await credentials.removeKey(c.dir, { keyId, userId: req.userId });
      return { deletionDate: now() };
    },

    async listKeys(req, ctx) {
      const c = call(ctx);
      const page = await credentials.listKeys(c.dir, {
        ...readCredentialFilters(req.filters, "keyIdFilter"),
        orgIds: userOrgsOf(c),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, CREDENTIAL_SORT),
      });
      return { pagination: paginationResponse(page), result: page.items.map(toCredential) };
    },

    async setUserMetadata(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "set metadata of", "metadata");
      await userMetadata.setUserMetadata(c.dir, { userId: req.userId, metadata: req.metadata.map(({ key, value }) => ({ key, value })) });
      return { setDate: now() };
    },

    async listUserMetadata(req, ctx) {
      const c = call(ctx);
      await readableUser(c, req.userId);
      let key: ReturnType<typeof textFilter> | undefined;
      req.filters.forEach(({ filter }, i) => {
        if (filter.case === "keyFilter") key = textFilter(`filters[${i}].keyFilter`, filter.value.key, filter.value.method);
      });
      const page = await userMetadata.listUserMetadataPage(c.dir, { userId: req.userId, key, pagination: pagination(req.pagination) });
      return { pagination: paginationResponse(page), metadata: page.items.map((m) => ({ key: m.key, value: m.value })) };
    },

    async deleteUserMetadata(req, ctx) {
      const c = call(ctx);
      await writableUser(c, req.userId, "delete metadata of", "metadata");
      await userMetadata.deleteUserMetadata(c.dir, { userId: req.userId, keys: req.keys });
      return { deletionDate: now() };
    },
  };
}

/** One search query as a directory condition; several queries are ANDed, as in ZITADEL. */
function readQuery(q: SearchQuery, field: string, depth: number): userListing.ListUsersInput {
  if (depth > MAX_FILTER_DEPTH) throw invalidArgument(field, `must not nest deeper than ${MAX_FILTER_DEPTH} levels`);
  const { query } = q;
  const nested = (queries: SearchQuery[], name: string) =>
    queries.map((sub, i) => readQuery(sub, `${field}.${name}.queries[${i}]`, depth + 1));
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
      const state = fromEnum(`${field}.stateQuery.state`, query.value.state, STATE_QUERY);
      return state === "DELETED" ? { ids: [] } : { state };
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
      return { not: readQuery(query.value.query, `${field}.notQuery.query`, depth + 1) };
    default:
      return {};
  }
}

type CredentialFilters = Pick<credentials.ListCredentialsInput, "ids" | "userId" | "orgId" | "createdAt" | "expirationDate">;

/** Token and key filters, ANDed: a second, different id of one kind matches nothing. */
function readCredentialFilters(
  filters: (PersonalAccessTokensSearchFilter | KeysSearchFilter)[],
  idFilter: "tokenIdFilter" | "keyIdFilter",
): CredentialFilters {
  const input: CredentialFilters = {};
  const single = (current: string | undefined, next: string) => {
    if (current !== undefined && current !== next) input.ids = [];
    return next;
  };
  filters.forEach(({ filter }, i) => {
    const field = `filters[${i}].${filter.case}`;
    switch (filter.case) {
      case "tokenIdFilter":
      case "keyIdFilter": {
        if (filter.case !== idFilter) break;
        const id = requireId(`${field}.id`, filter.value.id);
        input.ids = input.ids === undefined ? [id] : input.ids.filter((known) => known === id);
        break;
      }
      case "userIdFilter":
        input.userId = single(input.userId, requireId(`${field}.id`, filter.value.id));
        break;
      case "organizationIdFilter":
        input.orgId = single(input.orgId, requireId(`${field}.id`, filter.value.id));
        break;
      case "createdDateFilter":
        input.createdAt = dateFilter(field, filter.value);
        break;
      case "expirationDateFilter":
        input.expirationDate = dateFilter(field, filter.value);
        break;
    }
  });
  return input;
}

function dateFilter(field: string, f: TimestampFilter): DateFilter {
  const value = optionalDate(`${field}.timestamp`, f.timestamp);
  if (!value) throw invalidArgument(`${field}.timestamp`, "is required");
  return { method: fromEnum(`${field}.method`, f.method, TIMESTAMP_METHOD), value };
}

function toCredential(row: credentials.CredentialInfo) {
  return {
    creationDate: ts(row.createdAt),
    changeDate: ts(row.createdAt),
    id: row.id,
    userId: row.userId,
    organizationId: row.orgId,
    expirationDate: ts(row.expirationDate),
  };
}
