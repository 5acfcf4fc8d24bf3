// The login UI (/ui/login): sign-in form, password-change step, access-denied page, and the
// hand-back to oidc-provider. Every form carries a CSRF token bound to its interaction.
import Router from "@koa/router";
import type { Context } from "koa";
import type Provider from "oidc-provider";
import type { Client, Grant } from "oidc-provider";
import { parseScopes } from "../access/scopes.js";
import { describeRole } from "../access/user-administration.js";
import { findHeldRoles } from "../directory/administrators.js";
import {
  findAppOrganizationName,
  giveManagementConsent,
  listManagementConsents,
  withdrawManagementConsent,
} from "../directory/consents.js";
import { ACCESS_PROMPT, MANAGEMENT_CONSENT, MANAGEMENT_DECLINED, type ReasonCode } from "../access/policy.js";
import { DomainError } from "../directory/errors.js";
import { changeRequiredPassword, passwordFingerprint, verifyUserPassword } from "../directory/passwords.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log.js";
import { loadBrandingSources } from "../directory/branding.js";
import { chooseBranding, DEFAULT_BRANDING, sanitizeBranding, type Branding } from "../pages/branding.js";
import { createCsrfToken, verifyCsrfToken } from "./csrf.js";
import { FormError, readForm } from "../http/form.js";
import { isUnavailable } from "../http/unavailable.js";
import type { RateLimiter } from "./rate-limit.js";
import { VerificationBusyError, type VerificationGate } from "./verification-gate.js";
import {
  GENERIC_LOGIN_ERROR,
  renderAccessDenied,
  renderConsents,
  renderErrorPage,
  renderLoginPage,
  renderManagementConsent,
  renderPasswordChange,
} from "../pages/render.js";

/** What the login UI asks of the sign-in policy (the oidc side provides it: access-prompt.ts). */
export interface LoginPolicy {
  /** Why the user may not use the app now (the access-denied page), or undefined when they may. */
  refusal(userId: string, client: Client, scopes: readonly string[]): Promise<{ reason: ReasonCode; message: string } | undefined>;
  /** Whether the user belongs to the organization the scopes name (true when they name none). */
  inRequestedOrganization(userId: string, client: Client, scopes: readonly string[]): Promise<boolean>;
  /** Decides the grant's aud scopes and management audience, as on every load of a grant. */
  narrowGrant(grant: Grant, client: Client): Promise<void>;
  /** The user signed in with this browser's session (outside oidc-provider's own routes). */
  session(ctx: Context): Promise<{ accountId: string; uid: string } | undefined>;
  /** The app's project (for its branding). */
  projectOf(client: Client | undefined): string | undefined;
}

export interface LoginDeps {
  provider: Provider;
  prisma: PrismaClient;
  policy: LoginPolicy;
  csrfKey: string;
  limiter: RateLimiter;
  /** Bounds the concurrent argon2 verifications of this instance. */
  gate: VerificationGate;
  log: Logger;
}

const LOCKED = "This user is locked. Contact your administrator.";
const INACTIVE = "This user is not active. Contact your administrator.";
// The same words whether or not the login name exists (the counters do not know either).
const TOO_MANY = "Too many failed attempts. Try again later.";
/** Seconds a browser is asked to wait when every password verification slot is taken. */
export const BUSY_RETRY_AFTER_SECONDS = 2;
const BUSY_PAGE = {
  title: "Too many sign-ins right now",
  message: "The server is busy checking other sign-ins. Please try again in a few seconds.",
};
const OTHER_ORGANIZATION = "This user cannot sign in to this organization.";
const MISMATCH = "The two passwords do not match.";
const NO_NEW_PASSWORD = "Enter a new password, twice.";
const SIGN_IN_FIRST = "Sign in with your current password first.";
const CHANGED_MEANWHILE = "Your password was changed meanwhile. Sign in again.";

/**
 * The interaction's result while the password-change step is pending: the user signed in with the
 * right password (of this fingerprint) and must choose a new one. It has no `login`, so resuming
 * the authorization with it signs nobody in: the step cannot be skipped.
 */
