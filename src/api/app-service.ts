// zitadel.app.v2beta.AppService on the directory: OIDC and API apps, client secrets, app keys.
// SAML apps are not supported (`unimplemented`).
import { timestampDate, type Duration } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { ApplicationSearchFilter } from "@zitadel/proto/zitadel/app/v2beta/app_pb.js";
import type {
  AppService,
  CreateOIDCApplicationRequest,
  UpdateOIDCApplicationConfigurationRequest,
} from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { canManageProject, scopeOf, type Principal } from "../access/permissions.js";
import * as apps from "../directory/applications.js";
import type { ApiAuthMethod, GrantType, OidcConfigInput, ResponseType } from "../directory/oidc-config.js";
import { DomainError, failedPrecondition, invalidArgument, notFound } from "../directory/errors.js";
import { readPagination } from "../directory/list.js";
import * as projects from "../directory/projects.js";
import { appOrigins } from "../directory/origins.js";
import { requireId } from "../directory/validate.js";
import type { AccessTokenType, ActiveState, AppKind, AuthMethod, OidcAppType } from "../generated/prisma/client.js";
import { callOf, requireThat, type ApiDeps, type Call } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, toEnum, ts } from "./convert.js";

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
const APP_SORT: Record<number, apps.ApplicationSort> = { 0: "id", 1: "name", 2: "state", 3: "creationDate", 4: "changeDate" };
// Every app key has the same type (JSON), so sorting by type is sorting by id.
const KEY_SORT: Record<number, apps.ApplicationKeySort> = {
  0: "id",
  1: "projectId",
  2: "applicationId",
  3: "creationDate",
  4: "organizationId",
  5: "expirationDate",
  6: "id",
};

/** Where the directory's field names differ from the proto's. */
const OIDC_FIELDS = { authMethod: "authMethodType", clockSkewMs: "clockSkew" };
const CREATE_FIELDS = { ...OIDC_FIELDS, oidc: "oidcRequest", api: "apiRequest" };
const UPDATE_FIELDS = { ...OIDC_FIELDS, oidc: "oidcConfigurationRequest", api: "apiConfigurationRequest" };
const KEY_FIELDS = { applicationId: "appId" };

/** Runs a directory operation, naming the request's fields in its errors as the proto does. */
async function withProtoFields<T>(renames: Record<string, string>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DomainError) || !error.field || !Object.hasOwn(renames, error.field)) throw error;
    const to = renames[error.field]!;
    const prefix = `${error.field}: `;
    const message = `${to}: ${error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message}`;
    throw new DomainError(error.code, message, to);
  }
}

const samlUnsupported = () => new ConnectError("SAML applications are not supported", Code.Unimplemented);

/** A project whose apps the caller reads; another tenant's project is reported as not found. */
async function readableProject(call: Call, id: string) {
  const project = await projects.getProject(call.dir, requireId("projectId", id));
  if (!canManageProject(call.principal, project)) throw notFound("project", id);
  return project;
}

/** A project whose apps the caller changes: unknown → not_found, another tenant's → permission_denied. */
async function writableProject(call: Call, id: string) {
  const project = await projects.getProject(call.dir, requireId("projectId", id));
  requireThat(canManageProject(call.principal, project), `manage the applications of project ${id}`);
  return project;
}

/** An application the caller reads; one of another tenant's projects is reported as not found. */
async function readableApplication(call: Call, id: string) {
  const app = await apps.getApplication(call.dir, { id });
  const project = await projects.getProject(call.dir, app.projectId);
  if (!canManageProject(call.principal, project)) throw notFound("application", id);
  return app;
}

/** Instance owners see every app; everyone else the apps of the projects they administer. */
function visibilityOf(p: Principal): apps.AppVisibility | undefined {
  const scope = scopeOf(p);
  return scope.all ? undefined : { orgIds: scope.orgIds, projectIds: scope.projectIds };
}

