// The sign-in policy: for every path a sign-in or a token takes, which checks run, in which order,
// what a failure answers, and which claims each destination carries. The paths are declared in
// one table (PATHS; docs/rules.md#sign-in-paths holds the same table, and the table test reads it
// from there). Pure: the facts are loaded once per request (src/directory/policy-facts.ts; the
// oidc side through src/oidc/policy-facts.ts), and the caller applies the outcome.
import { audienceFor, narrowAudienceScopes } from "./audience.js";
import {
  emailClaims,
  flatRoles,
  GENERIC_ROLES_CLAIM,
  type ProjectRoleSource,
  profileClaims,
  type RoleClaim,
  reservedClaims,
  roleClaims,
  type SubjectProfile,
} from "./claims.js";
import {
  type AccessDecision,
  type AccessStep,
  accessSteps,
  DENY_MESSAGES,
  type DenyReason,
  decideAccess,
  decisionOf,
  type ProjectAccess,
  type StepOutcome,
} from "./decide.js";
import { parseScopes, SCOPE, type ScopeRequest } from "./scopes.js";
import type { OrgState, UserState } from "./states.js";

export type SignInPath =
  | "login"
  | "sso"
  | "prompt_none"
  | "code_exchange"
  | "refresh"
  | "client_credentials"
  | "jwt_profile"
  | "userinfo"
  | "introspection"
  | "management_token";

export const SIGN_IN_PATHS: readonly SignInPath[] = [
  "login",
  "sso",
  "prompt_none",
  "code_exchange",
  "refresh",
  "client_credentials",
  "jwt_profile",
  "userinfo",
  "introspection",
  "management_token",
];

/**
 * An app's client (its users sign in), an API app's (no users), a machine user's own, or the
 * console's: rolegate's first-party client, built in, with no project, whose users need no
 * consent for the management audience (R-CONSOLE-1).
 */
export type ClientKind = "oidc" | "api" | "machine" | "console";
export const CLIENT_KINDS: readonly ClientKind[] = ["oidc", "api", "machine", "console"];

export type CheckName =
  /** The path serves the client's kind (an app's users, or machine users). */
  | "client_kind"
  /** The user (or machine user) exists, is active, and so is its organization. */
  | "subject_active"
  /** urn:zitadel:iam:org:id:{id} / :domain:primary:{domain}: the user is of that organization. */
  | "organization_scope"
  /** The checks of the project decided on (decideAccess): the client's, the caller's at introspection. */
  | "project_access"
  /** The projects named by aud scopes: users' tokens leave failing ones out, machines' are refused. */
  | "audience_projects"
  /** The management API's audience in a user's token: the user's consent for that app. */
  | "management_consent";

/** How a path answers a failed check. */
export type Denial =
  /** Interactive: the login page again (another user must sign in). */
  | "login_page"
  /** Interactive: the access-denied page, with the reason's message. */
  | "access_denied_page"
  /** Interactive: the consent page. */
  | "consent_page"
  /** The OAuth/OIDC error of the response (prompt=none, token endpoint, userinfo). */
  | "login_required"
  | "access_denied"
  | "consent_required"
  | "invalid_grant"
  | "invalid_scope"
  | "invalid_token"
  /** Introspection: {"active": false}. */
  | "inactive"
  /** The management API: unauthenticated. */
  | "unauthenticated";

export type ReasonCode =
  | DenyReason
  /** The path does not serve this kind of client. */
  | "client_kind"
  | "user_unknown"
  | "other_organization"
  | "audience_denied"
  | "consent_missing";

/** The interaction prompt between login and consent that shows the access-denied page. */
export const ACCESS_PROMPT = "access";
/** The consent prompt's reason when an app asks for the management API's audience (the check's name). */
export const MANAGEMENT_CONSENT = "management_consent" satisfies CheckName;
/** Set in the interaction's consent result when the user declined it (the sign-in goes on without). */
export const MANAGEMENT_DECLINED = "rolegateManagementDeclined";

/** How aud scopes and the management audience that fail are treated on a path. */
type Narrowing = "narrow" | "refuse";

