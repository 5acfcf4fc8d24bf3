// The application service's behaviour, once for every version (v2beta AppService, v2
// ApplicationService): who may do what, and which directory call does it. Takes plain inputs and
// returns directory rows; the version files (app-service*.ts) only translate messages.
// Rules: docs/rules.md#r-app-1 to docs/rules.md#r-app-6 (enforced by the directory).
import type { HandlerContext } from "@connectrpc/connect";
import { canManageProject, scopeOf, type Principal } from "../access/permissions.js";
import * as apps from "../directory/applications.js";
import { DomainError, failedPrecondition, notFound } from "../directory/errors.js";
import { type Page, type Pagination, readPagination } from "../directory/list.js";
import * as projects from "../directory/projects.js";
import { requireId } from "../directory/validate.js";
import type { AppKind } from "../generated/prisma/client.js";
import { callOf, requireThat, type ApiDeps, type Call, contextOrganization } from "./context.js";

/** The directory's field names → the request's, so that errors name the request's fields. */
export interface AppOperationsOptions {
  fields: {
    /** Every application operation (the directory names an application's id `id`). */
    app: Record<string, string>;
    /** Creating and updating an application, in addition. */
    create: Record<string, string>;
    update: Record<string, string>;
    /** Creating a key. */
    newKey: Record<string, string>;
    /** Reading and deleting a key (the directory names a key's id `id`). */
    key: Record<string, string>;
  };
  /**
   * v1 works within one organization, the `x-zitadel-orgid` header's or else the caller's own: an
   * app or key of another organization's project is not found there (or left alone by the
   * idempotent removals), even for an instance owner (docs/rules.md#r-admin-6).
   */
  withinContextOrganization?: boolean;
}

/** A filter on the kind of the listed apps: SAML matches nothing, as there are no SAML apps. */
export type AppKindFilter = AppKind | "SAML";

/** Which keys to list: each list a condition (empty: any). */
export interface ListKeysInput extends Pick<apps.ListApplicationKeysInput, "pagination" | "sortBy"> {
  applicationIds: string[];
  projectIds: string[];
  organizationIds: string[];
}

const CONFLICT = Symbol("conflicting filters");

/** The one value all conditions name, undefined for none, CONFLICT when they name different ones. */
function single(values: string[]): string | undefined | typeof CONFLICT {
  const distinct = new Set(values);
  return distinct.size > 1 ? CONFLICT : [...distinct][0];
}

const emptyPage = (pagination: Pagination | undefined) => ({ items: [], totalResult: 0, appliedLimit: readPagination(pagination).take });

