// The one place that reaches into oidc-provider internals. Each change says why the public
// configuration cannot do it.
import type Provider from "oidc-provider";
import { verifySecret } from "../directory/secrets.js";

/** Key in the claims an account returns, holding claims with dynamic names (see below). */
export const DYNAMIC_CLAIMS = "rolegate:dynamic";

export function adaptProvider(provider: Provider): void {
  // Client secrets are stored hashed (SHA-256 of a high-entropy secret); the client metadata
  // carries the hash, so the comparison hashes what the client sent (constant-time).
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return verifySecret(actual, this.clientSecret);
  };

  // oidc-provider only puts claims registered by name into ID tokens, but ZITADEL's role claims
  // are named per project (urn:zitadel:iam:org:project:{id}:roles). Accounts hand them over under
  // DYNAMIC_CLAIMS (an unregistered name, so never emitted itself); they join the token's extras.
  const IdToken = provider.IdToken as unknown as { prototype: { payload(): Promise<Record<string, unknown>> } };
  const payload = IdToken.prototype.payload;
  IdToken.prototype.payload = async function payloadWithDynamicClaims(this: {
    available: Record<string, unknown>;
    extra: Record<string, unknown>;
  }) {
    const dynamic = this.available[DYNAMIC_CLAIMS];
    if (dynamic && typeof dynamic === "object") Object.assign(this.extra, dynamic);
    return payload.call(this);
  };
}
