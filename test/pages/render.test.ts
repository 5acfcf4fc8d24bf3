// The login UI's pages: escaping, the access-denied page's two ways out, accessibility basics,
// no script, and branding that cannot inject CSS or load anything but rolegate's own logo asset.
import { describe, expect, it } from "vitest";
import { DEFAULT_BRANDING, type Branding } from "../../src/pages/branding.js";
import {
  GENERIC_LOGIN_ERROR,
  renderAccessDenied,
  renderErrorPage,
  renderLoggedOut,
  renderLoginPage,
  renderLogoutConfirm,
  renderPasswordChange,
} from "../../src/pages/render.js";

const branding: Branding = { ...DEFAULT_BRANDING };
const LOGOUT_FORM = `<form id="op.logoutForm" method="post" action="/oidc/v1/end_session/confirm"><input type="hidden" name="xsrf" value="s3cr3t"/></form>`;

const login = (extra: Partial<Parameters<typeof renderLoginPage>[0]> = {}) =>
  renderLoginPage({ action: "/ui/login/abc/login", csrfToken: "tok", appName: "Portal", branding, ...extra });

const denied = (extra: Partial<Parameters<typeof renderAccessDenied>[0]> = {}) =>
  renderAccessDenied({
    appName: "Portal",
    message: "You are not authorized to use this application",
    retryAction: "/ui/login/abc/retry",
    abortAction: "/ui/login/abc/abort",
    csrfToken: "tok-123",
    branding,
    ...extra,
  });

const passwordChange = (extra: Partial<Parameters<typeof renderPasswordChange>[0]> = {}) =>
  renderPasswordChange({ action: "/ui/login/abc/password", csrfToken: "tok", loginName: "alice", appName: "Portal", branding, ...extra });

// Every page, rendered from the templates on disk.
const pages: Record<string, string> = {
  login: login({ loginName: "alice", error: GENERIC_LOGIN_ERROR }),
  "password-change": passwordChange({ error: "The two passwords do not match." }),
  "access-denied": denied(),
  "logout-confirm": renderLogoutConfirm({ formHtml: LOGOUT_FORM, branding }),
  "logged-out": renderLoggedOut({ branding }),
  error: renderErrorPage({ title: "Something went wrong", message: "The request is invalid.", branding }),
};

/** The forms of a page, each as its opening tag and body. */
function forms(html: string): Array<{ tag: string; body: string }> {
  return [...html.matchAll(/(<form\b[^>]*>)([\s\S]*?)<\/form>/g)].map((m) => ({ tag: m[1]!, body: m[2]! }));
}

