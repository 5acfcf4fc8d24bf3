// zitadel.management.v1 applications and their keys, mapped onto the application operations
// (app-operations.ts) within the request's organization (docs/rules.md#r-admin-6). v1 names an app
// `appId` beside its project; its OIDC response types count from 0 (CODE), v2beta's from 1, so
// they pass through their own table; every other enum has v2beta's numbers. SAML apps are not
// supported: AddSAMLApp and UpdateSAMLAppConfig are left out, so they answer `unimplemented` as v2
// does for SAML (and are not counted as served).
import { create } from "@bufbuild/protobuf";
import { DurationSchema, timestampDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import type * as apps from "../directory/applications.js";
import { invalidArgument } from "../directory/errors.js";
import { apiSettings, appTypeOf, OIDC_FIELDS, oidcSettings, readApiAuthMethod, readNewOidc, readOidcChanges } from "./app-messages.js";
import { appOperations } from "./app-operations.js";
import { callOf, type ApiDeps, contextOrganization } from "./context.js";
import { fromEnum, textFilter, ts } from "./convert.js";

import { changed, details, listDetails, listQuery } from "./v1-messages.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;

const STATE = { ACTIVE: 1, INACTIVE: 2 } as const;
/** v1 OIDCResponseType → v2beta's number (CODE, ID_TOKEN, ID_TOKEN_TOKEN), read by the shared table; and back. */
const RESPONSE_TYPE_IN: Record<number, number> = { 0: 1, 1: 2, 2: 3 };
const RESPONSE_TYPE_OUT: Record<number, number> = { 1: 0, 2: 1, 3: 2 };
const KEY_TYPE_JSON = 1;
const NO_CLOCK_SKEW = create(DurationSchema);

const responseTypesIn = (list: number[]) => list.map((t, i) => fromEnum(`responseTypes[${i}]`, t, RESPONSE_TYPE_IN));

function toApp(app: apps.AppView, resourceOwner: string) {
  const base = { id: app.id, details: details(app, resourceOwner), state: STATE[app.state], name: app.name };
  if (app.kind === "API") return { ...base, config: { case: "apiConfig" as const, value: apiSettings(app) } };
  const settings = oidcSettings(app);
  const value = {
    ...settings,
    responseTypes: settings.responseTypes.map((t) => RESPONSE_TYPE_OUT[t] ?? 0),
    appType: appTypeOf(app),
    devMode: app.devMode,
    noneCompliant: false,
  };
  return { ...base, config: { case: "oidcConfig" as const, value } };
}

/** A key never changes: its change date is its creation date. */
const keyDetails = (k: { createdAt: Date }, resourceOwner: string) =>
  details({ createdAt: k.createdAt, updatedAt: k.createdAt }, resourceOwner);

function toKey(k: apps.ApplicationKeyInfo) {
  return { id: k.id, details: keyDetails(k, k.organizationId), type: KEY_TYPE_JSON, expirationDate: ts(k.expirationDate) };
}

export function managementV1Apps(deps: ApiDeps): Impl {
  const ops = appOperations(deps, {
    fields: {
      app: { id: "appId", applicationId: "appId" },
      create: OIDC_FIELDS,
      update: { ...OIDC_FIELDS, oidc: "appId", api: "appId" },
      newKey: { applicationId: "appId" },
      key: { id: "keyId", applicationId: "appId" },
    },
    withinContextOrganization: true,
  });
  const orgOf = (ctx: HandlerContext) => contextOrganization(callOf(deps, ctx));
  const ref = (req: { projectId: string; appId: string }) => ({ projectId: req.projectId, id: req.appId });
  const keyRef = (req: { projectId: string; appId: string; keyId: string }) => ({
    id: req.keyId,
    projectId: req.projectId,
    applicationId: req.appId,
  });

  return {
    async getAppByID(req, ctx) {
      return { app: toApp(await ops.getApplication(ctx, req.appId, req.projectId), orgOf(ctx)) };
    },
    async listApps(req, ctx) {
      const page = await ops.listApplications(ctx, [req.projectId], () => {
        const input: Omit<apps.ListApplicationsInput, "type"> = { pagination: listQuery(req.query) };
        for (const { query } of req.queries) {
          if (query.case === "nameQuery") input.name = textFilter("nameQuery", query.value.name, query.value.method);
        }
        return { input, kinds: new Set() };
      });
      const org = orgOf(ctx);
      return { details: listDetails(page), result: page.items.map((app) => toApp(app, org)) };
    },
    async addOIDCApp(req, ctx) {
      const created = await ops.createApplication(ctx, req.projectId, () => ({
        projectId: req.projectId,
        name: req.name,
        oidc: readNewOidc({ ...req, responseTypes: responseTypesIn(req.responseTypes) }),
      }));
      const { app, clientId, clientSecret = "" } = created;
      return { appId: app.id, details: details(app, orgOf(ctx)), clientId, clientSecret, noneCompliant: false, complianceProblems: [] };
    },
    async addAPIApp(req, ctx) {
      const created = await ops.createApplication(ctx, req.projectId, () => ({
        projectId: req.projectId,
        name: req.name,
        api: { authMethod: readApiAuthMethod(req.authMethodType) },
      }));
      const { app, clientId, clientSecret = "" } = created;
      return { appId: app.id, details: details(app, orgOf(ctx)), clientId, clientSecret };
    },
    async updateApp(req, ctx) {
      const app = await ops.updateApplication(ctx, req.projectId, () => ({ ...ref(req), name: req.name }));
      return { details: details(app, orgOf(ctx)) };
    },
    /**
     * v1 sends the whole configuration: every field but the lists is a value (proto3's defaults
     * WEB, BASIC, BEARER, false and no clock skew included); empty lists keep the current ones
     * (docs/rules.md#r-app-7).
     */
    async updateOIDCAppConfig(req, ctx) {
      const app = await ops.updateApplication(ctx, req.projectId, () => {
        const responseTypes = responseTypesIn(req.responseTypes);
        return { ...ref(req), oidc: readOidcChanges({ ...req, responseTypes, clockSkew: req.clockSkew ?? NO_CLOCK_SKEW }) };
      });
      return { details: details(app, orgOf(ctx)) };
    },
    async updateAPIAppConfig(req, ctx) {
      const app = await ops.updateApplication(ctx, req.projectId, () => ({
        ...ref(req),
        api: { authMethod: readApiAuthMethod(req.authMethodType) },
      }));
      return { details: details(app, orgOf(ctx)) };
    },
    async deactivateApp(req, ctx) {
      return { details: details(await ops.deactivateApplication(ctx, ref(req)), orgOf(ctx)) };
    },
    async reactivateApp(req, ctx) {
      return { details: details(await ops.reactivateApplication(ctx, ref(req)), orgOf(ctx)) };
    },
    /** Idempotent: an unknown app is no error (docs/rules.md#r-app-6). */
    async removeApp(req, ctx) {
      await ops.deleteApplication(ctx, ref(req));
      return { details: changed(orgOf(ctx)) };
    },
    async regenerateOIDCClientSecret(req, ctx) {
      const { projectId, appId: applicationId } = req;
      const { clientSecret, app } = await ops.generateClientSecret(ctx, {
        projectId,
        applicationId,
        claimed: { kind: "OIDC", field: "appId" },
      });
      return { clientSecret, details: details(app, orgOf(ctx)) };
    },
    async regenerateAPIClientSecret(req, ctx) {
      const { projectId, appId: applicationId } = req;
      const { clientSecret, app } = await ops.generateClientSecret(ctx, {
        projectId,
        applicationId,
        claimed: { kind: "API", field: "appId" },
      });
      return { clientSecret, details: details(app, orgOf(ctx)) };
    },

    async getAppKey(req, ctx) {
      return { key: toKey(await ops.getApplicationKey(ctx, keyRef(req))) };
    },
    async listAppKeys(req, ctx) {
      const page = await ops.listApplicationKeys(ctx, {
        applicationIds: [req.appId],
        projectIds: [req.projectId],
        organizationIds: [],
        pagination: listQuery(req.query),
      });
      return { details: listDetails(page), result: page.items.map(toKey) };
    },
    /** The JSON key file, as ZITADEL hands it out: once, in `keyDetails`. */
    async addAppKey(req, ctx) {
      if (req.type !== KEY_TYPE_JSON) throw invalidArgument("type", "must be KEY_TYPE_JSON");
      const created = await ops.createApplicationKey(ctx, {
        projectId: req.projectId,
        applicationId: req.appId,
        expirationDate: req.expirationDate ? timestampDate(req.expirationDate) : undefined,
      });
      return {
        id: created.keyId,
        details: keyDetails(created.key, orgOf(ctx)),
        keyDetails: new TextEncoder().encode(created.keyContent ?? ""),
      };
    },
    /** Idempotent: an unknown key is no error. */
    async removeAppKey(req, ctx) {
      await ops.deleteApplicationKey(ctx, keyRef(req));
      return { details: changed(orgOf(ctx)) };
    },
  };
}
