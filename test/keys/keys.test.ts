import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from "jose";
import Provider from "oidc-provider";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../src/directory/errors.js";
import { publicJwks, type SigningAlg } from "../../src/keys/jwk.js";
import { activateKey, activateNextKey, createKey, deleteKey, removeRetiredKeys, rotateKeys } from "../../src/keys/lifecycle.js";
import { COOKIE_KEYS_FILE, KeyFileError, type KeyMaterial, listKeys, loadKeys, SIGNING_KEYS_FILE } from "../../src/keys/store.js";

let root: string;
let keysDir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "rolegate-keys-"));
  keysDir = path.join(root, "keys"); // missing: loadKeys must create it
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const signingFile = () => path.join(keysDir, SIGNING_KEYS_FILE);
const cookieFile = () => path.join(keysDir, COOKIE_KEYS_FILE);
const modeOf = async (file: string) => (await stat(file)).mode & 0o777;
const kidsOf = (material: KeyMaterial, alg: SigningAlg) => material.jwks.keys.filter((key) => key.alg === alg).map((key) => key.kid);
const signingKid = (material: KeyMaterial, alg: SigningAlg) => kidsOf(material, alg)[0];

/** Signs an ID token through oidc-provider itself, to see which key it picks. */
async function kidSignedByProvider(material: KeyMaterial, alg: SigningAlg): Promise<string | undefined> {
  const provider = new Provider("http://localhost:3000", {
    jwks: material.jwks,
    cookies: { keys: material.cookieKeys },
    ttl: { IdToken: 60 },
    features: { devInteractions: { enabled: false } },
    clients: [{ client_id: "app", client_secret: "secret", redirect_uris: ["https://app.example/cb"], id_token_signed_response_alg: alg }],
  });
  const client = await provider.Client.find("app");
  const token = await new provider.IdToken({ sub: "user" }, { client }).issue({ use: "idtoken" });
  return decodeProtectedHeader(token).kid;
}

