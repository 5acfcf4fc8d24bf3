// zitadel.management.v1 users: humans, machine users, their state, password, secret, keys,
// personal access tokens and metadata, mapped onto the user operations (user-operations.ts) within
// the request's organization (docs/rules.md#r-admin-6); GetUserByLoginNameGlobal alone looks
// across the instance. Phones, MFA, IDP links, passwordless, avatars and init mails are not held
// by rolegate: those methods answer `unimplemented`, and such fields of a request are refused.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import { invalidArgument, notFound } from "../directory/errors.js";
import type * as credentials from "../directory/user-credentials.js";
import type * as userListing from "../directory/user-listing.js";
import type * as users from "../directory/users.js";
import type { AccessTokenType, UserState } from "../generated/prisma/client.js";
import { readUserQuery, type StateTable } from "./user-queries.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, textFilter, toEnum } from "./convert.js";
import { type NewHuman, type UserView, userOperations } from "./user-operations.js";
import { changed, details, listDetails, listQuery } from "./v1-messages.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;

// zitadel.user.v1.UserState: rolegate deletes users instead of keeping them DELETED (3), and has no SUSPEND (5).
const STATE: Record<number, UserState | undefined> = { 1: "ACTIVE", 2: "INACTIVE", 4: "LOCKED", 6: "INITIAL" };
const STATE_QUERY: StateTable = { 1: "ACTIVE", 2: "INACTIVE", 3: "NONE", 4: "LOCKED", 5: "NONE", 6: "INITIAL" };
const ACCESS_TOKEN_TYPE: Record<number, AccessTokenType | undefined> = { 0: "BEARER", 1: "JWT" };
// zitadel.user.v1.Gender: accepted, not stored.
const GENDER: Record<number, true> = { 0: true, 1: true, 2: true, 3: true };
// zitadel.user.v1.UserFieldName.
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
// zitadel.authn.v1.KeyType: KEY_TYPE_JSON, the only one.
const KEY_TYPE_JSON = 1;
const LAST_DATE = Date.UTC(10000, 0, 1);

function unsupported(field: string) {
  return invalidArgument(field, "is not supported by rolegate");
}

function optionalDate(field: string, value: Timestamp | undefined): Date | undefined {
  if (!value) return undefined;
  const date = timestampDate(value);
  if (!(date.getTime() < LAST_DATE)) throw invalidArgument(field, "must be a timestamp before the year 10000");
  return date;
}

