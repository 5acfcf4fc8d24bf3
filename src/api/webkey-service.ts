// zitadel.webkey.v2.WebKeyService on the signing keys in KEYS_DIR (src/keys/).
// States: next = STATE_INITIAL, current = STATE_ACTIVE, retired = STATE_INACTIVE. rolegate keeps
// one active key per algorithm (RS256 and ES256, both signing from the first start), so
// activating a key deactivates the active key of the same algorithm only.
// Instance owners only (ZITADEL: iam.web_key.read / write / delete).
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { ECDSACurve, RSABits, RSAHasher, State, type WebKeySchema } from "@zitadel/proto/zitadel/webkey/v2/key_pb.js";
import type { CreateWebKeyRequest, WebKeyService } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import { isIamOwner } from "../access/permissions.js";
import { failedPrecondition, invalidArgument } from "../directory/errors.js";
import { requireId } from "../directory/validate.js";
import type { KeyInfo, KeyState, RsaBits, SigningAlg } from "../keys/jwk.js";
import { activateKey, createKey, deleteKey } from "../keys/lifecycle.js";
import { listKeys } from "../keys/store.js";
import { callOf, requireThat, type ApiDeps } from "./context.js";
import { fromEnum, now, ts } from "./convert.js";

const STATE: Record<KeyState, State> = { next: State.INITIAL, current: State.ACTIVE, retired: State.INACTIVE };
const RSA_BITS: Record<number, RsaBits> = {
  [RSABits.RSA_BITS_UNSPECIFIED]: 2048,
  [RSABits.RSA_BITS_2048]: 2048,
  [RSABits.RSA_BITS_3072]: 3072,
  [RSABits.RSA_BITS_4096]: 4096,
};
const BITS_NUMBER: Record<number, RSABits> = { 2048: RSABits.RSA_BITS_2048, 3072: RSABits.RSA_BITS_3072, 4096: RSABits.RSA_BITS_4096 };

/** The request's key type → what keys.ts creates; anything rolegate cannot sign with is invalid_argument. */
function keySpec(key: CreateWebKeyRequest["key"]): { alg: SigningAlg; rsaBits?: RsaBits } {
  switch (key.case) {
    case undefined: // the documented default: RSA, 2048 bits, SHA256
      return { alg: "RS256", rsaBits: 2048 };
    case "rsa": {
      const hasher = fromEnum("rsa.hasher", key.value.hasher, { 0: "SHA256", 1: "SHA256", 2: "SHA384", 3: "SHA512" } as const);
      if (hasher !== "SHA256") throw invalidArgument("rsa.hasher", "only RSA_HASHER_SHA256 (RS256) is supported");
      return { alg: "RS256", rsaBits: fromEnum("rsa.bits", key.value.bits, RSA_BITS) };
    }
    case "ecdsa": {
      const curve = fromEnum("ecdsa.curve", key.value.curve, { 0: "P-256", 1: "P-256", 2: "P-384", 3: "P-512" } as const);
      if (curve !== "P-256") throw invalidArgument("ecdsa.curve", "only ECDSA_CURVE_P256 (ES256) is supported");
      return { alg: "ES256" };
    }
    case "ed25519":
      throw invalidArgument("ed25519", "ED25519 (EdDSA) keys are not supported; create an RSA (RS256) or ECDSA P-256 (ES256) key");
    default:
      throw invalidArgument("key", "unknown key type");
  }
}

function toWebKey(key: KeyInfo): MessageInitShape<typeof WebKeySchema> {
  return {
    id: key.id,
    creationDate: ts(key.createdAt),
    changeDate: ts(key.changedAt),
    state: STATE[key.state],
    key:
      key.alg === "RS256"
        ? {
            case: "rsa",
            value: { bits: BITS_NUMBER[key.rsaBits ?? 2048] ?? RSABits.RSA_BITS_UNSPECIFIED, hasher: RSAHasher.RSA_HASHER_SHA256 },
          }
        : { case: "ecdsa", value: { curve: ECDSACurve.ECDSA_CURVE_P256 } },
  };
}

export function webKeyService(deps: ApiDeps): ServiceImpl<typeof WebKeyService> {
  /** The keys folder, once the caller is known to be an instance owner. */
  const keysDirFor = (ctx: HandlerContext, what: string): string => {
    requireThat(isIamOwner(callOf(deps, ctx).principal), what);
    if (!deps.keysDir) throw failedPrecondition("this server does not manage signing keys (no KEYS_DIR)");
    return deps.keysDir;
  };
  const changed = async () => {
    await deps.keysChanged?.();
  };
  return {
    async createWebKey(req, ctx) {
      const keysDir = keysDirFor(ctx, "create web keys");
      const spec = keySpec(req.key);
      const key = await createKey(keysDir, spec.alg, spec.rsaBits ? { rsaBits: spec.rsaBits } : {});
      await changed();
      return { id: key.kid, creationDate: ts(new Date(key.createdAt)) };
    },

    async activateWebKey(req, ctx) {
      const keysDir = keysDirFor(ctx, "activate web keys");
      const key = await activateKey(keysDir, requireId("id", req.id));
      await changed();
      return { changeDate: ts(key.changedAt) };
    },

    async deleteWebKey(req, ctx) {
      const keysDir = keysDirFor(ctx, "delete web keys");
      // An unknown id succeeds without a deletion date, as the method's documentation says.
      const deleted = await deleteKey(keysDir, requireId("id", req.id));
      if (!deleted) return {};
      await changed();
      return { deletionDate: now() };
    },

    async listWebKeys(_req, ctx) {
      const keysDir = keysDirFor(ctx, "list web keys");
      return { webKeys: (await listKeys(keysDir)).map(toWebKey) };
    },
  };
}