const PASSWORD_CHANGE = "rolegate:passwordChange";
interface PendingPasswordChange {
  accountId: string;
  loginName: string;
  fingerprint: string;
}

function pendingPasswordChange(details: Details): PendingPasswordChange | undefined {
  const pending = (details.result as Record<string, unknown> | undefined)?.[PASSWORD_CHANGE] as Partial<PendingPasswordChange> | undefined;
  const complete =
    typeof pending?.accountId === "string" && typeof pending.loginName === "string" && typeof pending.fingerprint === "string";
  return complete ? (pending as PendingPasswordChange) : undefined;
}

/** A refusal of the password rules as the page says it ("newPassword: must contain a digit"). */
function passwordProblem(error: DomainError): string {
  const rule = error.message.replace(/^newPassword: /, "");
  return `The new password ${rule}.`;
}

/** The page that lists (and withdraws) the signed-in user's management-API consents. */
export const CONSENTS_PATH = "/ui/login/consents";
/** The consents page's CSRF tokens are bound to the browser's session (a new sign-in, a new token). */
const consentsCsrfScope = (sessionUid: string) => `consents:${sessionUid}`;

type Details = Awaited<ReturnType<Provider["interactionDetails"]>>;

const scopesOf = (details: Details) =>
  String(details.params.scope ?? "")
    .split(" ")
    .filter(Boolean);

/** Answers with an error page. */
function showError(ctx: Context, status: number, page: { title: string; message: string }, branding: Branding = DEFAULT_BRANDING): void {
  ctx.status = status;
  ctx.type = "html";
  ctx.body = renderErrorPage({ ...page, branding });
}

const EXPIRED = { title: "This sign-in has expired", message: "Go back to the application and sign in again." };
const NOT_SIGNED_IN = {
  title: "Not signed in",
  message: "Sign in to an application with rolegate in this browser, then come back to this page.",
};

