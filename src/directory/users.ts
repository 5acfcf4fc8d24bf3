// Users as ZITADEL's zitadel.user.v2.UserService manages them: humans, who sign in with a
// password (see passwords.ts), and machine users (service accounts), who use a client secret,
// personal access tokens or keys. Login names are unique across the instance, case-insensitively.
// Deleting a user removes its authorizations, tokens, keys, secret, metadata and administrator
// memberships (foreign keys cascade; see prisma/schema.prisma).
import type { AccessTokenType, Prisma, UserMetadata, UserState, UserType } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext } from "./context.js";
import { alreadyExists, assertThat, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { generateRsaKeyPair, readPublicKey, type ServiceAccountKeyFile } from "./key-files.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter } from "./list.js";
import { assertPasswordUnchanged, hashPassword, preparePassword, validatePassword } from "./passwords.js";
import { generateSecret, hashSecret, verifySecret } from "./secrets.js";
import { assertHuman, assertMachine, loadUser, loginKeyOf, toPublicUser, type User } from "./user-rows.js";
import { optionalBoolean, optionalEnum, optionalText, requireEmail, requireEnum, requireId, requireList, requireText } from "./validate.js";

export type { User };

const USER_TYPES = ["HUMAN", "MACHINE"] as const satisfies readonly UserType[];
const USER_STATES = ["ACTIVE", "INACTIVE", "LOCKED", "INITIAL"] as const satisfies readonly UserState[];
const ACCESS_TOKEN_TYPES = ["BEARER", "JWT"] as const satisfies readonly AccessTokenType[];

// ---------------------------------------------------------------------------------------------
// Creating users

export interface CreateHumanUserInput {
  orgId: string;
  /** A caller-chosen id (ZITADEL's `userId`); generated when absent. */
  userId?: string | undefined;
  /** Defaults to the email address, as in ZITADEL. */
  username?: string | undefined;
  email: string;
  emailVerified?: boolean | undefined;
  givenName: string;
  familyName: string;
  /** Defaults to "givenName familyName". */
  displayName?: string | undefined;
  nickName?: string | undefined;
  /** A BCP 47 language tag such as "en" or "de-CH". */
  preferredLanguage?: string | undefined;
  password?: string | undefined;
  passwordChangeRequired?: boolean | undefined;
}

/**
 * New humans start ACTIVE, with or without a password: ZITADEL's v2 API (AddHumanUser, CreateUser)
 * never adds the init code that makes a user INITIAL; only its v1 APIs do. A human without a
 * password cannot sign in with one until setPassword gives them one.
 */
export async function createHumanUser(ctx: DirectoryContext, input: CreateHumanUserInput): Promise<User> {
  const orgId = requireId("orgId", input.orgId);
  const id = optionalUserId(input.userId);
  const email = requireEmail("email", input.email);
  const username = isAbsent(input.username) ? email : requireUsername(input.username);
  const givenName = requireText("givenName", input.givenName);
  const familyName = requireText("familyName", input.familyName);
  const displayName = isAbsent(input.displayName) ? `${givenName} ${familyName}` : requireText("displayName", input.displayName);
  const nickName = isAbsent(input.nickName) ? null : requireText("nickName", input.nickName);
  const preferredLanguage = isAbsent(input.preferredLanguage) ? null : requireLanguage(input.preferredLanguage);
  const emailVerified = optionalBoolean("emailVerified", input.emailVerified) ?? false;
  const passwordChangeRequired = optionalBoolean("passwordChangeRequired", input.passwordChangeRequired) ?? false;
  const password = isAbsent(input.password) ? undefined : validatePassword("password", input.password);
  const passwordHash = password === undefined ? null : await hashPassword(password); // slow: outside the transaction
  return insertUser(ctx, {
    id,
    orgId,
    type: "HUMAN",
    username,
    loginKey: loginKeyOf(username),
    email,
    emailVerified,
    givenName,
    familyName,
    displayName,
    nickName,
    preferredLanguage,
    passwordHash,
    passwordChangeRequired,
  });
}

export interface CreateMachineUserInput {
  orgId: string;
  userId?: string | undefined;
  /** The client id of client credentials. Defaults to the user id, as in ZITADEL. */
  username?: string | undefined;
  name: string;
  description?: string | undefined;
  /** Tokens issued to the user: opaque (BEARER, the default) or JWT. */
  accessTokenType?: AccessTokenType | undefined;
}

export async function createMachineUser(ctx: DirectoryContext, input: CreateMachineUserInput): Promise<User> {
  const orgId = requireId("orgId", input.orgId);
  const id = optionalUserId(input.userId);
  const username = isAbsent(input.username) ? id : requireUsername(input.username);
  const name = requireText("name", input.name);
  const description = optionalText("description", input.description, { max: 500, multiline: true }) || null;
  const accessTokenType = optionalEnum("accessTokenType", input.accessTokenType, ACCESS_TOKEN_TYPES) ?? "BEARER";
  return insertUser(ctx, { id, orgId, type: "MACHINE", username, loginKey: loginKeyOf(username), name, description, accessTokenType });
}

async function insertUser(ctx: DirectoryContext, data: Prisma.UserUncheckedCreateInput & { id: string }): Promise<User> {
  const usernameTaken = () => alreadyExists("username", `the login name ${data.username} is already taken`);
  const idTaken = () => alreadyExists("userId", `a user with id ${data.id} already exists`);
  return inTransaction(
    ctx,
    async (tx) => {
      assertThat(await tx.organization.findUnique({ where: { id: data.orgId } }), () => notFound("organization", data.orgId));
      assertThat(!(await tx.user.findUnique({ where: { id: data.id } })), idTaken);
      assertThat(!(await tx.user.findUnique({ where: { loginKey: data.loginKey } })), usernameTaken);
      const user = toPublicUser(await tx.user.create({ data }));
      await writeAudit(tx, ctx.actor.id, { action: "user.created", targetType: "user", targetId: user.id, after: user });
      return user;
    },
    // Two creates raced past the checks: the driver's error names the broken constraint.
    (error) => (JSON.stringify((error as { meta?: unknown }).meta ?? {}).includes("User_pkey") ? idTaken() : usernameTaken()),
  );
}

/** Proto3 leaves unset strings empty, so "" means "not given" for optional fields. */
function isAbsent(value: unknown): value is undefined | null | "" {
  return value === undefined || value === null || value === "";
}

function optionalUserId(value: unknown): string {
  return isAbsent(value) ? newId() : requireId("userId", value);
}

function requireUsername(value: unknown): string {
  return requireText("username", value, { max: 200 });
}

function requireLanguage(value: unknown): string {
  const tag = requireText("preferredLanguage", value, { max: 50 });
  try {
    return Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    throw invalidArgument("preferredLanguage", "must be a language tag such as en or de-CH");
  }
}

// ---------------------------------------------------------------------------------------------
// Reading and changing users

export async function getUser(ctx: DirectoryContext, userId: string): Promise<User> {
  requireId("userId", userId);
  const user = await ctx.prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw notFound("user", userId);
  return toPublicUser(user);
}

/** Fields left undefined stay as they are. */
export interface UpdateHumanUserInput {
  userId: string;
  username?: string | undefined;
  /** A new address is unverified unless emailVerified says otherwise. */
  email?: string | undefined;
  emailVerified?: boolean | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  /** "" derives it again from the given and family names. */
  displayName?: string | undefined;
  /** "" clears it. */
  nickName?: string | undefined;
  /** "" clears it. */
  preferredLanguage?: string | undefined;
  password?: string | undefined;
  /** Defaults to false when a password is set. */
  passwordChangeRequired?: boolean | undefined;
  /** With a new password: it must match the current one. */
  currentPassword?: string | undefined;
}

export async function updateHumanUser(ctx: DirectoryContext, input: UpdateHumanUserInput): Promise<User> {
  const userId = requireId("userId", input.userId);
  const changes = readHumanChanges(input);
  const password = input.password === undefined ? undefined : validatePassword("password", input.password);
  const prepared = password === undefined ? undefined : await preparePassword(ctx, userId, password, input.currentPassword);
  const taken = () => alreadyExists("username", `the login name ${changes.username} is already taken`);
  return inTransaction(
    ctx,
    async (tx) => {
      const before = await loadUser(tx, userId);
      assertHuman(before);
      if (changes.loginKey !== undefined && changes.loginKey !== before.loginKey) {
        assertThat(!(await tx.user.findUnique({ where: { loginKey: changes.loginKey } })), taken);
      }
      if (prepared) assertPasswordUnchanged(before, prepared);
      const passwordHash = prepared?.passwordHash;
      const names = `${changes.givenName ?? before.givenName} ${changes.familyName ?? before.familyName}`;
      const emailChanged = changes.email !== undefined && changes.email !== before.email;
      const data = {
        ...changes,
        displayName: changes.displayName === "" ? names : changes.displayName,
        emailVerified: changes.emailVerified ?? (emailChanged ? false : undefined),
        passwordHash,
        passwordChangeRequired: changes.passwordChangeRequired ?? (passwordHash ? false : undefined),
      };
      const after = await tx.user.update({ where: { id: userId }, data });
      await writeAudit(tx, ctx.actor.id, {
        action: "user.updated",
        targetType: "user",
        targetId: userId,
        before: toPublicUser(before),
        after: toPublicUser(after),
      });
      return toPublicUser(after);
    },
    taken,
  );
}

function readHumanChanges(input: UpdateHumanUserInput) {
  const given = (value: unknown) => value !== undefined;
  const username = given(input.username) ? requireUsername(input.username) : undefined;
  return {
    username,
    loginKey: username === undefined ? undefined : loginKeyOf(username),
    email: given(input.email) ? requireEmail("email", input.email) : undefined,
    emailVerified: optionalBoolean("emailVerified", input.emailVerified),
    givenName: given(input.givenName) ? requireText("givenName", input.givenName) : undefined,
    familyName: given(input.familyName) ? requireText("familyName", input.familyName) : undefined,
    displayName: input.displayName === "" ? "" : given(input.displayName) ? requireText("displayName", input.displayName) : undefined,
    nickName: input.nickName === "" ? null : given(input.nickName) ? requireText("nickName", input.nickName) : undefined,
    preferredLanguage:
      input.preferredLanguage === "" ? null : given(input.preferredLanguage) ? requireLanguage(input.preferredLanguage) : undefined,
    passwordChangeRequired: optionalBoolean("passwordChangeRequired", input.passwordChangeRequired),
  };
}

// ZITADEL's rules (internal/command/user_v2.go): deactivate refuses INITIAL and INACTIVE users,
// reactivate needs INACTIVE, lock needs ACTIVE or INITIAL, unlock needs LOCKED.
const TRANSITIONS = {
  deactivate: { from: ["ACTIVE", "LOCKED"], to: "INACTIVE", action: "user.deactivated" },
  reactivate: { from: ["INACTIVE"], to: "ACTIVE", action: "user.reactivated" },
  lock: { from: ["ACTIVE", "INITIAL"], to: "LOCKED", action: "user.locked" },
  unlock: { from: ["LOCKED"], to: "ACTIVE", action: "user.unlocked" },
} as const satisfies Record<string, { from: readonly UserState[]; to: UserState; action: string }>;

/** ACTIVE or LOCKED → INACTIVE: the user can no longer sign in, but their data stays. */
export function deactivateUser(ctx: DirectoryContext, userId: string): Promise<User> {
  return changeState(ctx, userId, "deactivate");
}

/** INACTIVE → ACTIVE. */
export function reactivateUser(ctx: DirectoryContext, userId: string): Promise<User> {
  return changeState(ctx, userId, "reactivate");
}

/** ACTIVE or INITIAL → LOCKED: blocks sign-in temporarily. */
export function lockUser(ctx: DirectoryContext, userId: string): Promise<User> {
  return changeState(ctx, userId, "lock");
}

/** LOCKED → ACTIVE. */
export function unlockUser(ctx: DirectoryContext, userId: string): Promise<User> {
  return changeState(ctx, userId, "unlock");
}

async function changeState(ctx: DirectoryContext, userId: string, verb: keyof typeof TRANSITIONS): Promise<User> {
  requireId("userId", userId);
  const { from, to, action } = TRANSITIONS[verb];
  return inTransaction(ctx, async (tx) => {
    const before = await loadUser(tx, userId);
    assertThat((from as readonly UserState[]).includes(before.state), () =>
      failedPrecondition(`cannot ${verb} user ${userId}: it is ${before.state.toLowerCase()}, not ${from.join(" or ").toLowerCase()}`),
    );
    const after = await tx.user.update({ where: { id: userId }, data: { state: to } });
    await writeAudit(tx, ctx.actor.id, {
      action,
      targetType: "user",
      targetId: userId,
      before: toPublicUser(before),
      after: toPublicUser(after),
    });
    return toPublicUser(after);
  });
}

/** Deletes a user and everything that cascades from it. Unknown ids succeed (idempotent). */
export async function deleteUser(ctx: DirectoryContext, userId: string): Promise<boolean> {
  requireId("userId", userId);
  return inTransaction(ctx, async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) return false;
    // deleteMany: a concurrent delete of the same user leaves nothing to delete instead of failing.
    const { count } = await tx.user.deleteMany({ where: { id: userId } });
    if (count === 0) return false;
    await writeAudit(tx, ctx.actor.id, { action: "user.deleted", targetType: "user", targetId: userId, before: toPublicUser(before) });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Listing users

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
  if (depth > MAX_QUERY_DEPTH) throw invalidArgument("queries", `must not nest deeper than ${MAX_QUERY_DEPTH} levels`);
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

const MAX_QUERY_DEPTH = 10;

// ---------------------------------------------------------------------------------------------
// Machine users: client secret (client credentials with client id = user id or username)

export interface NewMachineSecret {
  clientSecret: string;
  createdAt: Date;
}

/** Generates the user's client secret, replacing the one it had (AddSecret's doc comment). */
export async function addSecret(ctx: DirectoryContext, userId: string): Promise<NewMachineSecret> {
  requireId("userId", userId);
  const clientSecret = generateSecret();
  const secretHash = hashSecret(clientSecret);
  return inTransaction(ctx, async (tx) => {
    assertMachine(await loadUser(tx, userId));
    const previous = await tx.machineSecret.findUnique({ where: { userId } });
    const createdAt = new Date();
    await tx.machineSecret.upsert({ where: { userId }, create: { userId, secretHash, createdAt }, update: { secretHash, createdAt } });
    await writeAudit(tx, ctx.actor.id, {
      action: "user.secret.added",
      targetType: "user",
      targetId: userId,
      after: { replaced: previous !== null },
    });
    return { clientSecret, createdAt };
  });
}

export async function removeSecret(ctx: DirectoryContext, userId: string): Promise<void> {
  requireId("userId", userId);
  await inTransaction(ctx, async (tx) => {
    await loadUser(tx, userId);
    const { count } = await tx.machineSecret.deleteMany({ where: { userId } });
    if (count === 0) throw notFound("secret of user", userId);
    await writeAudit(tx, ctx.actor.id, { action: "user.secret.removed", targetType: "user", targetId: userId });
  });
}

/** Which of these users have a client secret; skips the query for an empty list. */
export async function usersWithSecret(ctx: DirectoryContext, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await ctx.prisma.machineSecret.findMany({ where: { userId: { in: userIds } }, select: { userId: true } });
  return new Set(rows.map((r) => r.userId));
}

/**
 * The machine user whose client id (user id, or username in any case) and secret match, or null.
 * The user's state is not checked here: the token endpoint refuses inactive users itself.
 */
export async function verifyMachineSecret(ctx: DirectoryContext, clientId: string, secret: string): Promise<User | null> {
  if (typeof clientId !== "string" || typeof secret !== "string" || clientId === "") return null;
  const candidates = await ctx.prisma.user.findMany({
    where: { type: "MACHINE", OR: [{ id: clientId }, { loginKey: loginKeyOf(clientId) }] },
    include: { secret: true },
  });
  // A user id names its user more exactly than another user's username that looks like an id.
  const match = candidates.find((user) => user.id === clientId) ?? candidates[0];
  if (!match) return null;
  const { secret: stored, ...user } = match;
  return verifySecret(secret, stored?.secretHash) ? toPublicUser(user) : null;
}

// ---------------------------------------------------------------------------------------------
// Machine users: personal access tokens and keys

/** The expiration of tokens and keys created without one: effectively never. */
export const NEVER_EXPIRES = new Date("9999-01-01T00:00:00Z");

/** A personal access token or key as listed: never the token or the key itself. */
export interface CredentialInfo {
  id: string;
  userId: string;
  orgId: string;
  createdAt: Date;
  expirationDate: Date;
}

export type CredentialSort = "creationDate" | "id" | "userId" | "organizationId" | "expirationDate";

/** A timestamp condition: Prisma's comparison and the date to compare with. */
export interface DateFilter {
  method: "equals" | "gt" | "gte" | "lt" | "lte";
  value: Date;
}

export interface ListCredentialsInput {
  ids?: string[] | undefined;
  userId?: string | undefined;
  orgId?: string | undefined;
  /** Tokens or keys of users of any of these organizations (what a caller may see). */
  orgIds?: string[] | undefined;
  createdAt?: DateFilter | undefined;
  expirationDate?: DateFilter | undefined;
  pagination?: Pagination | undefined;
  /** Defaults to creationDate. */
  sortBy?: CredentialSort | undefined;
}

export interface RemoveCredentialInput {
  /** Optional, as in ZITADEL: when given, the token or key must belong to this user. */
  userId?: string | undefined;
}

export interface NewPersonalAccessToken {
  id: string;
  /** Shown once: rolegate keeps only its hash. */
  token: string;
  createdAt: Date;
  expirationDate: Date;
}

export async function addPersonalAccessToken(
  ctx: DirectoryContext,
  input: { userId: string; expirationDate?: Date | undefined },
): Promise<NewPersonalAccessToken> {
  const userId = requireId("userId", input.userId);
  const expirationDate = optionalExpiration(input.expirationDate);
  const token = generateSecret(64);
  return inTransaction(ctx, async (tx) => {
    assertMachine(await loadUser(tx, userId));
    const pat = await tx.personalAccessToken.create({ data: { id: newId(), userId, tokenHash: hashSecret(token), expirationDate } });
    await writeAudit(tx, ctx.actor.id, {
      action: "user.pat.added",
      targetType: "user",
      targetId: userId,
      after: { id: pat.id, expirationDate },
    });
    return { id: pat.id, token, createdAt: pat.createdAt, expirationDate };
  });
}

export async function removePersonalAccessToken(ctx: DirectoryContext, input: RemoveCredentialInput & { tokenId: string }): Promise<void> {
  const tokenId = requireId("tokenId", input.tokenId);
  const userId = isAbsent(input.userId) ? undefined : requireId("userId", input.userId);
  await inTransaction(ctx, async (tx) => {
    const pat = await tx.personalAccessToken.findFirst({ where: { id: tokenId, userId } });
    // deleteMany: a concurrent removal leaves nothing to delete instead of failing.
    const removed = pat !== null && (await tx.personalAccessToken.deleteMany({ where: { id: pat.id } })).count > 0;
    if (!pat || !removed) throw notFound("personal access token", tokenId);
    await writeAudit(tx, ctx.actor.id, {
      action: "user.pat.removed",
      targetType: "user",
      targetId: pat.userId,
      before: { id: pat.id, expirationDate: pat.expirationDate },
    });
  });
}

export async function listPersonalAccessTokens(ctx: DirectoryContext, input: ListCredentialsInput = {}): Promise<Page<CredentialInfo>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const where = credentialFilters(input);
  const direction = asc ? "asc" : "desc";
  const [rows, total] = await Promise.all([
    ctx.prisma.personalAccessToken.findMany({
      where,
      select: CREDENTIAL_FIELDS,
      orderBy: credentialOrder(input.sortBy, direction),
      skip,
      take,
    }),
    ctx.prisma.personalAccessToken.count({ where }),
  ]);
  return { items: rows.map(toCredentialInfo), totalResult: total, appliedLimit: take };
}

/** The user owning a credential (token or key) and that user's organization. */
export interface CredentialOwner {
  userId: string;
  orgId: string;
}

const CREDENTIAL_OWNER = { userId: true, user: { select: { orgId: true } } } as const;

/** Who holds the personal access token, expired or not; null for unknown ids. */
export async function findPersonalAccessTokenOwner(ctx: DirectoryContext, tokenId: string): Promise<CredentialOwner | null> {
  const pat = await ctx.prisma.personalAccessToken.findUnique({ where: { id: tokenId }, select: CREDENTIAL_OWNER });
  return pat && { userId: pat.userId, orgId: pat.user.orgId };
}

/**
 * The user a personal access token belongs to, or null for unknown and expired tokens. The user's
 * state is not checked here: API authentication must refuse inactive users and organizations.
 */
export async function findUserByPersonalAccessToken(ctx: DirectoryContext, token: string): Promise<{ user: User; tokenId: string } | null> {
  if (typeof token !== "string" || token === "") return null;
  const pat = await ctx.prisma.personalAccessToken.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!pat || isExpired(pat.expirationDate)) return null;
  return { user: toPublicUser(pat.user), tokenId: pat.id };
}

