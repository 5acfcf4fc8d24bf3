// Users as ZITADEL's zitadel.user.v2.UserService manages them: humans, who sign in with a
// password (see passwords.ts), and machine users (service accounts), who use a client secret,
// personal access tokens or keys (user-credentials.ts). Login names are unique across the instance,
// case-insensitively. This file holds their lifecycle: create, read, change, (de)activate, lock,
// delete; listing is in user-listing.ts and metadata in user-metadata.ts. Deleting a user removes
// its authorizations, tokens, keys, secret, metadata and administrator memberships (foreign keys
// cascade; see prisma/schema.prisma).
import type { AccessTokenType, Prisma, UserState } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext } from "./context.js";
import { alreadyExists, assertThat, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { changeState, deleteAudited } from "./audited-writes.js";
import { ACCESS_TOKEN_TYPES } from "./oidc-config.js";
import { assertPasswordUnchanged, hashPassword, preparePassword, validatePassword } from "./passwords.js";
import { assertHuman, assertMachine, loadUser, loginKeyOf, toPublicUser, type User } from "./user-rows.js";
import { isAbsent, optionalBoolean, optionalEnum, optionalText, requireEmail, requireId, requireText } from "./validate.js";

export type { User };

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

/** A machine user's changes; fields left undefined stay as they are. */
export interface UpdateMachineUserInput {
  userId: string;
  username?: string | undefined;
  name?: string | undefined;
  /** "" clears it. */
  description?: string | undefined;
  accessTokenType?: AccessTokenType | undefined;
}

export async function updateMachineUser(ctx: DirectoryContext, input: UpdateMachineUserInput): Promise<User> {
  const userId = requireId("userId", input.userId);
  const username = input.username === undefined ? undefined : requireUsername(input.username);
  const changes = {
    username,
    loginKey: username === undefined ? undefined : loginKeyOf(username),
    name: input.name === undefined ? undefined : requireText("name", input.name),
    description:
      input.description === undefined ? undefined : optionalText("description", input.description, { max: 500, multiline: true }) || null,
    accessTokenType: optionalEnum("accessTokenType", input.accessTokenType, ACCESS_TOKEN_TYPES),
  };
  const taken = () => alreadyExists("username", `the login name ${username} is already taken`);
  return inTransaction(
    ctx,
    async (tx) => {
      const before = await loadUser(tx, userId);
      assertMachine(before);
      if (changes.loginKey !== undefined && changes.loginKey !== before.loginKey) {
        assertThat(!(await tx.user.findUnique({ where: { loginKey: changes.loginKey } })), taken);
      }
      const after = await tx.user.update({ where: { id: userId }, data: changes });
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
  return transition(ctx, userId, "deactivate");
}

/** INACTIVE → ACTIVE. */
export function reactivateUser(ctx: DirectoryContext, userId: string): Promise<User> {
  return transition(ctx, userId, "reactivate");
}

/** ACTIVE or INITIAL → LOCKED: blocks sign-in temporarily. */
export function lockUser(ctx: DirectoryContext, userId: string): Promise<User> {
  return transition(ctx, userId, "lock");
}

/** LOCKED → ACTIVE. */
export function unlockUser(ctx: DirectoryContext, userId: string): Promise<User> {
  return transition(ctx, userId, "unlock");
}

async function transition(ctx: DirectoryContext, userId: string, verb: keyof typeof TRANSITIONS): Promise<User> {
  requireId("userId", userId);
  const { from, to, action } = TRANSITIONS[verb];
  return changeState(ctx, {
    to,
    action,
    targetType: "user",
    load: (tx) => loadUser(tx, userId),
    refusal: (before) =>
      (from as readonly UserState[]).includes(before.state)
        ? undefined
        : failedPrecondition(`cannot ${verb} user ${userId}: it is ${before.state.toLowerCase()}, not ${from.join(" or ").toLowerCase()}`),
    save: (tx) => tx.user.update({ where: { id: userId }, data: { state: to } }),
    show: toPublicUser,
  });
}

/** Deletes a user and everything that cascades from it. Unknown ids succeed (idempotent). */
export async function deleteUser(ctx: DirectoryContext, userId: string): Promise<boolean> {
  requireId("userId", userId);
  return deleteAudited(ctx, {
    action: "user.deleted",
    targetType: "user",
    find: (tx) => tx.user.findUnique({ where: { id: userId } }),
    // deleteMany: a concurrent delete of the same user leaves nothing to delete instead of failing.
    remove: async (tx) => (await tx.user.deleteMany({ where: { id: userId } })).count > 0,
    show: toPublicUser,
  });
}