/** The user as zitadel.user.v1.User; login names are instance-wide usernames in rolegate. */
function toUser({ user, hasSecret }: UserView) {
  const type =
    user.type === "HUMAN"
      ? {
          case: "human" as const,
          value: {
            profile: {
              firstName: user.givenName ?? "",
              lastName: user.familyName ?? "",
              nickName: user.nickName ?? "",
              displayName: user.displayName ?? "",
              preferredLanguage: user.preferredLanguage ?? "",
              gender: 0,
              avatarUrl: "",
            },
            email: { email: user.email ?? "", isEmailVerified: user.emailVerified },
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
  return {
    id: user.id,
    details: details(user, user.orgId),
    state: toEnum(STATE, user.state),
    userName: user.username,
    loginNames: [user.username],
    preferredLoginName: user.username,
    type,
  };
}

function toKey(row: credentials.CredentialInfo) {
  return {
    id: row.id,
    details: details({ createdAt: row.createdAt, updatedAt: row.createdAt }, row.orgId),
    type: KEY_TYPE_JSON,
    expirationDate: timestamp(row.expirationDate),
  };
}

function toToken(row: credentials.CredentialInfo) {
  return {
    id: row.id,
    details: details({ createdAt: row.createdAt, updatedAt: row.createdAt }, row.orgId),
    expirationDate: timestamp(row.expirationDate),
    scopes: [],
  };
}

const timestamp = (date: Date) => details({ createdAt: date, updatedAt: date }, "").creationDate;

/** AddHumanUser's and ImportHumanUser's common fields. */
interface HumanRequest {
  userName: string;
  profile?: { firstName: string; lastName: string; nickName: string; displayName: string; preferredLanguage: string; gender: number };
  email?: { email: string; isEmailVerified: boolean };
  phone?: { phone: string };
}

function humanInput(req: HumanRequest, password: string, changeRequired: boolean): NewHuman {
  if (req.phone?.phone) throw unsupported("phone");
  if (req.profile) fromEnum("profile.gender", req.profile.gender, GENDER);
  return {
    username: req.userName || undefined,
    email: req.email?.email ?? "",
    emailVerified: req.email?.isEmailVerified,
    givenName: req.profile?.firstName ?? "",
    familyName: req.profile?.lastName ?? "",
    displayName: req.profile?.displayName || undefined,
    nickName: req.profile?.nickName || undefined,
    preferredLanguage: req.profile?.preferredLanguage || undefined,
    password: password || undefined,
    passwordChangeRequired: password ? changeRequired : undefined,
  };
}

export function managementV1Users(deps: ApiDeps): Impl {
  const ops = userOperations(deps, { withinContextOrganization: true });
  const userDetails = (user: users.User) => ({ details: details(user, user.orgId) });
  /** The user's organization, for the details of changes that leave no dated row. */
  const ownerOf = async (ctx: HandlerContext, userId: string) => (await ops.getUser(ctx, userId)).user.orgId;

  return {
    async getUserByID(req, ctx) {
      return { user: toUser(await ops.getUser(ctx, req.id)) };
    },
    async getUserByLoginNameGlobal(req, ctx) {
      return { user: toUser(await ops.getUserByLoginName(ctx, req.loginName)) };
    },
    async listUsers(req, ctx) {
      const page = await ops.listUsers(ctx, {
        and: req.queries.map((q, i) => readUserQuery(q, `queries[${i}]`, STATE_QUERY)),
        pagination: listQuery(req.query),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, USER_SORT),
      });
      return { details: listDetails(page), sortingColumn: req.sortingColumn, result: page.items.map(toUser) };
    },
    async isUserUnique(req, ctx) {
      return { isUnique: await ops.isUserUnique(ctx, { username: req.userName, email: req.email }) };
    },

    async addHumanUser(req, ctx) {
      // v1's initial password must be changed at the first sign-in, as in ZITADEL.
      const user = await ops.createHuman(ctx, {}, () => humanInput(req, req.initialPassword, true));
      return { userId: user.id, details: details(user, user.orgId) };
    },
    async importHumanUser(req, ctx) {
      const user = await ops.createHuman(ctx, {}, () => {
        if (req.hashedPassword?.value) throw unsupported("hashedPassword");
        if (req.idps.length > 0) throw unsupported("idps");
        if (req.otpCode) throw unsupported("otpCode");
        if (req.requestPasswordlessRegistration) throw unsupported("requestPasswordlessRegistration");
        return humanInput(req, req.password, req.passwordChangeRequired);
      });
      return { userId: user.id, details: details(user, user.orgId) };
    },
    async addMachineUser(req, ctx) {
      const user = await ops.createMachine(
        ctx,
        {},
        {
          userId: req.userId,
          username: req.userName || undefined,
          name: req.name,
          description: req.description,
          accessTokenType: fromEnum("accessTokenType", req.accessTokenType, ACCESS_TOKEN_TYPE),
        },
      );
      return { userId: user.id, details: details(user, user.orgId) };
    },

    async deactivateUser(req, ctx) {
      return userDetails(await ops.deactivateUser(ctx, req.id));
    },
    async reactivateUser(req, ctx) {
      return userDetails(await ops.reactivateUser(ctx, req.id));
    },
    async lockUser(req, ctx) {
      return userDetails(await ops.lockUser(ctx, req.id));
    },
    async unlockUser(req, ctx) {
      return userDetails(await ops.unlockUser(ctx, req.id));
    },
    async removeUser(req, ctx) {
      const user = await ops.deleteUser(ctx, req.id);
      return { details: changed(user.orgId) };
    },

    async updateUserName(req, ctx) {
      return userDetails(await ops.updateUsername(ctx, { userId: req.userId, username: req.userName }));
    },
    async getHumanProfile(req, ctx) {
      const view = await ops.getUser(ctx, req.userId);
      const user = toUser(view);
      if (user.type.case !== "human") throw notFound("human user", req.userId);
      return { details: user.details, profile: user.type.value.profile };
    },
    async updateHumanProfile(req, ctx) {
      const user = await ops.updateHuman(ctx, req.userId, () => {
        fromEnum("gender", req.gender, GENDER);
        // v1 replaces the profile: "" derives the display name again and clears the others.
        return {
          givenName: req.firstName,
          familyName: req.lastName,
          nickName: req.nickName,
          displayName: req.displayName,
          preferredLanguage: req.preferredLanguage,
        };
      });
      return userDetails(user);
    },
    async getHumanEmail(req, ctx) {
      const view = await ops.getUser(ctx, req.userId);
      const user = toUser(view);
      if (user.type.case !== "human") throw notFound("human user", req.userId);
      return { details: user.details, email: user.type.value.email };
    },
    /** No mail is sent: the address is verified as the request says. */
    async updateHumanEmail(req, ctx) {
      return userDetails(await ops.updateHuman(ctx, req.userId, () => ({ email: req.email, emailVerified: req.isEmailVerified })));
    },
    async setHumanPassword(req, ctx) {
      const user = await ops.setPassword(ctx, req.userId, () => ({ password: req.password, changeRequired: !req.noChangeRequired }));
      return userDetails(user);
    },
    /** Deprecated in ZITADEL: a one-time password, to be changed at the first sign-in. */
    async setHumanInitialPassword(req, ctx) {
      const user = await ops.setPassword(ctx, req.userId, () => ({ password: req.password, changeRequired: true }));
      return userDetails(user);
    },

    async updateMachine(req, ctx) {
      const user = await ops.updateMachine(ctx, {
        userId: req.userId,
        name: req.name,
        description: req.description,
        accessTokenType: fromEnum("accessTokenType", req.accessTokenType, ACCESS_TOKEN_TYPE),
      });
      return userDetails(user);
    },
    async generateMachineSecret(req, ctx) {
      const secret = await ops.addSecret(ctx, { userId: req.userId });
      const { user } = await ops.getUser(ctx, req.userId);
      return { clientId: user.username, clientSecret: secret.clientSecret, details: details(user, user.orgId) };
    },
    async removeMachineSecret(req, ctx) {
      await ops.removeSecret(ctx, { userId: req.userId });
      return { details: changed(await ownerOf(ctx, req.userId)) };
    },

    async addMachineKey(req, ctx) {
      const key = await ops.addKey(ctx, req.userId, () => {
        if (req.type !== KEY_TYPE_JSON) throw invalidArgument("type", "must be KEY_TYPE_JSON");
        return {
          publicKey: req.publicKey.length > 0 ? req.publicKey : undefined,
          expirationDate: optionalDate("expirationDate", req.expirationDate),
        };
      });
      return {
        keyId: key.keyId,
        // The key file, when rolegate generated the key pair.
        keyDetails: key.keyContent === undefined ? new Uint8Array() : new TextEncoder().encode(key.keyContent),
        details: details({ createdAt: key.createdAt, updatedAt: key.createdAt }, await ownerOf(ctx, req.userId)),
      };
    },
    async getMachineKeyByIDs(req, ctx) {
      await ops.getUser(ctx, req.userId);
      const [key] = (await ops.listKeys(ctx, { userId: req.userId, ids: [req.keyId] })).items;
      if (!key) throw notFound("key", req.keyId);
      return { key: toKey(key) };
    },
    async listMachineKeys(req, ctx) {
      await ops.getUser(ctx, req.userId);
      const page = await ops.listKeys(ctx, { userId: req.userId, pagination: listQuery(req.query) });
      return { details: listDetails(page), result: page.items.map(toKey) };
    },
    async removeMachineKey(req, ctx) {
      await ops.removeKey(ctx, { keyId: req.keyId, userId: req.userId });
      return { details: changed(await ownerOf(ctx, req.userId)) };
    },

    async addPersonalAccessToken(req, ctx) {
      const pat = await ops.addPersonalAccessToken(ctx, req.userId, () => ({
        expirationDate: optionalDate("expirationDate", req.expirationDate),
      }));
      const owner = await ownerOf(ctx, req.userId);
      return { tokenId: pat.id, token: pat.token, details: details({ createdAt: pat.createdAt, updatedAt: pat.createdAt }, owner) };
    },
    async getPersonalAccessTokenByIDs(req, ctx) {
      await ops.getUser(ctx, req.userId);
      const [token] = (await ops.listPersonalAccessTokens(ctx, { userId: req.userId, ids: [req.tokenId] })).items;
      if (!token) throw notFound("personal access token", req.tokenId);
      return { token: toToken(token) };
    },
    async listPersonalAccessTokens(req, ctx) {
      await ops.getUser(ctx, req.userId);
      const page = await ops.listPersonalAccessTokens(ctx, { userId: req.userId, pagination: listQuery(req.query) });
      return { details: listDetails(page), result: page.items.map(toToken) };
    },
    async removePersonalAccessToken(req, ctx) {
      await ops.removePersonalAccessToken(ctx, { tokenId: req.tokenId, userId: req.userId });
      return { details: changed(await ownerOf(ctx, req.userId)) };
    },

    async setUserMetadata(req, ctx) {
      await ops.setMetadata(ctx, { userId: req.id, metadata: [{ key: req.key, value: req.value }] });
      return { details: changed(await ownerOf(ctx, req.id)) };
    },
    async bulkSetUserMetadata(req, ctx) {
      await ops.setMetadata(ctx, { userId: req.id, metadata: req.metadata.map(({ key, value }) => ({ key, value })) });
      return { details: changed(await ownerOf(ctx, req.id)) };
    },
    async listUserMetadata(req, ctx) {
      const page = await ops.listMetadata(ctx, req.id, () => {
        let key: ReturnType<typeof textFilter> | undefined;
        req.queries.forEach(({ query }, i) => {
          if (query.case === "keyQuery") key = textFilter(`queries[${i}].keyQuery`, query.value.key, query.value.method);
        });
        return { key, pagination: listQuery(req.query) };
      });
      const owner = await ownerOf(ctx, req.id);
      return { details: listDetails(page), result: page.items.map((m) => ({ key: m.key, value: m.value, details: changed(owner) })) };
    },
    async getUserMetadata(req, ctx) {
      const page = await ops.listMetadata(ctx, req.id, () => ({ key: { value: req.key, method: "EQUALS" as const } }));
      const [found] = page.items;
      if (!found) throw notFound("metadata", req.key);
      return { metadata: { key: found.key, value: found.value, details: changed(await ownerOf(ctx, req.id)) } };
    },
    /** Idempotent, as rolegate's metadata deletes are (docs/rules.md#r-user-5). */
    async removeUserMetadata(req, ctx) {
      await ops.deleteMetadata(ctx, { userId: req.id, keys: [req.key] });
      return { details: changed(await ownerOf(ctx, req.id)) };
    },
    async bulkRemoveUserMetadata(req, ctx) {
      await ops.deleteMetadata(ctx, { userId: req.id, keys: req.keys });
      return { details: changed(await ownerOf(ctx, req.id)) };
    },
  };
}