export interface AddKeyInput {
  userId: string;
  /** The caller's own public key (PEM); without it rolegate generates an RSA key pair. */
  publicKey?: string | Uint8Array | undefined;
  expirationDate?: Date | undefined;
}

export interface NewUserKey {
  keyId: string;
  createdAt: Date;
  expirationDate: Date;
  /** The ServiceAccountKeyFile (JSON) with the private key, only when rolegate generated the pair. */
  keyContent?: string | undefined;
}

export async function addKey(ctx: DirectoryContext, input: AddKeyInput): Promise<NewUserKey> {
  const userId = requireId("userId", input.userId);
  const expirationDate = optionalExpiration(input.expirationDate);
  const supplied = !isAbsent(input.publicKey) && !(input.publicKey instanceof Uint8Array && input.publicKey.length === 0);
  const pair = supplied ? undefined : generateRsaKeyPair();
  const publicKeyPem = pair ? pair.publicKeyPem : readPublicKey("publicKey", input.publicKey);
  return inTransaction(ctx, async (tx) => {
    assertMachine(await loadUser(tx, userId));
    const key = await tx.userKey.create({ data: { id: newId(), userId, publicKeyPem, expirationDate } });
    await writeAudit(tx, ctx.actor.id, {
      action: "user.key.added",
      targetType: "user",
      targetId: userId,
      after: { id: key.id, expirationDate },
    });
    const keyContent = pair && serviceAccountKeyFile({ keyId: key.id, userId, key: pair.privateKeyPem, expirationDate });
    return { keyId: key.id, createdAt: key.createdAt, expirationDate, keyContent };
  });
}

