// What zitadel.app.v2beta and zitadel.application.v2 messages share: the same enum numbers, the
// same OIDC settings under mostly the same names. Only the parts that differ live in app-service*.ts.
import type { Duration } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type * as apps from "../directory/applications.js";
import { invalidArgument } from "../directory/errors.js";
import type { ApiAuthMethod, GrantType, OidcConfigInput, ResponseType } from "../directory/oidc-config.js";
import { appOrigins } from "../directory/origins.js";
import type { AccessTokenType, ActiveState, AuthMethod, OidcAppType } from "../generated/prisma/client.js";
import { fromEnum, optionalFromEnum, toEnum, ts } from "./convert.js";

const STATE = { ACTIVE: 1, INACTIVE: 2 } as const;
const STATE_FILTER: Record<number, ActiveState | undefined> = { 0: undefined, 1: "ACTIVE", 2: "INACTIVE" };
const RESPONSE_TYPE: Record<number, ResponseType> = { 1: "CODE", 2: "ID_TOKEN", 3: "ID_TOKEN_TOKEN" };
const GRANT_TYPE: Record<number, GrantType> = {
  0: "AUTHORIZATION_CODE",
  1: "IMPLICIT",
  2: "REFRESH_TOKEN",
  3: "DEVICE_CODE",
  4: "TOKEN_EXCHANGE",
};
const APP_TYPE: Record<number, OidcAppType> = { 0: "WEB", 1: "USER_AGENT", 2: "NATIVE" };
const OIDC_AUTH_METHOD: Record<number, AuthMethod> = { 0: "BASIC", 1: "POST", 2: "NONE", 3: "PRIVATE_KEY_JWT" };
const API_AUTH_METHOD: Record<number, ApiAuthMethod> = { 0: "BASIC", 1: "PRIVATE_KEY_JWT" };
const TOKEN_TYPE: Record<number, AccessTokenType> = { 0: "BEARER", 1: "JWT" };
const OIDC_VERSION: Record<number, "1.0"> = { 0: "1.0" };
export const APP_SORT: Record<number, apps.ApplicationSort> = {
  0: "id",
  1: "name",
  2: "state",
  3: "creationDate",
  4: "changeDate",
};
// Every app key has the same type (JSON), so sorting by type is sorting by id.
export const KEY_SORT: Record<number, apps.ApplicationKeySort> = {
  0: "id",
  1: "projectId",
  2: "applicationId",
  3: "creationDate",
  4: "organizationId",
  5: "expirationDate",
  6: "id",
};

/** Where the directory's OIDC field names differ from the protos' (both versions). */
export const OIDC_FIELDS = { authMethod: "authMethodType", clockSkewMs: "clockSkew" };

export const samlUnsupported = () => new ConnectError("SAML applications are not supported", Code.Unimplemented);

/** Milliseconds of a Duration; the directory checks the range and that it is whole. */
function durationMs(d: Duration | undefined): number | undefined {
  return d ? Number(d.seconds) * 1000 + d.nanos / 1e6 : undefined;
}

