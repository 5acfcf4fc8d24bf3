// The oidc-provider modules src/oidc/internals.ts reaches into (they ship without typings).
declare module "oidc-provider/lib/helpers/initialize_keystore.js" {
  /** Replaces the provider's signing keystore and published JWKS (called with the provider as `this`). */
  export default function initializeKeystore(this: object, jwks: { keys: object[] }): void;
}

declare module "oidc-provider/lib/helpers/als.js" {
  import type { AsyncLocalStorage } from "node:async_hooks";
  import type { KoaContextWithOIDC } from "oidc-provider";
  const als: AsyncLocalStorage<KoaContextWithOIDC>;
  export default als;
}
declare module "oidc-provider/lib/helpers/revoke.js" {
  import type { KoaContextWithOIDC } from "oidc-provider";
  export default function revoke(ctx: KoaContextWithOIDC, grantId: string): Promise<void>;
}