function serviceAccountKeyFile(file: Omit<ServiceAccountKeyFile, "type" | "expirationDate"> & { expirationDate: Date }): string {
  const content: ServiceAccountKeyFile = { type: "serviceaccount", ...file, expirationDate: file.expirationDate.toISOString() };
  return JSON.stringify(content);
}

export async function removeKey(ctx: DirectoryContext, input: RemoveCredentialInput & { keyId: string }): Promise<void> {
  const keyId = requireId("keyId", input.keyId);
  const userId = isAbsent(input.userId) ? undefined : requireId("userId", input.userId);
  await inTransaction(ctx, async (tx) => {
    const key = await tx.userKey.findFirst({ where: { id: keyId, userId } });
    // deleteMany: a concurrent removal leaves nothing to delete instead of failing.
    const removed = key !== null && (await tx.userKey.deleteMany({ where: { id: key.id } })).count > 0;
    if (!key || !removed) throw notFound("key", keyId);
    await writeAudit(tx, ctx.actor.id, {
      action: "user.key.removed",
      targetType: "user",
      targetId: key.userId,
      before: { id: key.id, expirationDate: key.expirationDate },
    });
  });
}

export async function listKeys(ctx: DirectoryContext, input: ListCredentialsInput = {}): Promise<Page<CredentialInfo>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const where = credentialFilters(input);
  const direction = asc ? "asc" : "desc";
  const [rows, total] = await Promise.all([
    ctx.prisma.userKey.findMany({ where, select: CREDENTIAL_FIELDS, orderBy: credentialOrder(input.sortBy, direction), skip, take }),
    ctx.prisma.userKey.count({ where }),
  ]);
  return { items: rows.map(toCredentialInfo), totalResult: total, appliedLimit: take };
}

