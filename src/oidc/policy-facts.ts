// The one place the oidc side loads the sign-in policy's facts (src/access/policy.ts): the
// client's settings, and only the directory reads that the path's checks and the destinations'
// claims need, in parallel. Every path (the interaction prompts, findAccount, token issuance,
// userinfo, introspection, the management API's tokens) decides through here.
import { type Client, errors } from "oidc-provider";
import type { ProjectAccess } from "../access/decide.js";
import {
  type ClientFacts,
  claimsNeeded,
  type Destination,
  decideSignIn,
  factsNeeded,
  type PolicyFacts,
  type PolicyOutcome,
  type SignInPath,
} from "../access/policy.js";
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

export interface FactsRequest {
  /** The path whose checks need facts (none: only the claims'). */
  path?: SignInPath | undefined;
  /** The client's settings (clientFacts). */
  client: ClientFacts;
  subjectId: string;
  scopes: readonly string[];
  /** The project decided on when it is not the client's (introspection: the caller's). */
  projectId?: string | undefined;
  /** The user declined the management audience in this sign-in. */
  consentDeclined?: boolean | undefined;
  /** The facts of these destinations' claims too. */
  claims?: readonly Destination[] | undefined;
}

export interface FactSources {
  reads: DirectoryReads;
  /** Whether the user consented that the app may use the management API. */
  managementConsented(userId: string, clientId: string): Promise<boolean>;
}

export async function loadFacts(sources: FactSources, request: FactsRequest): Promise<PolicyFacts> {
  const { reads } = sources;
  const { client } = request;
  const projectId = request.projectId ?? client.projectId;
  const checks =
    request.path === undefined
      ? { subject: false, project: false, audienceProjects: [], managementConsent: false }
      : factsNeeded(request.path, client.kind, request.scopes, projectId);
  const claims = (request.claims ?? []).map((d) => claimsNeeded(d, client, request.scopes, projectId));
  const subject = checks.subject || claims.some((c) => c.subject);
  const project = projectId !== undefined && (checks.project || claims.some((c) => c.project));
  // The aud-scope projects in scope order (role claims list them in that order).
  const audienceIds = [...new Set([...checks.audienceProjects, ...claims.flatMap((c) => c.audienceProjects)])];
  const { subjectId } = request;
  const [subjectRow, accesses, consent] = await Promise.all([
    subject ? reads.user(subjectId) : undefined,
    project || audienceIds.length > 0
      ? reads.projectsAccess(subjectId, project ? [projectId!, ...audienceIds] : audienceIds)
      : new Map<string, ProjectAccess | null>(),
    checks.managementConsent ? sources.managementConsented(subjectId, client.id) : undefined,
  ]);
  return {
    client,
    scopes: request.scopes,
    subjectId,
    ...(subject ? { subject: subjectRow ?? null } : {}),
    ...(project ? { project: { id: projectId!, access: accesses.get(projectId!) ?? null } } : {}),
    audienceProjects: new Map(audienceIds.map((id) => [id, accesses.get(id) ?? null])),
    managementConsent: consent === undefined ? undefined : consent ? "given" : request.consentDeclined ? "declined" : "missing",
  };
}

/** Loads the facts and decides the path. */
export async function decidePath(
  sources: FactSources,
  request: FactsRequest & { path: SignInPath },
): Promise<{ facts: PolicyFacts; outcome: PolicyOutcome }> {
  const facts = await loadFacts(sources, request);
  return { facts, outcome: decideSignIn(request.path, facts) };
}

/** A token endpoint's refusal as oidc-provider's error (invalid_scope names the scope). */
export function refusal(outcome: PolicyOutcome): errors.OIDCProviderError {
  const denial = outcome.denial!;
  if (denial.answer === "invalid_scope") return new errors.InvalidScope(denial.message, denial.scope ?? "");
  return new errors.InvalidGrant(denial.message);
}
