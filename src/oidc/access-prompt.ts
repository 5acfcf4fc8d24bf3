// The access checks as an oidc-provider interaction prompt. It runs on every authorization
// request once the user is known: interactive login, SSO with an existing session, and
// prompt=none (where the client gets access_denied with the reason, without any page).
import { errors, interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import { decideAccess, DENY_MESSAGES, type AccessDecision, type DenyReason } from "../access/decide.js";
import { parseScopes, SCOPE, type ScopeRequest } from "../access/scopes.js";
import type { ProjectAccess } from "../directory/access-snapshots.js";
import { audienceDecisions, managementConsented } from "./audience-checks.js";
import type { DirectoryReads } from "./reads.js";
import { kindOf, projectIdOf } from "./client-info.js";

const { Prompt, Check, base } = interactionPolicy;

export const ACCESS_PROMPT = "access";
/** The consent prompt's reason when an app asks for the management API's audience. */
export const MANAGEMENT_CONSENT = "management_consent";
/** Set in the interaction's consent result when the user declined it (the sign-in goes on without). */
export const MANAGEMENT_DECLINED = "rolegateManagementDeclined";

const decisions = new WeakMap<object, Promise<AccessDecision>>();

/** The decision for the session's user on the client's project, computed once per request. */
export function accessDecision(reads: DirectoryReads, ctx: KoaContextWithOIDC): Promise<AccessDecision> {
  let decision = decisions.get(ctx);
  if (!decision) {
    decision = decide(reads, ctx.oidc.session?.accountId, projectIdOf(ctx.oidc.client));
    decisions.set(ctx, decision);
  }
  return decision;
}

export async function decide(reads: DirectoryReads, userId: string | undefined, projectId: string | undefined): Promise<AccessDecision> {
  return (await decideWithAccess(reads, userId, projectId)).decision;
}

const UNAVAILABLE: AccessDecision = { allowed: false, reason: "project_unavailable", message: DENY_MESSAGES.project_unavailable };

/** The decision and the snapshot it was made on, so the same request can build claims from it. */
export async function decideWithAccess(
  reads: DirectoryReads,
  userId: string | undefined,
  projectId: string | undefined,
): Promise<{ decision: AccessDecision; access: ProjectAccess | null }> {
  if (!userId || !projectId) return { decision: UNAVAILABLE, access: null };
  const access = await reads.projectAccess(userId, projectId);
  return { decision: access ? decideAccess(access.snapshot) : UNAVAILABLE, access };
}

/** True unless the scopes name an organization (by id or primary domain) the user is not in. */
export async function userInOrganization(reads: DirectoryReads, userId: string, scopes: ScopeRequest): Promise<boolean> {
  if (!scopes.orgId && !scopes.orgDomain) return true;
  const user = await reads.user(userId);
  if (!user) return false;
  return (!scopes.orgId || user.org.id === scopes.orgId) && (!scopes.orgDomain || user.org.primaryDomain === scopes.orgDomain);
}

/** oidc-provider's login and consent prompts, with the access prompt between them. */
export function createPolicy(reads: DirectoryReads) {
  const policy = base();
  const reasons = Object.keys(DENY_MESSAGES) as DenyReason[];
  const checks = reasons.map(
    (reason) =>
      new Check(reason, DENY_MESSAGES[reason], "access_denied", async (ctx) => {
        if (!ctx.oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
        const decision = await accessDecision(reads, ctx);
        return !decision.allowed && decision.reason === reason ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      }),
  );
  // urn:zitadel:iam:org:id / :domain:primary scopes: only that organization's users may sign in,
  // so a session of another organization's user must sign in again.
  policy.get("login")?.checks.add(
    new Check("organization_scope", "the user does not belong to the requested organization", "login_required", async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return Check.NO_NEED_TO_PROMPT;
      const wanted = parseScopes(String(ctx.oidc.params?.scope ?? "").split(" "));
      return (await userInOrganization(reads, accountId, wanted)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  // First-party apps, native ones included, need no consent screen (as in ZITADEL), except for
  // the management API's audience: a token with it acts with the user's administrator rights, so
  // the user says yes once per app (remembered; prompt=none without it → consent_required).
  policy.get("consent")?.checks.remove("native_client_prompt");
  policy.get("consent")?.checks.add(
    new Check(MANAGEMENT_CONSENT, "the app asks to use the management API for the user", "consent_required", async (ctx) => {
      const { session, client, params, result } = ctx.oidc;
      if (!session?.accountId || !client || kindOf(client) !== "oidc") return Check.NO_NEED_TO_PROMPT;
      if (
        !String(params?.scope ?? "")
          .split(" ")
          .includes(SCOPE.managementAud)
      )
        return Check.NO_NEED_TO_PROMPT;
      if ((result?.consent as Record<string, unknown> | undefined)?.[MANAGEMENT_DECLINED]) return Check.NO_NEED_TO_PROMPT;
      return (await managementConsented(reads, session.accountId, client.clientId)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  const consentIndex = policy.findIndex((p) => p.name === "consent");
  policy.splice(consentIndex, 0, new Prompt({ name: ACCESS_PROMPT, requestable: false }, ...checks));
  return policy;
}

/**
 * Refuses (invalid_scope) a machine user's token for an aud-scope project whose checks it fails,
 * naming the first such project in scope order. The projects' snapshots are read together (one
 * directory query for those not cached).
 */
export async function checkMachineAccess(reads: DirectoryReads, userId: string, scopes: string[]): Promise<void> {
  const decisions = await audienceDecisions(reads, userId, undefined, scopes);
  for (const [projectId, decision] of decisions) {
    if (!decision.allowed) {
      throw new errors.InvalidScope(
        `access to project ${projectId} denied: ${decision.message}`,
        `urn:zitadel:iam:org:project:id:${projectId}:aud`,
      );
    }
  }
}
