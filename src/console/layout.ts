// The console's page chrome: header with the navigation and the signed-in user, and the main
// area. Server-rendered, no script; the look (colors, focus, contrast) is the login UI's.
import { brandingCss } from "../pages/render.js";
import { DEFAULT_BRANDING } from "../pages/branding.js";
import { type Html, html, trusted, type Value } from "./html.js";

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
<style>${trusted(STYLE)}</style>
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
<style>${trusted(STYLE)}</style>
</head>
<body>
<header><span class="brand">rolegate console</span></header>
<main id="main">${content}</main>
</body>
</html>
`.text;
}

const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: var(--background); color: var(--font); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: inherit; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 0.5rem; top: 0.5rem; background: var(--background); padding: 0.5rem; z-index: 1; }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem;
  padding: 0.75rem 1rem; border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent); }
.brand { font-weight: 700; text-decoration: none; }
.account { display: flex; align-items: center; gap: 0.75rem; margin: 0; overflow-wrap: anywhere; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0; padding: 0.5rem 1rem; list-style: none; overflow-x: auto;
  border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent); }
nav a { display: block; padding: 0.375rem 0.75rem; border-radius: 0.375rem; text-decoration: none; white-space: nowrap; }
nav a[aria-current="page"] { background: var(--primary); color: var(--on-primary); }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.125rem; margin: 2rem 0 0.75rem; }
p { margin: 0 0 1rem; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent);
  vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: 600; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
input[type="text"], input[type="search"], input[type="password"], input[type="url"], input[type="email"], input[type="date"], select, textarea {
  display: block; width: 100%; max-width: 32rem; margin-bottom: 1rem; padding: 0.5rem 0.75rem; font: inherit; color: inherit;
  background: var(--background); border: 1px solid color-mix(in srgb, var(--font) 45%, transparent); border-radius: 0.375rem; }
input[aria-invalid="true"] { border-color: var(--warn); }
button { min-height: 2.5rem; padding: 0.5rem 1rem; font: inherit; font-weight: 600; border-radius: 0.375rem; cursor: pointer;
  color: var(--on-primary); background: var(--primary); border: 1px solid var(--primary); }
button.secondary { color: var(--font); background: transparent; border-color: color-mix(in srgb, var(--font) 45%, transparent); }
button.danger { color: #ffffff; background: var(--warn); border-color: var(--warn); }
button.link { min-height: 0; padding: 0; font-weight: 400; color: inherit; background: none; border: 0; text-decoration: underline; }
form.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0 0 1rem; }
.check label { display: inline; }
section.card > h2:first-child { margin-top: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1.5rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table.fixed { table-layout: fixed; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.search { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; margin-bottom: 1rem; }
.search input { margin: 0; }
.pager { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.error, .notice { margin: 0 0 1rem; padding: 0.75rem 1rem; border: 1px solid var(--warn); border-left-width: 0.375rem; border-radius: 0.375rem; }
.notice { border-color: var(--primary); }
.secret { font-family: ui-monospace, monospace; padding: 0.75rem; border: 1px dashed var(--font); overflow-wrap: anywhere; }
.muted { opacity: 0.8; }
fieldset { max-width: 32rem; margin: 0 0 1rem; padding: 0.5rem 1rem 0.75rem; border: 1px solid color-mix(in srgb, var(--font) 15%, transparent); border-radius: 0.375rem; }
legend { font-weight: 600; padding: 0 0.25rem; }
.choice { display: flex; gap: 0.5rem; align-items: baseline; margin: 0.25rem 0; }
.choice label { font-weight: 400; margin: 0; }
textarea { font-family: ui-monospace, monospace; }
a.button { display: inline-block; padding: 0.5rem 1rem; border-radius: 0.375rem; font-weight: 600; text-decoration: none;
  color: var(--on-primary); background: var(--primary); border: 1px solid var(--primary); }
a.button.danger { color: #ffffff; background: var(--warn); border-color: var(--warn); }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
dl.settings { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.25rem 1rem; }
dl.settings dt { font-weight: 600; }
dl.settings dd { margin: 0; overflow-wrap: anywhere; }
ul.plain { margin: 0; padding: 0; list-style: none; }
nav.tabs ul { flex-wrap: wrap; overflow: visible; border: 0; padding: 0 0 1rem; }
nav.tabs a { white-space: normal; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9375em; overflow-wrap: anywhere; }
section.card > h2:first-child { margin-top: 0; }
table code { white-space: nowrap; }
section.card { padding: 1rem; margin-bottom: 1rem; border: 1px solid color-mix(in srgb, var(--font) 15%, transparent); border-radius: 0.5rem; }
section.card > h2:first-child { margin-top: 0; }
h3 { font-size: 1rem; margin: 1.5rem 0 0.5rem; }
.swatch { display: inline-block; width: 1.25rem; height: 1.25rem; margin-right: 0.5rem; vertical-align: -0.25rem;
  border: 1px solid color-mix(in srgb, var(--font) 45%, transparent); border-radius: 0.25rem; }
.policies, .columns { display: grid; gap: 0 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); }
fieldset { min-width: 0; margin: 0 0 1rem; padding: 0.75rem 1rem 0; border: 1px solid color-mix(in srgb, var(--font) 15%, transparent); border-radius: 0.375rem; }
legend { font-weight: 600; padding: 0 0.25rem; }
label.check { display: flex; gap: 0.5rem; align-items: baseline; font-weight: 400; margin-bottom: 0.75rem; }
input[type="file"] { display: block; max-width: 100%; margin-bottom: 1rem; font: inherit; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
img.asset { display: block; max-width: 12rem; max-height: 4rem; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.search select { margin: 0; }
.filters { align-items: flex-start; }
.filters > div { flex: 1 1 12rem; }
.filters > button { margin-top: 1.75rem; }
table.trail td[data-label="What"] { white-space: nowrap; overflow-wrap: normal; }
.filters .muted { margin: 0.25rem 0 0; font-size: 0.875rem; }
ul.changes { margin: 0; padding-left: 1.25rem; }
pre.claims { margin: 0 0 1rem; padding: 0.75rem; overflow-x: auto; font-size: 0.875rem; border-radius: 0.375rem;
  border: 1px solid color-mix(in srgb, var(--font) 15%, transparent); background: color-mix(in srgb, var(--font) 5%, var(--background)); }
.verdict { margin: 1.5rem 0 1rem; padding: 1rem; border: 2px solid var(--warn); border-left-width: 0.5rem; border-radius: 0.5rem; }
.verdict.allowed { border-color: #1a7f37; }
.verdict h2 { margin: 0 0 0.5rem; font-size: 1.5rem; }
.outcome { font-weight: 600; white-space: nowrap; }
.outcome.passed, .verdict.allowed h2 { color: #1a7f37; }
.outcome.failed, .verdict.denied h2 { color: var(--warn); }
tr.failed td { font-weight: 600; }
table.checks th, table.checks td[data-label="#"], table.checks td[data-label="Reason"] { white-space: nowrap; overflow-wrap: normal; }
:focus-visible { outline: 3px solid var(--font); outline-offset: 2px; }
a.button { display: inline-block; padding: 0.5rem 1rem; font-weight: 600; border-radius: 0.375rem; text-decoration: none;
  color: var(--on-primary); background: var(--primary); }
.search > div { max-width: 100%; }
.search select { margin: 0; width: auto; max-width: 100%; }
.pager + section.card { margin-top: 1.5rem; }
fieldset.checks { max-width: 32rem; margin: 0 0 1rem; padding: 0.5rem 1rem 0.75rem; border-radius: 0.375rem;
  border: 1px solid color-mix(in srgb, var(--font) 45%, transparent); }
fieldset.checks legend { font-weight: 600; padding: 0 0.25rem; }
.check { display: flex; gap: 0.5rem; align-items: baseline; padding: 0.25rem 0; }
.check input { flex: none; width: 1.125rem; height: 1.125rem; margin: 0; }
.check label { display: inline; font-weight: 400; margin: 0; overflow-wrap: anywhere; }
section.card > h2:first-child { margin-top: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; align-items: center; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
.tag { display: inline-block; padding: 0 0.5rem; font-size: 0.8125rem; font-weight: 600; border: 1px solid currentColor; border-radius: 999px; }
@media (max-width: 40rem) {
  main { padding: 1rem 0.75rem 2rem; }
  table.responsive thead { display: none; }
  table.responsive tr { display: block; padding: 0.5rem 0; border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent); }
  table.responsive td { display: block; border: 0; padding: 0.125rem 0.5rem; }
  table.responsive td::before { content: attr(data-label) ": "; font-weight: 600; }
  dl.settings { display: block; }
  dl.settings dd { margin-bottom: 0.5rem; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: 0.5rem; }
  dl.summary { grid-template-columns: 1fr; gap: 0; }
  dl.summary dd { margin-bottom: 0.5rem; }
  table.responsive th[scope="row"] { display: block; border: 0; padding: 0.125rem 0.5rem; }
  .facts { grid-template-columns: minmax(0, 1fr); }
  table.trail td[data-label="What"], table.checks td[data-label="Reason"] { white-space: normal; overflow-wrap: anywhere; }
  table.responsive td:empty { display: none; }
  .facts dd { margin-bottom: 0.5rem; }
}
`;