/** Who holds the key, expired or not; null for unknown ids. */
export async function findKeyOwner(ctx: DirectoryContext, keyId: string): Promise<CredentialOwner | null> {
  const key = await ctx.prisma.userKey.findUnique({ where: { id: keyId }, select: CREDENTIAL_OWNER });
  return key && { userId: key.userId, orgId: key.user.orgId };
}

export interface UserKeyMatch {
  user: User;
  keyId: string;
  publicKeyPem: string;
  expirationDate: Date;
}

/** A user's unexpired key, for JWT-profile assertions (kid = keyId, sub = userId), or null. */
export async function findUserKey(ctx: DirectoryContext, userId: string, keyId: string): Promise<UserKeyMatch | null> {
  if (typeof userId !== "string" || typeof keyId !== "string") return null;
  const key = await ctx.prisma.userKey.findFirst({ where: { id: keyId, userId }, include: { user: true } });
  if (!key || isExpired(key.expirationDate)) return null;
  return { user: toPublicUser(key.user), keyId: key.id, publicKeyPem: key.publicKeyPem, expirationDate: key.expirationDate };
}

const CREDENTIAL_FIELDS = { id: true, userId: true, createdAt: true, expirationDate: true, user: { select: { orgId: true } } } as const;

function toCredentialInfo(row: Omit<CredentialInfo, "orgId"> & { user: { orgId: string } }): CredentialInfo {
  return { id: row.id, userId: row.userId, orgId: row.user.orgId, createdAt: row.createdAt, expirationDate: row.expirationDate };
}

