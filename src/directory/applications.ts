// Applications of a project: OIDC apps (clients that sign users in) and API apps (resource servers
// that introspect tokens), with their client secrets and keys. rolegate keeps only a hash of each
// secret and only the public half of each key: secrets and private keys reach the caller once.
import type { ActiveState, AppKind, Application, Organization, Project } from "../generated/prisma/client.js";
import { newId } from "../ids.js";
import { writeAudit } from "./audit.js";
import { inTransaction, type DirectoryContext, type Tx } from "./context.js";
import { readExpiration } from "./expiration.js";
import { alreadyExists, assertThat, failedPrecondition, notFound } from "./errors.js";
import { changeState, deleteAudited, refuseSameState } from "./audited-writes.js";
import { generateRsaKeyPair, readPublicKey, type ApplicationKeyFile } from "./key-files.js";
import { readPagination, textWhere, type Page, type Pagination, type TextFilter, type Visibility } from "./list.js";
import {
  mergeAppColumns,
  newAppColumns,
  readAppChanges,
  usesClientSecret,
  usesKeys,
  type ApiConfigInput,
  type OidcConfigInput,
} from "./oidc-config.js";
import { loadProject } from "./projects.js";
import { generateSecret, hashSecret } from "./secrets.js";
import { optionalEnum, optionalText, requireId, requireText } from "./validate.js";

export type { Application };

/** An application as the management API shows it: everything but the secret's hash. */
export type AppView = Omit<Application, "clientSecretHash">;
const HIDE_SECRET = { clientSecretHash: true } as const;

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

export async function createApplication(ctx: DirectoryContext, input: CreateApplicationInput): Promise<CreatedApplication> {
  const projectId = requireId("projectId", input.projectId);
  const name = requireText("name", input.name);
  const id = input.id === undefined || input.id === "" ? newId() : requireId("id", input.id);
  const columns = newAppColumns(input);
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
  const changes = readAppChanges(input);
  return inTransaction(ctx, async (tx) => {
    const before = await loadApplication(tx, projectId, id);
    const columns = mergeAppColumns(before, changes);
    const dropSecret = !usesClientSecret(columns.authMethod) && before.clientSecretHash !== null;
    const after = await tx.application.update({
      where: { id },
      data: { ...(name === undefined ? {} : { name }), ...columns, ...(dropSecret ? { clientSecretHash: null } : {}) },
      omit: HIDE_SECRET,
    });
    await writeAudit(tx, ctx.actor.id, { action: "application.updated", targetType: "application", targetId: id, before, after });
    return after;
  });
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
  return changeState<AppView>(ctx, {
    to: state,
    action: state === "ACTIVE" ? "application.reactivated" : "application.deactivated",
    targetType: "application",
    load: (tx) => loadApplication(tx, projectId, id),
    // As ZITADEL: deactivating an inactive app (or reactivating an active one) is an error.
    refusal: refuseSameState(`application ${id}`, state),
    save: (tx) => tx.application.update({ where: { id }, data: { state }, omit: HIDE_SECRET }),
  });
}

/** Deletes an app and (by foreign key) its keys. Unknown ids, or ids of another project, return false. */
export async function deleteApplication(ctx: DirectoryContext, input: ApplicationRef): Promise<boolean> {
  const projectId = requireId("projectId", input.projectId);
  const id = requireId("id", input.id);
  return deleteAudited(ctx, {
    action: "application.deleted",
    targetType: "application",
    find: (tx) => tx.application.findFirst({ where: { id, projectId } }),
    // deleteMany: a concurrent delete leaves nothing to delete instead of raising an error.
    remove: async (tx) => (await tx.application.deleteMany({ where: { id, projectId } })).count > 0,
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

/** The app with this id, with its project and owning org (whatever their states). Unknown → null. */
export async function findApplicationWithOwner(ctx: DirectoryContext, id: string): Promise<ApplicationWithOwner | null> {
  return ctx.prisma.application.findUnique({
    where: { id: requireId("applicationId", id) },
    include: { project: { include: { org: true } } },
  });
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
  return deleteAudited(ctx, {
    action: "application.key.deleted",
    targetType: "application_key",
    find: (tx) => tx.applicationKey.findFirst({ where, include: KEY_OWNER }),
    remove: async (tx) => (await tx.applicationKey.deleteMany({ where: { id } })).count > 0,
    show: toKeyInfo,
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