describe("signing and cookie keys", () => {
  it("creates both files 0600 in a 0700 folder with an RS256 and an ES256 private key", async () => {
    const material = await loadKeys(keysDir);

    expect(await modeOf(keysDir)).toBe(0o700);
    expect(await modeOf(signingFile())).toBe(0o600);
    expect(await modeOf(cookieFile())).toBe(0o600);

    expect(material.jwks.keys.map((key) => [key.kty, key.alg, key.use])).toEqual([
      ["RSA", "RS256", "sig"],
      ["EC", "ES256", "sig"],
    ]);
    for (const key of material.jwks.keys) {
      expect(key.kid).toMatch(/^[0-9]{17,20}$/);
      expect(key.d).toEqual(expect.any(String));
      expect(key).not.toHaveProperty("state"); // bookkeeping stays in the file
    }
    expect(material.jwks.keys[0]).toMatchObject({ p: expect.any(String), q: expect.any(String), qi: expect.any(String) });
    expect(material.jwks.keys[1]).toMatchObject({ crv: "P-256" });
    expect(new Set(material.jwks.keys.map((key) => key.kid)).size).toBe(2);

    const stored = JSON.parse(await readFile(signingFile(), "utf8"));
    expect(stored.keys.map((key: { state: string }) => key.state)).toEqual(["current", "current"]);
    expect(material.cookieKeys).toHaveLength(2);
    for (const key of material.cookieKeys) expect(Buffer.from(key, "base64url")).toHaveLength(32);
    expect(material.cookieKeys[0]).not.toBe(material.cookieKeys[1]);
  });

  it("reads the same keys on later starts and writes nothing", async () => {
    const first = await loadKeys(keysDir);
    const files = [await readFile(signingFile(), "utf8"), await readFile(cookieFile(), "utf8")];

    const second = await loadKeys(keysDir);

    expect(second).toEqual(first);
    expect([await readFile(signingFile(), "utf8"), await readFile(cookieFile(), "utf8")]).toEqual(files);
  });

  it("gives every instance starting at once on one folder the same keys", async () => {
    const loads = await Promise.all(Array.from({ length: 4 }, () => loadKeys(keysDir)));

    for (const material of loads.slice(1)) expect(material).toEqual(loads[0]);
    expect(await loadKeys(keysDir)).toEqual(loads[0]);
  });

  it.each([
    [SIGNING_KEYS_FILE, `{"d": SECRET-MATERIAL}`],
    [SIGNING_KEYS_FILE, JSON.stringify({ keys: [{ kty: "RSA", kid: "1", alg: "RS256", use: "sig" }] })],
    [COOKIE_KEYS_FILE, "[]"],
  ])("refuses a corrupt %s with an error naming it, and leaves it alone", async (name, content) => {
    await loadKeys(keysDir);
    const file = path.join(keysDir, name);
    await writeFile(file, content);

    const error = await loadKeys(keysDir).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(KeyFileError);
    expect((error as KeyFileError).file).toBe(file);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).not.toContain("SECRET");
    expect(await readFile(file, "utf8")).toBe(content);
  });

  it("refuses a file with two current keys for one algorithm", async () => {
    await loadKeys(keysDir);
    await rotateKeys(keysDir, "RS256");
    const stored = JSON.parse(await readFile(signingFile(), "utf8"));
    for (const key of stored.keys) key.state = "current";
    await writeFile(signingFile(), JSON.stringify(stored));

    await expect(loadKeys(keysDir)).rejects.toThrow(/exactly one current RS256 key, has 2/);
  });

  it("rotates without downtime: next is published first, signs only once activated, retired stays published", async () => {
    const initial = await loadKeys(keysDir);
    const [oldKid] = kidsOf(initial, "RS256");
    const esKid = signingKid(initial, "ES256");
    expect(await kidSignedByProvider(initial, "RS256")).toBe(oldKid);

    const nextKid = await rotateKeys(keysDir, "RS256");
    const rotated = await loadKeys(keysDir);
    expect(kidsOf(rotated, "RS256")).toEqual([oldKid, nextKid]);
    expect(publicJwks(rotated).keys.map((key) => key.kid)).toContain(nextKid);
    expect(await kidSignedByProvider(rotated, "RS256")).toBe(oldKid);

    expect(await activateNextKey(keysDir, "RS256")).toBe(nextKid);
    const activated = await loadKeys(keysDir);
    expect(kidsOf(activated, "RS256")).toEqual([nextKid, oldKid]);
    expect(await kidSignedByProvider(activated, "RS256")).toBe(nextKid);
    expect(signingKid(activated, "ES256")).toBe(esKid);
    expect(await kidSignedByProvider(activated, "ES256")).toBe(esKid);

    expect(await removeRetiredKeys(keysDir, new Date(Date.now() - 60_000))).toEqual([]);
    expect(kidsOf(await loadKeys(keysDir), "RS256")).toEqual([nextKid, oldKid]);
    const esNextKid = await rotateKeys(keysDir, "ES256");
    expect(await removeRetiredKeys(keysDir, new Date(Date.now() + 60_000))).toEqual([oldKid]);
    const pruned = await loadKeys(keysDir);
    expect(kidsOf(pruned, "RS256")).toEqual([nextKid]);
    expect(kidsOf(pruned, "ES256")).toEqual([esKid, esNextKid]); // next keys are never pruned
  });

  it("refuses to activate without a next key or to stack two next keys", async () => {
    await loadKeys(keysDir);
    await expect(activateNextKey(keysDir, "ES256")).rejects.toMatchObject({ code: "failed_precondition" });
    await rotateKeys(keysDir, "ES256");
    const error = await rotateKeys(keysDir, "ES256").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "failed_precondition" });
  });

  it("loses no rotation when two run at once", async () => {
    await loadKeys(keysDir);
    const [rsKid, esKid] = await Promise.all([rotateKeys(keysDir, "RS256"), rotateKeys(keysDir, "ES256")]);

    const material = await loadKeys(keysDir);
    expect(kidsOf(material, "RS256")[1]).toBe(rsKid);
    expect(kidsOf(material, "ES256")[1]).toBe(esKid);
  });

  it("publishes no private members", async () => {
    const material = await loadKeys(keysDir);
    await rotateKeys(keysDir, "RS256");

    const { keys } = publicJwks(await loadKeys(keysDir));

    expect(keys).toHaveLength(3);
    for (const key of keys) {
      for (const member of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(member);
      expect(key).toMatchObject({ kid: expect.any(String), alg: expect.any(String), use: "sig" });
    }
    expect(material.jwks.keys[0]).toHaveProperty("d"); // the private JWKS itself is untouched
  });

  it("verifies a JWT signed with the current RS256 key against the public JWKS", async () => {
    const material = await loadKeys(keysDir);
    const [current] = material.jwks.keys.filter((key) => key.alg === "RS256");
    const jwt = await new SignJWT({ sub: "user" })
      .setProtectedHeader({ alg: "RS256", kid: current.kid })
      .setIssuer("http://localhost:3000")
      .setExpirationTime("5m")
      .sign(await importJWK(current, "RS256"));

    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(publicJwks(material)), {
      issuer: "http://localhost:3000",
    });

    expect(payload.sub).toBe("user");
    expect(protectedHeader.kid).toBe(current.kid);
  });
});

