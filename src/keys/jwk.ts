// JWK shaping: the signing keys' types, a new key, and the views of a stored key (the private JWK
// oidc-provider is configured with, the public JWK that is published, the WebKeyService's listing).
// No files and no locks here (store.ts), no rotation rules (lifecycle.ts).
import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
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

const STATE_ORDER: Record<KeyState, number> = { current: 0, next: 1, retired: 2 };
const BOOKKEEPING = ["state", "createdAt", "activatedAt", "retiredAt"] as const;
const PUBLIC_MEMBERS = ["kty", "kid", "alg", "use", "n", "e", "crv", "x", "y"] as const;
const generateKeyPairAsync = promisify(generateKeyPair);

export async function generateKey(alg: SigningAlg, state: KeyState, rsaBits: RsaBits = 2048): Promise<StoredKey> {
  const { privateKey } =
    alg === "RS256"
      ? await generateKeyPairAsync("rsa", { modulusLength: rsaBits })
      : await generateKeyPairAsync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" }) as Omit<SigningJwk, "kid" | "alg" | "use">;
  // ZITADEL-style ids, so the kid doubles as the WebKeyService key id.
  return { ...jwk, kid: newId(), alg, use: "sig", state, createdAt: new Date().toISOString() };
}

/**
 * The configured JWKS: by algorithm, and within one the current key first, then next, then
 * retired keys. oidc-provider signs with the first configured key of an algorithm (see
 * `reloadSigningKeys` in src/oidc/internals.ts, and test/oidc/internals.test.ts), so this order
 * is what makes the current key sign.
 */
export function signingJwks(keys: StoredKey[]): { keys: SigningJwk[] } {
  const ordered = [...keys].sort(
    (a, b) => SIGNING_ALGS.indexOf(a.alg) - SIGNING_ALGS.indexOf(b.alg) || STATE_ORDER[a.state] - STATE_ORDER[b.state],
  );
  return { keys: ordered.map(toSigningJwk) };
}

/** The published JWKS: the same keys, public members only. */
export function publicJwks(material: { jwks: { keys: PublicJwk[] } }): { keys: PublicJwk[] } {
  return { keys: material.jwks.keys.map(toPublicJwk) };
}

export function toKeyInfo(key: StoredKey): KeyInfo {
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
