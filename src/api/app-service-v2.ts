// zitadel.application.v2.ApplicationService: message mapping onto the shared operations
// (app-operations.ts). Differs from v2beta in names (applicationId, keyId, *Configuration,
// applicationType, developmentMode, nonCompliant), GenerateClientSecret for RegenerateClientSecret
// (without the claimed app type), and repeated filters for the project and key scopes.
// SAML apps are not supported (`unimplemented`), as in v2beta.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type * as apps from "../directory/applications.js";
import { invalidArgument } from "../directory/errors.js";
import type { ApplicationKeySearchFilter, ApplicationSearchFilter } from "../generated/proto/zitadel/application/v2/application_pb.js";
import type { ApplicationService } from "../generated/proto/zitadel/application/v2/application_service_pb.js";
import {
  APP_SORT,
  appTypeOf,
  apiSettings,
  applicationFields,
  KEY_SORT,
  keyFields,
  OIDC_FIELDS,
  oidcSettings,
  readApiAuthMethod,
  readNewOidc,
  readOidcChanges,
  readStateFilter,
  samlUnsupported,
} from "./app-messages.js";
import { type AppKindFilter, appOperations, type ListKeysInput } from "./app-operations.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, now, pagination, paginationResponse, textFilter, ts } from "./convert.js";

/** Where the directory's OIDC field names differ from v2's. */
const V2_OIDC_FIELDS = { ...OIDC_FIELDS, appType: "applicationType", devMode: "developmentMode" };
/** ApplicationType as a kind filter; UNSPECIFIED is refused. */
const TYPE_FILTER: Record<number, AppKindFilter> = { 1: "OIDC", 2: "API", 3: "SAML" };

export function appServiceV2(deps: ApiDeps): ServiceImpl<typeof ApplicationService> {
  const configurations = { ...V2_OIDC_FIELDS, oidc: "oidcConfiguration", api: "apiConfiguration" };
  const ops = appOperations(deps, {
    fields: { app: { id: "applicationId" }, create: configurations, update: configurations, newKey: {}, key: { id: "keyId" } },
  });
  return {
    async createApplication(req, ctx) {
      const {
        app,
        clientId,
        clientSecret = "",
      } = await ops.createApplication(ctx, req.projectId, () => {
        const input: apps.CreateApplicationInput = { projectId: req.projectId, id: req.applicationId, name: req.name };
        const type = req.applicationType;
        switch (type.case) {
          case "oidcConfiguration": {
            const r = type.value;
            input.oidc = readNewOidc({ ...r, appType: r.applicationType, devMode: r.developmentMode }, "applicationType");
            return input;
          }
          case "apiConfiguration":
            input.api = { authMethod: readApiAuthMethod(type.value.authMethodType) };
            return input;
          case "samlConfiguration":
            throw samlUnsupported();
          default:
            throw invalidArgument("applicationType", "set one of oidcConfiguration and apiConfiguration");
        }
      });
      const base = { applicationId: app.id, creationDate: ts(app.createdAt) };
      if (app.kind === "API") return { ...base, applicationType: { case: "apiConfiguration", value: { clientId, clientSecret } } };
      return {
        ...base,
        applicationType: { case: "oidcConfiguration", value: { clientId, clientSecret, nonCompliant: false, complianceProblems: [] } },
      };
    },

    async updateApplication(req, ctx) {
      const app = await ops.updateApplication(ctx, req.projectId, () => {
        const input: apps.UpdateApplicationInput = { projectId: req.projectId, id: req.applicationId, name: req.name || undefined };
        const type = req.applicationType;
        switch (type.case) {
          case "oidcConfiguration": {
            const r = type.value;
            input.oidc = readOidcChanges({ ...r, appType: r.applicationType, devMode: r.developmentMode }, "applicationType");
            break;
          }
          case "apiConfiguration":
            input.api = { authMethod: readApiAuthMethod(type.value.authMethodType) };
            break;
          case "samlConfiguration":
            throw samlUnsupported();
        }
        return input;
      });
      return { changeDate: ts(app.updatedAt) };
    },

    async getApplication(req, ctx) {
      return { application: toApplication(await ops.getApplication(ctx, req.applicationId)) };
    },

    async deleteApplication(req, ctx) {
      await ops.deleteApplication(ctx, { projectId: req.projectId, id: req.applicationId });
      return { deletionDate: now() };
    },

    async deactivateApplication(req, ctx) {
      const app = await ops.deactivateApplication(ctx, { projectId: req.projectId, id: req.applicationId });
      return { deactivationDate: ts(app.updatedAt) };
    },

    async reactivateApplication(req, ctx) {
      const app = await ops.reactivateApplication(ctx, { projectId: req.projectId, id: req.applicationId });
      return { reactivationDate: ts(app.updatedAt) };
    },

    async generateClientSecret(req, ctx) {
      const { clientSecret, app } = await ops.generateClientSecret(ctx, { projectId: req.projectId, applicationId: req.applicationId });
      return { clientSecret, creationDate: ts(app.updatedAt) };
    },

    async listApplications(req, ctx) {
      const projectIds = req.filters.flatMap(({ filter }) => (filter.case === "projectIdFilter" ? [filter.value.projectId] : []));
      const page = await ops.listApplications(ctx, projectIds, () => {
        const input: Omit<apps.ListApplicationsInput, "type"> = {
          pagination: pagination(req.pagination),
          sortBy: fromEnum("sortingColumn", req.sortingColumn, APP_SORT),
        };
        return { input, kinds: readAppFilters(req.filters, input) };
      });
      return { pagination: paginationResponse(page), applications: page.items.map(toApplication) };
    },

    async createApplicationKey(req, ctx) {
      const created = await ops.createApplicationKey(ctx, {
        projectId: req.projectId,
        applicationId: req.applicationId,
        expirationDate: req.expirationDate ? timestampDate(req.expirationDate) : undefined,
      });
      return {
        keyId: created.keyId,
        creationDate: ts(created.key.createdAt),
        keyDetails: new TextEncoder().encode(created.keyContent ?? ""),
      };
    },

    async deleteApplicationKey(req, ctx) {
      await ops.deleteApplicationKey(ctx, { id: req.keyId, projectId: req.projectId, applicationId: req.applicationId });
      return { deletionDate: now() };
    },

    async getApplicationKey(req, ctx) {
      const key = await ops.getApplicationKey(ctx, { id: req.keyId });
      return { keyId: key.id, creationDate: ts(key.createdAt), expirationDate: ts(key.expirationDate) };
    },

    async listApplicationKeys(req, ctx) {
      const page = await ops.listApplicationKeys(ctx, {
        pagination: pagination(req.pagination),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, KEY_SORT),
        ...readKeyFilters(req.filters),
      });
      return { pagination: paginationResponse(page), keys: page.items.map((k) => ({ keyId: k.id, ...keyFields(k) })) };
    },
  };
}

