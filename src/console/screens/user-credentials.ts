// A machine user's credentials: its client secret, personal access tokens and keys. A new secret,
// token or key file is shown once, on the answer to its POST (no redirect, nothing in a URL, and
// the console's pages are no-store); rolegate keeps only hashes and public keys, so it cannot be
// shown again. The key file is offered as a `data:` download link on that page.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { User } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import { html, type Html } from "../html.js";
import type { ConsoleContext, ConsoleRouter } from "../screen.js";
import { csrfField, errorBox, PAGE_SIZE } from "../ui.js";
import { displayName, failedHere, type Failure, failure, formatDate, inputFailure, readDate, userPath } from "./user-shared.js";

export const CREDENTIAL_NOTICES: Record<string, string> = {
  "secret-removed": "The client secret was removed: the user can no longer sign in with it.",
  "token-removed": "The personal access token was removed.",
  "key-removed": "The key was removed.",
};

type DetailPage = (ctx: ConsoleContext, userId: string, failed?: Failure) => Promise<void>;

const DATE_MESSAGE = "Expiration date: must be a date such as 2030-12-31, or empty for none.";

export function credentialRoutes(router: ConsoleRouter, detailPage: DetailPage) {
  router.post("/users/:id/secret", async (ctx) => {
    const { api, form } = ctx.state.console;
    const userId = ctx.params.id;
    try {
      const { clientSecret } = await api.users.addSecret({ userId });
      await shownOnce(
        ctx,
        userId,
        "Client secret",
        html`<p>The user signs in with the client-credentials grant: its login name (or its id) is the client id, and this is the client secret.</p>
${secretField("client-secret", "Client secret", clientSecret)}`,
      );
    } catch (error) {
      await detailPage(ctx, userId, failure("secret", error, form));
    }
  });

  router.post("/users/:id/secret/remove", async (ctx) => {
    const { api, form } = ctx.state.console;
    const userId = ctx.params.id;
    try {
      await api.users.removeSecret({ userId });
      ctx.status = 303;
      ctx.redirect(`${userPath(userId)}?notice=secret-removed`);
    } catch (error) {
      await detailPage(ctx, userId, failure("secret", error, form));
    }
  });

  router.post("/users/:id/tokens", async (ctx) => {
    const { api, form } = ctx.state.console;
    const userId = ctx.params.id;
    const expiration = readDate(form.get("expirationDate") ?? "");
    if (expiration === null) return detailPage(ctx, userId, inputFailure("token", "expirationDate", DATE_MESSAGE, form));
    try {
      const { token, tokenId } = await api.users.addPersonalAccessToken({
        userId,
        expirationDate: expiration && timestampFromDate(expiration),
      });
      await shownOnce(
        ctx,
        userId,
        "Personal access token",
        html`<p>Token ${tokenId}. The user calls the management API with it as <code>Authorization: Bearer …</code>.</p>
${secretField("personal-access-token", "Personal access token", token)}`,
      );
    } catch (error) {
      await detailPage(ctx, userId, failure("token", error, form, { expirationDate: "expirationDate" }));
    }
  });

  router.post("/users/:id/tokens/:tokenId/remove", async (ctx) => {
    const { api, form } = ctx.state.console;
    const userId = ctx.params.id;
    try {
      await api.users.removePersonalAccessToken({ userId, tokenId: ctx.params.tokenId });
      ctx.status = 303;
      ctx.redirect(`${userPath(userId)}?notice=token-removed`);
    } catch (error) {
      await detailPage(ctx, userId, failure("token", error, form));
    }
  });

  router.post("/users/:id/keys", async (ctx) => {
    const { api, form } = ctx.state.console;
    const userId = ctx.params.id;
    const expiration = readDate(form.get("expirationDate") ?? "");
    if (expiration === null) return detailPage(ctx, userId, inputFailure("key", "keyExpirationDate", DATE_MESSAGE, form));
    try {
      const { keyId, keyContent } = await api.users.addKey({ userId, expirationDate: expiration && timestampFromDate(expiration) });
      const file = Buffer.from(keyContent).toString("base64");
      await shownOnce(
        ctx,
        userId,
        "Key file",
        html`<p>Key ${keyId}. The key file holds the private key: the user signs its JWT-profile grants with it.</p>
<p><a href="data:application/json;base64,${file}" download="${keyId}.json">Download the key file (${keyId}.json)</a></p>`,
        DOWNLOAD_ONCE,
      );
    } catch (error) {
      await detailPage(ctx, userId, failure("key", error, form, { expirationDate: "keyExpirationDate" }));
    }
  });

  router.post("/users/:id/keys/:keyId/remove", async (ctx) => {
    const { api, form } = ctx.state.console;
    const userId = ctx.params.id;
    try {
      await api.users.removeKey({ userId, keyId: ctx.params.keyId });
      ctx.status = 303;
      ctx.redirect(`${userPath(userId)}?notice=key-removed`);
    } catch (error) {
      await detailPage(ctx, userId, failure("key", error, form));
    }
  });
}

const COPY_ONCE = "Copy it now: it is shown only this once. rolegate keeps only a hash of it, so it cannot show it again.";
const DOWNLOAD_ONCE =
  "Download it now: it is offered only this once. rolegate keeps only the public key, so it cannot offer the file again.";

/** The page answering a new secret, token or key: shown this once. */
async function shownOnce(ctx: ConsoleContext, userId: string, what: string, content: Html, once = COPY_ONCE) {
  const { api, page } = ctx.state.console;
  const { user } = await api.users.getUserByID({ userId });
  const name = user ? displayName(user) : userId;
  page(
    `${what} for ${name}`,
    "/users",
    html`<p><a href="${userPath(userId)}">${name}</a></p>
<h1>${what} for ${name}</h1>
<p class="notice" role="status">${once}</p>
${content}
<p><a href="${userPath(userId)}">Back to ${name}</a></p>`,
  );
}

