// The application forms' fields: what each choice means in words, reading the posted form into
// the API's request fields, and turning the API's refusal (which names a request field) into a
// message that names the form's field, which is then marked invalid.
import { APIAuthMethodType } from "../../generated/proto/zitadel/application/v2/api_pb.js";
import {
  type OIDCConfiguration,
  OIDCApplicationType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
  OIDCTokenType,
} from "../../generated/proto/zitadel/application/v2/oidc_pb.js";
import { type Html, html } from "../html.js";
import { refusal } from "./organizations.js";

export interface Choice<N extends number> {
  /** The form's value. */
  value: string;
  num: N;
  label: string;
  hint?: string;
}

export const APP_TYPES: Choice<OIDCApplicationType>[] = [
  { value: "WEB", num: OIDCApplicationType.OIDC_APP_TYPE_WEB, label: "Web", hint: "runs on a server, which can keep a secret" },
  {
    value: "USER_AGENT",
    num: OIDCApplicationType.OIDC_APP_TYPE_USER_AGENT,
    label: "User agent",
    hint: "a single-page app in the browser; a public client",
  },
  { value: "NATIVE", num: OIDCApplicationType.OIDC_APP_TYPE_NATIVE, label: "Native", hint: "a mobile or desktop app; a public client" },
];

export const AUTH_METHODS: Choice<OIDCAuthMethodType>[] = [
  {
    value: "BASIC",
    num: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
    label: "Basic",
    hint: "a client secret in the Authorization header",
  },
  { value: "POST", num: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST, label: "Post", hint: "a client secret in the request body" },
  {
    value: "NONE",
    num: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
    label: "None, with PKCE",
    hint: "no secret; every sign-in must use PKCE (S256). Required for user agent and native apps",
  },
  {
    value: "PRIVATE_KEY_JWT",
    num: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
    label: "Private key JWT",
    hint: "a JWT signed with one of the app's keys",
  },
];

export const API_AUTH_METHODS: Choice<APIAuthMethodType>[] = [
  {
    value: "BASIC",
    num: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC,
    label: "Basic",
    hint: "a client secret in the Authorization header",
  },
  {
    value: "PRIVATE_KEY_JWT",
    num: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
    label: "Private key JWT",
    hint: "a JWT signed with one of the app's keys",
  },
];

export const RESPONSE_TYPES: Choice<OIDCResponseType>[] = [
  { value: "CODE", num: OIDCResponseType.OIDC_RESPONSE_TYPE_CODE, label: "Code", hint: "needs the authorization code grant" },
  { value: "ID_TOKEN", num: OIDCResponseType.OIDC_RESPONSE_TYPE_ID_TOKEN, label: "ID token", hint: "needs the implicit grant" },
  {
    value: "ID_TOKEN_TOKEN",
    num: OIDCResponseType.OIDC_RESPONSE_TYPE_ID_TOKEN_TOKEN,
    label: "ID token and access token",
    hint: "needs the implicit grant",
  },
];

export const GRANT_TYPES: Choice<OIDCGrantType>[] = [
  { value: "AUTHORIZATION_CODE", num: OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, label: "Authorization code" },
  { value: "IMPLICIT", num: OIDCGrantType.OIDC_GRANT_TYPE_IMPLICIT, label: "Implicit" },
  {
    value: "REFRESH_TOKEN",
    num: OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN,
    label: "Refresh token",
    hint: "needs the authorization code grant",
  },
  { value: "DEVICE_CODE", num: OIDCGrantType.OIDC_GRANT_TYPE_DEVICE_CODE, label: "Device code" },
  { value: "TOKEN_EXCHANGE", num: OIDCGrantType.OIDC_GRANT_TYPE_TOKEN_EXCHANGE, label: "Token exchange" },
];

export const TOKEN_TYPES: Choice<OIDCTokenType>[] = [
  {
    value: "BEARER",
    num: OIDCTokenType.OIDC_TOKEN_TYPE_BEARER,
    label: "Bearer (opaque)",
    hint: "resource servers introspect it",
  },
  { value: "JWT", num: OIDCTokenType.OIDC_TOKEN_TYPE_JWT, label: "JWT", hint: "resource servers verify it with the JWKS" },
];

export const choiceOf = <N extends number>(choices: Choice<N>[], num: N) => choices.find((c) => c.num === num);

/** The OIDC settings as typed (kept when the page comes back with an error). */
export interface OidcForm {
  appType: string;
  authMethod: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  additionalOrigins: string;
  responseTypes: string[];
  grantTypes: string[];
  accessTokenType: string;
  accessTokenRoleAssertion: boolean;
  idTokenRoleAssertion: boolean;
  idTokenUserinfoAssertion: boolean;
  devMode: boolean;
}