interface PathRule {
  /** The checks in order, by the client kinds the path serves (a kind not listed is refused). */
  checks: Partial<Record<ClientKind, readonly CheckName[]>>;
  /** The answer to a failed check, check by check, and to any other (client_kind). */
  denials: Partial<Record<CheckName, Denial>>;
  otherwise: Denial;
  /** Aud scopes that fail: left out of the token (users) or refusing it (machines). */
  audience?: Narrowing;
  /** The management audience without consent: asked for, left out, or refusing. */
  consent?: "ask" | "narrow" | "require";
}

const USER_SIGN_IN = ["organization_scope", "project_access", "audience_projects", "management_consent"] as const;
const USER_TOKEN = ["project_access", "audience_projects", "management_consent"] as const;
const MACHINE_TOKEN = ["subject_active", "audience_projects"] as const;
/** The console: any active user may sign in; what they may do is the management API's to decide. */
const CONSOLE = ["subject_active"] as const;

/**
 * Every path, in the manner of oidc-provider's own action tables. Machine users are exempt from
 * project checks on their own client's paths (they have no app); on introspection they are
 * checked against the caller's project like anyone.
 */
/** An interactive sign-in (login page or SSO): failures show a page. */
const INTERACTIVE: PathRule = {
  checks: { oidc: USER_SIGN_IN, console: CONSOLE },
  denials: {
    subject_active: "access_denied_page",
    organization_scope: "login_page",
    project_access: "access_denied_page",
    management_consent: "consent_page",
  },
  otherwise: "access_denied_page",
  audience: "narrow",
  consent: "ask",
};
/** A user's token at the token endpoint (code exchange, refresh). */
const USER_TOKEN_RULE: PathRule = {
  checks: { oidc: USER_TOKEN, console: CONSOLE },
  denials: { subject_active: "invalid_grant", project_access: "invalid_grant" },
  otherwise: "invalid_grant",
  audience: "narrow",
  consent: "narrow",
};
/** A machine user's own token (client credentials, JWT profile). */
const MACHINE_TOKEN_RULE: PathRule = {
  checks: { machine: MACHINE_TOKEN },
  denials: { subject_active: "invalid_grant", audience_projects: "invalid_scope" },
  otherwise: "invalid_grant",
  audience: "refuse",
};

export const PATHS: Record<SignInPath, PathRule> = {
  login: INTERACTIVE,
  sso: INTERACTIVE,
  // The same checks without a page: each failure is the OIDC error the client gets.
  prompt_none: {
    ...INTERACTIVE,
    denials: {
      subject_active: "access_denied",
      organization_scope: "login_required",
      project_access: "access_denied",
      management_consent: "consent_required",
    },
    otherwise: "access_denied",
  },
  code_exchange: USER_TOKEN_RULE,
  refresh: USER_TOKEN_RULE,
  client_credentials: MACHINE_TOKEN_RULE,
  jwt_profile: MACHINE_TOKEN_RULE,
  userinfo: {
    checks: { oidc: ["project_access"], machine: ["subject_active"], console: CONSOLE },
    denials: { project_access: "invalid_token", subject_active: "invalid_token" },
    otherwise: "invalid_token",
  },
  introspection: {
    checks: { oidc: ["project_access"], machine: ["project_access"] },
    denials: { project_access: "inactive" },
    otherwise: "inactive",
  },
  management_token: {
    checks: { oidc: ["subject_active", "management_consent"], machine: ["subject_active"], console: CONSOLE },
    denials: { subject_active: "unauthenticated", management_consent: "unauthenticated" },
    otherwise: "unauthenticated",
    consent: "require",
  },
};

/** The client the request is made with (at introspection: the client the token was issued to). */
export interface ClientFacts {
  id: string;
  kind: ClientKind;
  /** The app's project (none for machine users' clients). */
  projectId?: string | undefined;
  accessTokenType: "BEARER" | "JWT";
  accessTokenRoleAssertion: boolean;
  idTokenRoleAssertion: boolean;
  idTokenUserinfoAssertion: boolean;
}

/** The user or machine user the token is about, with its organization's state. */
export interface SubjectFacts extends SubjectProfile {
  state: UserState;
  org: SubjectProfile["org"] & { state: OrgState };
}