export function appService(deps: ApiDeps): ServiceImpl<typeof AppService> {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  return {
    async createApplication(req, ctx) {
      const c = call(ctx);
      await writableProject(c, req.projectId);
      const input: apps.CreateApplicationInput = { projectId: req.projectId, id: req.id, name: req.name };
      const type = req.creationRequestType;
      switch (type.case) {
        case "oidcRequest":
          input.oidc = readNewOidc(type.value);
          break;
        case "apiRequest":
          input.api = { authMethod: fromEnum("authMethodType", type.value.authMethodType, API_AUTH_METHOD) };
          break;
        case "samlRequest":
          throw samlUnsupported();
        default:
          throw invalidArgument("creationRequestType", "set one of oidcRequest and apiRequest");
      }
      const { app, clientId, clientSecret = "" } = await withProtoFields(CREATE_FIELDS, () => apps.createApplication(c.dir, input));
      const base = { appId: app.id, creationDate: ts(app.createdAt) };
      if (app.kind === "API") return { ...base, creationResponseType: { case: "apiResponse", value: { clientId, clientSecret } } };
      return {
        ...base,
        creationResponseType: { case: "oidcResponse", value: { clientId, clientSecret, noneCompliant: false, complianceProblems: [] } },
      };
    },

    async updateApplication(req, ctx) {
      const c = call(ctx);
      await writableProject(c, req.projectId);
      const input: apps.UpdateApplicationInput = { projectId: req.projectId, id: req.id, name: req.name || undefined };
      const type = req.updateRequestType;
      switch (type.case) {
        case "oidcConfigurationRequest":
          input.oidc = readOidcChanges(type.value);
          break;
        case "apiConfigurationRequest":
          input.api = { authMethod: fromEnum("authMethodType", type.value.authMethodType, API_AUTH_METHOD) };
          break;
        case "samlConfigurationRequest":
          throw samlUnsupported();
      }
      const app = await withProtoFields(UPDATE_FIELDS, () => apps.updateApplication(c.dir, input));
      return { changeDate: ts(app.updatedAt) };
    },

    async getApplication(req, ctx) {
      const c = call(ctx);
      return { app: toApplication(await readableApplication(c, req.id)) };
    },

    async deleteApplication(req, ctx) {
      const c = call(ctx);
      const id = requireId("id", req.id);
      const project = await projects.findProject(c.dir, requireId("projectId", req.projectId));
      if (project) {
        requireThat(canManageProject(c.principal, project), `delete applications of project ${project.id}`);
        await apps.deleteApplication(c.dir, { projectId: project.id, id });
      }
      return { deletionDate: now() };
    },

    async deactivateApplication(req, ctx) {
      const c = call(ctx);
      await writableProject(c, req.projectId);
      const app = await apps.deactivateApplication(c.dir, { projectId: req.projectId, id: req.id });
      return { deactivationDate: ts(app.updatedAt) };
    },

    async reactivateApplication(req, ctx) {
      const c = call(ctx);
      await writableProject(c, req.projectId);
      const app = await apps.reactivateApplication(c.dir, { projectId: req.projectId, id: req.id });
      return { reactivationDate: ts(app.updatedAt) };
    },

    async regenerateClientSecret(req, ctx) {
      const c = call(ctx);
      await writableProject(c, req.projectId);
      const claimed: AppKind | undefined = !req.appType.value ? undefined : req.appType.case === "isOidc" ? "OIDC" : "API";
      if (claimed) {
        const app = await apps.getApplication(c.dir, { projectId: req.projectId, id: requireId("applicationId", req.applicationId) });
        if (app.kind !== claimed) {
          throw failedPrecondition(`${req.appType.case}: application ${app.id} is an ${app.kind} app`, req.appType.case);
        }
      }
      const { clientSecret, app } = await apps.regenerateClientSecret(c.dir, {
        projectId: req.projectId,
        applicationId: req.applicationId,
      });
      return { clientSecret, creationDate: ts(app.updatedAt) };
    },

    async listApplications(req, ctx) {
      const c = call(ctx);
      if (req.projectId) await readableProject(c, req.projectId);
      const input: apps.ListApplicationsInput = {
        projectId: req.projectId || undefined,
        visibleTo: visibilityOf(c.principal),
        pagination: pagination(req.pagination),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, APP_SORT),
      };
      const kinds = readAppFilters(req.filters, input);
      if (kinds.size > 1 || kinds.has("SAML")) {
        // No app is of two kinds, and there are no SAML apps.
        return {
          applications: [],
          pagination: paginationResponse({ totalResult: 0, appliedLimit: readPagination(input.pagination).take }),
        };
      }
      input.type = [...kinds][0] as AppKind | undefined;
      const page = await apps.listApplications(c.dir, input);
      return { pagination: paginationResponse(page), applications: page.items.map(toApplication) };
    },

    async createApplicationKey(req, ctx) {
      const c = call(ctx);
      await writableProject(c, req.projectId);
      const created = await withProtoFields(KEY_FIELDS, () =>
        apps.createApplicationKey(c.dir, {
          projectId: req.projectId,
          applicationId: req.appId,
          expirationDate: req.expirationDate ? timestampDate(req.expirationDate) : undefined,
        }),
      );
      return {
        id: created.keyId,
        creationDate: ts(created.key.createdAt),
        keyDetails: new TextEncoder().encode(created.keyContent ?? ""),
      };
    },

    async deleteApplicationKey(req, ctx) {
      const c = call(ctx);
      const key = await findKey(c, req);
      if (key) {
        requireThat(canManageProject(c.principal, keyProject(key)), `delete keys of applications of project ${key.projectId}`);
        await apps.deleteApplicationKey(c.dir, req);
      }
      return { deletionDate: now() };
    },

    async getApplicationKey(req, ctx) {
      const c = call(ctx);
      const key = await apps.getApplicationKey(c.dir, req);
      if (!canManageProject(c.principal, keyProject(key))) throw notFound("application key", req.id);
      return { id: key.id, creationDate: ts(key.createdAt), expirationDate: ts(key.expirationDate) };
    },

    async listApplicationKeys(req, ctx) {
      const c = call(ctx);
      const input: apps.ListApplicationKeysInput = {
        visibleTo: visibilityOf(c.principal),
        pagination: pagination(req.pagination),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, KEY_SORT),
      };
      const resource = req.resourceId;
      switch (resource.case) {
        case "applicationId":
          await readableApplication(c, requireId("applicationId", resource.value));
          input.applicationId = resource.value;
          break;
        case "projectId":
          await readableProject(c, resource.value);
          input.projectId = resource.value;
          break;
        case "organizationId":
          input.organizationId = requireId("organizationId", resource.value);
          break;
      }
      const page = await apps.listApplicationKeys(c.dir, input);
      return {
        pagination: paginationResponse(page),
        keys: page.items.map((k) => ({
          id: k.id,
          applicationId: k.applicationId,
          projectId: k.projectId,
          organizationId: k.organizationId,
          creationDate: ts(k.createdAt),
          expirationDate: ts(k.expirationDate),
        })),
      };
    },
  };
}

