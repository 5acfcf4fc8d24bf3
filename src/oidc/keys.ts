// Signing keys (a private JWKS) and cookie keys in KEYS_DIR, created on first start.
// The files hold private keys: their content never goes into logs or error messages.
//
// Several instances may share one folder and start together: a new file is written under a
// temporary name and `link`ed into place, which fails if the file already exists, so exactly
// one set of keys wins and the others read it. Rotation (read, change, replace) runs under an
// exclusive lock file. A file that exists but cannot be read or parsed is an error, never a
// reason to make new keys: that would invalidate every token already issued.
import { createPrivateKey, generateKeyPair, randomBytes, randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { assertThat, failedPrecondition, invalidArgument, notFound } from "../directory/errors.js";
import { newId } from "../ids.js";

export const SIGNING_ALGS = ["RS256", "ES256"] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** `current` signs; `next` is published ahead of activation; `retired` is published until removed. */
export type KeyState = "current" | "next" | "retired";

export interface PublicJwk {
  kty: "RSA" | "EC";
  kid: string;
  alg: SigningAlg;
  use: "sig";
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** A private JWK as oidc-provider's `jwks` configuration takes it. */
export interface SigningJwk extends PublicJwk {
  d: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

/** One entry of signing-keys.json: the private JWK plus its rotation state. */
export interface StoredKey extends SigningJwk {
  state: KeyState;
  createdAt: string;
  /** When it last became current (absent for keys current since they were created). */
  activatedAt?: string;
  retiredAt?: string;
}

/** A signing key as the WebKeyService lists it: no key material. */
export interface KeyInfo {
  id: string;
  alg: SigningAlg;
  state: KeyState;
  createdAt: Date;
  /** The latest of creation, activation and retirement. */
  changedAt: Date;
  retiredAt?: Date | undefined;
  /** RSA modulus length in bits (RS256 keys). */
  rsaBits?: number | undefined;
}

/** RSA modulus lengths createKey accepts (all sign RS256). */
export const RSA_BITS = [2048, 3072, 4096] as const;
export type RsaBits = (typeof RSA_BITS)[number];

export interface KeyMaterial {
  jwks: { keys: SigningJwk[] };
  cookieKeys: string[];
}

export class KeyFileError extends Error {
  override readonly name = "KeyFileError";
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export const SIGNING_KEYS_FILE = "signing-keys.json";
export const COOKIE_KEYS_FILE = "cookie-keys.json";
const LOCK_TIMEOUT_MS = 10_000;
const STATE_ORDER: Record<KeyState, number> = { current: 0, next: 1, retired: 2 };
const BOOKKEEPING = ["state", "createdAt", "activatedAt", "retiredAt"] as const;
const PUBLIC_MEMBERS = ["kty", "kid", "alg", "use", "n", "e", "crv", "x", "y"] as const;
const PRIVATE_MEMBERS = { RSA: ["d", "p", "q", "dp", "dq", "qi"], EC: ["d"] } as const;
const generateKeyPairAsync = promisify(generateKeyPair);

export async function loadKeys(keysDir: string): Promise<KeyMaterial> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const [stored, cookieKeys] = await Promise.all([ensureSigningKeys(keysDir), ensureCookieKeys(keysDir)]);
  return { jwks: { keys: orderForSigning(stored).map(toSigningJwk) }, cookieKeys };
}

/** Adds a `next` key for `alg`: published in the JWKS (so verifiers cache it) but not signing. */
export async function rotateKeys(keysDir: string, alg: SigningAlg): Promise<string> {
  assertThat(SIGNING_ALGS.includes(alg), () => invalidArgument("alg", `must be one of ${SIGNING_ALGS.join(", ")}`));
  return updateSigningKeys(keysDir, async (keys) => {
    assertThat(!keys.some((key) => key.alg === alg && key.state === "next"), () =>
      failedPrecondition(`a next ${alg} key already exists; activate it first`),
    );
    const key = await generateKey(alg, "next");
    return { keys: [...keys, key], result: key.kid };
  });
}

/** next → current, current → retired (still published so the tokens it signed keep verifying). */
export async function activateNextKey(keysDir: string, alg: SigningAlg): Promise<string> {
  return updateSigningKeys(keysDir, async (keys) => {
    const next = keys.find((key) => key.alg === alg && key.state === "next");
    assertThat(next, () => failedPrecondition(`there is no next ${alg} key to activate; rotate first`));
    const retiredAt = new Date().toISOString();
    const changed = keys.map((key): StoredKey => {
      if (key === next) return { ...key, state: "current", activatedAt: retiredAt };
      if (key.alg === alg && key.state === "current") return { ...key, state: "retired", retiredAt };
      return key;
    });
    return { keys: changed, result: next.kid };
  });
}

/** Drops keys retired before `olderThan` (pass now minus the longest token lifetime). */
export async function removeRetiredKeys(keysDir: string, olderThan: Date): Promise<string[]> {
  return updateSigningKeys(keysDir, async (keys) => {
    // Measured from retirement, not creation: until then the key was signing new tokens.
    const expired = (key: StoredKey) => key.state === "retired" && Date.parse(key.retiredAt ?? key.createdAt) < olderThan.getTime();
    const removed = keys.filter(expired).map((key) => key.kid);
    return { keys: removed.length ? keys.filter((key) => !expired(key)) : keys, result: removed };
  });
}

// Kid-based operations, for the WebKeyService (ZITADEL's STATE_INITIAL = next, STATE_ACTIVE =
// current, STATE_INACTIVE = retired). Unlike rotateKeys, any number of next keys may exist, as
// ZITADEL allows any number of initial keys; each algorithm keeps exactly one current key.

/** Adds a `next` key for `alg` (published, not signing until activated). */
export async function createKey(keysDir: string, alg: SigningAlg, options: { rsaBits?: RsaBits } = {}): Promise<StoredKey> {
  assertThat(SIGNING_ALGS.includes(alg), () => invalidArgument("alg", `must be one of ${SIGNING_ALGS.join(", ")}`));
  const { rsaBits } = options;
  if (rsaBits !== undefined) {
    assertThat(alg === "RS256", () => invalidArgument("rsaBits", "only applies to RS256 keys"));
    assertThat(RSA_BITS.includes(rsaBits), () => invalidArgument("rsaBits", `must be one of ${RSA_BITS.join(", ")}`));
  }
  // Generated outside the lock: a 4096-bit key takes a while, and the lock is held for milliseconds.
  const key = await generateKey(alg, "next", rsaBits);
  return updateSigningKeys(keysDir, async (keys) => ({ keys: [...keys, key], result: key }));
}

/**
 * Makes `kid` the current key of its algorithm; the previous current key is retired (still
 * published so the tokens it signed keep verifying). A retired key may be activated again.
 * Activating the current key changes nothing. Unknown kid: not_found.
 */
export async function activateKey(keysDir: string, kid: string): Promise<KeyInfo> {
  return updateSigningKeys(keysDir, async (keys) => {
    const target = keys.find((key) => key.kid === kid);
    assertThat(target, () => notFound("web key", kid));
    if (target.state === "current") return { keys, result: toKeyInfo(target) };
    const now = new Date().toISOString();
    let activated = target;
    const changed = keys.map((key): StoredKey => {
      if (key === target) {
        const { retiredAt: _retiredAt, ...rest } = key;
        activated = { ...rest, state: "current", activatedAt: now };
        return activated;
      }
      if (key.alg === target.alg && key.state === "current") return { ...key, state: "retired", retiredAt: now };
      return key;
    });
    return { keys: changed, result: toKeyInfo(activated) };
  });
}

/**
 * Removes `kid` (next or retired) from the file, so it is no longer published and tokens it
 * signed stop verifying. The current key cannot be deleted (failed_precondition): activate
 * another first. An unknown kid is no error (the desired state holds already): returns false.
 */
export async function deleteKey(keysDir: string, kid: string): Promise<boolean> {
  return updateSigningKeys(keysDir, async (keys) => {
    const target = keys.find((key) => key.kid === kid);
    if (!target) return { keys, result: false };
    assertThat(target.state !== "current", () =>
      failedPrecondition(`web key ${kid} is the active ${target.alg} key; activate another ${target.alg} key first`),
    );
    return { keys: keys.filter((key) => key !== target), result: true };
  });
}

/** Every signing key with its state, in the file's order (new keys are appended); no key material. */
export async function listKeys(keysDir: string): Promise<KeyInfo[]> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const keys = await ensureSigningKeys(keysDir);
  return keys.map(toKeyInfo);
}

function toKeyInfo(key: StoredKey): KeyInfo {
  const dates = [key.createdAt, key.activatedAt, key.retiredAt].filter((d): d is string => d !== undefined).map((d) => new Date(d));
  return {
    id: key.kid,
    alg: key.alg,
    state: key.state,
    createdAt: new Date(key.createdAt),
    changedAt: new Date(Math.max(...dates.map((d) => d.getTime()))),
    retiredAt: key.retiredAt === undefined ? undefined : new Date(key.retiredAt),
    rsaBits: key.alg === "RS256" && key.n ? Buffer.from(key.n, "base64url").length * 8 : undefined,
  };
}

export function publicJwks(material: KeyMaterial): { keys: PublicJwk[] } {
  return { keys: material.jwks.keys.map(toPublicJwk) };
}

async function ensureSigningKeys(keysDir: string): Promise<StoredKey[]> {
  const file = path.join(keysDir, SIGNING_KEYS_FILE);
  return ensureFile(file, parseSigningKeys, async () => ({
    keys: await Promise.all(SIGNING_ALGS.map((alg) => generateKey(alg, "current"))),
  }));
}

async function ensureCookieKeys(keysDir: string): Promise<string[]> {
  const file = path.join(keysDir, COOKIE_KEYS_FILE);
  // Two keys: the first signs cookies, any other only verifies, which leaves room to rotate.
  return ensureFile(file, parseCookieKeys, async () => ({
    keys: [randomBytes(32).toString("base64url"), randomBytes(32).toString("base64url")],
  }));
}

async function ensureFile<T>(file: string, parse: (file: string, data: unknown) => T, create: () => Promise<unknown>): Promise<T> {
  const existing = await readJson(file);
  if (existing !== undefined) return parse(file, existing);
  const created = await create();
  if (!(await createIfAbsent(file, serialize(created)))) {
    // Another process created it first: use its keys, not ours.
    const winner = await readJson(file);
    if (winner === undefined) throw new KeyFileError(file, "disappeared while it was being created");
    return parse(file, winner);
  }
  return parse(file, created);
}

async function updateSigningKeys<T>(keysDir: string, change: (keys: StoredKey[]) => Promise<{ keys: StoredKey[]; result: T }>): Promise<T> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  await ensureSigningKeys(keysDir);
  const file = path.join(keysDir, SIGNING_KEYS_FILE);
  return withFileLock(file, async () => {
    const data = await readJson(file);
    if (data === undefined) throw new KeyFileError(file, "disappeared while keys were being changed");
    const keys = parseSigningKeys(file, data);
    const changed = await change(keys);
    if (changed.keys !== keys) {
      // Checked as a later start will check it, so a change can never leave a file that fails to load.
      const next = { keys: parseSigningKeys(file, { keys: changed.keys }) };
      await replaceFile(file, serialize(next));
    }
    return changed.result;
  });
}

async function generateKey(alg: SigningAlg, state: KeyState, rsaBits: RsaBits = 2048): Promise<StoredKey> {
  const { privateKey } =
    alg === "RS256"
      ? await generateKeyPairAsync("rsa", { modulusLength: rsaBits })
      : await generateKeyPairAsync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" }) as Omit<SigningJwk, "kid" | "alg" | "use">;
  // ZITADEL-style ids, so the kid doubles as the WebKeyService key id.
  return { ...jwk, kid: newId(), alg, use: "sig", state, createdAt: new Date().toISOString() };
}

// oidc-provider signs with `[key] = keystore.selectForSign({ alg, use: "sig" })`
// (lib/models/id_token.js for ID tokens, lib/models/formats/jwt.js for JWT access tokens).
// KeyStore#[filter] in lib/helpers/keystore.js filters the configured keys in order and then
// sorts them stably by how many of `alg` and `use` they declare; ours declare both, so the
// configured order stands and the first key of an algorithm signs. Hence: current first.
function orderForSigning(keys: StoredKey[]): StoredKey[] {
  return [...keys].sort((a, b) => SIGNING_ALGS.indexOf(a.alg) - SIGNING_ALGS.indexOf(b.alg) || STATE_ORDER[a.state] - STATE_ORDER[b.state]);
}

function toSigningJwk(key: StoredKey): SigningJwk {
  const jwk: Record<string, unknown> = { ...key };
  for (const member of BOOKKEEPING) delete jwk[member];
  return jwk as unknown as SigningJwk;
}

function toPublicJwk(key: PublicJwk): PublicJwk {
  const pub: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS) if (key[member] !== undefined) pub[member] = key[member];
  return pub as unknown as PublicJwk;
}

