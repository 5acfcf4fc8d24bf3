// One application: its settings in words, the settings form, its client secret (regenerated and
// shown once), deactivating and reactivating, and deleting after a confirmation page.
import type { Application } from "../../generated/proto/zitadel/application/v2/application_pb.js";
import type { OIDCConfiguration } from "../../generated/proto/zitadel/application/v2/oidc_pb.js";
import { OIDCAuthMethodType } from "../../generated/proto/zitadel/application/v2/oidc_pb.js";
import { APIAuthMethodType } from "../../generated/proto/zitadel/application/v2/api_pb.js";
import type { Project } from "../../generated/proto/zitadel/project/v2/query_pb.js";
import { type Html, html, type Value } from "../html.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { impactSection } from "../impact.js";
import { csrfField, errorBox, notice, textField } from "../ui.js";
import {
  API_AUTH_METHODS,
  APP_TYPES,
  AUTH_METHODS,
  BadForm,
  choiceGroup,
  choiceOf,
  choose,
  type Failure,
  failureOf,
  GRANT_TYPES,
  type OidcForm,
  oidcFields,
  oidcFormOf,
  oidcRequest,
  readOidcForm,
  RESPONSE_TYPES,
  TOKEN_TYPES,
} from "./application-form.js";
import { keysSection } from "./application-keys.js";
import {
  APPS,
  appUrl,
  breadcrumb,
  clientIdOf,
  formatTime,
  isMissing,
  type Located,
  locateApplication,
  STATES,
  typeOf,
} from "./application-lookup.js";

/** Which part of the page a failed form belongs to, and what was typed. */
export interface DetailFailure {
  section: "settings" | "secret" | "state" | "keys";
  failure: Failure;
  name?: string;
  oidc?: OidcForm;
  apiAuthMethod?: string;
  expirationDate?: string;
}

const NOTICES: Record<string, string> = {
  saved: "The settings were saved.",
  deactivated: "The application was deactivated: nobody can sign in with it until it is reactivated.",
  reactivated: "The application was reactivated.",
  "key-removed": "The key was removed.",
};

export const applicationDetail: Screen = (router) => {
  router.get("/applications/:id", (ctx) => detailPage(ctx, ctx.params.id));

  router.post("/applications/:id/settings", async (ctx) => {
    const { api, form } = ctx.state.console;
    const projectId = form.get("project") ?? "";
    const name = form.get("name") ?? "";
    const isApi = form.get("kind") === "api";
    const oidc = readOidcForm(form);
    const apiAuthMethod = form.get("authMethod") ?? "";
    try {
      // The API keeps an empty name: say so rather than report a change that did not happen.
      if (!name.trim()) throw new BadForm("name", "Name: must not be empty.");
      await api.applications.updateApplication({
        applicationId: ctx.params.id,
        projectId,
        name,
        applicationType: isApi
          ? { case: "apiConfiguration", value: { authMethodType: choose("authMethod", API_AUTH_METHODS, apiAuthMethod) } }
          : { case: "oidcConfiguration", value: oidcRequest(oidc) },
      });
      ctx.status = 303;
      ctx.redirect(appUrl(ctx.params.id, projectId, "", { notice: "saved" }));
    } catch (error) {
      await detailPage(ctx, ctx.params.id, { section: "settings", failure: failureOf(error), name, oidc, apiAuthMethod });
    }
  });

  router.post("/applications/:id/secret", async (ctx) => {
    const { api, form } = ctx.state.console;
    const projectId = form.get("project") ?? "";
    try {
      const { clientSecret } = await api.applications.generateClientSecret({ applicationId: ctx.params.id, projectId });
      const located = await locateApplication(api, ctx.params.id);
      secretPage(ctx, {
        title: "New client secret",
        heading: html`A new client secret for ${located?.app.name ?? ctx.params.id}`,
        lead: "The old secret stopped working just now.",
        clientId: located ? clientIdOf(located.app) : "",
        clientSecret,
        back: appUrl(ctx.params.id, projectId),
      });
    } catch (error) {
      await detailPage(ctx, ctx.params.id, { section: "secret", failure: failureOf(error) });
    }
  });

  for (const [action, done] of [
    ["deactivate", "deactivated"],
    ["reactivate", "reactivated"],
  ] as const) {
    router.post(`/applications/:id/${action}`, async (ctx) => {
      const { api, form } = ctx.state.console;
      const projectId = form.get("project") ?? "";
      try {
        const request = { applicationId: ctx.params.id, projectId };
        await (action === "deactivate" ? api.applications.deactivateApplication(request) : api.applications.reactivateApplication(request));
        ctx.status = 303;
        ctx.redirect(appUrl(ctx.params.id, projectId, "", { notice: done }));
      } catch (error) {
        await detailPage(ctx, ctx.params.id, { section: "state", failure: failureOf(error) });
      }
    });
  }

  router.get("/applications/:id/deactivate", (ctx) => confirmPage(ctx, ctx.params.id, "deactivate"));
  router.get("/applications/:id/delete", (ctx) => confirmPage(ctx, ctx.params.id, "delete"));

  router.post("/applications/:id/delete", async (ctx) => {
    const { api, form } = ctx.state.console;
    const projectId = form.get("project") ?? "";
    try {
      await api.applications.deleteApplication({ applicationId: ctx.params.id, projectId });
      // Deleting is idempotent within the named project: an app of another project is left alone.
      if (await stillThere(ctx, ctx.params.id)) {
        throw new BadForm("project", `The application is not in project ${projectId}; nothing was deleted.`, 409);
      }
      ctx.status = 303;
      ctx.redirect(`${APPS}?${new URLSearchParams({ project: projectId, notice: "deleted" }).toString()}`);
    } catch (error) {
      await confirmPage(ctx, ctx.params.id, "delete", failureOf(error));
    }
  });
};