/** A new app's settings: a web app signing in with the code flow and a secret. */
export const NEW_OIDC: OidcForm = {
  appType: "WEB",
  authMethod: "BASIC",
  redirectUris: "",
  postLogoutRedirectUris: "",
  additionalOrigins: "",
  responseTypes: ["CODE"],
  grantTypes: ["AUTHORIZATION_CODE"],
  accessTokenType: "BEARER",
  accessTokenRoleAssertion: false,
  idTokenRoleAssertion: false,
  idTokenUserinfoAssertion: false,
  devMode: false,
};

export function readOidcForm(form: URLSearchParams): OidcForm {
  return {
    appType: form.get("appType") ?? "",
    authMethod: form.get("authMethod") ?? "",
    redirectUris: form.get("redirectUris") ?? "",
    postLogoutRedirectUris: form.get("postLogoutRedirectUris") ?? "",
    additionalOrigins: form.get("additionalOrigins") ?? "",
    responseTypes: form.getAll("responseTypes"),
    grantTypes: form.getAll("grantTypes"),
    accessTokenType: form.get("accessTokenType") ?? "",
    accessTokenRoleAssertion: form.has("accessTokenRoleAssertion"),
    idTokenRoleAssertion: form.has("idTokenRoleAssertion"),
    idTokenUserinfoAssertion: form.has("idTokenUserinfoAssertion"),
    devMode: form.has("devMode"),
  };
}

export function oidcFormOf(config: OIDCConfiguration): OidcForm {
  const value = <N extends number>(choices: Choice<N>[], num: N) => choiceOf(choices, num)?.value ?? "";
  return {
    appType: value(APP_TYPES, config.applicationType),
    authMethod: value(AUTH_METHODS, config.authMethodType),
    redirectUris: config.redirectUris.join("\n"),
    postLogoutRedirectUris: config.postLogoutRedirectUris.join("\n"),
    additionalOrigins: config.additionalOrigins.join("\n"),
    responseTypes: config.responseTypes.map((t) => value(RESPONSE_TYPES, t)),
    grantTypes: config.grantTypes.map((t) => value(GRANT_TYPES, t)),
    accessTokenType: value(TOKEN_TYPES, config.accessTokenType),
    accessTokenRoleAssertion: config.accessTokenRoleAssertion,
    idTokenRoleAssertion: config.idTokenRoleAssertion,
    idTokenUserinfoAssertion: config.idTokenUserinfoAssertion,
    devMode: config.developmentMode,
  };
}

/** What the console refuses itself (a choice it did not offer, …): the field named, 400 unless said. */
export class BadForm extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function choose<N extends number>(field: string, choices: Choice<N>[], value: string): N {
  const found = choices.find((c) => c.value === value);
  if (!found) throw new BadForm(field, `${LABELS[field] ?? field}: choose one of the offered options.`);
  return found.num;
}

/** A textarea's lines: one entry a line, blank lines ignored. */
export const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/** The request's OIDC settings (create and update share them; the update sends every one). */
export function oidcRequest(f: OidcForm) {
  // An update's empty list means "unchanged" to the API: ask for a grant type rather than save nothing.
  if (f.grantTypes.length === 0) throw new BadForm("grantTypes", "Grant types: choose at least one.");
  return {
    applicationType: choose("appType", APP_TYPES, f.appType),
    authMethodType: choose("authMethod", AUTH_METHODS, f.authMethod),
    redirectUris: lines(f.redirectUris),
    postLogoutRedirectUris: lines(f.postLogoutRedirectUris),
    additionalOrigins: lines(f.additionalOrigins),
    responseTypes: f.responseTypes.map((v) => choose("responseTypes", RESPONSE_TYPES, v)),
    grantTypes: f.grantTypes.map((v) => choose("grantTypes", GRANT_TYPES, v)),
    accessTokenType: choose("accessTokenType", TOKEN_TYPES, f.accessTokenType),
    accessTokenRoleAssertion: f.accessTokenRoleAssertion,
    idTokenRoleAssertion: f.idTokenRoleAssertion,
    idTokenUserinfoAssertion: f.idTokenUserinfoAssertion,
    developmentMode: f.devMode,
  };
}

const LABELS: Record<string, string> = {
  name: "Name",
  project: "Project",
  appType: "Application type",
  authMethod: "Authentication",
  redirectUris: "Redirect URIs",
  postLogoutRedirectUris: "Post-logout redirect URIs",
  additionalOrigins: "Additional origins",
  responseTypes: "Response types",
  grantTypes: "Grant types",
  accessTokenType: "Access token type",
  devMode: "Development mode",
  expirationDate: "Expiration date",
};

/** The request's field names where they differ from the form's. */
const FORM_FIELD: Record<string, string> = {
  projectId: "project",
  applicationType: "appType",
  authMethodType: "authMethod",
  developmentMode: "devMode",
};

/** What the page shows for a refused form: status, message and the field to mark. */
export interface Failure {
  status: number;
  message: string;
  field?: string | undefined;
}

