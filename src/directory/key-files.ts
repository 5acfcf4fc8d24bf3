// Key pairs for machine users and applications, handed out as ZITADEL key files: rolegate keeps
// only the public key; the private key (RSA, PKCS#1 PEM as ZITADEL writes it) goes to the caller once.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { invalidArgument } from "./errors.js";

export interface GeneratedKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

export function generateRsaKeyPair(): GeneratedKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** Accepts a caller's public key (PEM, RSA or EC) and returns it normalised to SPKI PEM. */
export function readPublicKey(field: string, pem: unknown): string {
  if (typeof pem !== "string" && !(pem instanceof Uint8Array)) throw invalidArgument(field, "must be a PEM public key");
  try {
    const key = createPublicKey(typeof pem === "string" ? pem : Buffer.from(pem));
    if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ec") {
      throw new Error("unsupported key type");
    }
    return key.export({ type: "spki", format: "pem" }).toString();
  } catch {
    throw invalidArgument(field, "must be an RSA or EC public key in PEM format");
  }
}

export interface ServiceAccountKeyFile {
  type: "serviceaccount";
  keyId: string;
  key: string;
  userId: string;
  expirationDate?: string;
}

export interface ApplicationKeyFile {
  type: "application";
  keyId: string;
  key: string;
  appId: string;
  clientId: string;
  expirationDate?: string;
}