async function stillThere(ctx: ConsoleContext, applicationId: string): Promise<boolean> {
  try {
    await ctx.state.console.api.applications.getApplication({ applicationId });
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** The app's page, or a page saying it cannot be seen (with a failed form's refusal, when there is one). */
async function withApplication(
  ctx: ConsoleContext,
  id: string,
  failure: Failure | undefined,
  show: (located: Located) => void | Promise<void>,
) {
  const { api, page } = ctx.state.console;
  const located = await locateApplication(api, id);
  if (located) return await show(located);
  if (failure) {
    return page("That did not work", "/applications", html`<h1>That did not work</h1>${errorBox(failure.message)}`, failure.status);
  }
  page(
    "Application not found",
    "/applications",
    html`<p><a href="${APPS}">Applications</a></p><h1>Application not found</h1><p>There is no application ${id} that you may see.</p>`,
    404,
  );
}

export async function detailPage(ctx: ConsoleContext, id: string, failed?: DetailFailure) {
  await withApplication(ctx, id, failed?.failure, (located) => showDetail(ctx, located, failed));
}

async function showDetail(ctx: ConsoleContext, located: Located, failed: DetailFailure | undefined) {
  const { csrfToken, page } = ctx.state.console;
  const { app, project } = located;
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const failedIn = (section: DetailFailure["section"]) => (failed?.section === section ? failed.failure : undefined);
  // Keys are for key-authenticated apps only.
  const keys = usesKeys(app) ? await keysSection(ctx, located, failed?.section === "keys" ? failed : undefined) : "";
  page(
    app.name,
    "/applications",
    html`${breadcrumb(project)}
<h1>${app.name}</h1>
${notice(shown)}
<h2>Settings</h2>
${settingsInWords(app, project)}
${usesSecret(app) ? secretSection(located, csrfToken, failedIn("secret")) : ""}
${keys}
${settingsSection(located, csrfToken, failed?.section === "settings" ? failed : undefined)}
${stateSection(located, csrfToken, failedIn("state"))}
<section class="card" aria-labelledby="delete-app">
<h2 id="delete-app">Delete</h2>
<p>Deleting removes the application, its secret and keys: nobody can sign in with it any more.</p>
<p><a class="button danger" href="${appUrl(app.applicationId, project.projectId, "/delete")}">Delete this application…</a></p>
</section>`,
    failed?.failure.status,
  );
}

const authMethodOf = (app: Application) =>
  app.configuration.case === "oidcConfiguration" || app.configuration.case === "apiConfiguration"
    ? app.configuration.value.authMethodType
    : undefined;

function usesSecret(app: Application): boolean {
  const method = authMethodOf(app);
  if (app.configuration.case === "apiConfiguration") return method === APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;
  return method === OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC || method === OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST;
}

export function usesKeys(app: Application): boolean {
  const method = authMethodOf(app);
  if (app.configuration.case === "apiConfiguration") return method === APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;
  return method === OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;
}

const yesNo = (on: boolean) => (on ? "yes" : "no");
const uriList = (uris: string[]) =>
  uris.length ? html`<ul class="plain">${uris.map((u) => html`<li><code>${u}</code></li>`)}</ul>` : "none";
const described = (choice: { label: string; hint?: string } | undefined) =>
  choice ? html`${choice.label}${choice.hint ? html`<span class="muted"> – ${choice.hint}</span>` : ""}` : "unknown";

function settingsInWords(app: Application, project: Project): Html {
  const [type, ...settings]: [string, Value][] =
    app.configuration.case === "oidcConfiguration"
      ? oidcInWords(app.configuration.value)
      : app.configuration.case === "apiConfiguration"
        ? [
            ["Type", html`API<span class="muted"> – a resource server that introspects tokens; nobody signs in with it</span>`],
            ["Authentication", described(choiceOf(API_AUTH_METHODS, app.configuration.value.authMethodType))],
          ]
        : [["Type", typeOf(app)]];
  const rows: [string, Value][] = [
    ["Project", html`<a href="${APPS}?${new URLSearchParams({ project: project.projectId }).toString()}">${project.name}</a>`],
    type!,
    ["State", STATES[app.state]],
    ["Client ID", html`<code>${clientIdOf(app)}</code>`],
    ...settings,
    ["Created", formatTime(app.creationDate)],
    ["Changed", formatTime(app.changeDate)],
    ["Application ID", app.applicationId],
  ];
  return html`<dl class="settings">${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

function oidcInWords(c: OIDCConfiguration): [string, Value][] {
  const labels = <N extends number>(choices: { num: N; label: string }[], nums: N[]) =>
    nums.length ? nums.map((n) => choices.find((c) => c.num === n)?.label ?? String(n)).join(", ") : "none";
  return [
    ["Type", html`OIDC, ${described(choiceOf(APP_TYPES, c.applicationType))}`],
    ["Authentication", described(choiceOf(AUTH_METHODS, c.authMethodType))],
    ["Redirect URIs", uriList(c.redirectUris)],
    ["Post-logout redirect URIs", uriList(c.postLogoutRedirectUris)],
    ["Response types", labels(RESPONSE_TYPES, c.responseTypes)],
    ["Grant types", labels(GRANT_TYPES, c.grantTypes)],
    ["Access token", described(choiceOf(TOKEN_TYPES, c.accessTokenType))],
    ["Roles in the access token", yesNo(c.accessTokenRoleAssertion)],
    ["Roles in the ID token", yesNo(c.idTokenRoleAssertion)],
    ["User info in the ID token", yesNo(c.idTokenUserinfoAssertion)],
    ["Development mode", c.developmentMode ? "on – http redirect URIs are allowed on any host" : "off"],
    ["Allowed origins (CORS)", uriList(c.allowedOrigins)],
  ];
}

function secretSection({ app, project }: Located, csrfToken: string, failure: Failure | undefined): Html {
  return html`<section class="card" aria-labelledby="client-secret">
<h2 id="client-secret">Client secret</h2>
<p>rolegate keeps only a hash of the secret, so it cannot show it again. A new secret is shown once, and the old one stops working at once. An app that changed to Basic or Post from another method has no secret until one is generated here.</p>
${errorBox(failure?.message)}
<form method="post" action="${`${APPS}/${app.applicationId}/secret`}">
${csrfField(csrfToken)}<input type="hidden" name="project" value="${project.projectId}">
<button type="submit" class="secondary">Regenerate the client secret</button>
</form>
</section>`;
}

function settingsSection({ app, project }: Located, csrfToken: string, failed: DetailFailure | undefined): Html {
  const invalid = failed?.failure.field;
  const name = failed?.name ?? app.name;
  const isApi = app.configuration.case === "apiConfiguration";
  let fields: Html;
  if (app.configuration.case === "apiConfiguration") {
    const method = failed?.apiAuthMethod ?? choiceOf(API_AUTH_METHODS, app.configuration.value.authMethodType)?.value ?? "";
    fields = choiceGroup("radio", "authMethod", "Authentication", API_AUTH_METHODS, [method], invalid === "authMethod");
  } else if (app.configuration.case === "oidcConfiguration") {
    fields = oidcFields(failed?.oidc ?? oidcFormOf(app.configuration.value), invalid, true);
  } else {
    fields = html``;
  }
  return html`<section class="card" aria-labelledby="change-settings">
<h2 id="change-settings">Change settings</h2>
${errorBox(failed?.failure.message)}
<form method="post" action="${`${APPS}/${app.applicationId}/settings`}">
${csrfField(csrfToken)}<input type="hidden" name="project" value="${project.projectId}"><input type="hidden" name="kind" value="${isApi ? "api" : "oidc"}">
${textField("name", "Name", name, { required: true, invalid: invalid === "name" })}
${fields}
<button type="submit">Save settings</button>
</form>
</section>`;
}

function stateSection({ app, project }: Located, csrfToken: string, failure: Failure | undefined): Html {
  const active = STATES[app.state] === "active";
  const action = active ? "deactivate" : "reactivate";
  return html`<section class="card" aria-labelledby="app-state">
<h2 id="app-state">State</h2>
<p>${active ? "The application is active: users can sign in with it and it can call rolegate." : "The application is inactive: nobody can sign in with it, and its credentials are refused."}</p>
${errorBox(failure?.message)}
${
  active
    ? html`<p><a class="button danger" href="${appUrl(app.applicationId, project.projectId, "/deactivate")}">Deactivate the application…</a></p>`
    : html`<form method="post" action="${`${APPS}/${app.applicationId}/${action}`}">
${csrfField(csrfToken)}<input type="hidden" name="project" value="${project.projectId}">
<button type="submit" class="secondary">Reactivate the application</button>
</form>`
}
</section>`;
}

const CONFIRM = {
  delete: {
    says: "is deleted with its secret and keys, and its users' consents to the management API are withdrawn. Nobody can sign in with it any more. This cannot be undone.",
    button: "Delete the application",
    impact: "deleteApplication",
  },
  deactivate: {
    says: "stops: nobody can sign in with it, and its credentials are refused, until it is reactivated.",
    button: "Deactivate the application",
    impact: "deactivateApplication",
  },
} as const;

/** Asks to confirm a deletion or deactivation, showing who loses the app (the impact preview). */
async function confirmPage(ctx: ConsoleContext, id: string, change: keyof typeof CONFIRM, failure?: Failure) {
  const { csrfToken, page } = ctx.state.console;
  const what = CONFIRM[change];
  await withApplication(ctx, id, failure, async ({ app, project }) =>
    page(
      `${what.button}: ${app.name}`,
      "/applications",
      html`${breadcrumb(project)}
<h1>${change === "delete" ? "Delete" : "Deactivate"} ${app.name}?</h1>
${errorBox(failure?.message)}
<p>The application ${app.name} (${typeOf(app)}, client ID <code>${clientIdOf(app)}</code>) of project ${project.name} ${what.says}</p>
${await impactSection(ctx, { case: what.impact, value: app.applicationId })}
<form method="post" action="${`${APPS}/${app.applicationId}/${change}`}" class="actions">
${csrfField(csrfToken)}<input type="hidden" name="project" value="${project.projectId}">
<button type="submit" class="danger">${what.button}</button>
<a href="${appUrl(app.applicationId, project.projectId)}">Cancel</a>
</form>`,
      failure?.status,
    ),
  );
}

/** A secret shown once, on the answer to the form that made it (never in a URL). */
export function secretPage(
  ctx: ConsoleContext,
  shown: {
    title: string;
    heading: Html;
    lead: string;
    clientId: string;
    clientSecret: string;
    back: string;
    status?: number;
    extra?: Html;
  },
) {
  ctx.state.console.page(
    shown.title,
    "/applications",
    html`<h1>${shown.heading}</h1>
<p>${shown.lead}</p>
<dl class="settings">
  <dt>Client ID</dt><dd><code id="client-id">${shown.clientId}</code></dd>
  ${shown.clientSecret ? html`<dt>Client secret</dt><dd><p class="secret" id="client-secret-value">${shown.clientSecret}</p></dd>` : ""}
</dl>
${shown.clientSecret ? html`<p class="notice" role="status">Copy the client secret now: it is shown only this once. rolegate keeps only its hash; if it is lost, regenerate it.</p>` : ""}
${shown.extra ?? ""}
<p><a href="${shown.back}">Continue to the application</a></p>`,
    shown.status,
  );
}
