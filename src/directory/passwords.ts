// Passwords of human users: argon2id hashes (by default OWASP's recommendation: 19 MiB, t=2,
// p=1; configurable, and older hashes are rehashed at the next login) and ZITADEL's default
// complexity policy. Machine users never have passwords; they
// authenticate with secrets, personal access tokens or keys (see users.ts).
import { createHash, randomBytes } from "node:crypto";
import { argon2id, hash, needsRehash, verify } from "argon2";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext } from "./context.js";
import { assertThat, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { assertHuman, loadUser, loginKeyOf, toPublicUser, type User, type UserRow } from "./user-rows.js";
import { optionalBoolean, requireId, textProblem } from "./validate.js";

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

// ZITADEL's default policy: one of each. A "symbol" is anything not an ASCII letter or digit, as there.
const PASSWORD_RULES: [RegExp, string][] = [
  [/[a-z]/, "a lowercase letter"],
  [/[A-Z]/, "an uppercase letter"],
  [/[0-9]/, "a digit"],
  [/[^A-Za-z0-9]/, "a symbol"],
];

/** Checks a new password against the complexity policy; never trims (spaces are characters). */
export function validatePassword(field: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalidArgument(field, "is required");
  const length = [...value].length;
  if (length < MIN_PASSWORD_LENGTH) throw invalidArgument(field, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) throw invalidArgument(field, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  for (const [pattern, what] of PASSWORD_RULES) {
    if (!pattern.test(value)) throw invalidArgument(field, `must contain ${what}`);
  }
  return value;
}

export interface PasswordHashParameters {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** OWASP's argon2id recommendation (m = 19 MiB, t = 2, p = 1). */
export const DEFAULT_PASSWORD_HASH: PasswordHashParameters = { memoryKiB: 19456, iterations: 2, parallelism: 1 };

let parameters: PasswordHashParameters = DEFAULT_PASSWORD_HASH;
let dummyHash: Promise<string> | undefined;
let verifications = 0;

/** Sets the parameters of new hashes for this process (from the configuration, at start). */
export function setPasswordHashParameters(next: PasswordHashParameters): void {
  parameters = { ...next };
  dummyHash = undefined;
  void dummy(); // made now, so the first unknown name costs no more than a known one
}

const argonOptions = () => ({
  type: argon2id as typeof argon2id,
  memoryCost: parameters.memoryKiB,
  timeCost: parameters.iterations,
  parallelism: parameters.parallelism,
});

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions());
}

/** Whether a stored hash was made with other parameters (or another algorithm) than the current ones. */
export function hashNeedsUpgrade(storedHash: string): boolean {
  if (!storedHash.startsWith("$argon2id$")) return true;
  try {
    return needsRehash(storedHash, {
      memoryCost: parameters.memoryKiB,
      timeCost: parameters.iterations,
      parallelism: parameters.parallelism,
    });
  } catch {
    return false; // malformed: it matches nothing anyway
  }
}

/** argon2 verifications run by this process (for /metrics). */
export function passwordVerificationCount(): number {
  return verifications;
}

// The hash of a random password nobody knows, with the current parameters: verifying against it
// costs as much as a real check, so a missing user or password answers as slowly as a wrong one.
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  return dummyHash;
}

/** True when `password` matches; a missing hash still costs one argon2 verification. */
export async function verifyPassword(password: string, storedHash: string | null | undefined): Promise<boolean> {
  const against = storedHash ?? (await dummy());
  verifications += 1;
  try {
    const matches = await verify(against, password);
    return matches && Boolean(storedHash);
  } catch {
    return false; // a malformed stored hash matches nothing
  }
}

/** A new password, hashed outside any transaction (argon2 is slow), and the hash it replaces. */
export interface PreparedPassword {
  passwordHash: string;
  replaces: string | null;
}

/**
 * Checks that the user is human and, when given, that `currentPassword` matches; then hashes the
 * new password. The caller's transaction confirms with assertPasswordUnchanged.
 */
export async function preparePassword(
  ctx: DirectoryContext,
  userId: string,
  password: string,
  currentPassword?: unknown,
): Promise<PreparedPassword> {
  const user = await ctx.prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw notFound("user", userId);
  assertHuman(user);
  if (currentPassword !== undefined) await assertCurrentPassword(user, currentPassword);
  return { passwordHash: await hashPassword(password), replaces: user.passwordHash };
}

/** Inside the transaction: the current password checked above must still be the user's. */
export function assertPasswordUnchanged(user: UserRow, prepared: PreparedPassword): void {
  assertThat(user.passwordHash === prepared.replaces, () =>
    failedPrecondition(`the password of user ${user.id} was changed concurrently; try again`),
  );
}

async function assertCurrentPassword(user: UserRow, currentPassword: unknown): Promise<void> {
  if (typeof currentPassword !== "string") throw invalidArgument("currentPassword", "must be a string");
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw invalidArgument("currentPassword", "does not match the user's password");
  }
}