export function createLoginRouter(deps: LoginDeps): Router {
  const { provider, prisma, policy } = deps;
  const router = new Router({ prefix: "/ui/login" });
  const paths = (uid: string) => ({
    login: `/ui/login/${uid}/login`,
    retry: `/ui/login/${uid}/retry`,
    abort: `/ui/login/${uid}/abort`,
    consent: `/ui/login/${uid}/consent`,
    password: `/ui/login/${uid}/password`,
  });

  /** The interaction of this browser, or an error page when it is gone (expired, other browser). */
  async function interaction(ctx: Context) {
    try {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      if (details.uid !== ctx.params.uid) throw new Error("interaction mismatch");
      const client = await provider.Client.find(String(details.params.client_id));
      const scopes = parseScopes(String(details.params.scope ?? "").split(" "));
      const sources = await loadBrandingSources(prisma, {
        projectId: policy.projectOf(client),
        userId: details.session?.accountId ?? pendingPasswordChange(details)?.accountId,
        orgId: scopes.orgId,
        orgDomain: scopes.orgDomain,
      });
      const branding = chooseBranding({
        setting: sources.setting,
        projectOwner: sources.projectOwner ? sanitizeBranding(sources.projectOwner) : null,
        // A known organization without its own branding shows the default, not the owner's.
        userOrg: sources.userOrg === undefined ? null : sanitizeBranding(sources.userOrg),
      });
      return { details, client, appName: client?.clientName ?? "the application", branding };
    } catch (error) {
      // PostgreSQL or Redis down: not an expired sign-in; the server answers 503 with its page.
      if (isUnavailable(error)) throw error;
      showError(ctx, 400, EXPIRED);
      return undefined;
    }
  }

  function showLogin(ctx: Context, uid: string, appName: string, branding: Branding, loginName?: string, error?: string) {
    ctx.type = "html";
    ctx.set("Cache-Control", "no-store");
    ctx.body = renderLoginPage({
      action: paths(uid).login,
      csrfToken: createCsrfToken(deps.csrfKey, uid),
      loginName,
      error,
      appName,
      branding,
    });
  }

  function showPasswordChange(ctx: Context, uid: string, appName: string, branding: Branding, loginName: string, error?: string) {
    ctx.type = "html";
    ctx.set("Cache-Control", "no-store");
    ctx.body = renderPasswordChange({
      action: paths(uid).password,
      csrfToken: createCsrfToken(deps.csrfKey, uid),
      loginName,
      error,
      appName,
      branding,
    });
  }

  /** The password verifications are at their bound: the browser is asked to come back shortly. */
  function showBusy(ctx: Context, branding: Branding) {
    deps.log.warn({ running: deps.gate.running, waiting: deps.gate.waiting }, "login refused: password verifications at their bound");
    ctx.set("Retry-After", String(BUSY_RETRY_AFTER_SECONDS));
    ctx.set("Cache-Control", "no-store");
    showError(ctx, 503, BUSY_PAGE, branding);
  }

  async function checkForm(ctx: Context, uid: string, branding: Branding): Promise<URLSearchParams | undefined> {
    let form: URLSearchParams;
    try {
      form = await readForm(ctx);
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      showError(ctx, 400, { title: "Bad request", message: error.message }, branding);
      return undefined;
    }
    if (!verifyCsrfToken(deps.csrfKey, uid, form.get("csrf"))) {
      showError(ctx, 403, { title: "This form has expired", message: "Reload the page and try again." }, branding);
      return undefined;
    }
    return form;
  }

  const dir = (actorId: string) => ({ prisma, actor: { id: actorId } });

  /**
   * Grants what was asked for and hands back to oidc-provider; the grant's audiences are decided
   * as on every load (narrowGrant). False when the interaction's grant is gone.
   */
  async function finishConsent(
    ctx: Context,
    details: Details,
    client: Client | undefined,
    extra: Record<string, unknown> = {},
  ): Promise<boolean> {
    const accountId = details.session!.accountId;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) return false;
    const scope = String(details.params.scope ?? "");
    grant.addOIDCScope(scope);
    const missing = (details.prompt.details as { missingResourceScopes?: Record<string, string[]> }).missingResourceScopes ?? {};
    for (const [resource, scopes] of Object.entries(missing)) grant.addResourceScope(resource, scopes.join(" "));
    if (client) await policy.narrowGrant(grant, client);
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId, ...extra } }, { mergeWithLastSubmission: true });
    ctx.respond = false;
    return true;
  }

  // The signed-in user's management-API consents, each with a button to withdraw it. Registered
  // before /:uid, which would take "consents" for an interaction id.
  router.get("/consents", async (ctx) => {
    const session = await policy.session(ctx);
    if (!session) return showError(ctx, 401, NOT_SIGNED_IN);
    const { accountId } = session;
    ctx.type = "html";
    ctx.set("Cache-Control", "no-store");
    ctx.body = renderConsents({
      consents: await listManagementConsents(dir(accountId), accountId),
      action: `${CONSENTS_PATH}/withdraw`,
      csrfToken: createCsrfToken(deps.csrfKey, consentsCsrfScope(session.uid)),
      branding: DEFAULT_BRANDING,
    });
  });

  router.post("/consents/withdraw", async (ctx) => {
    const session = await policy.session(ctx);
    if (!session) return showError(ctx, 401, NOT_SIGNED_IN);
    const form = await checkForm(ctx, consentsCsrfScope(session.uid), DEFAULT_BRANDING);
    if (!form) return;
    await withdrawManagementConsent(dir(session.accountId), session.accountId, (form.get("clientId") ?? "").slice(0, 200));
    ctx.redirect(CONSENTS_PATH);
  });

  // Allow: remembered for this user and app. Deny: the sign-in goes on without the audience.
  router.post("/:uid/consent", async (ctx) => {
    const found = await interaction(ctx);
    if (!found) return;
    const { details, client } = found;
    const form = await checkForm(ctx, details.uid, found.branding);
    if (!form) return;
    const accountId = details.session?.accountId;
    // Only an interaction that asked for the management audience takes this answer.
    if (details.prompt.name !== "consent" || !details.prompt.reasons.includes(MANAGEMENT_CONSENT) || !accountId || !client) {
      ctx.redirect(`/ui/login/${details.uid}`);
      return;
    }
    const allow = form.get("decision") === "allow";
    if (allow) await giveManagementConsent(dir(accountId), accountId, client.clientId);
    if (!(await finishConsent(ctx, details, client, allow ? {} : { [MANAGEMENT_DECLINED]: true }))) {
      showError(ctx, 400, EXPIRED, found.branding);
    }
  });

  router.get("/:uid", async (ctx) => {
    const found = await interaction(ctx);
    if (!found) return;
    const { details, client, appName, branding } = found;
    if (details.prompt.name === ACCESS_PROMPT && ctx.query.switch === undefined) {
      const accountId = details.session?.accountId;
      const refusal = accountId && client ? await policy.refusal(accountId, client, scopesOf(details)) : undefined;
      ctx.type = "html";
      ctx.set("Cache-Control", "no-store");
      ctx.body = renderAccessDenied({
        appName,
        message: refusal ? refusal.message : "Access was granted meanwhile; try again.",
        retryAction: paths(details.uid).retry,
        abortAction: paths(details.uid).abort,
        csrfToken: createCsrfToken(deps.csrfKey, details.uid),
        branding,
      });
      return;
    }
    if (details.prompt.name === "consent" && details.session?.accountId) {
      // The management API's audience: the user decides, once per app.
      if (details.prompt.reasons.includes(MANAGEMENT_CONSENT)) {
        const accountId = details.session.accountId;
        const [orgName, held] = await Promise.all([
          findAppOrganizationName(dir(accountId), String(details.params.client_id)),
          findHeldRoles(dir(accountId), accountId),
        ]);
        ctx.type = "html";
        ctx.set("Cache-Control", "no-store");
        ctx.body = renderManagementConsent({
          appName,
          orgName: orgName ?? "an unknown organization",
          roles: held.map(describeRole),
          action: paths(details.uid).consent,
          csrfToken: createCsrfToken(deps.csrfKey, details.uid),
          consentsUrl: CONSENTS_PATH,
          branding,
        });
        return;
      }
      // First-party apps: what was asked for is granted without a consent screen.
      if (await finishConsent(ctx, details, client)) return;
    }
    // Reloading the password-change step shows it again (this browser's interaction only).
    const pending = pendingPasswordChange(details);
    if (pending && ctx.query.switch === undefined) return showPasswordChange(ctx, details.uid, appName, branding, pending.loginName);
    showLogin(ctx, details.uid, appName, branding, typeof details.params.login_hint === "string" ? details.params.login_hint : undefined);
  });

  router.post("/:uid/login", async (ctx) => {
    const found = await interaction(ctx);
    if (!found) return;
    const uid = found.details.uid;
    const form = await checkForm(ctx, uid, found.branding);
    if (!form) return;
    const loginName = (form.get("loginName") ?? "").trim().slice(0, 200);
    const password = form.get("password") ?? "";
    // Empty fields are answered without a check (nothing to guess with, nothing counted).
    const attempt = { loginName, address: ctx.ip };
    let user: Awaited<ReturnType<typeof verifyUserPassword>> = null;
    if (loginName && password) {
      // The attempt is counted before the password is checked: concurrent guesses cannot all pass.
      if (!(await deps.limiter.reserve(attempt))) {
        ctx.status = 429;
        return showLogin(ctx, uid, found.appName, found.branding, loginName, TOO_MANY);
      }
      try {
        user = await verifyUserPassword({ prisma, actor: { id: "login" } }, loginName, password, { gate: deps.gate.run });
      } catch (error) {
        if (!(error instanceof VerificationBusyError)) throw error;
        // Never checked: the attempt is given back, and the browser asked to come back shortly.
        await deps.limiter.cancel(attempt);
        return showBusy(ctx, found.branding);
      }
    }
    if (user?.type !== "HUMAN") {
      ctx.status = 401;
      return showLogin(ctx, uid, found.appName, found.branding, loginName, GENERIC_LOGIN_ERROR);
    }
    await deps.limiter.succeeded(attempt);
    // The password was right: now it is safe to say why the user cannot sign in.
    if (found.client && !(await policy.inRequestedOrganization(user.id, found.client, scopesOf(found.details)))) {
      return showLogin(ctx, uid, found.appName, found.branding, loginName, OTHER_ORGANIZATION);
    }
    if (user.state === "LOCKED") return showLogin(ctx, uid, found.appName, found.branding, loginName, LOCKED);
    if (user.state !== "ACTIVE") return showLogin(ctx, uid, found.appName, found.branding, loginName, INACTIVE);
    if (user.passwordChangeRequired) {
      // Not signed in yet: the interaction only remembers who proved which password.
      const fingerprint = await passwordFingerprint(dir(user.id), user.id);
      const pending: PendingPasswordChange = { accountId: user.id, loginName: user.username, fingerprint };
      await provider.interactionResult(ctx.req, ctx.res, { [PASSWORD_CHANGE]: pending }, { mergeWithLastSubmission: false });
      // The step's page is the interaction's page now, shown with the user's branding.
      ctx.redirect(`/ui/login/${uid}`);
      ctx.status = 303;
      return;
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  });

  // The password-change step (passwordChangeRequired): only after the right password in this
  // interaction; then the sign-in finishes as any other, and the sign-in policy's checks follow.
  router.post("/:uid/password", async (ctx) => {
    const found = await interaction(ctx);
    if (!found) return;
    const { details, appName, branding } = found;
    const uid = details.uid;
    const form = await checkForm(ctx, uid, branding);
    if (!form) return;
    const pending = pendingPasswordChange(details);
    if (!pending) {
      ctx.status = 403;
      return showLogin(ctx, uid, appName, branding, undefined, SIGN_IN_FIRST);
    }
    const again = (status: number, error: string) => {
      ctx.status = status;
      showPasswordChange(ctx, uid, appName, branding, pending.loginName, error);
    };
    const newPassword = form.get("newPassword") ?? "";
    const confirmation = form.get("confirmPassword") ?? "";
    if (!newPassword || !confirmation) return again(400, NO_NEW_PASSWORD);
    if (newPassword !== confirmation) return again(400, MISMATCH);
    let user: Awaited<ReturnType<typeof changeRequiredPassword>>;
    try {
      user = await changeRequiredPassword(
        dir(pending.accountId),
        { userId: pending.accountId, newPassword, fingerprint: pending.fingerprint },
        { gate: deps.gate.run },
      );
    } catch (error) {
      if (error instanceof VerificationBusyError) return showBusy(ctx, branding);
      if (!(error instanceof DomainError)) throw error;
      if (error.code === "invalid_argument" && error.field === "newPassword") return again(400, passwordProblem(error));
      // Changed (or the flag cleared) since the sign-in: the current password must be proved again.
      await provider.interactionResult(ctx.req, ctx.res, {}, { mergeWithLastSubmission: false });
      ctx.status = 409;
      return showLogin(ctx, uid, appName, branding, pending.loginName, CHANGED_MEANWHILE);
    }
    deps.log.info({ userId: user.id }, "password changed at sign-in (passwordChangeRequired)");
    if (user.state === "LOCKED") return showLogin(ctx, uid, appName, branding, pending.loginName, LOCKED);
    if (user.state !== "ACTIVE") return showLogin(ctx, uid, appName, branding, pending.loginName, INACTIVE);
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  });

  // "Sign in with another account": the login form again, for the same authorization request.
  router.post("/:uid/retry", async (ctx) => {
    const found = await interaction(ctx);
    if (!found || !(await checkForm(ctx, found.details.uid, found.branding))) return;
    ctx.redirect(`/ui/login/${found.details.uid}?switch`);
  });

  // "Back to <app>": the client gets error=access_denied with the reason.
  router.post("/:uid/abort", async (ctx) => {
    const found = await interaction(ctx);
    if (!found || !(await checkForm(ctx, found.details.uid, found.branding))) return;
    const accountId = found.details.session?.accountId;
    const refusal = accountId && found.client ? await policy.refusal(accountId, found.client, scopesOf(found.details)) : undefined;
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { error: "access_denied", error_description: refusal ? refusal.message : "the user cancelled" },
      { mergeWithLastSubmission: false },
    );
    ctx.respond = false;
  });

  return router;
}
