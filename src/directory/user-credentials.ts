// Machine users' credentials: the client secret (client credentials with client id = user id or
// username), personal access tokens (management API) and keys (JWT-profile grant). rolegate keeps
// only hashes of secrets and tokens, and only the public half of keys.
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext } from "./context.js";
import { notFound } from "./errors.js";
import { isExpired, readExpiration } from "./expiration.js";
import { generateRsaKeyPair, readPublicKey, type ServiceAccountKeyFile } from "./key-files.js";
import { dateWhere, readPagination, type DateFilter, type Page, type Pagination } from "./list.js";
import { generateSecret, hashSecret, verifySecret } from "./secrets.js";
import { assertMachine, loadUser, loginKeyOf, toPublicUser, type User } from "./user-rows.js";
import { isAbsent, optionalEnum, requireId, requireList } from "./validate.js";

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

/** A personal access token or key as listed: never the token or the key itself. */
export interface CredentialInfo {
  id: string;
  userId: string;
  orgId: string;
  createdAt: Date;
  expirationDate: Date;
}

export type CredentialSort = "creationDate" | "id" | "userId" | "organizationId" | "expirationDate";

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
  const expirationDate = readExpiration(input.expirationDate);
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
  const expirationDate = readExpiration(input.expirationDate);
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
    createdAt: input.createdAt === undefined ? undefined : dateWhere("createdDateFilter", input.createdAt),
    expirationDate: input.expirationDate === undefined ? undefined : dateWhere("expirationDateFilter", input.expirationDate),
  };
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