describe("kid-based key operations (WebKeyService)", () => {
  const stateOf = async (kid: string) => (await listKeys(keysDir)).find((key) => key.id === kid)?.state;

  it("lists the first start's keys as current, with dates and the RSA size, and no key material", async () => {
    const keys = await listKeys(keysDir);

    expect(keys.map((key) => [key.alg, key.state, key.rsaBits])).toEqual([
      ["RS256", "current", 2048],
      ["ES256", "current", undefined],
    ]);
    for (const key of keys) {
      expect(key.id).toMatch(/^[0-9]{17,20}$/);
      expect(key.createdAt).toBeInstanceOf(Date);
      expect(key.changedAt.getTime()).toBe(key.createdAt.getTime());
      expect(key.retiredAt).toBeUndefined();
      expect(Object.keys(key)).not.toContain("d");
    }
    expect(kidsOf(await loadKeys(keysDir), "RS256")).toEqual([keys[0]!.id]); // the same file loadKeys reads
  });

  it("creates several next keys, published but not signing, with the requested RSA size", async () => {
    const initial = await loadKeys(keysDir);
    const [rsKid] = kidsOf(initial, "RS256");

    const first = await createKey(keysDir, "RS256");
    const second = await createKey(keysDir, "RS256", { rsaBits: 3072 });
    const ec = await createKey(keysDir, "ES256");

    expect([first.state, second.state, ec.state]).toEqual(["next", "next", "next"]);
    const listed = await listKeys(keysDir);
    expect(listed.filter((key) => key.state === "next").map((key) => [key.id, key.rsaBits])).toEqual([
      [first.kid, 2048],
      [second.kid, 3072],
      [ec.kid, undefined],
    ]);
    const material = await loadKeys(keysDir);
    expect(publicJwks(material).keys.map((key) => key.kid)).toEqual(expect.arrayContaining([first.kid, second.kid, ec.kid]));
    expect(await kidSignedByProvider(material, "RS256")).toBe(rsKid);
    for (const key of material.jwks.keys)
      for (const member of ["state", "createdAt", "activatedAt", "retiredAt"]) expect(key).not.toHaveProperty(member);
  });

  it("refuses RSA sizes for EC keys and sizes it does not know", async () => {
    await expect(createKey(keysDir, "ES256", { rsaBits: 2048 })).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(createKey(keysDir, "RS256", { rsaBits: 1024 as never })).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(createKey(keysDir, "HS256" as never)).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("activates a key by kid: it signs, the previous current key of its algorithm is retired and still published", async () => {
    const initial = await loadKeys(keysDir);
    const [oldKid] = kidsOf(initial, "RS256");
    const esKid = signingKid(initial, "ES256");
    const created = await createKey(keysDir, "RS256");

    const activated = await activateKey(keysDir, created.kid);

    expect(activated).toMatchObject({ id: created.kid, state: "current" });
    expect(activated.changedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
    const listed = await listKeys(keysDir);
    expect(listed.find((key) => key.id === oldKid)).toMatchObject({ state: "retired", retiredAt: expect.any(Date) });
    expect(await stateOf(esKid!)).toBe("current"); // other algorithms keep theirs
    const material = await loadKeys(keysDir);
    expect(await kidSignedByProvider(material, "RS256")).toBe(created.kid);
    expect(publicJwks(material).keys.map((key) => key.kid)).toContain(oldKid);

    // Activating the current key changes nothing; a retired key may come back.
    const before = await readFile(signingFile(), "utf8");
    await activateKey(keysDir, created.kid);
    expect(await readFile(signingFile(), "utf8")).toBe(before);
    await activateKey(keysDir, oldKid!);
    expect(await stateOf(oldKid!)).toBe("current");
    expect((await listKeys(keysDir)).find((key) => key.id === oldKid)?.retiredAt).toBeUndefined();
    expect(await stateOf(created.kid)).toBe("retired");
    expect(await kidSignedByProvider(await loadKeys(keysDir), "RS256")).toBe(oldKid);
  });

  it("activating an unknown kid is not_found", async () => {
    await loadKeys(keysDir);
    const error = await activateKey(keysDir, "123456789012345678").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "not_found" });
  });

  it("deletes next and retired keys, refuses the current one, and treats an unknown kid as deleted already", async () => {
    const initial = await loadKeys(keysDir);
    const [oldKid] = kidsOf(initial, "RS256");
    const next = await createKey(keysDir, "ES256");
    const created = await createKey(keysDir, "RS256");
    await activateKey(keysDir, created.kid);

    await expect(deleteKey(keysDir, created.kid)).rejects.toMatchObject({ code: "failed_precondition" });
    expect(await deleteKey(keysDir, oldKid!)).toBe(true);
    expect(await deleteKey(keysDir, next.kid)).toBe(true);
    expect(await deleteKey(keysDir, oldKid!)).toBe(false);

    const material = await loadKeys(keysDir);
    expect(kidsOf(material, "RS256")).toEqual([created.kid]);
    expect(publicJwks(material).keys.map((key) => key.kid)).not.toContain(oldKid);
    expect((await listKeys(keysDir)).map((key) => key.id)).not.toContain(next.kid);
  });

  it("loses no change when several run at once", async () => {
    await loadKeys(keysDir);
    const created = await Promise.all([createKey(keysDir, "RS256"), createKey(keysDir, "ES256"), createKey(keysDir, "RS256")]);
    await Promise.all(created.map((key) => activateKey(keysDir, key.kid)));

    const listed = await listKeys(keysDir);
    expect(listed).toHaveLength(5);
    for (const key of created) expect(listed.map((k) => k.id)).toContain(key.kid);
    expect(
      listed
        .filter((key) => key.state === "current")
        .map((key) => key.alg)
        .sort(),
    ).toEqual(["ES256", "RS256"]);
  });
});
