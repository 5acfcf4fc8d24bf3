// Applications of a project: OIDC apps (clients that sign users in) and API apps (resource servers
// that introspect tokens), with their client secrets and keys. rolegate keeps only a hash of each
// secret and only the public half of each key: secrets and private keys reach the caller once.
import type {
  AccessTokenType,
  ActiveState,
  AppKind,
  Application,
  AuthMethod,
  OidcAppType,
  Organization,
  Project,
} from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { alreadyExists, assertThat, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { loadProject } from "./projects.js";
import { generateRsaKeyPair, readPublicKey, type ApplicationKeyFile } from "./key-files.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter, type Visibility } from "./list.js";
import { generateSecret, hashSecret } from "./secrets.js";
import { optionalBoolean, optionalEnum, optionalText, requireEnum, requireId, requireList, requireText } from "./validate.js";

export type { Application };

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
/** ZITADEL's expiration for keys created without one: they never expire in practice. */
export const NEVER_EXPIRES = new Date("9999-01-01T00:00:00Z");

/** An application as the management API shows it: everything but the secret's hash. */
export type AppView = Omit<Application, "clientSecretHash">;
const HIDE_SECRET = { clientSecretHash: true } as const;

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
interface OidcConfig {
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
type AppColumns = (OidcConfig & { kind: "OIDC" }) | (Omit<OidcConfig, "appType"> & { kind: "API"; appType: null });

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
    redirectUris: [],
    postLogoutRedirectUris: [],
    appType,
    authMethod: isPublicAppType(appType) ? "NONE" : "BASIC",
    accessTokenType: "BEARER",
    accessTokenRoleAssertion: false,
    idTokenRoleAssertion: false,
    idTokenUserinfoAssertion: false,
    devMode: false,
    clockSkewMs: 0,
    additionalOrigins: [],
    ...changes,
    grantTypes,
    responseTypes,
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
  return {
    kind: "API",
    authMethod,
    appType: null,
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

function storedOidcConfig(app: Application): OidcConfig {
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
// Applications

export interface CreateApplicationInput {
  projectId: string;
  name: string;
  /** A caller-chosen id; generated when absent. */
  id?: string | undefined;
  oidc?: OidcConfigInput | undefined;
  api?: ApiConfigInput | undefined;
}

export interface CreatedApplication {
  app: AppView;
  clientId: string;
  /** Only for BASIC and POST: shown once, rolegate keeps its hash. */
  clientSecret?: string | undefined;
}

function readNewColumns(input: CreateApplicationInput): AppColumns {
  assertThat(!input.oidc !== !input.api, () => invalidArgument("oidc", "give exactly one of oidc and api"));
  if (input.api) return apiColumns(optionalEnum("authMethod", input.api.authMethod, API_AUTH_METHODS) ?? "BASIC");
  return { kind: "OIDC", ...checkOidcConfig(defaultOidcConfig(readOidcChanges(input.oidc!))) };
}

export async function createApplication(ctx: DirectoryContext, input: CreateApplicationInput): Promise<CreatedApplication> {
  const projectId = requireId("projectId", input.projectId);
  const name = requireText("name", input.name);
  const id = input.id === undefined || input.id === "" ? newId() : requireId("id", input.id);
  const columns = readNewColumns(input);
  const clientId = newId();
  const clientSecret = usesClientSecret(columns.authMethod) ? generateSecret() : undefined;
  const taken = () => alreadyExists("id", `an application with id ${id} already exists`);
  return inTransaction(
    ctx,
    async (tx) => {
      await loadProject(tx, projectId);
      assertThat(!(await tx.application.findUnique({ where: { id } })), taken);
      const app = await tx.application.create({
        data: { id, projectId, name, clientId, clientSecretHash: clientSecret ? hashSecret(clientSecret) : null, ...columns },
        omit: HIDE_SECRET,
      });
      await writeAudit(tx, ctx.actor.id, { action: "application.created", targetType: "application", targetId: id, after: app });
      return clientSecret ? { app, clientId, clientSecret } : { app, clientId };
    },
    taken,
  );
}

/** Loads an application of the given project; one of another project is as good as missing. */
async function loadApplication(tx: Tx, projectId: string, id: string): Promise<Application> {
  const app = await tx.application.findUnique({ where: { id } });
  if (!app || app.projectId !== projectId) throw notFound("application", id);
  return app;
}

export interface ApplicationRef {
  projectId: string;
  id: string;
}

export async function getApplication(ctx: DirectoryContext, input: { projectId?: string | undefined; id: string }): Promise<AppView> {
  const id = requireId("id", input.id);
  const projectId = input.projectId ? requireId("projectId", input.projectId) : undefined;
  const app = await ctx.prisma.application.findUnique({ where: { id }, omit: HIDE_SECRET });
  if (!app || (projectId && app.projectId !== projectId)) throw notFound("application", id);
  return app;
}

export interface UpdateApplicationInput extends ApplicationRef {
  name?: string | undefined;
  /** Only for OIDC apps; merged into the current settings, then validated as a whole. */
  oidc?: OidcConfigInput | undefined;
  /** Only for API apps. */
  api?: ApiConfigInput | undefined;
}

/**
 * Updates the name and settings. A new auth method without a secret drops the old secret (it must
 * stop working); one that needs a secret where there was none leaves the app without one until
 * regenerateClientSecret, as ZITADEL's update response carries no secret.
 */
export async function updateApplication(ctx: DirectoryContext, input: UpdateApplicationInput): Promise<AppView> {
  const projectId = requireId("projectId", input.projectId);
  const id = requireId("id", input.id);
  const name = optionalText("name", input.name, { min: 1 });
  assertThat(!(input.oidc && input.api), () => invalidArgument("api", "give either oidc or api settings, not both"));
  const oidcChanges = input.oidc ? readOidcChanges(input.oidc) : undefined;
  const apiMethod = input.api ? optionalEnum("authMethod", input.api.authMethod, API_AUTH_METHODS) : undefined;
  return inTransaction(ctx, async (tx) => {
    const before = await loadApplication(tx, projectId, id);
    const columns = mergeColumns(before, oidcChanges, apiMethod);
    const dropSecret = !usesClientSecret(columns.authMethod) && before.clientSecretHash !== null;
    const after = await tx.application.update({
      where: { id },
      data: { ...withoutUndefined({ name }), ...columns, ...(dropSecret ? { clientSecretHash: null } : {}) },
      omit: HIDE_SECRET,
    });
    await writeAudit(tx, ctx.actor.id, { action: "application.updated", targetType: "application", targetId: id, before, after });
    return after;
  });
}

function mergeColumns(app: Application, oidcChanges: Partial<OidcConfig> | undefined, apiMethod: ApiAuthMethod | undefined): AppColumns {
  if (app.kind === "API") {
    assertThat(!oidcChanges, () => failedPrecondition(`application ${app.id} is an API app and has no OIDC settings`, "oidc"));
    return apiColumns(apiMethod ?? (app.authMethod as ApiAuthMethod));
  }
  assertThat(apiMethod === undefined, () => failedPrecondition(`application ${app.id} is an OIDC app and has no API settings`, "api"));
  return { kind: "OIDC", ...checkOidcConfig({ ...storedOidcConfig(app), ...oidcChanges }) };
}

export function deactivateApplication(ctx: DirectoryContext, input: ApplicationRef): Promise<AppView> {
  return setApplicationState(ctx, input, "INACTIVE");
}

export function reactivateApplication(ctx: DirectoryContext, input: ApplicationRef): Promise<AppView> {
  return setApplicationState(ctx, input, "ACTIVE");
}

async function setApplicationState(ctx: DirectoryContext, input: ApplicationRef, state: ActiveState): Promise<AppView> {
  const projectId = requireId("projectId", input.projectId);
  const id = requireId("id", input.id);
  return inTransaction(ctx, async (tx) => {
    const before = await loadApplication(tx, projectId, id);
    // As ZITADEL: deactivating an inactive app (or reactivating an active one) is an error.
    assertThat(before.state !== state, () =>
      failedPrecondition(`application ${id} is already ${state === "ACTIVE" ? "active" : "inactive"}`),
    );
    const after = await tx.application.update({ where: { id }, data: { state }, omit: HIDE_SECRET });
    const action = state === "ACTIVE" ? "application.reactivated" : "application.deactivated";
    await writeAudit(tx, ctx.actor.id, { action, targetType: "application", targetId: id, before, after });
    return after;
  });
}

/** Deletes an app and (by foreign key) its keys. Unknown ids, or ids of another project, return false. */
export async function deleteApplication(ctx: DirectoryContext, input: ApplicationRef): Promise<boolean> {
  const projectId = requireId("projectId", input.projectId);
  const id = requireId("id", input.id);
  return inTransaction(ctx, async (tx) => {
    const before = await tx.application.findFirst({ where: { id, projectId } });
    if (!before) return false;
    // deleteMany: a concurrent delete leaves nothing to delete instead of raising an error.
    const { count } = await tx.application.deleteMany({ where: { id, projectId } });
    if (count === 0) return false;
    await writeAudit(tx, ctx.actor.id, { action: "application.deleted", targetType: "application", targetId: id, before });
    return true;
  });
}

/** A new client secret; the old one stops working at once. */
export async function regenerateClientSecret(
  ctx: DirectoryContext,
  input: { projectId: string; applicationId: string },
): Promise<{ clientSecret: string; app: AppView }> {
  const projectId = requireId("projectId", input.projectId);
  const id = requireId("applicationId", input.applicationId);
  const clientSecret = generateSecret();
  return inTransaction(ctx, async (tx) => {
    const before = await loadApplication(tx, projectId, id);
    assertThat(usesClientSecret(before.authMethod), () =>
      failedPrecondition(`application ${id} authenticates with ${before.authMethod}, which uses no client secret`, "applicationId"),
    );
    const app = await tx.application.update({ where: { id }, data: { clientSecretHash: hashSecret(clientSecret) }, omit: HIDE_SECRET });
    await writeAudit(tx, ctx.actor.id, {
      action: "application.secret_regenerated",
      targetType: "application",
      targetId: id,
      before,
      after: app,
    });
    return { clientSecret, app };
  });
}

export type ApplicationSort = "id" | "name" | "state" | "creationDate" | "changeDate";

export interface ListApplicationsInput {
  pagination?: Pagination | undefined;
  sortBy?: ApplicationSort | undefined;
  projectId?: string | undefined;
  name?: TextFilter | undefined;
  state?: ActiveState | undefined;
  type?: AppKind | undefined;
  clientId?: string | undefined;
  /** Narrows to the apps of projects the caller administers (grants play no part); absent: all. */
  visibleTo?: AppVisibility | undefined;
}

/** The organizations whose projects, and the projects, whose apps an administrator may see. */
export type AppVisibility = Pick<Visibility, "orgIds" | "projectIds">;

const visibleProjectWhere = (v: AppVisibility) => ({ OR: [{ orgId: { in: v.orgIds } }, { id: { in: v.projectIds } }] });

const APP_SORT = { id: "id", name: "name", state: "state", creationDate: "createdAt", changeDate: "updatedAt" } as const;

export async function listApplications(ctx: DirectoryContext, input: ListApplicationsInput = {}): Promise<Page<AppView>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy =
    optionalEnum("sortingColumn", input.sortBy, ["id", "name", "state", "creationDate", "changeDate"] as const) ?? "creationDate";
  const state = optionalEnum("stateFilter", input.state, ["ACTIVE", "INACTIVE"] as const);
  const kind = optionalEnum("type", input.type, ["OIDC", "API"] as const);
  const where = {
    ...(input.projectId ? { projectId: requireId("projectId", input.projectId) } : {}),
    ...(input.name ? { name: textWhere("nameFilter", input.name) } : {}),
    ...(state ? { state } : {}),
    ...(kind ? { kind } : {}),
    ...(input.clientId ? { clientId: requireText("clientId", input.clientId) } : {}),
    ...(input.visibleTo ? { project: visibleProjectWhere(input.visibleTo) } : {}),
  };
  const direction = asc ? "asc" : "desc";
  const [items, total] = await Promise.all([
    ctx.prisma.application.findMany({
      where,
      orderBy: [{ [APP_SORT[sortBy]]: direction }, { id: direction }],
      skip,
      take,
      omit: HIDE_SECRET,
    }),
    ctx.prisma.application.count({ where }),
  ]);
  return { items, totalResult: total, appliedLimit: take };
}

export type ApplicationWithOwner = Application & { project: Project & { org: Organization } };

/**
 * The app behind an OIDC client id, with its project and owning org, for the OIDC layer: a client
 * is known only while app, project and org are all active (docs/rules.md#r-check-1). Unknown → null.
 */
export async function findApplicationByClientId(ctx: DirectoryContext, clientId: string): Promise<ApplicationWithOwner | null> {
  if (typeof clientId !== "string" || clientId === "") return null;
  return ctx.prisma.application.findUnique({ where: { clientId }, include: { project: { include: { org: true } } } });
}

// ---------------------------------------------------------------------------------------------
// Application keys (PRIVATE_KEY_JWT)

/** A key's public data; the private key is never stored. */
export interface ApplicationKeyInfo {
  id: string;
  applicationId: string;
  projectId: string;
  organizationId: string;
  publicKeyPem: string;
  expirationDate: Date;
  createdAt: Date;
}

const KEY_OWNER = { app: { select: { projectId: true, project: { select: { orgId: true } } } } } as const;

interface KeyRow {
  id: string;
  appId: string;
  publicKeyPem: string;
  expirationDate: Date;
  createdAt: Date;
  app: { projectId: string; project: { orgId: string } };
}

function toKeyInfo(row: KeyRow): ApplicationKeyInfo {
  return {
    id: row.id,
    applicationId: row.appId,
    projectId: row.app.projectId,
    organizationId: row.app.project.orgId,
    publicKeyPem: row.publicKeyPem,
    expirationDate: row.expirationDate,
    createdAt: row.createdAt,
  };
}

export interface CreateApplicationKeyInput {
  projectId: string;
  applicationId: string;
  /** Defaults to NEVER_EXPIRES, as ZITADEL. */
  expirationDate?: Date | undefined;
  /** The caller's own public key (PEM); without it rolegate generates a pair and returns a key file. */
  publicKey?: string | Uint8Array | undefined;
}

export interface CreatedApplicationKey {
  keyId: string;
  key: ApplicationKeyInfo;
  /** The JSON key file (ZITADEL's format) when rolegate generated the pair; shown once. */
  keyContent?: string | undefined;
}

function readExpiration(value: unknown): Date {
  if (value === undefined || value === null) return NEVER_EXPIRES;
  assertThat(value instanceof Date && !Number.isNaN(value.getTime()), () => invalidArgument("expirationDate", "must be a date"));
  assertThat(value.getTime() > Date.now(), () => invalidArgument("expirationDate", "must be in the future"));
  return value;
}

export async function createApplicationKey(ctx: DirectoryContext, input: CreateApplicationKeyInput): Promise<CreatedApplicationKey> {
  const projectId = requireId("projectId", input.projectId);
  const appId = requireId("applicationId", input.applicationId);
  const expirationDate = readExpiration(input.expirationDate);
  const given = input.publicKey === undefined || input.publicKey === null ? undefined : readPublicKey("publicKey", input.publicKey);
  const pair = given ? undefined : generateRsaKeyPair();
  const keyId = newId();
  return inTransaction(ctx, async (tx) => {
    const app = await loadApplication(tx, projectId, appId);
    assertThat(usesKeys(app.authMethod), () =>
      failedPrecondition(`application ${appId} authenticates with ${app.authMethod}; keys are for PRIVATE_KEY_JWT`, "applicationId"),
    );
    const row = await tx.applicationKey.create({
      data: { id: keyId, appId, publicKeyPem: given ?? pair!.publicKeyPem, expirationDate },
      include: KEY_OWNER,
    });
    const key = toKeyInfo(row);
    await writeAudit(tx, ctx.actor.id, { action: "application.key.created", targetType: "application_key", targetId: keyId, after: key });
    if (!pair) return { keyId, key };
    const file: ApplicationKeyFile = { type: "application", keyId, key: pair.privateKeyPem, appId, clientId: app.clientId };
    return { keyId, key, keyContent: JSON.stringify(file) };
  });
}

/** Optional narrowing, as ZITADEL's key requests take them: a key outside them counts as missing. */
export interface ApplicationKeyScope {
  projectId?: string | undefined;
  applicationId?: string | undefined;
  organizationId?: string | undefined;
}

function keyScopeWhere(scope: ApplicationKeyScope) {
  const projectId = scope.projectId ? requireId("projectId", scope.projectId) : undefined;
  const appId = scope.applicationId ? requireId("applicationId", scope.applicationId) : undefined;
  const orgId = scope.organizationId ? requireId("organizationId", scope.organizationId) : undefined;
  return {
    ...(appId ? { appId } : {}),
    ...(projectId || orgId ? { app: { ...(projectId ? { projectId } : {}), ...(orgId ? { project: { orgId } } : {}) } } : {}),
  };
}

export async function getApplicationKey(ctx: DirectoryContext, input: ApplicationKeyScope & { id: string }): Promise<ApplicationKeyInfo> {
  const id = requireId("id", input.id);
  const row = await ctx.prisma.applicationKey.findFirst({ where: { id, ...keyScopeWhere(input) }, include: KEY_OWNER });
  if (!row) throw notFound("application key", id);
  return toKeyInfo(row);
}

/** Deletes a key; unknown ids (or ids outside the given scope) return false. */
export async function deleteApplicationKey(ctx: DirectoryContext, input: ApplicationKeyScope & { id: string }): Promise<boolean> {
  const id = requireId("id", input.id);
  const where = { id, ...keyScopeWhere(input) };
  return inTransaction(ctx, async (tx) => {
    const row = await tx.applicationKey.findFirst({ where, include: KEY_OWNER });
    if (!row) return false;
    const { count } = await tx.applicationKey.deleteMany({ where: { id } });
    if (count === 0) return false;
    await writeAudit(tx, ctx.actor.id, {
      action: "application.key.deleted",
      targetType: "application_key",
      targetId: id,
      before: toKeyInfo(row),
    });
    return true;
  });
}

export type ApplicationKeySort = "id" | "applicationId" | "projectId" | "organizationId" | "creationDate" | "expirationDate";

export interface ListApplicationKeysInput extends ApplicationKeyScope {
  pagination?: Pagination | undefined;
  sortBy?: ApplicationKeySort | undefined;
  /** Narrows to the keys of apps the caller administers; absent: all. */
  visibleTo?: AppVisibility | undefined;
}

const KEY_SORTS = ["id", "applicationId", "projectId", "organizationId", "creationDate", "expirationDate"] as const;

function keyOrder(sortBy: ApplicationKeySort, direction: "asc" | "desc") {
  switch (sortBy) {
    case "id":
      return { id: direction };
    case "applicationId":
      return { appId: direction };
    case "projectId":
      return { app: { projectId: direction } };
    case "organizationId":
      return { app: { project: { orgId: direction } } };
    case "creationDate":
      return { createdAt: direction };
    case "expirationDate":
      return { expirationDate: direction };
  }
}

export async function listApplicationKeys(ctx: DirectoryContext, input: ListApplicationKeysInput = {}): Promise<Page<ApplicationKeyInfo>> {
  const { skip, take, asc } = readPagination(input.pagination);
  const sortBy = optionalEnum("sortingColumn", input.sortBy, KEY_SORTS) ?? "creationDate";
  const scope = keyScopeWhere(input);
  const where = input.visibleTo ? { AND: [scope, { app: { project: visibleProjectWhere(input.visibleTo) } }] } : scope;
  const direction = asc ? "asc" : "desc";
  const [rows, total] = await Promise.all([
    ctx.prisma.applicationKey.findMany({
      where,
      orderBy: [keyOrder(sortBy, direction), { id: direction }],
      skip,
      take,
      include: KEY_OWNER,
    }),
    ctx.prisma.applicationKey.count({ where }),
  ]);
  return { items: rows.map(toKeyInfo), totalResult: total, appliedLimit: take };
}