export interface PolicyFacts {
  client: ClientFacts;
  /** The scopes requested, or those of the grant or token in play. */
  scopes: readonly string[];
  subjectId: string;
  /** Loaded when a check or a claim needs it (null: no such user). */
  subject?: SubjectFacts | null | undefined;
  /** The project decided on: the client's, or at introspection the caller's (null: unknown). */
  project?: { id: string; access: ProjectAccess | null } | undefined;
  /** The subject's access on every aud-scope project but the decided one (null: unknown project). */
  audienceProjects?: ReadonlyMap<string, ProjectAccess | null> | undefined;
  /** The user's consent to the management audience for this app; "declined" on this sign-in. */
  managementConsent?: "given" | "declined" | "missing" | undefined;
}

export interface CheckResult {
  check: CheckName;
  passed: boolean;
  reason?: ReasonCode | undefined;
  /** What the user or the client may be told. */
  message?: string | undefined;
  /** The scope that failed (audience_projects). */
  scope?: string | undefined;
  /** project_access: the steps of decideAccess on the decided project (none: unknown project or user). */
  steps?: AccessStep[] | undefined;
}

export interface PolicyOutcome {
  allowed: boolean;
  /** The checks the path ran, in order, up to the first that failed. */
  checks: CheckResult[];
  /** The failed check and how the path answers it. */
  denial?: { check: CheckName; reason: ReasonCode; answer: Denial; message: string; scope?: string | undefined } | undefined;
  /** The scopes the token may carry, and those left out (aud scopes, the management audience). */
  scopes: { granted: string[]; denied: string[] };
  /** The token's `aud`. */
  audience: string[];
}

/** The facts the checks of a path need for this client kind and these scopes (nothing more is read). */
export interface FactNeeds {
  subject: boolean;
  project: boolean;
  audienceProjects: string[];
  managementConsent: boolean;
}

export function checksOf(path: SignInPath, kind: ClientKind): readonly CheckName[] | undefined {
  return PATHS[path].checks[kind];
}

export function factsNeeded(
  path: SignInPath,
  kind: ClientKind,
  scopes: readonly string[],
  decidedProjectId: string | undefined,
): FactNeeds {
  const checks = checksOf(path, kind) ?? [];
  const request = parseScopes(scopes);
  const asksOrganization = request.orgId !== undefined || request.orgDomain !== undefined;
  return {
    subject: checks.includes("subject_active") || (checks.includes("organization_scope") && asksOrganization),
    project: checks.includes("project_access"),
    audienceProjects: checks.includes("audience_projects") ? request.audienceProjects.filter((id) => id !== decidedProjectId) : [],
    managementConsent: checks.includes("management_consent") && request.managementAudience,
  };
}

const MESSAGES: Record<Exclude<ReasonCode, DenyReason>, string> = {
  client_kind: "This client cannot be used here",
  user_unknown: "This user does not exist",
  other_organization: "This user does not belong to the requested organization",
  audience_denied: "Access to a requested project is denied",
  consent_missing: "The user has not allowed this app to use the management API",
};
const messageOf = (reason: ReasonCode) =>
  reason in DENY_MESSAGES ? DENY_MESSAGES[reason as DenyReason] : MESSAGES[reason as keyof typeof MESSAGES];

const passed = (check: CheckName): CheckResult => ({ check, passed: true });
const failed = (check: CheckName, reason: ReasonCode, message = messageOf(reason)): CheckResult => ({
  check,
  passed: false,
  reason,
  message,
});

const UNKNOWN_PROJECT: AccessDecision = { allowed: false, reason: "project_unavailable", message: DENY_MESSAGES.project_unavailable };

/** The decisions on the aud-scope projects (unknown ones fail as unavailable). */
function audienceDecisions(f: PolicyFacts): Map<string, AccessDecision> {
  return new Map(
    [...(f.audienceProjects ?? new Map())].map(([id, access]) => [id, access ? decideAccess(access.snapshot) : UNKNOWN_PROJECT]),
  );
}

