// The sign-in policy (access/policy.ts) as oidc-provider's interaction prompts. They run on every
// authorization request once the user is known: interactive login, SSO with an existing session,
// and prompt=none (where the client gets the path's error with the reason, without any page).
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { type Client, type Grant, interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import { DENY_MESSAGES, type DenyReason } from "../access/decide.js";
import {
  type CheckName,
  type Denial,
  ACCESS_PROMPT,
  MANAGEMENT_DECLINED,
  PATHS,
  type PolicyOutcome,
  type ReasonCode,
  type SignInPath,
} from "../access/policy.js";
import { narrowGrant } from "./audience-checks.js";
import { projectIdOf } from "./client-info.js";
import { sessionOf } from "./internals.js";
import { clientFacts, decidePath, type FactSources } from "./policy-facts.js";

const { Prompt, Check, base } = interactionPolicy;

/** Which sign-in path an authorization request is on. */
function authorizationPath(ctx: KoaContextWithOIDC): SignInPath {
  const prompts = String(ctx.oidc.params?.prompt ?? "").split(" ");
  if (prompts.includes("none")) return "prompt_none";
  return ctx.oidc.result?.login ? "login" : "sso";
}

const outcomes = new WeakMap<object, Promise<PolicyOutcome | undefined>>();

/** The policy's outcome for the session's user on this request, decided once per request. */
function signInOutcome(sources: FactSources, ctx: KoaContextWithOIDC): Promise<PolicyOutcome | undefined> {
  let outcome = outcomes.get(ctx);
  if (!outcome) {
    const { session, client, params, result } = ctx.oidc;
    const subjectId = session?.accountId;
    outcome =
      subjectId && client
        ? decidePath(sources, {
            path: authorizationPath(ctx),
            client: clientFacts(client),
            subjectId,
            scopes: String(params?.scope ?? "")
              .split(" ")
              .filter(Boolean),
            consentDeclined: Boolean((result?.consent as Record<string, unknown> | undefined)?.[MANAGEMENT_DECLINED]),
          }).then((decided) => decided.outcome)
        : Promise.resolve(undefined);
    outcomes.set(ctx, outcome);
  }
  return outcome;
}

/** A prompt check that asks when the policy's first failed check is `check` (with `reason`, if given). */
function policyCheck(sources: FactSources, name: string, description: string, error: string, check: CheckName, reason?: ReasonCode) {
  return new Check(name, description, error, async (ctx) => {
    const outcome = await signInOutcome(sources, ctx);
    const failed = outcome?.denial?.check === check && (reason === undefined || outcome.denial.reason === reason);
    return failed ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  });
}

/** The interaction prompt that shows each interactive answer. */
const PROMPT_OF: Partial<Record<Denial, string>> = { login_page: "login", access_denied_page: ACCESS_PROMPT, consent_page: "consent" };

const DESCRIPTIONS: Record<CheckName, string> = {
  client_kind: "this client cannot sign users in",
  subject_active: "the user is not active",
  organization_scope: "the user does not belong to the requested organization",
  project_access: "the user may not use this application",
  audience_projects: "access to a requested project is denied",
  management_consent: "the app asks to use the management API for the user",
};

/**
 * oidc-provider's login and consent prompts, with the access prompt between them. Each check of
 * the interactive paths (PATHS.login) goes into the prompt that shows its page, with the error
 * prompt=none answers (PATHS.prompt_none); the project checks get one check per reason, so that
 * prompt=none's error description names it.
 */
export function createPolicy(sources: FactSources) {
  const policy = base();
  // First-party apps, native ones included, need no consent screen (as in ZITADEL); the management
  // API's audience asks once per app (a token with it acts with the user's administrator rights).
  policy.get("consent")?.checks.remove("native_client_prompt");
  const access = new Prompt({ name: ACCESS_PROMPT, requestable: false });
  policy.splice(
    policy.findIndex((p) => p.name === "consent"),
    0,
    access,
  );
  const interactive = PATHS.login;
  const silent = PATHS.prompt_none;
  for (const check of ["client_kind", ...(interactive.checks.oidc ?? [])] as CheckName[]) {
    const promptName = PROMPT_OF[interactive.denials[check] ?? interactive.otherwise];
    const prompt = promptName === ACCESS_PROMPT ? access : promptName ? policy.get(promptName) : undefined;
    if (!prompt) throw new Error(`no prompt for the ${check} check`);
    const error = silent.denials[check] ?? silent.otherwise;
    if (check === "project_access") {
      for (const reason of Object.keys(DENY_MESSAGES) as DenyReason[]) {
        prompt.checks.add(policyCheck(sources, reason, DENY_MESSAGES[reason], error, check, reason));
      }
    } else {
      prompt.checks.add(policyCheck(sources, check, DESCRIPTIONS[check], error, check));
    }
  }
  return policy;
}

/** What the login UI asks of the sign-in policy (it does not import this folder: sign-in.ts hands it over). */
export function createLoginPolicy(provider: Provider, sources: FactSources) {
  const decide = (path: SignInPath, userId: string, client: Client, scopes: readonly string[]) =>
    decidePath(sources, { path, client: clientFacts(client), subjectId: userId, scopes }).then((d) => d.outcome);
  return {
    /**
     * Why the user may not use the app now, as the access-denied page shows it: the checks of the
     * access prompt only (project_access, client_kind); undefined when they pass now.
     */
    async refusal(userId: string, client: Client, scopes: readonly string[]) {
      const { denial } = await decide("sso", userId, client, scopes);
      const shown = denial && (denial.check === "project_access" || denial.check === "client_kind");
      return shown ? { reason: denial.reason, message: denial.message } : undefined;
    },
    /** Whether the user belongs to the organization the scopes name (true when they name none). */
    async inRequestedOrganization(userId: string, client: Client, scopes: readonly string[]) {
      return (await decide("login", userId, client, scopes)).denial?.check !== "organization_scope";
    },
    /** The grant's aud scopes and management audience, decided as on every load (audience-checks.ts). */
    narrowGrant: (grant: Grant, client: Client) => narrowGrant(sources, grant, client),
    /** The user signed in with this browser's session, outside oidc-provider's routes. */
    session: (ctx: { req: IncomingMessage; res: ServerResponse }) => sessionOf(provider, ctx),
    /** The project of the app, for its branding. */
    projectOf: (client: Client | undefined) => projectIdOf(client),
  };
}