/** The key, or undefined when it does not exist (within the request's optional scope). */
async function findKey(c: Call, scope: apps.ApplicationKeyScope & { id: string }) {
  try {
    return await apps.getApplicationKey(c.dir, scope);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") return undefined;
    throw error;
  }
}

const keyProject = (key: apps.ApplicationKeyInfo) => ({ id: key.projectId, orgId: key.organizationId });

function readAppFilters(filters: ApplicationSearchFilter[], input: apps.ListApplicationsInput): Set<AppKind | "SAML"> {
  const kinds = new Set<AppKind | "SAML">();
  for (const { filter } of filters) {
    switch (filter.case) {
      case "nameFilter":
        input.name = textFilter("nameFilter", filter.value.name, filter.value.method);
        break;
      case "stateFilter":
        if (filter.value === 3) throw invalidArgument("stateFilter", "removed applications are not kept; filter by ACTIVE or INACTIVE");
        input.state = fromEnum("stateFilter", filter.value, STATE_FILTER);
        break;
      case "apiAppOnly":
        if (filter.value) kinds.add("API");
        break;
      case "oidcAppOnly":
        if (filter.value) kinds.add("OIDC");
        break;
      case "samlAppOnly":
        if (filter.value) kinds.add("SAML");
        break;
    }
  }
  return kinds;
}

