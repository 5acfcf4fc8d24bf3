// The key lifecycle: a key is created `next` (published, not signing), becomes `current` (signs)
// and then `retired` (published until removed, so the tokens it signed keep verifying). Each
// change runs under the store's lock (store.ts).
import { assertThat, failedPrecondition, invalidArgument, notFound } from "../directory/errors.js";
import { generateKey, type KeyInfo, RSA_BITS, type RsaBits, SIGNING_ALGS, type SigningAlg, type StoredKey, toKeyInfo } from "./jwk.js";
import { updateSigningKeys } from "./store.js";

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