function toDuration(ms: number): Duration {
  return { $typeName: "google.protobuf.Duration", seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/** Back-channel logout is not implemented: refuse it rather than silently never calling the URI. */
function rejectBackChannelLogout(uri: string | undefined): void {
  if (uri) throw invalidArgument("backChannelLogoutUri", "back-channel logout is not supported");
}

const responseTypes = (list: number[]) => list.map((t, i) => fromEnum(`responseTypes[${i}]`, t, RESPONSE_TYPE));
const grantTypes = (list: number[]) => list.map((t, i) => fromEnum(`grantTypes[${i}]`, t, GRANT_TYPE));

/**
 * The OIDC settings of a create request, named as v2beta names them (v2 says applicationType for
 * appType and developmentMode for devMode); `appTypeField` names the request's field in errors.
 */
interface NewOidcMessage {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  responseTypes: number[];
  grantTypes: number[];
  appType: number;
  authMethodType: number;
  version: number;
  devMode: boolean;
  accessTokenType: number;
  accessTokenRoleAssertion: boolean;
  idTokenRoleAssertion: boolean;
  idTokenUserinfoAssertion: boolean;
  clockSkew?: Duration | undefined;
  additionalOrigins: string[];
  backChannelLogoutUri: string;
}

type OidcLists = "redirectUris" | "postLogoutRedirectUris" | "responseTypes" | "grantTypes" | "additionalOrigins";
/** The OIDC settings of an update request; unset fields keep their value. */
type OidcChangesMessage = Pick<NewOidcMessage, OidcLists> & Partial<Omit<NewOidcMessage, OidcLists>>;

/** A new OIDC app; proto3 defaults (WEB, BASIC, BEARER) are explicit values here. */
export function readNewOidc(r: NewOidcMessage, appTypeField = "appType"): OidcConfigInput {
  fromEnum("version", r.version, OIDC_VERSION);
  rejectBackChannelLogout(r.backChannelLogoutUri);
  return {
    redirectUris: r.redirectUris,
    postLogoutRedirectUris: r.postLogoutRedirectUris,
    responseTypes: responseTypes(r.responseTypes),
    grantTypes: grantTypes(r.grantTypes),
    appType: fromEnum(appTypeField, r.appType, APP_TYPE),
    authMethod: fromEnum("authMethodType", r.authMethodType, OIDC_AUTH_METHOD),
    accessTokenType: fromEnum("accessTokenType", r.accessTokenType, TOKEN_TYPE),
    accessTokenRoleAssertion: r.accessTokenRoleAssertion,
    idTokenRoleAssertion: r.idTokenRoleAssertion,
    idTokenUserinfoAssertion: r.idTokenUserinfoAssertion,
    devMode: r.devMode,
    clockSkewMs: durationMs(r.clockSkew),
    additionalOrigins: r.additionalOrigins,
  };
}

/**
 * Changes to an OIDC app: unset optional fields, and empty lists (proto3 cannot tell them from
 * absent ones, and ZITADEL reads them as "unchanged" too), keep their current value
 * (docs/rules.md#r-app-4: the result is checked as a whole).
 */
export function readOidcChanges(r: OidcChangesMessage, appTypeField = "appType"): OidcConfigInput {
  optionalFromEnum("version", r.version, OIDC_VERSION);
  rejectBackChannelLogout(r.backChannelLogoutUri);
  const list = <T>(items: T[]) => (items.length ? items : undefined);
  return {
    redirectUris: list(r.redirectUris),
    postLogoutRedirectUris: list(r.postLogoutRedirectUris),
    responseTypes: list(responseTypes(r.responseTypes)),
    grantTypes: list(grantTypes(r.grantTypes)),
    appType: optionalFromEnum(appTypeField, r.appType, APP_TYPE),
    authMethod: optionalFromEnum("authMethodType", r.authMethodType, OIDC_AUTH_METHOD),
    accessTokenType: optionalFromEnum("accessTokenType", r.accessTokenType, TOKEN_TYPE),
    accessTokenRoleAssertion: r.accessTokenRoleAssertion,
    idTokenRoleAssertion: r.idTokenRoleAssertion,
    idTokenUserinfoAssertion: r.idTokenUserinfoAssertion,
    devMode: r.devMode,
    clockSkewMs: durationMs(r.clockSkew),
    additionalOrigins: list(r.additionalOrigins),
  };
}

/** A state filter's value; REMOVED (3) is refused, as removed apps are not kept. */
export function readStateFilter(value: number): ActiveState | undefined {
  if (value === 3) throw invalidArgument("stateFilter", "removed applications are not kept; filter by ACTIVE or INACTIVE");
  return fromEnum("stateFilter", value, STATE_FILTER);
}

export const readApiAuthMethod = (authMethodType: number) => fromEnum("authMethodType", authMethodType, API_AUTH_METHOD);

/** An Application message's common part, without its id field (`id` in v2beta, `applicationId` in v2). */
export function applicationFields(app: apps.AppView) {
  return { creationDate: ts(app.createdAt), changeDate: ts(app.updatedAt), state: STATE[app.state], name: app.name };
}

/** APIConfiguration, the same in both versions. */
export function apiSettings(app: apps.AppView) {
  return { clientId: app.clientId, authMethodType: toEnum(API_AUTH_METHOD, app.authMethod as ApiAuthMethod) };
}

/** The OIDC settings both versions name alike; appType and devMode follow in each version's names. */
export function oidcSettings(app: apps.AppView) {
  return {
    clientId: app.clientId,
    redirectUris: app.redirectUris,
    responseTypes: (app.responseTypes as ResponseType[]).map((t) => toEnum(RESPONSE_TYPE, t)),
    grantTypes: (app.grantTypes as GrantType[]).map((t) => toEnum(GRANT_TYPE, t)),
    authMethodType: toEnum(OIDC_AUTH_METHOD, app.authMethod),
    postLogoutRedirectUris: app.postLogoutRedirectUris,
    version: 0,
    complianceProblems: [],
    accessTokenType: toEnum(TOKEN_TYPE, app.accessTokenType),
    accessTokenRoleAssertion: app.accessTokenRoleAssertion,
    idTokenRoleAssertion: app.idTokenRoleAssertion,
    idTokenUserinfoAssertion: app.idTokenUserinfoAssertion,
    clockSkew: toDuration(app.clockSkewMs),
    additionalOrigins: app.additionalOrigins,
    allowedOrigins: [...appOrigins(app.redirectUris, app.additionalOrigins)],
    skipNativeAppSuccessPage: false,
    backChannelLogoutUri: "",
  };
}

export const appTypeOf = (app: apps.AppView) => toEnum(APP_TYPE, app.appType ?? "WEB");

/** An ApplicationKey message without its id field (`id` in v2beta, `keyId` in v2). */
export function keyFields(k: apps.ApplicationKeyInfo) {
  return {
    applicationId: k.applicationId,
    projectId: k.projectId,
    organizationId: k.organizationId,
    creationDate: ts(k.createdAt),
    expirationDate: ts(k.expirationDate),
  };
}
