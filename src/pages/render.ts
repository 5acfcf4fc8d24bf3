// The login UI's pages as complete HTML documents. Pure: the routes decide what to show (and
// which message), these only lay it out. Every page works without JavaScript and loads nothing
// from elsewhere except the organization's https logo.
import { sanitizeBranding, type Branding } from "./branding.js";
import { render } from "./templates.js";

/** Wrong password and unknown user get the same message, so the form does not reveal who exists. */
export const GENERIC_LOGIN_ERROR = "The login name or password is wrong.";

export interface LoginPage {
  /** Where the form posts (fields: csrf, loginName, password). */
  action: string;
  csrfToken: string;
  /** Filled in again after a failed attempt. */
  loginName?: string | undefined;
  error?: string | undefined;
  appName: string;
  branding: Branding;
}

export function renderLoginPage({ action, csrfToken, loginName, error, appName, branding }: LoginPage): string {
  const content = render("login", {
    action,
    csrfToken,
    loginName: loginName ?? "",
    error: error ?? "",
    appName,
    // After a failed attempt with a name, the password is what to type next.
    focusLoginName: !loginName,
    focusPassword: Boolean(loginName),
  });
  return renderPage(`Sign in to ${appName}`, branding, content);
}

/** The password rules in words (ZITADEL's default policy, src/directory/passwords.ts). */
export const PASSWORD_RULES_TEXT =
  "At least 8 characters, with a lowercase letter, an uppercase letter, a digit and a symbol, and not your current password.";

export interface PasswordChangePage {
  /** Where the form posts (fields: csrf, newPassword, confirmPassword). */
  action: string;
  csrfToken: string;
  /** For password managers: the account whose password this is. */
  loginName: string;
  error?: string | undefined;
  appName: string;
  branding: Branding;
}

export function renderPasswordChange({ action, csrfToken, loginName, error, appName, branding }: PasswordChangePage): string {
  const content = render("password-change", { action, csrfToken, loginName, error: error ?? "", appName, rules: PASSWORD_RULES_TEXT });
  return renderPage("Choose a new password", branding, content);
}

export interface AccessDeniedPage {
  appName: string;
  /** Why, e.g. "You are not authorized to use this application". */
  message: string;
  /** "Sign in with another account": back to the login form of the same request. */
  retryAction: string;
  /** "Back to <appName>": the client gets error=access_denied. */
  abortAction: string;
  csrfToken: string;
  branding: Branding;
}

export function renderAccessDenied({ appName, message, retryAction, abortAction, csrfToken, branding }: AccessDeniedPage): string {
  const content = render("access-denied", { appName, message, retryAction, abortAction, csrfToken });
  return renderPage("Access denied", branding, content);
}

export interface ManagementConsentPage {
  appName: string;
  /** The organization that owns the app. */
  orgName: string;
  /** The user's administrator roles, described ("IAM_OWNER", "ORG_OWNER of organization 1"). */
  roles: string[];
  /** Where the form posts (fields: csrf, decision = allow | deny). */
  action: string;
  csrfToken: string;
  consentsUrl: string;
  branding: Branding;
}

export function renderManagementConsent(page: ManagementConsentPage): string {
  const powers =
    page.roles.length === 0
      ? "You hold no administrator roles: it could read your own user, and change nothing else."
      : `It could do everything your administrator roles allow (${page.roles.join("; ")}): change the organizations, users, projects, roles, grants and authorizations they cover.`;
  const { appName, orgName, action, csrfToken, consentsUrl } = page;
  const content = render("management-consent", { appName, orgName, powers, action, csrfToken, consentsUrl });
  return renderPage(`Allow ${appName}?`, page.branding, content);
}

export interface ConsentsPage {
  consents: { clientId: string; appName: string; orgName: string; createdAt: Date }[];
  /** Where each withdrawal posts (fields: csrf, clientId). */
  action: string;
  csrfToken: string;
  branding: Branding;
}

export function renderConsents({ consents, action, csrfToken, branding }: ConsentsPage): string {
  const rows = consents
    .map((c) =>
      render("consent-row", {
        action,
        csrfToken,
        clientId: c.clientId,
        appName: c.appName,
        orgName: c.orgName,
        since: c.createdAt.toISOString().slice(0, 10),
      }),
    )
    .join("\n");
  return renderPage("Apps that may manage rolegate for you", branding, render("consents", { empty: consents.length === 0, rows }));
}

export interface LogoutConfirmPage {
  /** oidc-provider's own logout form (id "op.logoutForm"), inserted as is. */
  formHtml: string;
  branding: Branding;
}

export function renderLogoutConfirm({ formHtml, branding }: LogoutConfirmPage): string {
  return renderPage("Sign out", branding, render("logout-confirm", { formHtml }));
}

export function renderLoggedOut({ branding }: { branding: Branding }): string {
  return renderPage("Signed out", branding, render("logged-out", {}));
}

export interface ErrorPage {
  title: string;
  message: string;
  branding: Branding;
}

export function renderErrorPage({ title, message, branding }: ErrorPage): string {
  return renderPage(title, branding, render("error", { title, message }));
}

function renderPage(title: string, branding: Branding, content: string): string {
  // Checked again here: a page must never carry an unchecked color or logo, whatever the caller passed.
  const safe = sanitizeBranding(branding);
  return render("layout", {
    title,
    orgName: safe.displayName,
    logoUrl: safe.logoUrl ?? "",
    brandingCss: brandingCss(safe),
    content,
  });
}

/** CSS custom properties from checked #rgb/#rrggbb colors only, so the <style> block cannot be escaped. */
export function brandingCss(branding: Branding): string {
  return [
    ":root {",
    `  --primary: ${branding.primaryColor};`,
    `  --on-primary: ${readableOn(branding.primaryColor)};`,
    `  --background: ${branding.backgroundColor};`,
    `  --font: ${branding.fontColor};`,
    `  --warn: ${branding.warnColor};`,
    "}",
  ].join("\n");
}

// Button text on the primary color: black or white, whichever contrasts more (WCAG relative luminance).
function readableOn(hex: string): string {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d) : [hex.slice(1, 3), hex.slice(3, 5), hex.slice(5, 7)];
  const [r, g, b] = digits.map((d) => {
    const c = parseInt(d, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05; equal at L ≈ 0.179.
  return luminance > 0.179 ? "#000000" : "#ffffff";
}
