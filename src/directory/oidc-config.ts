// The rules of an application's sign-in configuration, as ZITADEL's app API states them: which
// fields an OIDC or API app has, their defaults, and which combinations are valid (redirect URIs,
// grant and response types, auth methods, dev mode, clock skew, origins). Pure: no database, so
// test/directory/oidc-config.test.ts checks every rule on its own. applications.ts stores the result.
import type { AccessTokenType, Application, AuthMethod, OidcAppType } from "../generated/prisma/client.js";
import { assertThat, failedPrecondition, invalidArgument } from "./errors.js";
import { optionalBoolean, optionalEnum, requireEnum, requireList, requireText } from "./validate.js";

export const RESPONSE_TYPES = ["CODE", "ID_TOKEN", "ID_TOKEN_TOKEN"] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];
export const GRANT_TYPES = ["AUTHORIZATION_CODE", "IMPLICIT", "REFRESH_TOKEN", "DEVICE_CODE", "TOKEN_EXCHANGE"] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export const APP_TYPES = ["WEB", "USER_AGENT", "NATIVE"] as const satisfies readonly OidcAppType[];
export const OIDC_AUTH_METHODS = ["BASIC", "POST", "NONE", "PRIVATE_KEY_JWT"] as const satisfies readonly AuthMethod[];
export const API_AUTH_METHODS = ["BASIC", "PRIVATE_KEY_JWT"] as const satisfies readonly AuthMethod[];
export type ApiAuthMethod = (typeof API_AUTH_METHODS)[number];
export const ACCESS_TOKEN_TYPES = ["BEARER", "JWT"] as const satisfies readonly AccessTokenType[];
export const MAX_CLOCK_SKEW_MS = 5000;

/** The OIDC settings; absent fields keep their default (create) or current value (update). */
export interface OidcConfigInput {
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  responseTypes?: ResponseType[] | undefined;
  grantTypes?: GrantType[] | undefined;
  appType?: OidcAppType | undefined;
  authMethod?: AuthMethod | undefined;
  accessTokenType?: AccessTokenType | undefined;
  accessTokenRoleAssertion?: boolean | undefined;
  idTokenRoleAssertion?: boolean | undefined;
  idTokenUserinfoAssertion?: boolean | undefined;
  devMode?: boolean | undefined;
  clockSkewMs?: number | undefined;
  additionalOrigins?: string[] | undefined;
}

export interface ApiConfigInput {
  authMethod?: ApiAuthMethod | undefined;
}

/** The complete OIDC columns of an application. */
export interface OidcConfig {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  responseTypes: ResponseType[];
  grantTypes: GrantType[];
  appType: OidcAppType;
  authMethod: AuthMethod;
  accessTokenType: AccessTokenType;
  accessTokenRoleAssertion: boolean;
  idTokenRoleAssertion: boolean;
  idTokenUserinfoAssertion: boolean;
  devMode: boolean;
  clockSkewMs: number;
  additionalOrigins: string[];
}

/** The columns that describe how an app signs in; `kind` never changes after creation. */
export type AppColumns = (OidcConfig & { kind: "OIDC" }) | (Omit<OidcConfig, "appType"> & { kind: "API"; appType: null });

// ---------------------------------------------------------------------------------------------
// Reading and checking the configuration

function optionalList<T>(field: string, value: unknown, item: (field: string, value: unknown) => T): T[] | undefined {
  return value === undefined || value === null ? undefined : requireList(field, value, item);
}

const readUriText = (field: string, value: unknown) => requireText(field, value, { max: 2048 });

