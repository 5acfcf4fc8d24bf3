// The console's stylesheet: the login UI's look (its colors come from brandingCss), for wide
// pages with tables and forms. No external resources; tables become stacked cards on phones.
export const CONSOLE_STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: var(--background); color: var(--font); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: inherit; }
:focus-visible { outline: 3px solid var(--font); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 0.5rem; top: 0.5rem; background: var(--background); padding: 0.5rem; z-index: 1; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

/* Chrome */
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem;
  padding: 0.75rem 1rem; border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent); }
.brand { font-weight: 700; text-decoration: none; }
.account { display: flex; align-items: center; gap: 0.75rem; margin: 0; overflow-wrap: anywhere; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0; padding: 0.5rem 1rem; list-style: none; overflow-x: auto;
  border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent); }
nav a { display: block; padding: 0.375rem 0.75rem; border-radius: 0.375rem; text-decoration: none; white-space: nowrap; }
nav a[aria-current="page"] { background: var(--primary); color: var(--on-primary); }
nav.tabs ul { flex-wrap: wrap; overflow: visible; border: 0; padding: 0 0 1rem; }
nav.tabs a { white-space: normal; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }

/* Text */
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.125rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1rem; margin: 1.5rem 0 0.5rem; }
p { margin: 0 0 1rem; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9375em; overflow-wrap: anywhere; }
.muted { opacity: 0.8; }
.tag { display: inline-block; padding: 0 0.5rem; font-size: 0.8125rem; font-weight: 600; border: 1px solid currentColor; border-radius: 999px; }
ul.plain { margin: 0; padding: 0; list-style: none; }
ul.changes { margin: 0; padding-left: 1.25rem; }
dl.facts, dl.settings, dl.summary { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.facts dt, dl.settings dt, dl.summary dt { font-weight: 600; }
dl.facts dd, dl.settings dd, dl.summary dd { margin: 0; overflow-wrap: anywhere; }

/* Tables */
table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
table.fixed { table-layout: fixed; }
th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent);
  vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: 600; }
table code { white-space: nowrap; }
table.trail td[data-label="What"] { white-space: nowrap; overflow-wrap: normal; }
table.checks th, table.checks td[data-label="#"], table.checks td[data-label="Reason"] { white-space: nowrap; overflow-wrap: normal; }
tr.failed td { font-weight: 600; }

