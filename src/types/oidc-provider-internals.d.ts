// The oidc-provider modules src/oidc/internals.ts reaches into (they ship without typings).
declare module "oidc-provider/lib/helpers/initialize_keystore.js" {
  /** Replaces the provider's signing keystore and published JWKS (called with the provider as `this`). */
  export default function initializeKeystore(this: object, jwks: { keys: object[] }): void;
}