function readClockSkew(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  assertThat(typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_CLOCK_SKEW_MS, () =>
    invalidArgument("clockSkewMs", `must be a whole number of milliseconds from 0 to ${MAX_CLOCK_SKEW_MS}`),
  );
  return value;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Checks the shape of each given OIDC field; rules across fields run on the merged config. */
function readOidcChanges(input: OidcConfigInput): Partial<OidcConfig> {
  return withoutUndefined({
    redirectUris: optionalList("redirectUris", input.redirectUris, readUriText),
    postLogoutRedirectUris: optionalList("postLogoutRedirectUris", input.postLogoutRedirectUris, readUriText),
    responseTypes: optionalList("responseTypes", input.responseTypes, (f, v) => requireEnum(f, v, RESPONSE_TYPES)),
    grantTypes: optionalList("grantTypes", input.grantTypes, (f, v) => requireEnum(f, v, GRANT_TYPES)),
    appType: optionalEnum("appType", input.appType, APP_TYPES),
    authMethod: optionalEnum("authMethod", input.authMethod, OIDC_AUTH_METHODS),
    accessTokenType: optionalEnum("accessTokenType", input.accessTokenType, ACCESS_TOKEN_TYPES),
    accessTokenRoleAssertion: optionalBoolean("accessTokenRoleAssertion", input.accessTokenRoleAssertion),
    idTokenRoleAssertion: optionalBoolean("idTokenRoleAssertion", input.idTokenRoleAssertion),
    idTokenUserinfoAssertion: optionalBoolean("idTokenUserinfoAssertion", input.idTokenUserinfoAssertion),
    devMode: optionalBoolean("devMode", input.devMode),
    clockSkewMs: readClockSkew(input.clockSkewMs),
    additionalOrigins: optionalList("additionalOrigins", input.additionalOrigins, readUriText),
  });
}

const isPublicAppType = (appType: OidcAppType) => appType === "NATIVE" || appType === "USER_AGENT";

/**
 * Defaults as ZITADEL fills them: an empty list of grant or response types counts as absent.
 * Response types follow the grants (CODE for the code flow, ID_TOKEN for the implicit flow), so a
 * device-code-only app needs no response type. Public app types default to auth method NONE, the
 * only one they may use; WEB apps to BASIC.
 */
function defaultOidcConfig(changes: Partial<OidcConfig>): OidcConfig {
  const grantTypes: GrantType[] = changes.grantTypes?.length ? changes.grantTypes : ["AUTHORIZATION_CODE"];
  const responseTypes: ResponseType[] = changes.responseTypes?.length ? changes.responseTypes : defaultResponseTypes(grantTypes);
  const appType = changes.appType ?? "WEB";
  return {
    ...unsetSettings(),
    appType,
    authMethod: isPublicAppType(appType) ? "NONE" : "BASIC",
    ...changes,
    grantTypes,
    responseTypes,
  };
}

/** The OIDC settings an app has before anything is set: what an API app keeps, as it signs nobody in. */
function unsetSettings(): Omit<OidcConfig, "appType" | "authMethod"> {
  return {
    redirectUris: [],
    postLogoutRedirectUris: [],
    responseTypes: [],
    grantTypes: [],
    accessTokenType: "BEARER",
    accessTokenRoleAssertion: false,
    idTokenRoleAssertion: false,
    idTokenUserinfoAssertion: false,
    devMode: false,
    clockSkewMs: 0,
    additionalOrigins: [],
  };
}

function defaultResponseTypes(grants: GrantType[]): ResponseType[] {
  return [
    ...(grants.includes("AUTHORIZATION_CODE") ? (["CODE"] as const) : []),
    ...(grants.includes("IMPLICIT") ? (["ID_TOKEN"] as const) : []),
  ];
}

/** Validates a complete OIDC config as a whole and returns it with origins normalised. */
function checkOidcConfig(config: OidcConfig): OidcConfig {
  for (const [i, uri] of config.redirectUris.entries()) checkRedirectUri(`redirectUris[${i}]`, uri, config);
  for (const [i, uri] of config.postLogoutRedirectUris.entries()) checkRedirectUri(`postLogoutRedirectUris[${i}]`, uri, config);
  const additionalOrigins = [...new Set(config.additionalOrigins.map((o, i) => readOrigin(`additionalOrigins[${i}]`, o)))];
  checkPublicClient(config);
  checkFlows(config);
  return { ...config, additionalOrigins };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
// Custom schemes let native apps receive their callback; these would run code or read local data instead.
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:", "about:"]);

function checkRedirectUri(field: string, uri: string, app: Pick<OidcConfig, "appType" | "devMode">): void {
  const url = parseAbsoluteUri(field, uri);
  // Authorization responses may be delivered in the fragment; a registered one would clash (RFC 6749 3.1.2).
  assertThat(!uri.includes("#"), () => invalidArgument(field, "must not contain a fragment"));
  if (url.protocol === "https:") return;
  if (url.protocol === "http:") {
    assertThat(app.devMode || LOOPBACK_HOSTS.has(url.hostname), () =>
      invalidArgument(field, "http is allowed only for localhost, 127.0.0.1 and [::1] unless dev mode is on; use https"),
    );
    return;
  }
  assertThat(app.appType === "NATIVE", () =>
    invalidArgument(field, `${app.appType} apps must use http(s); custom schemes are for NATIVE apps`),
  );
  assertThat(!FORBIDDEN_SCHEMES.has(url.protocol), () => invalidArgument(field, `the scheme ${url.protocol} is not allowed`));
}

function parseAbsoluteUri(field: string, uri: string): URL {
  // The URL parser silently drops tabs and newlines; a stored URI must match what clients send.
  assertThat(!/[\s\u0000-\u001f\u007f]/.test(uri), () => invalidArgument(field, "must not contain whitespace or control characters"));
  try {
    return new URL(uri);
  } catch {
    throw invalidArgument(field, "must be an absolute URI, e.g. https://app.example.com/callback");
  }
}

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+$/i;

/** An origin as browsers send it in the Origin header: scheme://host[:port], lowercased, no default port. */
function readOrigin(field: string, value: string): string {
  const wrong = () => invalidArgument(field, "must be an origin like https://app.example.com (scheme, host, optional port; no path)");
  assertThat(ORIGIN.test(value), wrong);
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    throw wrong();
  }
}

/**
 * NATIVE and USER_AGENT apps cannot keep a secret, so they are public clients (NONE, with PKCE).
 * WEB apps may use any method, NONE included: PKCE-only web apps (e.g. Auth.js with PKCE) are common.
 */
function checkPublicClient(config: OidcConfig): void {
  assertThat(!isPublicAppType(config.appType) || config.authMethod === "NONE", () =>
    invalidArgument("authMethod", `${config.appType} apps are public clients and must use NONE (with PKCE)`),
  );
}

const GRANT_FOR_RESPONSE: Record<ResponseType, GrantType> = {
  CODE: "AUTHORIZATION_CODE",
  ID_TOKEN: "IMPLICIT",
  ID_TOKEN_TOKEN: "IMPLICIT",
};

function checkFlows(config: OidcConfig): void {
  const grants = new Set(config.grantTypes);
  assertThat(grants.size > 0, () => invalidArgument("grantTypes", "must not be empty"));
  for (const responseType of config.responseTypes) {
    const grant = GRANT_FOR_RESPONSE[responseType];
    assertThat(grants.has(grant), () => invalidArgument("responseTypes", `response type ${responseType} requires the grant type ${grant}`));
  }
  assertThat(!grants.has("REFRESH_TOKEN") || grants.has("AUTHORIZATION_CODE"), () =>
    invalidArgument("grantTypes", "REFRESH_TOKEN requires the grant type AUTHORIZATION_CODE"),
  );
  const redirects = grants.has("AUTHORIZATION_CODE") || grants.has("IMPLICIT");
  assertThat(!redirects || config.redirectUris.length > 0, () =>
    invalidArgument("redirectUris", "at least one redirect URI is required for the authorization code and implicit flows"),
  );
}

function apiColumns(authMethod: ApiAuthMethod): AppColumns {
  return { kind: "API", authMethod, appType: null, ...unsetSettings() };
}

function storedOidcConfig(app: StoredAppConfig): OidcConfig {
  return {
    redirectUris: app.redirectUris,
    postLogoutRedirectUris: app.postLogoutRedirectUris,
    responseTypes: app.responseTypes as ResponseType[],
    grantTypes: app.grantTypes as GrantType[],
    appType: app.appType ?? "WEB",
    authMethod: app.authMethod,
    accessTokenType: app.accessTokenType,
    accessTokenRoleAssertion: app.accessTokenRoleAssertion,
    idTokenRoleAssertion: app.idTokenRoleAssertion,
    idTokenUserinfoAssertion: app.idTokenUserinfoAssertion,
    devMode: app.devMode,
    clockSkewMs: app.clockSkewMs,
    additionalOrigins: app.additionalOrigins,
  };
}

/** BASIC and POST authenticate with the client secret; NONE and PRIVATE_KEY_JWT never have one. */
export function usesClientSecret(authMethod: AuthMethod): boolean {
  return authMethod === "BASIC" || authMethod === "POST";
}

export function usesKeys(authMethod: AuthMethod): boolean {
  return authMethod === "PRIVATE_KEY_JWT";
}

// ---------------------------------------------------------------------------------------------
// An app's columns on create and update

/** The settings of a create or update request: OIDC settings or API settings. */
export interface AppSettingsInput {
  oidc?: OidcConfigInput | undefined;
  api?: ApiConfigInput | undefined;
}

/** The columns of a new app: exactly one of oidc and api, defaults filled in, validated as a whole. */
export function newAppColumns(input: AppSettingsInput): AppColumns {
  assertThat(!input.oidc !== !input.api, () => invalidArgument("oidc", "give exactly one of oidc and api"));
  if (input.api) return apiColumns(optionalEnum("authMethod", input.api.authMethod, API_AUTH_METHODS) ?? "BASIC");
  return { kind: "OIDC", ...checkOidcConfig(defaultOidcConfig(readOidcChanges(input.oidc!))) };
}

/** The checked fields of an update, before the app they apply to is known. */
export interface AppChanges {
  oidc?: Partial<OidcConfig> | undefined;
  apiMethod?: ApiAuthMethod | undefined;
}

export function readAppChanges(input: AppSettingsInput): AppChanges {
  assertThat(!(input.oidc && input.api), () => invalidArgument("api", "give either oidc or api settings, not both"));
  const oidc = input.oidc ? readOidcChanges(input.oidc) : undefined;
  const apiMethod = input.api ? optionalEnum("authMethod", input.api.authMethod, API_AUTH_METHODS) : undefined;
  return { oidc, apiMethod };
}

/** The stored columns an update reads. */
export type StoredAppConfig = Pick<Application, "id" | "kind" | keyof OidcConfig>;

/** An app's columns after an update: the changes merged into what it has, validated as a whole. */
export function mergeAppColumns(app: StoredAppConfig, changes: AppChanges): AppColumns {
  if (app.kind === "API") {
    assertThat(!changes.oidc, () => failedPrecondition(`application ${app.id} is an API app and has no OIDC settings`, "oidc"));
    return apiColumns(changes.apiMethod ?? (app.authMethod as ApiAuthMethod));
  }
  assertThat(changes.apiMethod === undefined, () =>
    failedPrecondition(`application ${app.id} is an OIDC app and has no API settings`, "api"),
  );
  return { kind: "OIDC", ...checkOidcConfig({ ...storedOidcConfig(app), ...changes.oidc }) };
}