describe("every page", () => {
  it.each(Object.entries(pages))("%s is a complete, accessible document without script", (_, html) => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toMatch(/:focus-visible\s*\{[^}]*outline:/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    // No leftover template tags.
    expect(html).not.toMatch(/\{\{|\}\}/);
    // Nothing loaded from elsewhere (the default branding has no logo).
    expect(html).not.toMatch(/(src|href)="[^"]*"/);
    expect(html).not.toMatch(/url\(|@import/);
    expect(html).toContain(`<span class="org">rolegate</span>`);
  });
});

describe("the login page", () => {
  it("posts login name, password and the csrf token to the action", () => {
    const html = login();
    const [form, ...others] = forms(html);
    expect(others).toHaveLength(0);
    expect(form!.tag).toBe('<form method="post" action="/ui/login/abc/login">');
    expect(form!.body).toContain('<input type="hidden" name="csrf" value="tok">');
    expect(form!.body).toMatch(/<label for="loginName">Login name<\/label>/);
    expect(form!.body).toMatch(/<input type="text" id="loginName" name="loginName" value=""[^>]* autocomplete="username"[^>]* autofocus>/);
    expect(form!.body).toMatch(/<label for="password">Password<\/label>/);
    expect(form!.body).toMatch(/<input type="password" id="password" name="password" autocomplete="current-password"[^>]*>/);
    expect(form!.body).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
    expect(html).toContain("<strong>Portal</strong>");
  });

  it("has no error box without an error", () => {
    expect(login()).not.toContain('role="alert"');
    expect(login()).not.toMatch(/<input[^>]*aria-invalid/);
  });

  it("shows the error with role=alert, keeps the login name and focuses the password", () => {
    const html = login({ loginName: "alice", error: GENERIC_LOGIN_ERROR });
    expect(html).toContain(`<div class="error" role="alert" id="login-error">${GENERIC_LOGIN_ERROR}</div>`);
    expect(html).toMatch(/id="loginName"[^>]*value="alice"/);
    expect(html).toMatch(/id="password"[^>]* autofocus[^>]* aria-invalid="true" aria-describedby="login-error">/);
    expect(html.match(/autofocus/g)).toHaveLength(1);
  });

  it("escapes the login name, the error and the app name", () => {
    const html = login({ loginName: `"><script>alert(1)</script>`, error: "<b>bad</b>", appName: `Tom's "App" <x>` });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("<b>bad</b>");
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain("&lt;b&gt;bad&lt;/b&gt;");
    expect(html).toContain("<strong>Tom&#39;s &quot;App&quot; &lt;x&gt;</strong>");
    expect(html).toContain("<title>Sign in to Tom&#39;s &quot;App&quot; &lt;x&gt; – rolegate</title>");
  });

  it("keeps the generic message", () => {
    expect(GENERIC_LOGIN_ERROR).toBe("The login name or password is wrong.");
  });
});

describe("the password-change page", () => {
  it("posts the new password twice and the csrf token to the action, with labels and the rules", () => {
    const html = passwordChange();
    const [form, ...others] = forms(html);
    expect(others).toHaveLength(0);
    expect(form!.tag).toBe('<form method="post" action="/ui/login/abc/password">');
    expect(form!.body).toContain('<input type="hidden" name="csrf" value="tok">');
    // For password managers: whose password this is (hidden, not announced).
    expect(form!.body).toContain('<input type="text" name="username" value="alice" autocomplete="username" hidden>');
    expect(form!.body).toMatch(/<label for="newPassword">New password<\/label>/);
    expect(form!.body).toMatch(
      /<input type="password" id="newPassword" name="newPassword" autocomplete="new-password" required autofocus aria-describedby="password-rules">/,
    );
    expect(form!.body).toMatch(/<p class="hint" id="password-rules">At least 8 characters, [^<]*symbol[^<]*<\/p>/);
    expect(form!.body).toMatch(/<label for="confirmPassword">Confirm new password<\/label>/);
    expect(form!.body).toMatch(/<input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" required>/);
    expect(form!.body).toMatch(/<button type="submit" class="primary">Change password and continue<\/button>/);
    expect(html).toContain("You signed in as <strong>alice</strong>.");
    expect(html).toContain("<strong>Portal</strong>");
    expect(html).toContain("<title>Choose a new password – rolegate</title>");
    // The layout keeps hidden fields hidden, whatever its input styles say.
    expect(html).toMatch(/\[hidden\] \{ display: none !important; \}/);
    expect(html).not.toContain('role="alert"');
  });

  it("shows the error with role=alert and ties both fields to it", () => {
    const html = passwordChange({ error: "The two passwords do not match." });
    expect(html).toContain('<div class="error" role="alert" id="password-error">The two passwords do not match.</div>');
    expect(html).toMatch(/id="newPassword"[^>]* aria-describedby="password-rules password-error" aria-invalid="true">/);
    expect(html).toMatch(/id="confirmPassword"[^>]* aria-invalid="true" aria-describedby="password-error">/);
    expect(html.match(/autofocus/g)).toHaveLength(1);
  });

  it("escapes the login name, the error and the app name", () => {
    const html = passwordChange({ loginName: `"><script>x</script>`, error: "<b>bad</b>", appName: "<App>" });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).toContain("<strong>&quot;&gt;&lt;script&gt;x&lt;/script&gt;</strong>");
    expect(html).toContain("&lt;b&gt;bad&lt;/b&gt;");
    expect(html).toContain("<strong>&lt;App&gt;</strong>");
  });
});

describe("the access-denied page", () => {
  it("says why and names the app", () => {
    const html = denied();
    expect(html).toContain("<h1>Access denied</h1>");
    expect(html).toContain('<p class="lead">You are not authorized to use this application</p>');
    expect(html).toContain("<strong>Portal</strong>");
  });

  it("offers the two ways out as POST forms, each with the csrf field", () => {
    const [retry, abort, ...others] = forms(denied());
    expect(others).toHaveLength(0);
    expect(retry!.tag).toBe('<form method="post" action="/ui/login/abc/retry">');
    expect(retry!.body).toContain('<input type="hidden" name="csrf" value="tok-123">');
    expect(retry!.body).toMatch(/<button type="submit"[^>]*>Sign in with another account<\/button>/);
    expect(abort!.tag).toBe('<form method="post" action="/ui/login/abc/abort">');
    expect(abort!.body).toContain('<input type="hidden" name="csrf" value="tok-123">');
    expect(abort!.body).toMatch(/<button type="submit"[^>]*>Back to Portal<\/button>/);
  });

  it("escapes the app name, the message and the actions", () => {
    const html = denied({ appName: `"Evil" <img src=x>`, message: "<i>no</i>", abortAction: `/abort?a=1&b="2"` });
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<i>no</i>");
    expect(html).toContain(">Back to &quot;Evil&quot; &lt;img src=x&gt;</button>");
    expect(html).toContain('action="/abort?a=1&amp;b=&quot;2&quot;"');
  });
});

describe("the logout pages", () => {
  it("embeds oidc-provider's form and submits it with logout=yes", () => {
    const html = renderLogoutConfirm({ formHtml: LOGOUT_FORM, branding });
    expect(html).toContain(LOGOUT_FORM);
    expect(html).toMatch(/<button type="submit" form="op\.logoutForm" name="logout" value="yes"[^>]*>Yes, sign me out<\/button>/);
  });

  it("says the user is signed out", () => {
    expect(renderLoggedOut({ branding })).toContain("<h1>You are signed out</h1>");
  });
});

describe("the error page", () => {
  it("shows the title and message, escaped", () => {
    const html = renderErrorPage({ title: "Bad <request>", message: `"client_id" is unknown`, branding });
    expect(html).toContain("<h1>Bad &lt;request&gt;</h1>");
    expect(html).toContain("<p>&quot;client_id&quot; is unknown</p>");
  });
});

describe("branding on a page", () => {
  const custom: Branding = {
    displayName: "Acme <Corp>",
    primaryColor: "#ffcc00",
    backgroundColor: "#101010",
    fontColor: "#eeeeee",
    warnColor: "#ff0000",
    logoUrl: "/assets/v1/123/policy/label/456",
  };

  it("becomes CSS custom properties, the org name and the uploaded logo", () => {
    const html = renderLoggedOut({ branding: custom });
    expect(html).toMatch(/--primary: #ffcc00;/);
    expect(html).toMatch(/--on-primary: #000000;/);
    expect(html).toMatch(/--background: #101010;/);
    expect(html).toMatch(/--font: #eeeeee;/);
    expect(html).toMatch(/--warn: #ff0000;/);
    expect(html).toContain('<span class="org">Acme &lt;Corp&gt;</span>');
    expect(html).toContain('<img src="/assets/v1/123/policy/label/456" alt="" referrerpolicy="no-referrer">');
  });

  it("puts white text on a dark primary color", () => {
    expect(renderLoggedOut({ branding: { ...custom, primaryColor: "#123" } })).toMatch(/--on-primary: #ffffff;/);
  });

  it("falls back to the defaults for colors that could inject CSS, even when the caller did not sanitize", () => {
    const html = renderLoggedOut({
      branding: { ...custom, primaryColor: "red; background:url(x)", fontColor: "#fff}</style><script>alert(1)</script>" },
    });
    expect(html).toMatch(new RegExp(`--primary: ${DEFAULT_BRANDING.primaryColor};`));
    expect(html).toMatch(new RegExp(`--font: ${DEFAULT_BRANDING.fontColor};`));
    expect(html).not.toContain("url(x)");
    expect(html).not.toMatch(/<script/i);
  });

  it("shows no logo unless it is rolegate's own asset", () => {
    for (const logoUrl of [
      "https://cdn.acme.example/logo.png",
      "http://cdn.acme.example/logo.png",
      "javascript:alert(1)",
      "data:image/png;base64,AAAA",
      null,
    ]) {
      expect(renderLoggedOut({ branding: { ...custom, logoUrl } })).not.toContain("<img");
    }
  });
});