/** The new secret or token in a read-only field: labelled, wrapped, easy to select and copy. */
const secretField = (id: string, label: string, value: string) =>
  html`<label for="${id}">${label}</label><textarea id="${id}" class="secret" rows="3" readonly spellcheck="false">${value}</textarea>`;

/** Which page of a credential list (`?tokens=2`, `?keys=3`): the first unless a positive number. */
function pageOf(value: unknown): number {
  const page = typeof value === "string" ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isSafeInteger(page) && page > 0 && page <= 100_000 ? page : 1;
}

/** "21–40 of 45" with previous and next links (when there is more than a page), paging one list of the detail page by `param`. */
function listPager(path: string, param: string, page: number, total: number): Html | string {
  if (total === 0) return html`<p class="muted">None yet.</p>`;
  if (total <= PAGE_SIZE) return "";
  const from = (page - 1) * PAGE_SIZE + 1;
  const to = Math.min(total, page * PAGE_SIZE);
  const link = (n: number) => `${path}?${param}=${n}#${param}`;
  return html`<nav class="pager" aria-label="Pages of ${param}"><span>${from}–${to} of ${total}</span>${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">Previous page</a>` : ""}${to < total ? html`<a href="${link(page + 1)}" rel="next">Next page</a>` : ""}</nav>`;
}

/** The machine user's secret, tokens and keys, each with its forms. */
export async function credentialSections(ctx: ConsoleContext, user: User, failed: Failure | undefined): Promise<Html> {
  const { api, csrfToken } = ctx.state.console;
  const path = userPath(user.userId);
  const tokensPage = pageOf(ctx.query.tokens);
  const keysPage = pageOf(ctx.query.keys);
  const byUser = { filter: { case: "userIdFilter" as const, value: { id: user.userId } } };
  const window = (page: number) => ({ offset: BigInt((page - 1) * PAGE_SIZE), limit: PAGE_SIZE, asc: false });
  const [tokens, keys] = await Promise.all([
    api.users.listPersonalAccessTokens({ pagination: window(tokensPage), filters: [byUser] }),
    api.users.listKeys({ pagination: window(keysPage), filters: [byUser] }),
  ]);
  const hasSecret = user.type.case === "machine" && user.type.value.hasSecret;
  const secretFailed = failedHere(failed, "secret");
  const tokenFailed = failedHere(failed, "token");
  const keyFailed = failedHere(failed, "key");
  const removeButton = (action: string, label: string, name?: string) =>
    html`<form method="post" action="${action}" class="inline">${csrfField(csrfToken)}<button type="submit" class="secondary"${name ? html` aria-label="${name}"` : ""}>${label}</button></form>`;
  const credentialTable = (
    kind: string,
    rows: { id: string; creationDate?: Parameters<typeof formatDate>[0]; expirationDate?: Parameters<typeof formatDate>[0] }[],
    removePath: string,
  ) =>
    rows.length === 0
      ? ""
      : html`<table class="responsive">
<thead><tr><th scope="col">ID</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Remove</th></tr></thead>
<tbody>${rows.map(
          (row) => html`<tr>
  <td data-label="ID">${row.id}</td>
  <td data-label="Created">${formatDate(row.creationDate)}</td>
  <td data-label="Expires">${formatDate(row.expirationDate, { never: true })}</td>
  <td data-label="Remove">${removeButton(`${path}/${removePath}/${row.id}/remove`, "Remove", `Remove ${kind} ${row.id}`)}</td>
</tr>`,
        )}</tbody>
</table>`;
  // Two date fields on one page: each needs its own id, so textField (id = name) does not fit.
  const dateField = (id: string, failedForm: Failure | undefined) =>
    html`<label for="${id}">Expiration date (optional, midnight UTC)</label><input type="date" id="${id}" name="expirationDate" value="${failedForm?.values.get("expirationDate") ?? ""}"${failedForm?.field === id ? html` aria-invalid="true"` : ""}>`;
  return html`<section class="card" aria-labelledby="user-secret">
<h2 id="user-secret">Client secret</h2>
${errorBox(secretFailed?.message)}
<p>${hasSecret ? "The user has a client secret. A new one replaces it." : "The user has no client secret."}</p>
<div class="actions">
<form method="post" action="${path}/secret" class="inline">${csrfField(csrfToken)}<button type="submit">${hasSecret ? "Replace the client secret" : "Generate a client secret"}</button></form>
${hasSecret ? removeButton(`${path}/secret/remove`, "Remove the client secret") : ""}
</div>
</section>
<section class="card" aria-labelledby="tokens">
<h2 id="tokens">Personal access tokens</h2>
${errorBox(tokenFailed?.message)}
${credentialTable("token", tokens.result, "tokens")}
${listPager(path, "tokens", tokensPage, Number(tokens.pagination?.totalResult ?? 0))}
<form method="post" action="${path}/tokens">
${csrfField(csrfToken)}
${dateField("expirationDate", tokenFailed)}
<button type="submit">Add a personal access token</button>
</form>
</section>
<section class="card" aria-labelledby="keys">
<h2 id="keys">Keys</h2>
${errorBox(keyFailed?.message)}
${credentialTable("key", keys.result, "keys")}
${listPager(path, "keys", keysPage, Number(keys.pagination?.totalResult ?? 0))}
<form method="post" action="${path}/keys">
${csrfField(csrfToken)}
${dateField("keyExpirationDate", keyFailed)}
<button type="submit">Add a key</button>
</form>
</section>`;
}
