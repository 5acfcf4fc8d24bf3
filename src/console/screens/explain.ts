// The access explainer (docs/rules.md#r-check-16): "can this user sign in to this app, and why
// (not)?", answered by rolegate.access.v1.AccessService/ExplainAccess: each check of an
// interactive login in order with what it saw, the user's authorizations on the app's project,
// and the claims the ID token, the access token and userinfo would carry. A GET form: it changes
// nothing, and its answer can be linked to (`/explain?user=<login name>&app=<client id>`).
import type { JsonObject } from "@bufbuild/protobuf";
import type { Application } from "../../generated/proto/zitadel/application/v2/application_pb.js";
import { ApplicationSorting } from "../../generated/proto/zitadel/application/v2/application_pb.js";
import {
  CheckOutcome,
  Decision,
  type AuthorizationFact,
  type Check,
  type ExplainAccessResponse,
} from "../../generated/proto/rolegate/access/v1/access_service_pb.js";
import type { ConsoleApi } from "../api.js";
import { type Html, html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { errorBox, textField } from "../ui.js";
import { findUserByLoginName } from "./org-context.js";
import { refusal } from "./organizations.js";

const BASE = `${CONSOLE}/explain`;
/** The apps offered in the select; any other is typed by its client id. */
const MAX_APPS = 200;

/** The checks in words (the API's names are shown beside them). */
const CHECKS: Record<string, string> = {
  client_available: "The app, its project and the project's organization are active",
  client_kind: "The login serves this kind of app",
  subject_active: "The user and their organization are active",
  organization_scope: "The organization the scopes name is the user's",
  "project_access.project_active": "The project and its owner organization are active",
  "project_access.user_active": "The user is active",
  "project_access.user_organization_active": "The user's organization is active",
  "project_access.project_grant": "The user's organization owns the project or holds a grant of it",
  "project_access.authorization": "The user holds an authorization with a role",
  audience_projects: "The other projects the scopes name let the user in",
  management_consent: "Consent to the management API",
};

const OUTCOMES: Record<CheckOutcome, { label: string; mark: string; className: string }> = {
  [CheckOutcome.UNSPECIFIED]: { label: "Unknown", mark: "?", className: "skipped" },
  [CheckOutcome.PASSED]: { label: "Passed", mark: "✓", className: "passed" },
  [CheckOutcome.FAILED]: { label: "Failed", mark: "✗", className: "failed" },
  [CheckOutcome.SKIPPED]: { label: "Skipped", mark: "–", className: "skipped" },
};

interface Question {
  user: string;
  /** The client id chosen in the select, or typed. */
  app: string;
  clientId: string;
  scopes: string;
}

type Problem = { status: number; message: string; field?: "user" | "app" | "scopes" };

export const explain: Screen = (router) => {
  router.get("/explain", async (ctx) => {
    const text = (name: string) => {
      const v = ctx.query[name];
      return ((Array.isArray(v) ? v[0] : v) ?? "").trim().slice(0, 1000);
    };
    const question: Question = { user: text("user"), app: text("app"), clientId: text("clientId"), scopes: text("scopes") };
    const apps = await appsOf(ctx.state.console.api);
    const asked = question.user || question.app || question.clientId;
    if (!asked) return render(ctx, question, apps);
    const clientId = question.clientId || question.app;
    if (!question.user)
      return render(ctx, question, apps, { problem: { status: 400, field: "user", message: "Enter the user's login name." } });
    if (!clientId)
      return render(ctx, question, apps, { problem: { status: 400, field: "app", message: "Choose an app or type its client ID." } });
    let user: Awaited<ReturnType<typeof findUserByLoginName>>;
    try {
      user = await findUserByLoginName(ctx.state.console.api, question.user);
    } catch (error) {
      // A login name the API cannot read (a control character): its message, on the field.
      return render(ctx, question, apps, { problem: { ...refusal(error), field: "user" } });
    }
    if (!user) {
      const message = `There is no user with the login name ${question.user} that you may see.`;
      return render(ctx, question, apps, { problem: { status: 404, field: "user", message } });
    }
    try {
      const answer = await ctx.state.console.api.access.explainAccess({
        userId: user.userId,
        app: { case: "clientId", value: clientId },
        scopes: question.scopes.split(/\s+/).filter(Boolean),
      });
      render(ctx, question, apps, { answer, userName: user.preferredLoginName || user.username });
    } catch (error) {
      const refused = refusal(error);
      // The API names what it could not find or read.
      const field = /^scopes/.test(refused.message) ? "scopes" : /application|client/i.test(refused.message) ? "app" : undefined;
      const message =
        refused.status === 404 && field === "app"
          ? `There is no app with the client ID ${clientId} whose project you administer.`
          : refused.message;
      render(ctx, question, apps, { problem: { ...refused, message, ...(field ? { field } : {}) } });
    }
  });
};

interface AppChoice {
  clientId: string;
  name: string;
}

/** The apps the signed-in user administers (the API decides which), by name. */
async function appsOf(api: ConsoleApi): Promise<AppChoice[]> {
  const { applications } = await api.applications
    .listApplications({
      pagination: { limit: MAX_APPS, asc: true },
      sortingColumn: ApplicationSorting.APPLICATION_SORT_BY_NAME,
      filters: [],
    })
    .catch((error: unknown) => {
      // Refused the list: the client id can still be typed.
      refusal(error);
      return { applications: [] as Application[] };
    });
  return applications.flatMap((a: Application) => {
    const config = a.configuration;
    const clientId = config.case === "oidcConfiguration" || config.case === "apiConfiguration" ? config.value.clientId : "";
    return clientId ? [{ clientId, name: a.name }] : [];
  });
}

function render(
  ctx: ConsoleContext,
  q: Question,
  apps: AppChoice[],
  result: { problem?: Problem; answer?: ExplainAccessResponse; userName?: string } = {},
) {
  const { page } = ctx.state.console;
  const { problem, answer } = result;
  // A client id not in the select (a link, or more apps than it lists) stays in the text field.
  const listed = apps.some((a) => a.clientId === q.app);
  const typed = q.clientId || (listed ? "" : q.app);
  const appName = (clientId: string) => apps.find((a) => a.clientId === clientId)?.name;
  page(
    answer ? `Explain access: ${answer.decision === Decision.ALLOWED ? "allowed" : "denied"}` : "Explain access",
    "/explain",
    html`<h1>Can this user sign in to this app?</h1>
<p>The sign-in's own checks, run on the directory as it is now, for the login page. Nothing is changed and no one is signed in.</p>
<section class="card" aria-label="Question">
<form method="get" action="${BASE}">
${errorBox(problem?.message)}
${textField("user", "User's login name", q.user, { required: true, invalid: problem?.field === "user", hint: "Any organization's user that you may see." })}
<label for="app">App</label>
<select id="app" name="app"${problem?.field === "app" ? html` aria-invalid="true"` : ""}>
<option value="">Choose an app…</option>
${apps.map((a) => html`<option value="${a.clientId}"${listed && a.clientId === q.app ? html` selected` : ""}>${a.name} (${a.clientId})</option>`)}
</select>
${textField("clientId", "Or its client ID", typed, { invalid: problem?.field === "app", hint: "Wins over the app chosen above." })}
${textField("scopes", "Scopes", q.scopes, { invalid: problem?.field === "scopes", hint: "Separated by spaces; empty: openid profile email." })}
<button type="submit">Explain</button>
</form>
</section>
${answer ? explanation(answer, result.userName ?? q.user, appName(answer.clientId) ?? answer.clientId, q.scopes) : ""}`,
    problem?.status,
  );
}

function explanation(a: ExplainAccessResponse, userName: string, appName: string, scopes: string): Html {
  const allowed = a.decision === Decision.ALLOWED;
  return html`<section class="verdict ${allowed ? "allowed" : "denied"}" aria-labelledby="verdict">
<h2 id="verdict">${allowed ? "✓ Allowed" : "✗ Denied"}</h2>
${
  allowed
    ? html`<p><strong>${userName}</strong> can sign in to <strong>${appName}</strong>.</p>`
    : html`<p><strong>${userName}</strong> cannot sign in to <strong>${appName}</strong>: “${a.message}” (<code>${a.reason}</code>).</p>`
}
<dl class="facts">
  <dt>App</dt><dd>${appName} <span class="muted">client ID ${a.clientId}, app ${a.applicationId}</span></dd>
  <dt>Project</dt><dd>${a.projectId}</dd>
  <dt>Scopes asked for</dt><dd><code>${scopes || "openid profile email"}</code></dd>
</dl>
</section>
<h2 id="checks">The checks, in the order the sign-in runs them</h2>
<table class="responsive checks" aria-labelledby="checks">
<thead><tr><th scope="col">#</th><th scope="col">Check</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col">What it saw</th></tr></thead>
<tbody>${a.checks.map(checkRow)}</tbody>
</table>
<h2 id="authorizations">The user's authorizations on the project</h2>
${
  a.authorizations.length > 0
    ? html`<table class="responsive" aria-labelledby="authorizations">
<thead><tr><th scope="col">Held by organization</th><th scope="col">Roles</th><th scope="col">State</th><th scope="col">Held through</th><th scope="col">Counts</th></tr></thead>
<tbody>${a.authorizations.map(authorizationRow)}</tbody>
</table>`
    : html`<p>None: the user holds no authorization on this project, from any organization.</p>`
}
<h2 id="tokens">What the tokens would carry</h2>
${allowed ? tokens(a) : html`<p>Nothing: the sign-in is refused, no token is issued.</p>`}`;
}

function checkRow(c: Check, index: number): Html {
  const name = c.step ? `${c.check}.${c.step}` : c.check;
  const outcome = OUTCOMES[c.outcome] ?? OUTCOMES[CheckOutcome.UNSPECIFIED];
  return html`<tr class="${outcome.className}">
  <td data-label="#">${index + 1}</td>
  <td data-label="Check">${CHECKS[name] ?? name} <code class="muted">${name}</code></td>
  <td data-label="Outcome"><span class="outcome ${outcome.className}">${outcome.mark} ${outcome.label}</span></td>
  <td data-label="Reason">${c.reason ? html`<code>${c.reason}</code>` : ""}</td>
  <td data-label="What it saw">${c.detail}</td>
</tr>`;
}

function authorizationRow(f: AuthorizationFact): Html {
  return html`<tr>
  <td data-label="Held by organization">${f.organizationDomain} <span class="muted">${f.organizationId}</span></td>
  <td data-label="Roles">${f.roleKeys.length > 0 ? f.roleKeys.join(", ") : html`<span class="muted">no role</span>`}</td>
  <td data-label="State">${f.state}</td>
  <td data-label="Held through">${f.grantState ? `a project grant (${f.grantState})` : "the project's owner"}</td>
  <td data-label="Counts">${f.counts ? "✓ Yes" : "✗ No"}</td>
</tr>`;
}

function tokens(a: ExplainAccessResponse): Html {
  const claims = (id: string, title: string, value: JsonObject | undefined, none: string) =>
    html`<h3 id="${id}-title">${title}</h3>${
      value
        ? html`<pre id="${id}" class="claims" tabindex="0" aria-labelledby="${id}-title"><code>${JSON.stringify(value, null, 2)}</code></pre>`
        : html`<p>${none}</p>`
    }`;
  const list = (values: string[]) => (values.length > 0 ? html`<code>${values.join(" ")}</code>` : html`<span class="muted">none</span>`);
  return html`<dl class="facts">
  <dt>Granted scopes</dt><dd>${list(a.grantedScopes)}</dd>
  <dt>Scopes left out</dt><dd>${list(a.deniedScopes)}</dd>
  <dt>Audience (aud)</dt><dd>${list(a.audience)}</dd>
  <dt>Access token type</dt><dd>${a.accessTokenType === "JWT" ? "JWT" : "opaque (BEARER)"}</dd>
</dl>
<p class="muted">The user's claims, without those every token has of its own (iss, aud, exp, iat, …).</p>
${claims("claims-id-token", "ID token", a.claims?.idToken, "No ID token claims.")}
${claims("claims-access-token", "Access token", a.claims?.accessToken, "The app's access tokens are opaque: they carry no claims (the app calls userinfo or introspection).")}
${claims("claims-userinfo", "Userinfo", a.claims?.userinfo, "No userinfo claims.")}`;
}