export interface SetPasswordInput {
  userId: string;
  password: string;
  /** The user must change the password at the next login. */
  changeRequired?: boolean | undefined;
  /** When given, it must match; without it the caller is trusted (an administrator). */
  currentPassword?: string | undefined;
}

export async function setPassword(ctx: DirectoryContext, input: SetPasswordInput): Promise<User> {
  const userId = requireId("userId", input.userId);
  const password = validatePassword("password", input.password);
  const passwordChangeRequired = optionalBoolean("changeRequired", input.changeRequired) ?? false;
  const prepared = await preparePassword(ctx, userId, password, input.currentPassword);
  return inTransaction(ctx, async (tx) => {
    assertPasswordUnchanged(await loadUser(tx, userId), prepared);
    const after = await tx.user.update({ where: { id: userId }, data: { passwordHash: prepared.passwordHash, passwordChangeRequired } });
    await writeAudit(tx, ctx.actor.id, {
      action: "user.password.changed",
      targetType: "user",
      targetId: userId,
      after: { passwordChangeRequired },
    });
    return toPublicUser(after);
  });
}

/**
 * A fingerprint of the user's stored password hash ("" without one): the login's password-change
 * step keeps it between the sign-in and the change, to notice a password changed in between.
 */
export async function passwordFingerprint(ctx: DirectoryContext, userId: string): Promise<string> {
  const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return fingerprintOf(user?.passwordHash);
}

function fingerprintOf(storedHash: string | null | undefined): string {
  return storedHash ? createHash("sha256").update(storedHash, "utf8").digest("base64url") : "";
}

export interface RequiredPasswordChange {
  userId: string;
  newPassword: string;
  /** passwordFingerprint when the user signed in with the current password. */
  fingerprint: string;
}

/**
 * The login's password-change step (passwordChangeRequired): the user, who has just signed in with
 * the current password, replaces it. The new one must pass the password rules and differ from the
 * current one; the flag is cleared. A password changed (or the flag cleared) since the sign-in is
 * failed_precondition: sign in again.
 */
export async function changeRequiredPassword(
  ctx: DirectoryContext,
  input: RequiredPasswordChange,
  { gate = (work) => work() }: VerifyOptions = {},
): Promise<User> {
  const userId = requireId("userId", input.userId);
  const password = validatePassword("newPassword", input.newPassword);
  const stale = () => failedPrecondition(`the password of user ${userId} was changed since the sign-in; sign in again`);
  const user = await ctx.prisma.user.findUnique({ where: { id: userId } });
  assertThat(user?.type === "HUMAN" && user.passwordChangeRequired && fingerprintOf(user.passwordHash) === input.fingerprint, stale);
  const { same, passwordHash } = await gate(async () => {
    const same = await verifyPassword(password, user.passwordHash);
    return { same, passwordHash: same ? undefined : await hashPassword(password) };
  });
  if (same || !passwordHash) throw invalidArgument("newPassword", "must differ from the current password");
  return inTransaction(ctx, async (tx) => {
    const row = await loadUser(tx, userId);
    assertThat(row.passwordChangeRequired && row.passwordHash === user.passwordHash, stale);
    const after = await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangeRequired: false } });
    await writeAudit(tx, ctx.actor.id, {
      action: "user.password.changed",
      targetType: "user",
      targetId: userId,
      before: { passwordChangeRequired: true },
      after: { passwordChangeRequired: false },
    });
    return toPublicUser(after);
  });
}

export interface VerifyOptions {
  /** Runs the argon2 work (verification and rehash), e.g. within the instance's concurrency bound. */
  gate?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * The human user with this login name (any case) and password, or null. The user's state is not
 * checked: the login page tells a locked or inactive user why they cannot go on. A right password
 * whose stored hash has other parameters than the current ones is rehashed and saved, unless the
 * password was changed meanwhile (compare-and-set on the old hash).
 */
export async function verifyUserPassword(
  ctx: DirectoryContext,
  loginName: string,
  password: string,
  { gate = (work) => work() }: VerifyOptions = {},
): Promise<User | null> {
  if (typeof loginName !== "string" || typeof password !== "string") return null;
  // No login name has control characters (and PostgreSQL refuses NUL): unknown, answered as slowly.
  const user = textProblem(loginName) ? null : await ctx.prisma.user.findUnique({ where: { loginKey: loginKeyOf(loginName.trim()) } });
  const human = user?.type === "HUMAN" ? user : null;
  const stored = human?.passwordHash;
  const { matches, upgraded } = await gate(async () => {
    const matches = await verifyPassword(password, stored);
    const upgraded = matches && stored && hashNeedsUpgrade(stored) ? await hashPassword(password) : undefined;
    return { matches, upgraded };
  });
  if (!matches || !human) return null;
  if (upgraded) {
    await ctx.prisma.user.updateMany({ where: { id: human.id, passwordHash: stored }, data: { passwordHash: upgraded } });
  }
  return toPublicUser(human);
}