// Field names are those of ZITADEL's key and token search filters.
function credentialFilters(input: ListCredentialsInput) {
  const orgIds = input.orgIds === undefined ? undefined : requireList("orgIds", input.orgIds, requireId);
  const orgId = input.orgId === undefined ? undefined : requireId("organizationIdFilter", input.orgId);
  return {
    id: input.ids === undefined ? undefined : { in: requireList("idFilter", input.ids, requireId) },
    userId: input.userId === undefined ? undefined : requireId("userIdFilter", input.userId),
    user: orgId === undefined && orgIds === undefined ? undefined : { orgId: { equals: orgId, in: orgIds } },
    createdAt: dateWhere("createdDateFilter", input.createdAt),
    expirationDate: dateWhere("expirationDateFilter", input.expirationDate),
  };
}

const DATE_METHODS = ["equals", "gt", "gte", "lt", "lte"] as const;

function dateWhere(field: string, filter: DateFilter | undefined): Prisma.DateTimeFilter | undefined {
  if (filter === undefined) return undefined;
  const method = requireEnum(`${field}.method`, filter.method, DATE_METHODS);
  if (!(filter.value instanceof Date) || Number.isNaN(filter.value.getTime()))
    throw invalidArgument(`${field}.timestamp`, "must be a date");
  return { [method]: filter.value };
}