function parseSigningKeys(file: string, data: unknown): StoredKey[] {
  const fail = (problem: string): never => {
    throw new KeyFileError(file, `${problem}; fix or restore the file (deleting it invalidates every issued token)`);
  };
  const list = isRecord(data) && Array.isArray(data.keys) ? data.keys : fail('expected {"keys": [...]}');
  const kids = new Set<string>();
  const keys = list.map((entry, i): StoredKey => {
    const at = `keys[${i}]`;
    if (!isRecord(entry)) return fail(`${at} is not an object`);
    const { kid, alg, use, state, createdAt, activatedAt, retiredAt, kty } = entry;
    if (typeof kid !== "string" || !kid) return fail(`${at}.kid must be a non-empty string`);
    if (kids.has(kid)) fail(`kid ${kid} appears twice`);
    kids.add(kid);
    if (alg !== "RS256" && alg !== "ES256") return fail(`${at}.alg must be RS256 or ES256`);
    const expectedKty = alg === "RS256" ? "RSA" : "EC";
    if (kty !== expectedKty) fail(`${at}.kty must be ${expectedKty} for ${alg}`);
    if (alg === "ES256" && entry.crv !== "P-256") fail(`${at}.crv must be P-256`);
    if (use !== "sig") fail(`${at}.use must be "sig"`);
    if (state !== "current" && state !== "next" && state !== "retired") return fail(`${at}.state must be current, next or retired`);
    if (typeof createdAt !== "string" || Number.isNaN(Date.parse(createdAt))) fail(`${at}.createdAt must be a date`);
    for (const [name, value] of [
      ["activatedAt", activatedAt],
      ["retiredAt", retiredAt],
    ] as const) {
      if (value !== undefined && (typeof value !== "string" || Number.isNaN(Date.parse(value)))) fail(`${at}.${name} must be a date`);
    }
    for (const member of PRIVATE_MEMBERS[expectedKty]) {
      if (typeof entry[member] !== "string") fail(`${at} lacks its private member ${member}`);
    }
    try {
      const key = createPrivateKey({ key: entry as never, format: "jwk" });
      if (key.asymmetricKeyType !== (alg === "RS256" ? "rsa" : "ec")) throw new Error();
    } catch {
      fail(`${at} is not a usable private key`);
    }
    return entry as unknown as StoredKey;
  });
  for (const alg of SIGNING_ALGS) {
    const current = keys.filter((key) => key.alg === alg && key.state === "current").length;
    if (current !== 1) fail(`needs exactly one current ${alg} key, has ${current}`);
  }
  return keys;
}

