// zitadel.user.v2.UserService on the directory: human and machine users, their state, password,
// client secret, personal access tokens, keys and metadata. Other methods answer `unimplemented`.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { TimestampFilter } from "@zitadel/proto/zitadel/filter/v2/filter_pb.js";
import type { KeysSearchFilter } from "@zitadel/proto/zitadel/user/v2/key_pb.js";
import type { PersonalAccessTokensSearchFilter } from "@zitadel/proto/zitadel/user/v2/pat_pb.js";
import type { SetHumanEmail } from "@zitadel/proto/zitadel/user/v2/email_pb.js";
import type { HashedPassword, Password } from "@zitadel/proto/zitadel/user/v2/password_pb.js";
import type { SetHumanPhone } from "@zitadel/proto/zitadel/user/v2/phone_pb.js";
import type { SetHumanProfile } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import type { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import { invalidArgument } from "../directory/errors.js";
import type { DateFilter } from "../directory/list.js";
import type * as credentials from "../directory/user-credentials.js";
import type * as userListing from "../directory/user-listing.js";
import type * as users from "../directory/users.js";
import { requireId } from "../directory/validate.js";
import type { AccessTokenType, UserState } from "../generated/prisma/client.js";
import { readUserQuery, type StateTable } from "./user-queries.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, TIMESTAMP_METHOD, toEnum, ts } from "./convert.js";
import { type NewHuman, type UserView, userOperations } from "./user-operations.js";

// zitadel.user.v2.UserState; rolegate deletes users instead of keeping them as DELETED (3).
const STATE: Record<number, UserState | undefined> = { 1: "ACTIVE", 2: "INACTIVE", 4: "LOCKED", 5: "INITIAL" };
const STATE_QUERY: StateTable = { 1: "ACTIVE", 2: "INACTIVE", 3: "NONE", 4: "LOCKED", 5: "INITIAL" };
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

/** A new human as the operations take it; refuses what rolegate does not hold. */
function humanInput(req: HumanFields): NewHuman {
  rejectPhone(req.phone);
  if (req.passwordType.case === "hashedPassword") throw unsupported("hashedPassword", "set a password instead");
  if (req.idpLinks.length > 0) throw unsupported("idpLinks");
  if (req.totpSecret) throw unsupported("totpSecret");
  checkGender(req.profile);
  const password = req.passwordType.case === "password" ? req.passwordType.value : undefined;
  return {
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
    metadata: req.metadata.map(({ key, value }) => ({ key, value })),
  };
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
function toUser({ user, hasSecret }: UserView) {
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

export function userService(deps: ApiDeps): Partial<ServiceImpl<typeof UserService>> {
  const ops = userOperations(deps);
  return {
    async createUser(req, ctx) {
      const { userType } = req;
      let user: users.User;
      if (userType.case === "human") {
        user = await ops.createHuman(ctx, { orgId: req.organizationId }, () =>
          humanInput({ ...userType.value, userId: req.userId, username: req.username }),
        );
      } else if (userType.case === "machine") {
        user = await ops.createMachine(
          ctx,
          { orgId: req.organizationId },
          { userId: req.userId, username: req.username, name: userType.value.name, description: userType.value.description },
        );
      } else {
        // Refused after the organization's check.
        user = await ops.createHuman(ctx, { orgId: req.organizationId }, () => {
          throw invalidArgument("userType", "set human or machine");
        });
      }
      return { id: user.id, creationDate: ts(user.createdAt) };
    },

    async addHumanUser(req, ctx) {
      const org = req.organization?.org;
      const user = await ops.createHuman(
        ctx,
        { orgId: org?.case === "orgId" ? org.value : undefined, orgDomain: org?.case === "orgDomain" ? org.value : undefined },
        () => humanInput(req),
      );
      return { userId: user.id, details: details(user) };
    },

    async getUserByID(req, ctx) {
      const view = await ops.getUser(ctx, req.userId);
      return { details: details(view.user), user: toUser(view) };
    },

    async listUsers(req, ctx) {
      const page = await ops.listUsers(ctx, {
        and: req.queries.map((q, i) => readUserQuery(q, `queries[${i}]`, STATE_QUERY)),
        pagination: pagination(req.query),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, USER_SORT),
      });
      return {
        details: { totalResult: BigInt(page.totalResult), processedSequence: 0n, timestamp: now() },
        sortingColumn: req.sortingColumn,
        result: page.items.map(toUser),
      };
    },

    async updateHumanUser(req, ctx) {
      const user = await ops.updateHuman(ctx, req.userId, () => {
        rejectPhone(req.phone);
        checkGender(req.profile);
        const { profile, email } = req;
        let password: Password | undefined;
        let currentPassword: string | undefined;
        if (req.password) {
          const { passwordType, verification } = req.password;
          if (passwordType.case === "hashedPassword") throw unsupported("password.hashedPassword", "set password.password instead");
          if (passwordType.case !== "password") throw invalidArgument("password.password", "is required");
          if (verification.case === "verificationCode")
            throw unsupported("password.verificationCode", "password reset codes are not issued");
          password = passwordType.value;
          currentPassword = verification.case === "currentPassword" ? verification.value : undefined;
        }
        return {
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
        };
      });
      return { details: details(user) };
    },

    async deactivateUser(req, ctx) {
      return { details: details(await ops.deactivateUser(ctx, req.userId)) };
    },

    async reactivateUser(req, ctx) {
      return { details: details(await ops.reactivateUser(ctx, req.userId)) };
    },

    async lockUser(req, ctx) {
      return { details: details(await ops.lockUser(ctx, req.userId)) };
    },

    async unlockUser(req, ctx) {
      return { details: details(await ops.unlockUser(ctx, req.userId)) };
    },

    // The doc comment: afterwards "endpoints requesting this user will return an error 'User not
    // found'" — deleting it again included, as in ZITADEL.
    async deleteUser(req, ctx) {
      const user = await ops.deleteUser(ctx, req.userId);
      return { details: details(user, new Date()) };
    },

    async setPassword(req, ctx) {
      const user = await ops.setPassword(ctx, req.userId, () => {
        if (!req.newPassword) throw invalidArgument("newPassword", "is required");
        const { verification } = req;
        if (verification.case === "verificationCode") throw unsupported("verificationCode", "password reset codes are not issued");
        return {
          password: req.newPassword.password,
          changeRequired: req.newPassword.changeRequired,
          currentPassword: verification.case === "currentPassword" ? verification.value : undefined,
        };
      });
      return { details: details(user) };
    },

    async addSecret(req, ctx) {
      const secret = await ops.addSecret(ctx, { userId: req.userId });
      return { creationDate: ts(secret.createdAt), clientSecret: secret.clientSecret };
    },

    async removeSecret(req, ctx) {
      await ops.removeSecret(ctx, { userId: req.userId });
      return { deletionDate: now() };
    },

    async addPersonalAccessToken(req, ctx) {
      const pat = await ops.addPersonalAccessToken(ctx, req.userId, () => ({
        expirationDate: optionalDate("expirationDate", req.expirationDate),
      }));
      return { creationDate: ts(pat.createdAt), tokenId: pat.id, token: pat.token };
    },

    async removePersonalAccessToken(req, ctx) {
      await ops.removePersonalAccessToken(ctx, { tokenId: req.tokenId, userId: req.userId });
      return { deletionDate: now() };
    },

    async listPersonalAccessTokens(req, ctx) {
      const page = await ops.listPersonalAccessTokens(ctx, {
        ...readCredentialFilters(req.filters, "tokenIdFilter"),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, CREDENTIAL_SORT),
      });
      return { pagination: paginationResponse(page), result: page.items.map(toCredential) };
    },

    async addKey(req, ctx) {
      const key = await ops.addKey(ctx, req.userId, () => ({
        publicKey: req.publicKey,
        expirationDate: optionalDate("expirationDate", req.expirationDate),
      }));
      return {
        creationDate: ts(key.createdAt),
        keyId: key.keyId,
        // The service-account key file, when rolegate generated the key pair.
        keyContent: key.keyContent === undefined ? new Uint8Array() : new TextEncoder().encode(key.keyContent),
      };
    },

    async removeKey(req, ctx) {
      await ops.removeKey(ctx, { keyId: req.keyId, userId: req.userId });
      return { deletionDate: now() };
    },

    async listKeys(req, ctx) {
      const page = await ops.listKeys(ctx, {
        ...readCredentialFilters(req.filters, "keyIdFilter"),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, CREDENTIAL_SORT),
      });
      return { pagination: paginationResponse(page), result: page.items.map(toCredential) };
    },

    async setUserMetadata(req, ctx) {
      await ops.setMetadata(ctx, { userId: req.userId, metadata: req.metadata.map(({ key, value }) => ({ key, value })) });
      return { setDate: now() };
    },

    async listUserMetadata(req, ctx) {
      const page = await ops.listMetadata(ctx, req.userId, () => {
        let key: ReturnType<typeof textFilter> | undefined;
        req.filters.forEach(({ filter }, i) => {
          if (filter.case === "keyFilter") key = textFilter(`filters[${i}].keyFilter`, filter.value.key, filter.value.method);
        });
        return { key, pagination: pagination(req.pagination) };
      });
      return { pagination: paginationResponse(page), metadata: page.items.map((m) => ({ key: m.key, value: m.value })) };
    },

    async deleteUserMetadata(req, ctx) {
      await ops.deleteMetadata(ctx, { userId: req.userId, keys: req.keys });
      return { deletionDate: now() };
    },
  };
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