const CREDENTIAL_SORT = ["creationDate", "id", "userId", "organizationId", "expirationDate"] as const satisfies readonly CredentialSort[];

function credentialOrder(sortBy: CredentialSort | undefined, direction: "asc" | "desc") {
  const column = optionalEnum("sortingColumn", sortBy, CREDENTIAL_SORT) ?? "creationDate";
  const first = {
    creationDate: { createdAt: direction },
    id: { id: direction },
    userId: { userId: direction },
    organizationId: { user: { orgId: direction } },
    expirationDate: { expirationDate: direction },
  }[column];
  return [first, { id: direction }];
}

function optionalExpiration(value: unknown): Date {
  if (value === undefined || value === null) return NEVER_EXPIRES;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalidArgument("expirationDate", "must be a date");
  if (isExpired(value)) throw invalidArgument("expirationDate", "must be in the future");
  return value;
}

function isExpired(expirationDate: Date): boolean {
  return expirationDate.getTime() <= Date.now();
}

// ---------------------------------------------------------------------------------------------
// Metadata (any user): key/value pairs, e.g. for the urn:zitadel:iam:user:metadata claim

export const MAX_METADATA_KEY_LENGTH = 200;
export const MAX_METADATA_VALUE_BYTES = 64 * 1024;

export interface MetadataEntry {
  key: string;
  value: Uint8Array;
}

