// HTML for the console's pages, escaped by default: every value interpolated into `html` is
// escaped unless it is itself Html (built by `html` or marked `trusted` here). Lists of Html are
// joined. So a directory value can never become markup.
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const escapeText = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function piece(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(piece).join("");
  return escapeText(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup rolegate wrote itself (never a value from a request or the directory). */
export const trusted = (markup: string) => new Html(markup);
