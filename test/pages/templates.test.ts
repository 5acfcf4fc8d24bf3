// The template renderer, and every template in views/ read from disk.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { escapeHtml, loadTemplate, renderTemplate, TEMPLATE_NAMES, VIEWS_DIR } from "../../src/pages/templates.js";

describe("renderTemplate", () => {
  it("escapes {{name}} and leaves {{{name}}} raw", () => {
    expect(renderTemplate('<p title="{{a}}">{{a}}</p>{{{b}}}', { a: `<i>"x" & 'y'</i>`, b: "<b>ok</b>" })).toBe(
      '<p title="&lt;i&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/i&gt;">&lt;i&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/i&gt;</p><b>ok</b>',
    );
  });

  it("keeps an {{#if}} body only when the value is truthy, nested too", () => {
    const source = "[{{#if a}}A{{#if b}}B{{/if}}{{/if}}]";
    expect(renderTemplate(source, { a: true, b: "yes" })).toBe("[AB]");
    expect(renderTemplate(source, { a: "x", b: "" })).toBe("[A]");
    expect(renderTemplate(source, { a: false, b: true })).toBe("[]");
    expect(renderTemplate(source, { a: undefined, b: true })).toBe("[]");
  });

  it("never expands tags that arrive inside a value", () => {
    expect(renderTemplate("{{a}}|{{{a}}}", { a: "{{b}}{{#if b}}x{{/if}}", b: "secret" })).toBe(
      "{{b}}{{#if b}}x{{/if}}|{{b}}{{#if b}}x{{/if}}",
    );
  });

  it("throws on a missing value and on a tag it cannot read", () => {
    expect(() => renderTemplate("{{a}}", {})).toThrow(/missing: a/);
    expect(() => renderTemplate("{{#if a}}x", { a: true })).toThrow(/not understood/);
    expect(() => renderTemplate("{{ a }}", { a: "x" })).toThrow(/not understood/);
  });

  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});

describe("views/", () => {
  it("is the repository's views folder, found relative to the module", () => {
    expect(VIEWS_DIR).toBe(path.resolve(import.meta.dirname, "../../views"));
  });

  it.each(TEMPLATE_NAMES)("has %s.html, with balanced tags and no script", (name) => {
    expect(existsSync(path.join(VIEWS_DIR, `${name}.html`))).toBe(true);
    const source = loadTemplate(name);
    expect(source.length).toBeGreaterThan(0);
    expect(source.match(/\{\{#if /g)?.length ?? 0).toBe(source.match(/\{\{\/if\}\}/g)?.length ?? 0);
    expect(source).not.toMatch(/<script/i);
    expect(source).not.toMatch(/\son[a-z]+\s*=/i);
    // Every attribute value quoted, so an escaped value cannot end the attribute.
    expect(source).not.toMatch(/=\{\{/);
    expect(loadTemplate(name)).toBe(source);
  });
});
