// zitadel.app.v2beta.AppService: message mapping onto the shared operations (app-operations.ts).
// SAML apps are not supported (`unimplemented`).
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApplicationSearchFilter } from "@zitadel/proto/zitadel/app/v2beta/app_pb.js";
import type { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import type * as apps from "../directory/applications.js";
import { invalidArgument } from "../directory/errors.js";
import type { AppKind } from "../generated/prisma/client.js";
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
import { type AppKindFilter, appOperations } from "./app-operations.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, now, pagination, paginationResponse, textFilter, ts } from "./convert.js";

export function appService(deps: ApiDeps): ServiceImpl<typeof AppService> {
  const ops = appOperations(deps, {
    fields: {
      app: {},
      create: { ...OIDC_FIELDS, oidc: "oidcRequest", api: "apiRequest" },
      update: { ...OIDC_FIELDS, oidc: "oidcConfigurationRequest", api: "apiConfigurationRequest" },
      newKey: { applicationId: "appId" },
      key: {},
    },
  });
  return {
    async createApplication(req, ctx) {
      const {
        app,
        clientId,
        clientSecret = "",
      } = await ops.createApplication(ctx, req.projectId, () => {
        const input: apps.CreateApplicationInput = { projectId: req.projectId, id: req.id, name: req.name };
        const type = req.creationRequestType;
        switch (type.case) {
          case "oidcRequest":
            input.oidc = readNewOidc(type.value);
            return input;
          case "apiRequest":
            input.api = { authMethod: readApiAuthMethod(type.value.authMethodType) };
            return input;
          case "samlRequest":
            throw samlUnsupported();
          default:
            throw invalidArgument("creationRequestType", "set one of oidcRequest and apiRequest");
        }
      });
      const base = { appId: app.id, creationDate: ts(app.createdAt) };
      if (app.kind === "API") return { ...base, creationResponseType: { case: "apiResponse", value: { clientId, clientSecret } } };
      return {
        ...base,
        creationResponseType: { case: "oidcResponse", value: { clientId, clientSecret, noneCompliant: false, complianceProblems: [] } },
      };
    },

    async updateApplication(req, ctx) {
      const app = await ops.updateApplication(ctx, req.projectId, () => {
        const input: apps.UpdateApplicationInput = { projectId: req.projectId, id: req.id, name: req.name || undefined };
        const type = req.updateRequestType;
        switch (type.case) {
          case "oidcConfigurationRequest":
            input.oidc = readOidcChanges(type.value);
            break;
          case "apiConfigurationRequest":
            input.api = { authMethod: readApiAuthMethod(type.value.authMethodType) };
            break;
          case "samlConfigurationRequest":
            throw samlUnsupported();
        }
        return input;
      });
      return { changeDate: ts(app.updatedAt) };
    },

    async getApplication(req, ctx) {
      return { app: toApplication(await ops.getApplication(ctx, req.id)) };
    },

    async deleteApplication(req, ctx) {
      await ops.deleteApplication(ctx, { projectId: req.projectId, id: req.id });
      return { deletionDate: now() };
    },

    async deactivateApplication(req, ctx) {
      const app = await ops.deactivateApplication(ctx, { projectId: req.projectId, id: req.id });
      return { deactivationDate: ts(app.updatedAt) };
    },

    async reactivateApplication(req, ctx) {
      const app = await ops.reactivateApplication(ctx, { projectId: req.projectId, id: req.id });
      return { reactivationDate: ts(app.updatedAt) };
    },

    async regenerateClientSecret(req, ctx) {
      const kind: AppKind | undefined = !req.appType.value ? undefined : req.appType.case === "isOidc" ? "OIDC" : "API";
      const { clientSecret, app } = await ops.generateClientSecret(ctx, {
        projectId: req.projectId,
        applicationId: req.applicationId,
        claimed: kind && { kind, field: req.appType.case! },
      });
      return { clientSecret, creationDate: ts(app.updatedAt) };
    },

    async listApplications(req, ctx) {
      const page = await ops.listApplications(ctx, req.projectId ? [req.projectId] : [], () => {
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
        applicationId: req.appId,
        expirationDate: req.expirationDate ? timestampDate(req.expirationDate) : undefined,
      });
      return {
        id: created.keyId,
        creationDate: ts(created.key.createdAt),
        keyDetails: new TextEncoder().encode(created.keyContent ?? ""),
      };
    },

    async deleteApplicationKey(req, ctx) {
      const { id, projectId, applicationId, organizationId } = req;
      await ops.deleteApplicationKey(ctx, { id, projectId, applicationId, organizationId });
      return { deletionDate: now() };
    },

    async getApplicationKey(req, ctx) {
      const { id, projectId, applicationId, organizationId } = req;
      const key = await ops.getApplicationKey(ctx, { id, projectId, applicationId, organizationId });
      return { id: key.id, creationDate: ts(key.createdAt), expirationDate: ts(key.expirationDate) };
    },

    async listApplicationKeys(req, ctx) {
      const resource = req.resourceId;
      const only = (which: typeof resource.case) => (resource.case === which ? [resource.value as string] : []);
      const page = await ops.listApplicationKeys(ctx, {
        pagination: pagination(req.pagination),
        sortBy: fromEnum("sortingColumn", req.sortingColumn, KEY_SORT),
        applicationIds: only("applicationId"),
        projectIds: only("projectId"),
        organizationIds: only("organizationId"),
      });
      return { pagination: paginationResponse(page), keys: page.items.map((k) => ({ id: k.id, ...keyFields(k) })) };
    },
  };
}

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

function toApplication(app: apps.AppView) {
  const base = { id: app.id, ...applicationFields(app) };
  if (app.kind === "API") return { ...base, config: { case: "apiConfig" as const, value: apiSettings(app) } };
  const value = { ...oidcSettings(app), appType: appTypeOf(app), devMode: app.devMode, noneCompliant: false };
  return { ...base, config: { case: "oidcConfig" as const, value } };
}