/** Sets the given keys (overwriting their values); keys not given stay untouched. */
export async function setUserMetadata(
  ctx: DirectoryContext,
  input: { userId: string; metadata: MetadataEntry[] },
): Promise<UserMetadata[]> {
  const userId = requireId("userId", input.userId);
  const entries = readMetadata(input.metadata);
  return inTransaction(ctx, async (tx) => {
    await loadUser(tx, userId);
    const rows: UserMetadata[] = [];
    for (const { key, value } of entries) {
      rows.push(
        await tx.userMetadata.upsert({ where: { userId_key: { userId, key } }, create: { userId, key, value }, update: { value } }),
      );
    }
    await writeAudit(tx, ctx.actor.id, {
      action: "user.metadata.set",
      targetType: "user",
      targetId: userId,
      after: rows.map(describeMetadata),
    });
    return rows;
  });
}

export interface ListUserMetadataInput {
  userId: string;
  key?: TextFilter | undefined;
  /** Ordered by key; descending unless asc, as ZITADEL's lists. */
  pagination?: Pagination | undefined;
}

/** A page of a user's metadata, optionally filtered by key (ListUserMetadata). */
export async function listUserMetadataPage(ctx: DirectoryContext, input: ListUserMetadataInput): Promise<Page<UserMetadata>> {
  const userId = requireId("userId", input.userId);
  const { skip, take, asc } = readPagination(input.pagination);
  const where = { userId, key: input.key ? textWhere("keyFilter", input.key) : undefined };
  if (!(await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw notFound("user", userId);
  const [rows, total] = await Promise.all([
    ctx.prisma.userMetadata.findMany({ where, orderBy: { key: asc ? "asc" : "desc" }, skip, take }),
    ctx.prisma.userMetadata.count({ where }),
  ]);
  return { items: rows, totalResult: total, appliedLimit: take };
}

export async function listUserMetadata(ctx: DirectoryContext, userId: string): Promise<UserMetadata[]> {
  requireId("userId", userId);
  const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { metadata: { orderBy: { key: "asc" } } } });
  if (!user) throw notFound("user", userId);
  return user.metadata;
}