function runCheck(check: CheckName, f: PolicyFacts, rule: PathRule, request: ScopeRequest): CheckResult {
  switch (check) {
    case "client_kind":
      return passed(check); // decided by the table (decideSignIn)
    case "subject_active": {
      const s = f.subject;
      if (!s) return failed(check, "user_unknown");
      if (s.state === "LOCKED") return failed(check, "user_locked");
      if (s.state !== "ACTIVE") return failed(check, "user_inactive");
      return s.org.state === "ACTIVE" ? passed(check) : failed(check, "user_org_inactive");
    }
    case "organization_scope": {
      if (!request.orgId && !request.orgDomain) return passed(check);
      const org = f.subject?.org;
      const inOrg =
        !!org && (!request.orgId || org.id === request.orgId) && (!request.orgDomain || org.primaryDomain === request.orgDomain);
      return inOrg ? passed(check) : failed(check, "other_organization");
    }
    case "project_access": {
      const snapshot = f.project?.access?.snapshot;
      const steps = snapshot ? accessSteps(snapshot) : undefined;
      const decision = steps ? decisionOf(steps) : UNKNOWN_PROJECT;
      const result = decision.allowed ? passed(check) : failed(check, decision.reason, decision.message);
      return steps ? { ...result, steps } : result;
    }
    case "audience_projects": {
      if (rule.audience !== "refuse") return passed(check); // narrowed below, never refused
      // Machines: the first failing project, in scope order, refuses the token.
      for (const [projectId, decision] of audienceDecisions(f)) {
        if (!decision.allowed) {
          return {
            ...failed(check, "audience_denied", `access to project ${projectId} denied: ${decision.message}`),
            scope: `${SCOPE.audPrefix}${projectId}${SCOPE.audSuffix}`,
          };
        }
      }
      return passed(check);
    }
    case "management_consent": {
      if (!request.managementAudience || f.managementConsent === "given") return passed(check);
      if (rule.consent === "require" || (rule.consent === "ask" && f.managementConsent !== "declined")) {
        return failed(check, "consent_missing");
      }
      return passed(check); // left out of the token (narrowed below)
    }
  }
}

/** Runs the path's checks on the facts: the decision, its reasons, the scopes and the audience. */
export function decideSignIn(path: SignInPath, f: PolicyFacts): PolicyOutcome {
  const rule = PATHS[path];
  const checks = rule.checks[f.client.kind];
  const request = parseScopes(f.scopes);
  const results: CheckResult[] = [];
  const refuse = (result: CheckResult, answer: Denial): PolicyOutcome => ({
    allowed: false,
    checks: [...results, result],
    denial: { check: result.check, reason: result.reason!, answer, message: result.message!, scope: result.scope },
    scopes: { granted: [], denied: [...f.scopes] },
    audience: [],
  });
  if (!checks) return refuse(failed("client_kind", "client_kind"), rule.otherwise);
  for (const check of checks) {
    const result = runCheck(check, f, rule, request);
    if (!result.passed) return refuse(result, rule.denials[check] ?? rule.otherwise);
    results.push(result);
  }
  const scopes = narrowedScopes(f, rule);
  return { allowed: true, checks: results, scopes, audience: audienceFor(f.client.id, f.client.projectId, scopes.granted) };
}

/** The scopes a user's token may carry: failing aud scopes and an unconsented management audience left out. */
function narrowedScopes(f: PolicyFacts, rule: PathRule): { granted: string[]; denied: string[] } {
  if (rule.audience !== "narrow") return { granted: [...f.scopes], denied: [] };
  // The console is first-party: its users' management audience needs no consent.
  const consented = f.client.kind === "console" || f.managementConsent === "given";
  return narrowAudienceScopes(f.scopes, f.project?.id ?? f.client.projectId, audienceDecisions(f), consented);
}

/** Where claims go. */
export type Destination = "id_token" | "access_token" | "userinfo" | "introspection";

/**
 * The facts the claims of a destination need. Role claims need the decided project's access and
 * the aud-scope projects'; profile and reserved claims need the subject.
 */
export function claimsNeeded(
  destination: Destination,
  client: ClientFacts,
  scopes: readonly string[],
  decidedProjectId: string | undefined,
) {
  const request = parseScopes(scopes);
  const roles = rolesIn(destination, client);
  return {
    subject: destination === "id_token" || destination === "userinfo",
    project: roles && decidedProjectId !== undefined,
    audienceProjects: roles ? request.audienceProjects.filter((id) => id !== decidedProjectId) : [],
  };
}

