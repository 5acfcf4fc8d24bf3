// The one place the sign-in policy's facts (src/access/policy.ts) are loaded: only the directory
// reads that the path's checks and the destinations' claims need, in parallel. Every path of the
// oidc side (through src/oidc/policy-facts.ts, with its cached reads and the client's settings)
// and the management API's access explainer decide through here.
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
import { loadProjectsAccess, loadUserProfile, type UserProfile } from "./access-snapshots.js";
import { hasManagementConsent } from "./consents.js";
import type { PrismaClient } from "../generated/prisma/client.js";

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

/** The directory reads the facts come from (the oidc side's are cached; see src/oidc/reads.ts). */
export interface FactReads {
  /** projectAccess for several projects in one directory query (every id a key, null: unknown). */
  projectsAccess(userId: string, projectIds: string[]): Promise<Map<string, ProjectAccess | null>>;
  user(userId: string): Promise<UserProfile | null>;
}

export interface FactSources {
  reads: FactReads;
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

/** The facts straight from the directory, uncached (for reads that must be current, such as the explainer's). */
export function directFactSources(prisma: PrismaClient): FactSources {
  return {
    reads: {
      projectsAccess: (userId, projectIds) => loadProjectsAccess(prisma, userId, projectIds),
      user: (userId) => loadUserProfile(prisma, userId),
    },
    managementConsented: (userId, clientId) => hasManagementConsent({ prisma, actor: { id: userId } }, userId, clientId),
  };
}