/** Name, state and type filters (the project filters are read before); all must hold. */
function readAppFilters(filters: ApplicationSearchFilter[], input: apps.ListApplicationsInput): Set<AppKindFilter> {
  const kinds = new Set<AppKindFilter>();
  for (const { filter } of filters) {
    switch (filter.case) {
      case "nameFilter":
        input.name = textFilter("nameFilter", filter.value.name, filter.value.method);
        break;
      case "stateFilter":
        input.state = readStateFilter(filter.value);
        break;
      case "typeFilter":
        kinds.add(fromEnum("typeFilter", filter.value, TYPE_FILTER));
        break;
    }
  }
  return kinds;
}

function readKeyFilters(filters: ApplicationKeySearchFilter[]): Pick<ListKeysInput, "applicationIds" | "projectIds" | "organizationIds"> {
  const scope = { applicationIds: [] as string[], projectIds: [] as string[], organizationIds: [] as string[] };
  for (const { filter } of filters) {
    if (filter.case === "applicationIdFilter") scope.applicationIds.push(filter.value.applicationId);
    if (filter.case === "projectIdFilter") scope.projectIds.push(filter.value.projectId);
    if (filter.case === "organizationIdFilter") scope.organizationIds.push(filter.value.organizationId);
  }
  return scope;
}

function toApplication(app: apps.AppView) {
  const base = { applicationId: app.id, projectId: app.projectId, ...applicationFields(app) };
  if (app.kind === "API") return { ...base, configuration: { case: "apiConfiguration" as const, value: apiSettings(app) } };
  const value = { ...oidcSettings(app), applicationType: appTypeOf(app), developmentMode: app.devMode, nonCompliant: false };
  return { ...base, configuration: { case: "oidcConfiguration" as const, value } };
}
