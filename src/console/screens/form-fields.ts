// Form fields the authorization and administrator screens share beside ui.ts's text field: a
// labelled select (with option groups) and a group of checkboxes, both marked invalid when the
// API refused what they sent.
import { type Html, html } from "../html.js";

export interface SelectOption {
  value: string;
  label: string;
  /** Options with the same group are listed under it, in the order given. */
  group?: string;
}

export function selectField(
  name: string,
  label: string,
  options: readonly SelectOption[],
  selected: string,
  settings: { invalid?: boolean; hint?: string; id?: string } = {},
): Html {
  const id = settings.id ?? name;
  const hintId = settings.hint ? `${id}-hint` : undefined;
  const option = (o: SelectOption) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ""}>${o.label}</option>`;
  const groups: { group: string | undefined; options: SelectOption[] }[] = [];
  for (const o of options) {
    const last = groups.at(-1);
    if (last && last.group === o.group) last.options.push(o);
    else groups.push({ group: o.group, options: [o] });
  }
  const body = groups.map((g) =>
    g.group ? html`<optgroup label="${g.group}">${g.options.map(option)}</optgroup>` : g.options.map(option),
  );
  return html`<label for="${id}">${label}</label>${settings.hint ? html`<p class="muted" id="${hintId}">${settings.hint}</p>` : ""}<select id="${id}" name="${name}"${settings.invalid ? html` aria-invalid="true"` : ""}${hintId ? html` aria-describedby="${hintId}"` : ""}>${body}</select>`;
}

export interface CheckboxOption {
  value: string;
  label: string;
  /** Shown after the label, muted. */
  detail?: string;
}

/** Checkboxes in a fieldset whose legend names them; `empty` is said when there is nothing to check. */
export function checkboxGroup(
  name: string,
  legend: string,
  options: readonly CheckboxOption[],
  checked: ReadonlySet<string>,
  settings: { invalid?: boolean; empty?: string } = {},
): Html {
  const boxes = options.map(
    (o, i) =>
      html`<div class="check"><input type="checkbox" id="${name}-${i}" name="${name}" value="${o.value}"${checked.has(o.value) ? html` checked` : ""}${settings.invalid ? html` aria-invalid="true"` : ""}><label for="${name}-${i}">${o.label}${o.detail ? html` <span class="muted">${o.detail}</span>` : ""}</label></div>`,
  );
  return html`<fieldset class="checks"><legend>${legend}</legend>${options.length ? boxes : html`<p class="muted">${settings.empty ?? "Nothing to choose."}</p>`}</fieldset>`;
}