/* Forms */
form.inline { display: inline; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
input[type="text"], input[type="search"], input[type="password"], input[type="url"], input[type="email"], input[type="date"], select, textarea {
  display: block; width: 100%; max-width: 32rem; margin-bottom: 1rem; padding: 0.5rem 0.75rem; font: inherit; color: inherit;
  background: var(--background); border: 1px solid color-mix(in srgb, var(--font) 45%, transparent); border-radius: 0.375rem; }
input[type="file"] { display: block; max-width: 100%; margin-bottom: 1rem; font: inherit; }
input[aria-invalid="true"] { border-color: var(--warn); }
textarea { font-family: ui-monospace, monospace; }
fieldset { min-width: 0; max-width: 32rem; margin: 0 0 1rem; padding: 0.75rem 1rem 0.25rem; border-radius: 0.375rem;
  border: 1px solid color-mix(in srgb, var(--font) 15%, transparent); }
fieldset.checks { padding-bottom: 0.75rem; border-color: color-mix(in srgb, var(--font) 45%, transparent); }
legend { font-weight: 600; padding: 0 0.25rem; }
.choice { display: flex; gap: 0.5rem; align-items: baseline; margin: 0.25rem 0; }
.choice label { font-weight: 400; margin: 0; }
.check { display: flex; gap: 0.5rem; align-items: baseline; padding: 0.25rem 0; }
.check input { flex: none; width: 1.125rem; height: 1.125rem; margin: 0; }
.check label { display: inline; font-weight: 400; margin: 0; overflow-wrap: anywhere; }
label.check { font-weight: 400; margin-bottom: 0.75rem; }
button { min-height: 2.5rem; padding: 0.5rem 1rem; font: inherit; font-weight: 600; border-radius: 0.375rem; cursor: pointer;
  color: var(--on-primary); background: var(--primary); border: 1px solid var(--primary); }
a.button { display: inline-block; padding: 0.5rem 1rem; border-radius: 0.375rem; font-weight: 600; text-decoration: none;
  color: var(--on-primary); background: var(--primary); border: 1px solid var(--primary); }
button.secondary { color: var(--font); background: transparent; border-color: color-mix(in srgb, var(--font) 45%, transparent); }
button.danger, a.button.danger { color: #ffffff; background: var(--warn); border-color: var(--warn); }
button.link { min-height: 0; padding: 0; font-weight: 400; color: inherit; background: none; border: 0; text-decoration: underline; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; align-items: center; margin: 0 0 1rem; }
.search { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; margin-bottom: 1rem; }
.search > div { max-width: 100%; }
.search input { margin: 0; }
.search select { margin: 0; width: auto; max-width: 100%; }
.filters { align-items: flex-start; }
.filters > div { flex: 1 1 12rem; }
.filters > button { margin-top: 1.75rem; }
.filters .muted { margin: 0.25rem 0 0; font-size: 0.875rem; }
.pager { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }

/* Blocks */
section.card { padding: 1rem; margin-bottom: 1rem; border: 1px solid color-mix(in srgb, var(--font) 15%, transparent); border-radius: 0.5rem; }
section.card > h2:first-child { margin-top: 0; }
.pager + section.card { margin-top: 1.5rem; }
.error, .notice { margin: 0 0 1rem; padding: 0.75rem 1rem; border: 1px solid var(--warn); border-left-width: 0.375rem; border-radius: 0.375rem; }
.notice { border-color: var(--primary); }
.secret { font-family: ui-monospace, monospace; padding: 0.75rem; border: 1px dashed var(--font); overflow-wrap: anywhere; }
.policies, .columns { display: grid; gap: 0 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); }
.swatch { display: inline-block; width: 1.25rem; height: 1.25rem; margin-right: 0.5rem; vertical-align: -0.25rem;
  border: 1px solid color-mix(in srgb, var(--font) 45%, transparent); border-radius: 0.25rem; }
img.asset { display: block; max-width: 12rem; max-height: 4rem; }
pre.claims { margin: 0 0 1rem; padding: 0.75rem; overflow-x: auto; font-size: 0.875rem; border-radius: 0.375rem;
  border: 1px solid color-mix(in srgb, var(--font) 15%, transparent); background: color-mix(in srgb, var(--font) 5%, var(--background)); }
.verdict { margin: 1.5rem 0 1rem; padding: 1rem; border: 2px solid var(--warn); border-left-width: 0.5rem; border-radius: 0.5rem; }
.verdict.allowed { border-color: #1a7f37; }
.verdict h2 { margin: 0 0 0.5rem; font-size: 1.5rem; }
.outcome { font-weight: 600; white-space: nowrap; }
.outcome.passed, .verdict.allowed h2 { color: #1a7f37; }
.outcome.failed, .verdict.denied h2 { color: var(--warn); }

@media (max-width: 40rem) {
  main { padding: 1rem 0.75rem 2rem; }
  table.responsive thead { display: none; }
  table.responsive tr { display: block; padding: 0.5rem 0; border-bottom: 1px solid color-mix(in srgb, var(--font) 15%, transparent); }
  table.responsive td, table.responsive th[scope="row"] { display: block; border: 0; padding: 0.125rem 0.5rem; }
  table.responsive td::before { content: attr(data-label) ": "; font-weight: 600; }
  table.responsive td:empty { display: none; }
  table.trail td[data-label="What"], table.checks td[data-label="Reason"] { white-space: normal; overflow-wrap: anywhere; }
  dl.facts, dl.settings, dl.summary { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.facts dd, dl.settings dd, dl.summary dd { margin-bottom: 0.5rem; }
}
`;
