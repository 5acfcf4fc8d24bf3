// Passwords of human users: argon2id hashes (the argon2 package's defaults: 64 MiB, t=3, p=4)
// and ZITADEL's default complexity policy. Machine users never have passwords; they
// authenticate with secrets, personal access tokens or keys (see users.ts).
import { argon2id, hash, verify } from "argon2";
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

export function hashPassword(password: string): Promise<string> {
  return hash(password, { type: argon2id });
}

// The hash of a random password nobody knows, with the default parameters: verifying against it
// costs as much as a real check, so a missing user or password answers as slowly as a wrong one.
const DUMMY_HASH = "$argon2id$v=19$m=65536,p=4,t=3$ScjeFGyOyG19JuPytlUI1Q$EGER4EaruIvxqZX6+IApeeFY0Bhst6ANWk6BWzz7pTo";

/** True when `password` matches; a missing hash still costs one argon2 verification. */
export async function verifyPassword(password: string, storedHash: string | null | undefined): Promise<boolean> {
  try {
    const matches = await verify(storedHash ?? DUMMY_HASH, password);
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
 * The human user with this login name (any case) and password, or null. The user's state is not
 * checked: the login page tells a locked or inactive user why they cannot go on.
 */
export async function verifyUserPassword(ctx: DirectoryContext, loginName: string, password: string): Promise<User | null> {
  if (typeof loginName !== "string" || typeof password !== "string") return null;
  // No login name has control characters (and PostgreSQL refuses NUL): unknown, answered as slowly.
  const user = textProblem(loginName) ? null : await ctx.prisma.user.findUnique({ where: { loginKey: loginKeyOf(loginName.trim()) } });
  const human = user?.type === "HUMAN" ? user : null;
  const matches = await verifyPassword(password, human?.passwordHash);
  return matches && human ? toPublicUser(human) : null;
}