// ---------------------------------------------------------------------------------------------
// OIDC settings: proto ↔ directory

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

/** A new OIDC app; proto3 defaults (WEB, BASIC, BEARER) are explicit values here. */
function readNewOidc(r: CreateOIDCApplicationRequest): OidcConfigInput {
  fromEnum("version", r.version, OIDC_VERSION);
  rejectBackChannelLogout(r.backChannelLogoutUri);
  return {
    redirectUris: r.redirectUris,
    postLogoutRedirectUris: r.postLogoutRedirectUris,
    responseTypes: responseTypes(r.responseTypes),
    grantTypes: grantTypes(r.grantTypes),
    appType: fromEnum("appType", r.appType, APP_TYPE),
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
 * absent ones, and ZITADEL reads them as "unchanged" too), keep their current value.
 */
function readOidcChanges(r: UpdateOIDCApplicationConfigurationRequest): OidcConfigInput {
  optionalFromEnum("version", r.version, OIDC_VERSION);
  rejectBackChannelLogout(r.backChannelLogoutUri);
  const list = <T>(items: T[]) => (items.length ? items : undefined);
  return {
    redirectUris: list(r.redirectUris),
    postLogoutRedirectUris: list(r.postLogoutRedirectUris),
    responseTypes: list(responseTypes(r.responseTypes)),
    grantTypes: list(grantTypes(r.grantTypes)),
    appType: optionalFromEnum("appType", r.appType, APP_TYPE),
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

function toApplication(app: apps.AppView) {
  const base = {
    id: app.id,
    creationDate: ts(app.createdAt),
    changeDate: ts(app.updatedAt),
    state: STATE[app.state],
    name: app.name,
  };
  if (app.kind === "API") {
    return {
      ...base,
      config: {
        case: "apiConfig" as const,
        value: { clientId: app.clientId, authMethodType: toEnum(API_AUTH_METHOD, app.authMethod as ApiAuthMethod) },
      },
    };
  }
  return {
    ...base,
    config: {
      case: "oidcConfig" as const,
      value: {
        clientId: app.clientId,
        redirectUris: app.redirectUris,
        responseTypes: (app.responseTypes as ResponseType[]).map((t) => toEnum(RESPONSE_TYPE, t)),
        grantTypes: (app.grantTypes as GrantType[]).map((t) => toEnum(GRANT_TYPE, t)),
        appType: toEnum(APP_TYPE, app.appType ?? "WEB"),
        authMethodType: toEnum(OIDC_AUTH_METHOD, app.authMethod),
        postLogoutRedirectUris: app.postLogoutRedirectUris,
        version: 0,
        noneCompliant: false,
        complianceProblems: [],
        devMode: app.devMode,
        accessTokenType: toEnum(TOKEN_TYPE, app.accessTokenType),
        accessTokenRoleAssertion: app.accessTokenRoleAssertion,
        idTokenRoleAssertion: app.idTokenRoleAssertion,
        idTokenUserinfoAssertion: app.idTokenUserinfoAssertion,
        clockSkew: toDuration(app.clockSkewMs),
        additionalOrigins: app.additionalOrigins,
        allowedOrigins: [...appOrigins(app.redirectUris, app.additionalOrigins)],
        skipNativeAppSuccessPage: false,
        backChannelLogoutUri: "",
      },
    },
  };
}
