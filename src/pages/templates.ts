// A tiny template renderer for the login UI, with no dependency so that what reaches the page is
// easy to audit: {{name}} is HTML-escaped, {{{name}}} is raw (only for fragments we rendered
// ourselves or oidc-provider's own form), {{#if name}}…{{/if}} keeps its body when name is truthy.
// Conditions are resolved on the template before values are substituted, in one pass, so a
// value that contains "{{…}}" is never expanded.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// src/login/ under tsx and dist/login/ when compiled: both are two levels below the repository.
export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");

export const TEMPLATE_NAMES = [
  "layout",
  "login",
  "password-change",
  "access-denied",
  "logout-confirm",
  "logged-out",
  "error",
  "management-consent",
  "consents",
  "consent-row",
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export type TemplateValues = Record<string, string | boolean | undefined>;

const cache = new Map<TemplateName, string>();

/** The template's source, read from views/ on first use and kept for the life of the process. */
export function loadTemplate(name: TemplateName): string {
  let source = cache.get(name);
  if (source === undefined) {
    source = readFileSync(path.join(VIEWS_DIR, `${name}.html`), "utf8");
    cache.set(name, source);
  }
  return source;
}

export function render(name: TemplateName, values: TemplateValues): string {
  return renderTemplate(loadTemplate(name), values);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// Innermost first: a body without another {{#if …}} in it.
const IF_BLOCK = /\{\{#if (\w+)\}\}((?:(?!\{\{#if )[\s\S])*?)\{\{\/if\}\}/g;
const TAG = /\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g;

/** Throws on a name the caller did not supply or on a tag it cannot read: drift between a
 * template and its page function shows up in the first test instead of as a blank on the page. */
export function renderTemplate(source: string, values: TemplateValues): string {
  let resolved = source;
  for (let previous = ""; previous !== resolved; ) {
    previous = resolved;
    resolved = resolved.replace(IF_BLOCK, (_, name: string, body: string) => (lookup(values, name) ? body : ""));
  }
  const output = resolved.replace(TAG, (_, raw: string | undefined, escaped: string | undefined) => {
    const value = lookup(values, (raw ?? escaped)!);
    const text = value === undefined || value === false ? "" : String(value);
    return raw ? text : escapeHtml(text);
  });
  const leftover = resolved.replace(TAG, "").match(/\{\{[^}]*\}?\}?/);
  if (leftover) throw new Error(`template tag not understood: ${leftover[0]}`);
  return output;
}

function lookup(values: TemplateValues, name: string): string | boolean | undefined {
  if (!Object.hasOwn(values, name)) throw new Error(`template value missing: ${name}`);
  return values[name];
}
