// The key store: signing keys (a private JWKS) and cookie keys in KEYS_DIR, created on first start.
// The files hold private keys: their content never goes into logs or error messages.
//
// Several instances may share one folder and start together: a new file is written under a
// temporary name and `link`ed into place, which fails if the file already exists, so exactly
// one set of keys wins and the others read it. Rotation (read, change, replace) runs under an
// exclusive lock file. A file that exists but cannot be read or parsed is an error, never a
// reason to make new keys: that would invalidate every token already issued.
// What the files hold and how a key looks: jwk.ts; how keys change state: lifecycle.ts.
import { createPrivateKey, randomBytes, randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { generateKey, SIGNING_ALGS, signingJwks, type KeyInfo, type SigningJwk, type StoredKey, toKeyInfo } from "./jwk.js";

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
const PRIVATE_MEMBERS = { RSA: ["d", "p", "q", "dp", "dq", "qi"], EC: ["d"] } as const;

export async function loadKeys(keysDir: string): Promise<KeyMaterial> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const [stored, cookieKeys] = await Promise.all([ensureSigningKeys(keysDir), ensureCookieKeys(keysDir)]);
  return { jwks: signingJwks(stored), cookieKeys };
}

/** Every signing key with its state, in the file's order (new keys are appended); no key material. */
export async function listKeys(keysDir: string): Promise<KeyInfo[]> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const keys = await ensureSigningKeys(keysDir);
  return keys.map(toKeyInfo);
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

/**
 * Reads, changes and replaces signing-keys.json under its lock; `change` returns the new list
 * (the same array: nothing written) and the caller's result.
 */
export async function updateSigningKeys<T>(
  keysDir: string,
  change: (keys: StoredKey[]) => Promise<{ keys: StoredKey[]; result: T }>,
): Promise<T> {
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