export function appOperations(deps: ApiDeps, { fields, withinContextOrganization = false }: AppOperationsOptions) {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  const inContext = (c: Call, project: { orgId: string }) => !withinContextOrganization || project.orgId === contextOrganization(c);

  /** A project whose apps the caller reads; another tenant's project is reported as not found. */
  async function readableProject(c: Call, id: string) {
    const project = await projects.getProject(c.dir, requireId("projectId", id));
    if (!canManageProject(c.principal, project) || !inContext(c, project)) throw notFound("project", id);
    return project;
  }

  /** A project whose apps the caller changes: unknown (or outside the context) → not_found, another tenant's → permission_denied. */
  async function writableProject(c: Call, id: string) {
    const project = await projects.getProject(c.dir, requireId("projectId", id));
    if (!inContext(c, project)) throw notFound("project", id);
    requireThat(canManageProject(c.principal, project), `manage the applications of project ${id}`);
    return project;
  }

  /** An application the caller reads (of the project, when given); one of another tenant's projects is reported as not found. */
  async function readableApplication(c: Call, id: string, projectId?: string) {
    const app = await apps.getApplication(c.dir, { id, projectId });
    const project = await projects.getProject(c.dir, app.projectId);
    if (!canManageProject(c.principal, project) || !inContext(c, project)) throw notFound("application", id);
    return app;
  }

  const onApp = <T>(run: () => Promise<T>) => withProtoFields(fields.app, run);
  const onKey = <T>(run: () => Promise<T>) => withProtoFields(fields.key, run);

  return {
    /** `readInput` runs once the caller may change the project: another tenant learns nothing from its errors. */
    async createApplication(ctx: HandlerContext, projectId: string, readInput: () => apps.CreateApplicationInput) {
      const c = call(ctx);
      await writableProject(c, projectId);
      const input = readInput();
      return withProtoFields({ ...fields.app, ...fields.create }, () => apps.createApplication(c.dir, input));
    },

    async updateApplication(ctx: HandlerContext, projectId: string, readInput: () => apps.UpdateApplicationInput) {
      const c = call(ctx);
      await writableProject(c, projectId);
      const input = readInput();
      return withProtoFields({ ...fields.app, ...fields.update }, () => apps.updateApplication(c.dir, input));
    },

    /** `projectId`, when given, must be the app's project (v1 names both). */
    getApplication(ctx: HandlerContext, id: string, projectId?: string): Promise<apps.AppView> {
      return onApp(() => readableApplication(call(ctx), id, projectId));
    },

    /** Idempotent: an unknown project or app is no error (docs/rules.md#r-app-6). */
    deleteApplication: (ctx: HandlerContext, ref: apps.ApplicationRef): Promise<void> =>
      onApp(async () => {
        const c = call(ctx);
        const id = requireId("id", ref.id);
        const project = await projects.findProject(c.dir, requireId("projectId", ref.projectId));
        if (!project || !inContext(c, project)) return;
        requireThat(canManageProject(c.principal, project), `delete applications of project ${project.id}`);
        await apps.deleteApplication(c.dir, { projectId: project.id, id });
      }),

    deactivateApplication: (ctx: HandlerContext, ref: apps.ApplicationRef): Promise<apps.AppView> =>
      onApp(async () => {
        const c = call(ctx);
        await writableProject(c, ref.projectId);
        return apps.deactivateApplication(c.dir, ref);
      }),

    reactivateApplication: (ctx: HandlerContext, ref: apps.ApplicationRef): Promise<apps.AppView> =>
      onApp(async () => {
        const c = call(ctx);
        await writableProject(c, ref.projectId);
        return apps.reactivateApplication(c.dir, ref);
      }),

    /**
     * A new client secret; the old one stops working at once (docs/rules.md#r-app-1). `claimed` is
     * the kind the request says the app is (v2beta only), refused when the app is of another.
     */
    generateClientSecret: (
      ctx: HandlerContext,
      input: { projectId: string; applicationId: string; claimed?: { kind: AppKind; field: string } | undefined },
    ) =>
      onApp(async () => {
        const c = call(ctx);
        await writableProject(c, input.projectId);
        if (input.claimed) {
          const app = await apps.getApplication(c.dir, { projectId: input.projectId, id: requireId("applicationId", input.applicationId) });
          if (app.kind !== input.claimed.kind) {
            throw failedPrecondition(`${input.claimed.field}: application ${app.id} is an ${app.kind} app`, input.claimed.field);
          }
        }
        return apps.regenerateClientSecret(c.dir, { projectId: input.projectId, applicationId: input.applicationId });
      }),

    /**
     * The apps the caller sees, of the given projects (another tenant's is not found). All filters
     * must hold: two projects, two kinds, or SAML, match nothing.
     */
    async listApplications(
      ctx: HandlerContext,
      projectIds: string[],
      readInput: () => { input: Omit<apps.ListApplicationsInput, "visibleTo" | "projectId" | "type">; kinds: Set<AppKindFilter> },
    ): Promise<Page<apps.AppView>> {
      const c = call(ctx);
      for (const id of projectIds) await readableProject(c, id);
      const { input, kinds } = readInput();
      const projectId = single(projectIds);
      if (projectId === CONFLICT || kinds.size > 1 || kinds.has("SAML")) return emptyPage(input.pagination);
      return apps.listApplications(c.dir, {
        ...input,
        projectId,
        type: [...kinds][0] as AppKind | undefined,
        visibleTo: visibilityOf(c.principal),
      });
    },

    async createApplicationKey(ctx: HandlerContext, input: apps.CreateApplicationKeyInput): Promise<apps.CreatedApplicationKey> {
      const c = call(ctx);
      await writableProject(c, input.projectId);
      return withProtoFields(fields.newKey, () => apps.createApplicationKey(c.dir, input));
    },

    /** Idempotent: an unknown key is no error. */
    deleteApplicationKey: (ctx: HandlerContext, key: apps.ApplicationKeyScope & { id: string }): Promise<void> =>
      onKey(async () => {
        const c = call(ctx);
        const found = await findKey(c, key);
        if (!found || !inContext(c, keyProject(found))) return;
        requireThat(canManageProject(c.principal, keyProject(found)), `delete keys of applications of project ${found.projectId}`);
        await apps.deleteApplicationKey(c.dir, key);
      }),

    getApplicationKey: (ctx: HandlerContext, key: apps.ApplicationKeyScope & { id: string }): Promise<apps.ApplicationKeyInfo> =>
      onKey(async () => {
        const c = call(ctx);
        const found = await apps.getApplicationKey(c.dir, key);
        if (!canManageProject(c.principal, keyProject(found)) || !inContext(c, keyProject(found))) {
          throw notFound("application key", key.id);
        }
        return found;
      }),

    /**
     * The keys the caller sees, of the given apps, projects and organizations (all must hold); a
     * named app or project of another tenant is not found.
     */
    async listApplicationKeys(ctx: HandlerContext, input: ListKeysInput): Promise<Page<apps.ApplicationKeyInfo>> {
      const c = call(ctx);
      for (const id of input.applicationIds) await readableApplication(c, requireId("applicationId", id));
      for (const id of input.projectIds) await readableProject(c, id);
      for (const id of input.organizationIds) requireId("organizationId", id);
      const scope = {
        applicationId: single(input.applicationIds),
        projectId: single(input.projectIds),
        organizationId: single(input.organizationIds),
      };
      if (Object.values(scope).includes(CONFLICT)) return emptyPage(input.pagination);
      return apps.listApplicationKeys(c.dir, {
        ...(scope as apps.ApplicationKeyScope),
        pagination: input.pagination,
        sortBy: input.sortBy,
        visibleTo: visibilityOf(c.principal),
      });
    },
  };
}

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

/** Instance owners see every app; everyone else the apps of the projects they administer. */
function visibilityOf(p: Principal): apps.AppVisibility | undefined {
  const scope = scopeOf(p);
  return scope.all ? undefined : { orgIds: scope.orgIds, projectIds: scope.projectIds };
}
