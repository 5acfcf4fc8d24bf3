import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from "jose";
import Provider from "oidc-provider";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../src/directory/errors.js";
import {
  activateNextKey,
  COOKIE_KEYS_FILE,
  KeyFileError,
  loadKeys,
  publicJwks,
  removeRetiredKeys,
  rotateKeys,
  SIGNING_KEYS_FILE,
  type KeyMaterial,
  type SigningAlg,
} from "../../src/oidc/keys.js";

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
const kidsOf = (material: KeyMaterial, alg: SigningAlg) =>
  material.jwks.keys.filter((key) => key.alg === alg).map((key) => key.kid);
const signingKid = (material: KeyMaterial, alg: SigningAlg) => kidsOf(material, alg)[0];

/** Signs an ID token through oidc-provider itself, to see which key it picks. */
async function kidSignedByProvider(material: KeyMaterial, alg: SigningAlg): Promise<string | undefined> {
  const provider = new Provider("http://localhost:3000", {
    jwks: material.jwks,
    cookies: { keys: material.cookieKeys },
    ttl: { IdToken: 60 },
    features: { devInteractions: { enabled: false } },
    clients: [
      { client_id: "app", client_secret: "secret", redirect_uris: ["https://app.example/cb"], id_token_signed_response_alg: alg },
    ],
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