/** Whether a destination carries role claims for this client (ZITADEL's assertion settings). */
function rolesIn(destination: Destination, client: ClientFacts): boolean {
  switch (destination) {
    case "id_token":
      return client.idTokenRoleAssertion;
    case "access_token":
      // Users' JWTs when the app asserts roles; machine users' JWTs when their scopes ask.
      return client.accessTokenType === "JWT" && (client.kind === "machine" || client.accessTokenRoleAssertion);
    case "userinfo":
    case "introspection":
      return true;
  }
}

/**
 * The claims a destination carries (beside `sub` and the token's own claims):
 * - ID token: profile and email only with idTokenUserinfoAssertion, roles only with
 *   idTokenRoleAssertion, reserved-scope claims always;
 * - JWT access token: role claims (see rolesIn), nothing else;
 * - userinfo: profile and email by scope, roles and reserved-scope claims;
 * - introspection: the decided (caller's) project's roles, always both role claims.
 * Standard claims follow their scope everywhere.
 */
export function claimsFor(destination: Destination, f: PolicyFacts): Record<string, unknown> {
  const request = parseScopes(f.scopes);
  const claims: Record<string, unknown> = {};
  const profile = destination === "userinfo" || (destination === "id_token" && f.client.idTokenUserinfoAssertion);
  if (profile && f.subject) {
    if (f.scopes.includes("profile")) Object.assign(claims, profileClaims(f.subject));
    if (f.scopes.includes("email")) Object.assign(claims, emailClaims(f.subject));
  }
  if (rolesIn(destination, f.client)) {
    const scopes = destination === "introspection" ? { ...request, rolesRequested: true } : request;
    Object.assign(claims, roleClaimsOf(f, scopes));
  }
  if ((destination === "id_token" || destination === "userinfo") && f.subject) Object.assign(claims, reservedClaims(f.subject, request));
  return claims;
}

/** Role claims for the decided project and the aud-scope projects whose checks the subject passes. */
function roleClaimsOf(f: PolicyFacts, scopes: ScopeRequest): Record<string, unknown> {
  const access = f.project?.access;
  const decided: ProjectRoleSource = access
    ? {
        projectId: f.project!.id,
        projectRoleAssertion: access.projectRoleAssertion,
        authorizations: access.snapshot.authorizations,
        projectRoleKeys: access.projectRoleKeys,
      }
    : { projectId: "", projectRoleAssertion: false, authorizations: [] };
  const sources = [...(f.audienceProjects ?? new Map<string, ProjectAccess | null>())].flatMap(([projectId, a]) =>
    a && decideAccess(a.snapshot).allowed ? [{ projectId, projectRoleAssertion: false, authorizations: a.snapshot.authorizations }] : [],
  );
  const claims: Record<string, unknown> = roleClaims(decided, sources, scopes);
  if (scopes.flatRoles) claims.roles = flatRoles(claims[GENERIC_ROLES_CLAIM] as RoleClaim | undefined);
  return claims;
}

/**
 * The scopes a user's grant may carry whatever the path: its failing aud scopes and an
 * unconsented management audience left out (the decided project itself is not narrowed: failing
 * it refuses the whole sign-in).
 */
export function userGrantScopes(f: PolicyFacts): { granted: string[]; denied: string[] } {
  return narrowedScopes(f, PATHS.refresh);
}

/**
 * An app is a client only while it, its project and the project's owner organization are all
 * ACTIVE (docs/rules.md#r-check-1); otherwise oidc-provider never sees it and no path runs.
 */
export function appAvailable(states: { app: string; project: string; projectOrg: string }): boolean {
  return states.app === "ACTIVE" && states.project === "ACTIVE" && states.projectOrg === "ACTIVE";
}

/** The app whose users sign in, as the explanation names it. */
export interface AppFacts {
  id: string;
  state: string;
  projectId: string;
  projectState: string;
  orgId: string;
  orgState: string;
}

/** One check of an explanation: a path's check, or one step of project_access. */
export interface ExplainedCheck {
  /** "client_available" (before any path), or the path's check. */
  check: CheckName | "client_available";
  step?: AccessStep["step"] | undefined;
  outcome: StepOutcome;
  reason?: ReasonCode | undefined;
  detail: string;
}

