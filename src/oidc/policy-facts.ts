// Where the oidc side gets the sign-in policy's facts (src/access/policy.ts): the client's settings
// from oidc-provider's client, and the directory reads through src/directory/policy-facts.ts (the
// loading itself, shared with the management API's access explainer). Every path (the interaction
// prompts, findAccount, token issuance, userinfo, introspection, the management API's tokens)
// decides through here.
import { type Client, errors } from "oidc-provider";
import type { ClientFacts, PolicyOutcome } from "../access/policy.js";
import { decidePath, type FactSources as DirectoryFactSources, type FactsRequest, loadFacts } from "../directory/policy-facts.js";
import { accessTokenTypeOf, flagOf, kindOf, projectIdOf } from "./client-info.js";
import type { DirectoryReads } from "./reads.js";

/** The client's settings as the policy reads them. */
export function clientFacts(client: Client): ClientFacts {
  return {
    id: client.clientId,
    kind: kindOf(client) ?? "api",
    projectId: projectIdOf(client),
    accessTokenType: accessTokenTypeOf(client),
    accessTokenRoleAssertion: flagOf(client, "accessTokenRoleAssertion"),
    idTokenRoleAssertion: flagOf(client, "idTokenRoleAssertion"),
    idTokenUserinfoAssertion: flagOf(client, "idTokenUserinfoAssertion"),
  };
}

export type { FactsRequest };
export { decidePath, loadFacts };

/** The facts' sources on the oidc side: the cached reads (the provider reads clients and keys there too). */
export interface FactSources extends DirectoryFactSources {
  reads: DirectoryReads;
}

/** A token endpoint's refusal as oidc-provider's error (invalid_scope names the scope). */
export function refusal(outcome: PolicyOutcome): errors.OIDCProviderError {
  const denial = outcome.denial!;
  if (denial.answer === "invalid_scope") return new errors.InvalidScope(denial.message, denial.scope ?? "");
  return new errors.InvalidGrant(denial.message);
}