/**
 * The form's own error, or the API's refusal with its field named as the form names it
 * ("redirectUris[1]: …" → "Redirect URIs, line 2: …"); anything but a refusal is rethrown.
 */
export function failureOf(error: unknown): Failure {
  if (error instanceof BadForm) return { status: error.status, message: error.message, field: error.field };
  const { status, message } = refusal(error);
  const named = /^([A-Za-z]+)(?:\[(\d+)\])?: ([\s\S]*)$/.exec(message);
  if (!named) return { status, message };
  const field = FORM_FIELD[named[1]!] ?? named[1]!;
  const label = LABELS[field];
  if (!label) return { status, message };
  const where = named[2] === undefined ? label : `${label}, line ${Number(named[2]) + 1}`;
  return { status, message: `${where}: ${named[3]}`, field };
}

const invalidIf = (invalid: boolean) => (invalid ? html` aria-invalid="true"` : "");

/** A group of radio buttons or checkboxes under a legend. */
export function choiceGroup<N extends number>(
  type: "radio" | "checkbox",
  name: string,
  legend: string,
  choices: Choice<N>[],
  selected: string[],
  invalid: boolean,
): Html {
  const items = choices.map((c) => {
    const id = `${name}-${c.value}`;
    return html`<div class="choice"><input type="${type}" id="${id}" name="${name}" value="${c.value}"${selected.includes(c.value) ? html` checked` : ""}${invalidIf(invalid)}><label for="${id}">${c.label}${c.hint ? html`<span class="muted"> – ${c.hint}</span>` : ""}</label></div>`;
  });
  return html`<fieldset><legend>${legend}</legend>${items}</fieldset>`;
}

export function checkbox(name: string, label: string, checked: boolean, hint?: string): Html {
  return html`<div class="choice"><input type="checkbox" id="${name}" name="${name}" value="on"${checked ? html` checked` : ""}><label for="${name}">${label}${hint ? html`<span class="muted"> – ${hint}</span>` : ""}</label></div>`;
}

export function textArea(name: string, label: string, value: string, options: { hint: string; invalid: boolean }): Html {
  const hintId = `${name}-hint`;
  return html`<label for="${name}">${label}</label><p class="muted" id="${hintId}">${options.hint}</p><textarea id="${name}" name="${name}" rows="3" spellcheck="false" autocapitalize="off" aria-describedby="${hintId}"${invalidIf(options.invalid)}>${value}</textarea>`;
}

/**
 * The OIDC settings' fields. `update`: the API keeps a list that is sent empty, so the hints
 * say so rather than promise to clear it.
 */
export function oidcFields(f: OidcForm, invalid: string | undefined, update = false): Html {
  const keep = update ? " An empty list keeps the current entries." : "";
  return html`${choiceGroup("radio", "appType", "Application type", APP_TYPES, [f.appType], invalid === "appType")}
${choiceGroup("radio", "authMethod", "Authentication", AUTH_METHODS, [f.authMethod], invalid === "authMethod")}
${textArea("redirectUris", "Redirect URIs", f.redirectUris, {
  hint: `One absolute URI a line, matched exactly. https, or http for localhost only unless development mode is on; custom schemes for native apps.${keep}`,
  invalid: invalid === "redirectUris",
})}
${textArea("postLogoutRedirectUris", "Post-logout redirect URIs", f.postLogoutRedirectUris, {
  hint: `Where users may return after signing out; one a line, the same rules.${keep}`,
  invalid: invalid === "postLogoutRedirectUris",
})}
${choiceGroup("checkbox", "responseTypes", "Response types", RESPONSE_TYPES, f.responseTypes, invalid === "responseTypes")}
${choiceGroup("checkbox", "grantTypes", "Grant types", GRANT_TYPES, f.grantTypes, invalid === "grantTypes")}
${choiceGroup("radio", "accessTokenType", "Access token type", TOKEN_TYPES, [f.accessTokenType], invalid === "accessTokenType")}
<fieldset><legend>Claims</legend>
${checkbox("accessTokenRoleAssertion", "Roles in the access token", f.accessTokenRoleAssertion)}
${checkbox("idTokenRoleAssertion", "Roles in the ID token", f.idTokenRoleAssertion)}
${checkbox("idTokenUserinfoAssertion", "User info in the ID token", f.idTokenUserinfoAssertion, "profile, email and phone claims without a userinfo call")}
</fieldset>
<fieldset><legend>Development</legend>
${checkbox("devMode", "Development mode", f.devMode, "allows http redirect URIs on any host; never for production")}
</fieldset>
${textArea("additionalOrigins", "Additional origins", f.additionalOrigins, {
  hint: `Origins (like https://app.example.com) allowed to call the token endpoint from a browser besides the redirect URIs' own.${keep}`,
  invalid: invalid === "additionalOrigins",
})}`;
}