/** Deletes the given keys; keys the user does not have are ignored. Returns how many were deleted. */
export async function deleteUserMetadata(ctx: DirectoryContext, input: { userId: string; keys: string[] }): Promise<number> {
  const userId = requireId("userId", input.userId);
  const keys = requireList("keys", input.keys, (field, key) => requireText(field, key, { max: MAX_METADATA_KEY_LENGTH }));
  if (keys.length === 0) throw invalidArgument("keys", "must name at least one key");
  return inTransaction(ctx, async (tx) => {
    await loadUser(tx, userId);
    const before = await tx.userMetadata.findMany({ where: { userId, key: { in: keys } } });
    if (before.length === 0) return 0;
    await tx.userMetadata.deleteMany({ where: { userId, key: { in: keys } } });
    await writeAudit(tx, ctx.actor.id, {
      action: "user.metadata.deleted",
      targetType: "user",
      targetId: userId,
      before: before.map(describeMetadata),
    });
    return before.length;
  });
}

/** Validates entries; a key given twice keeps its last value. */
function readMetadata(value: unknown): { key: string; value: Uint8Array<ArrayBuffer> }[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidArgument("metadata", "must list at least one entry");
  const byKey = new Map<string, Uint8Array<ArrayBuffer>>();
  value.forEach((entry: Partial<MetadataEntry> | null | undefined, i) => {
    const key = requireText(`metadata[${i}].key`, entry?.key, { max: MAX_METADATA_KEY_LENGTH });
    byKey.set(key, readMetadataValue(`metadata[${i}].value`, entry?.value));
  });
  return [...byKey].map(([key, bytes]) => ({ key, value: bytes }));
}

function readMetadataValue(field: string, value: unknown): Uint8Array<ArrayBuffer> {
  if (!(value instanceof Uint8Array)) throw invalidArgument(field, "must be bytes");
  if (value.length === 0) throw invalidArgument(field, "must not be empty");
  if (value.length > MAX_METADATA_VALUE_BYTES) throw invalidArgument(field, `must be at most ${MAX_METADATA_VALUE_BYTES} bytes`);
  return new Uint8Array(value); // a copy the caller cannot change mid-write
}

function describeMetadata(entry: { key: string; value: Uint8Array }) {
  return { key: entry.key, value: Buffer.from(entry.value).toString("base64") };
}