function parseCookieKeys(file: string, data: unknown): string[] {
  const keys = isRecord(data) ? data.keys : undefined;
  if (!Array.isArray(keys) || !keys.length || !keys.every((key) => typeof key === "string" && key.length >= 16)) {
    throw new KeyFileError(file, 'expected {"keys": [...]} with strings of at least 16 characters');
  }
  return keys as string[];
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new KeyFileError(file, `cannot be read (${errorCode(error) ?? "unknown error"})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the file's content.
    throw new KeyFileError(file, "is not valid JSON; fix or restore the file (deleting it invalidates every issued token)");
  }
}

/** Publishes `content` at `file` unless it exists; false when another writer got there first. */
async function createIfAbsent(file: string, content: string): Promise<boolean> {
  const temp = await writeTemp(file, content);
  try {
    await link(temp, file); // atomic, and unlike open("wx") never exposes a half-written file
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function replaceFile(file: string, content: string): Promise<void> {
  const temp = await writeTemp(file, content);
  try {
    await rename(temp, file); // readers see the old file or the new one, never a mix
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function writeTemp(file: string, content: string): Promise<string> {
  const temp = `${file}.${randomUUID()}.tmp`;
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function withFileLock<T>(file: string, action: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      await (await open(lock, "wx", 0o600)).close();
      break;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
      // No stale-lock breaking: two processes could both break it. A crash inside the lock is
      // rare (it is held for milliseconds) and the message says what to do.
      if (Date.now() > deadline) {
        throw new KeyFileError(lock, "is held by another process; remove it if no rolegate process is changing keys");
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await action();
  } finally {
    await rm(lock, { force: true });
  }
}

function serialize(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === "string" ? error.code : undefined;
}
