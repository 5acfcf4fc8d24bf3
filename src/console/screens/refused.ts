// The page for a change the API refused on something the caller may not even see: the refusal,
// with its status, and nothing else (there is no form to show again).
import { html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext } from "../screen.js";
import { errorBox } from "../ui.js";

export function refusedPage(ctx: ConsoleContext, section: string, failed: { status: number; message: string }) {
  ctx.state.console.page(
    "That did not work",
    section,
    html`<h1>That did not work</h1>${errorBox(failed.message)}<p>Nothing was changed. <a href="${CONSOLE}${section}">Back to the list</a></p>`,
    failed.status,
  );
}
