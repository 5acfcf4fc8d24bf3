// The console's page chrome: header with the navigation and the signed-in user, and the main
// area. Server-rendered, no script; the look (colors, focus, contrast) is the login UI's.
import { brandingCss } from "../pages/render.js";
import { DEFAULT_BRANDING } from "../pages/branding.js";
import { type Html, html, trusted, type Value } from "./html.js";
import { CONSOLE_STYLE } from "./style.js";

export const CONSOLE = "/ui/console";

/** The console's sections, in the navigation's order. */
export const NAV: readonly { path: string; label: string }[] = [
  { path: "/", label: "Overview" },
  { path: "/organizations", label: "Organizations" },
  { path: "/users", label: "Users" },
  { path: "/projects", label: "Projects" },
  { path: "/granted", label: "Granted to us" },
  { path: "/authorizations", label: "Authorizations" },
  { path: "/applications", label: "Applications" },
  { path: "/administrators", label: "Administrators" },
  { path: "/keys", label: "Signing keys" },
  { path: "/branding", label: "Branding" },
  { path: "/audit", label: "Audit" },
  { path: "/explain", label: "Explain access" },
];

export interface PageChrome {
  title: string;
  /** The current section's path (marked in the navigation). */
  section: string;
  user: { name: string };
  csrfToken: string;
  content: Value;
}

export function renderConsolePage(page: PageChrome): string {
  const nav = NAV.map(
    (item) =>
      html`<li><a href="${CONSOLE}${item.path}"${item.path === page.section ? trusted(' aria-current="page"') : ""}>${item.label}</a></li>`,
  );
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${page.title} – rolegate console</title>
<style>${trusted(brandingCss(DEFAULT_BRANDING))}</style>
<style>${trusted(CONSOLE_STYLE)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
  <a class="brand" href="${CONSOLE}/">rolegate console</a>
  <form method="post" action="${CONSOLE}/auth/sign-out" class="account">
    <span>${page.user.name}</span>
    <input type="hidden" name="csrf" value="${page.csrfToken}">
    <button type="submit" class="link">Sign out</button>
  </form>
</header>
<nav aria-label="Console"><ul>${nav}</ul></nav>
<main id="main">
${page.content}
</main>
</body>
</html>
`.text;
}

/** A page without the signed-in chrome (errors before a session exists). */
export function renderBarePage(title: string, content: Html): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} – rolegate console</title>
<style>${trusted(brandingCss(DEFAULT_BRANDING))}</style>
<style>${trusted(CONSOLE_STYLE)}</style>
</head>
<body>
<header><span class="brand">rolegate console</span></header>
<main id="main">${content}</main>
</body>
</html>
`.text;
}
