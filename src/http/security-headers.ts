// Headers on every response rolegate sends (its pages, oidc-provider's pages and JSON, the
// management API). Set on the Node response before anything else runs, so oidc-provider, which
// writes its responses itself, sends them too.
import type http from "node:http";
import type http2 from "node:http2";

/**
 * The pages' policy. Sent as a header: `frame-ancestors` (no framing, against clickjacking) is
 * ignored in a <meta> tag. Pages load nothing but their inline styles and an organization's logo,
 * which rolegate serves itself. `script-src` is listed so that oidc-provider can add the sha256 of the one inline script
 * it writes (the auto-submitting form of response_mode=form_post and of a logout without a
 * session, lib/helpers/script_src_sha.js); rolegate's pages have no script, and no response of
 * rolegate is JavaScript, so 'self' matches nothing (nosniff keeps JSON from running as one).
 * No `form-action`: Chrome applies it to the redirects after a form is posted, and the login form
 * ends in a redirect to the app.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  "img-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  // Login URLs carry the interaction id and the app's request: never sent to another site.
  // rolegate checks no Referer (CSRF tokens are HMACs).
  "Referrer-Policy": "no-referrer",
  // frame-ancestors' predecessor, for browsers that predate it.
  "X-Frame-Options": "DENY",
};

export function setSecurityHeaders(res: http.ServerResponse | http2.Http2ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
