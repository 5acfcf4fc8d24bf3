// The console's pages escape every value (src/console/html.ts): a name from the directory is text.
import { describe, expect, it } from "vitest";
import { html, trusted } from "../../src/console/html.js";

describe("html", () => {
  it("escapes values, keeps nested Html, joins lists and drops empty values", () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>',
    );
    expect(html`<ul>${["a", "<b>"].map((v) => html`<li>${v}</li>`)}</ul>`.text).toBe("<ul><li>a</li><li>&lt;b&gt;</li></ul>");
    expect(html`${undefined}${null}${false}${0}${trusted("<hr>")}`.text).toBe("0<hr>");
  });
});