export interface Explanation {
  allowed: boolean;
  /** The first failure, and how the path answers it ("unknown_client": oidc-provider's own error, before any path). */
  denial?: { check: ExplainedCheck["check"]; reason: ReasonCode; message: string; answer: Denial | "unknown_client" } | undefined;
  checks: ExplainedCheck[];
  /** decideSignIn's outcome (absent: the app is not a client, no path ran). */
  outcome?: PolicyOutcome | undefined;
}

const NOT_RUN = "not checked: an earlier check failed";

/**
 * Why a path lets the subject in or not, check by check, for an administrator: decideSignIn's own
 * outcome, with every check of the path (those after the first failure skipped) and project_access
 * broken into decideAccess's steps. It decides nothing itself.
 */
export function explainSignIn(path: SignInPath, f: PolicyFacts, app: AppFacts): Explanation {
  const checks: ExplainedCheck[] = [];
  const available = appAvailable({ app: app.state, project: app.projectState, projectOrg: app.orgState });
  checks.push({
    check: "client_available",
    outcome: available ? "passed" : "failed",
    ...(available ? {} : { reason: "project_unavailable" as const }),
    detail: `app ${app.id} is ${app.state}, its project ${app.projectId} is ${app.projectState}, the project's organization ${app.orgId} is ${app.orgState}`,
  });
  const pathChecks = ["client_kind", ...(checksOf(path, f.client.kind) ?? [])] as CheckName[];
  if (!available) {
    for (const check of pathChecks) checks.push({ check, outcome: "skipped", detail: NOT_RUN });
    const reason = "project_unavailable";
    return { allowed: false, denial: { check: "client_available", reason, message: messageOf(reason), answer: "unknown_client" }, checks };
  }
  const outcome = decideSignIn(path, f);
  const results = new Map(outcome.checks.map((r) => [r.check, r]));
  for (const check of pathChecks) {
    const result = results.get(check) ?? (check === "client_kind" ? passed(check) : undefined);
    if (!result) {
      checks.push({ check, outcome: "skipped", detail: NOT_RUN });
      continue;
    }
    const state: StepOutcome = result.passed ? "passed" : "failed";
    const reason = result.passed ? {} : { reason: result.reason };
    if (check === "project_access" && result.steps) {
      for (const s of result.steps) checks.push({ check, step: s.step, outcome: s.outcome, reason: s.reason, detail: s.detail });
    } else {
      checks.push({ check, outcome: state, ...reason, detail: detailOf(check, result, f, outcome) });
    }
  }
  const d = outcome.denial;
  const denial = d ? { check: d.check, reason: d.reason, message: d.message, answer: d.answer } : undefined;
  return { allowed: outcome.allowed, ...(denial ? { denial } : {}), checks, outcome };
}

function detailOf(check: CheckName, result: CheckResult, f: PolicyFacts, outcome: PolicyOutcome): string {
  const request = parseScopes(f.scopes);
  switch (check) {
    case "client_kind":
      return result.passed ? `a ${f.client.kind} client: this path serves it` : `a ${f.client.kind} client: this path does not serve it`;
    case "subject_active":
      return result.passed ? `user ${f.subjectId} and its organization are ACTIVE` : (result.message ?? "");
    case "organization_scope": {
      const named = [request.orgId && `organization ${request.orgId}`, request.orgDomain && `domain ${request.orgDomain}`].filter(Boolean);
      if (named.length === 0) return "the scopes name no organization";
      const org = f.subject?.org;
      return `the scopes name ${named.join(" and ")}; the user belongs to ${org ? `organization ${org.id} (${org.primaryDomain})` : "no known organization"}`;
    }
    case "project_access":
      // Without steps: the user or the project is unknown.
      return `user ${f.subjectId} or project ${f.project?.id ?? f.client.projectId ?? "(none)"} does not exist`;
    case "audience_projects": {
      if (request.audienceProjects.length === 0) return "the scopes name no other project";
      if (!result.passed) return result.message ?? "";
      const left = outcome.scopes.denied.filter((s) => s.startsWith(SCOPE.audPrefix));
      return left.length ? `left out of the token: ${left.join(" ")}` : `every project named by an aud scope passes its checks`;
    }
    case "management_consent":
      if (!request.managementAudience) return "the scopes do not ask for the management API";
      if (!result.passed) return result.message ?? "";
      return f.managementConsent === "given"
        ? "the user allowed this app to use the management API"
        : "the user declined the management API: it is left out of the token";
  }
}
