import { createPublicKey, createPrivateKey, sign, verify } from "node:crypto";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { APIAuthMethodType } from "@zitadel/proto/zitadel/app/v2beta/api_pb.js";
import { AppSorting, AppState, ApplicationKeysSorting } from "@zitadel/proto/zitadel/app/v2beta/app_pb.js";
import { AppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import {
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
  OIDCTokenType,
} from "@zitadel/proto/zitadel/app/v2beta/oidc_pb.js";
import { TextFilterMethod } from "@zitadel/proto/zitadel/filter/v2/filter_pb.js";
import { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { describe, expect, it } from "vitest";
import { createAdministrator } from "../../src/directory/administrators.js";
import { createOrganization } from "../../src/directory/organizations.js";
import { generateSecret, hashSecret, verifySecret } from "../../src/directory/secrets.js";
import { newId } from "../../src/ids.js";
import { TRANSPORTS, useApiServer, type Transport } from "../support/api.js";
import { unique } from "../support/directory.js";
import { expectCode } from "../support/connect.js";

const api = useApiServer();

const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });

const ALNUM = /^[A-Za-z0-9]{32,}$/;
const storedApp = (id: string) => api().db.prisma.application.findUniqueOrThrow({ where: { id } });

/** The OIDC part of a create request, with the proto3 defaults spelled out. */
function oidcRequest(overrides: Record<string, unknown> = {}) {
  return {
    case: "oidcRequest" as const,
    value: {
      redirectUris: ["https://app.example.com/callback"],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE],
      appType: OIDCAppType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
      ...overrides,
    },
  };
}

const apiRequest = (authMethodType: APIAuthMethodType) => ({ case: "apiRequest" as const, value: { authMethodType } });

describe.each(TRANSPORTS)("AppService over %s", (transport: Transport) => {
  const apps = (token?: string) => api().client(AppService, transport, token);
  const newProject = async (organizationId?: string) => {
    const orgId = organizationId ?? (await createOrganization(dir(), { name: unique("Org") })).id;
    const { id } = await api()
      .client(ProjectService, transport)
      .createProject({ organizationId: orgId, name: unique("Project") });
    return { orgId, projectId: id };
  };

  it("creates, reads, updates, deactivates, re-secrets and deletes OIDC apps", async () => {
    const { projectId } = await newProject();
    const web = await apps().createApplication({
      projectId,
      name: "Portal",
      creationRequestType: oidcRequest({
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
        postLogoutRedirectUris: ["https://app.example.com/bye"],
        accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
        idTokenRoleAssertion: true,
        clockSkew: { seconds: 1n, nanos: 500_000_000 },
        additionalOrigins: ["https://Extra.example.com"],
      }),
    });
    expect(web.appId).toMatch(/^[0-9]{17,19}$/);
    expect(web.creationDate).toBeDefined();
    if (web.creationResponseType.case !== "oidcResponse") throw new Error("expected an oidcResponse");
    const { clientId, clientSecret } = web.creationResponseType.value;
    expect(clientId).toMatch(/^[0-9]{17,19}$/);
    expect(clientSecret).toMatch(ALNUM);
    expect(verifySecret(clientSecret, (await storedApp(web.appId)).clientSecretHash)).toBe(true);

    const { app } = await apps().getApplication({ id: web.appId });
    expect(app).toMatchObject({ id: web.appId, name: "Portal", state: AppState.ACTIVE });
    if (app?.config.case !== "oidcConfig") throw new Error("expected an oidcConfig");
    expect(app.config.value).toMatchObject({
      clientId,
      redirectUris: ["https://app.example.com/callback"],
      postLogoutRedirectUris: ["https://app.example.com/bye"],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
      appType: OIDCAppType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      idTokenRoleAssertion: true,
      accessTokenRoleAssertion: false,
      additionalOrigins: ["https://extra.example.com"],
      allowedOrigins: ["https://app.example.com", "https://extra.example.com"],
    });
    expect(app.config.value.clockSkew).toMatchObject({ seconds: 1n, nanos: 500_000_000 });

    // A native app is a public client: no secret.
    const native = await apps().createApplication({
      projectId,
      name: "Mobile",
      creationRequestType: oidcRequest({
        appType: OIDCAppType.OIDC_APP_TYPE_NATIVE,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
        redirectUris: ["com.example.app:/callback", "http://127.0.0.1/callback"],
      }),
    });
    expect(native.creationResponseType).toMatchObject({ case: "oidcResponse", value: { clientSecret: "", noneCompliant: false } });
    expect((await storedApp(native.appId)).clientSecretHash).toBeNull();
    await expectCode(apps().regenerateClientSecret({ projectId, applicationId: native.appId }), Code.FailedPrecondition);

    // Update: given fields change, the rest stays.
    const { changeDate } = await apps().updateApplication({
      projectId,
      id: web.appId,
      name: "Portal 2",
      updateRequestType: {
        case: "oidcConfigurationRequest",
        value: {
          redirectUris: ["http://portal.test/cb"],
          devMode: true,
          authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST,
          clockSkew: { seconds: 2n, nanos: 0 },
        },
      },
    });
    expect(changeDate).toBeDefined();
    const updated = (await apps().getApplication({ id: web.appId })).app!;
    expect(updated.name).toBe("Portal 2");
    expect(updated.config.value).toMatchObject({
      redirectUris: ["http://portal.test/cb"],
      devMode: true,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      postLogoutRedirectUris: ["https://app.example.com/bye"],
      clockSkew: { seconds: 2n, nanos: 0 },
    });
    // The secret survives a change between secret methods; a new one replaces it.
    expect(verifySecret(clientSecret, (await storedApp(web.appId)).clientSecretHash)).toBe(true);
    const regenerated = await apps().regenerateClientSecret({
      projectId,
      applicationId: web.appId,
      appType: { case: "isOidc", value: true },
    });
    expect(regenerated.clientSecret).toMatch(ALNUM);
    expect(regenerated.clientSecret).not.toBe(clientSecret);
    expect(regenerated.creationDate).toBeDefined();
    const hash = (await storedApp(web.appId)).clientSecretHash;
    expect(verifySecret(regenerated.clientSecret, hash)).toBe(true);
    expect(verifySecret(clientSecret, hash)).toBe(false);
    await expectCode(
      apps().regenerateClientSecret({ projectId, applicationId: web.appId, appType: { case: "isApi", value: true } }),
      Code.FailedPrecondition,
      "isApi",
    );

    // Deactivating twice (or reactivating an active app) is an error, as in ZITADEL.
    expect((await apps().deactivateApplication({ projectId, id: web.appId })).deactivationDate).toBeDefined();
    expect((await apps().getApplication({ id: web.appId })).app?.state).toBe(AppState.INACTIVE);
    await expectCode(apps().deactivateApplication({ projectId, id: web.appId }), Code.FailedPrecondition);
    expect((await apps().reactivateApplication({ projectId, id: web.appId })).reactivationDate).toBeDefined();
    expect((await apps().getApplication({ id: web.appId })).app?.state).toBe(AppState.ACTIVE);
    await expectCode(apps().reactivateApplication({ projectId, id: web.appId }), Code.FailedPrecondition);

    // Deletes are idempotent.
    expect((await apps().deleteApplication({ projectId, id: web.appId })).deletionDate).toBeDefined();
    await apps().deleteApplication({ projectId, id: web.appId });
    await apps().deleteApplication({ projectId: "123", id: web.appId });
    await expectCode(apps().getApplication({ id: web.appId }), Code.NotFound);
    await expectCode(apps().deactivateApplication({ projectId, id: web.appId }), Code.NotFound);
  });

  it("creates API apps with a secret or keys; key files sign verifiably", async () => {
    const { orgId, projectId } = await newProject();
    const basic = await apps().createApplication({
      projectId,
      name: "Introspector",
      creationRequestType: apiRequest(APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC),
    });
    if (basic.creationResponseType.case !== "apiResponse") throw new Error("expected an apiResponse");
    expect(basic.creationResponseType.value.clientSecret).toMatch(ALNUM);
    expect((await apps().getApplication({ id: basic.appId })).app?.config).toMatchObject({
      case: "apiConfig",
      value: { clientId: basic.creationResponseType.value.clientId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
    });
    await expectCode(apps().createApplicationKey({ projectId, appId: basic.appId }), Code.FailedPrecondition);
    await expectCode(
      apps().updateApplication({
        projectId,
        id: basic.appId,
        updateRequestType: { case: "oidcConfigurationRequest", value: { devMode: true } },
      }),
      Code.FailedPrecondition,
      "oidcConfigurationRequest",
    );
    expect(
      (await apps().regenerateClientSecret({ projectId, applicationId: basic.appId, appType: { case: "isApi", value: true } }))
        .clientSecret,
    ).toMatch(ALNUM);

    const jwt = await apps().createApplication({
      projectId,
      name: "Resource",
      creationRequestType: apiRequest(APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT),
    });
    if (jwt.creationResponseType.case !== "apiResponse") throw new Error("expected an apiResponse");
    const jwtClientId = jwt.creationResponseType.value.clientId;
    expect(jwt.creationResponseType.value.clientSecret).toBe("");
    await expectCode(apps().regenerateClientSecret({ projectId, applicationId: jwt.appId }), Code.FailedPrecondition);

    const expires = new Date(Date.now() + 86_400_000);
    const created = await apps().createApplicationKey({ projectId, appId: jwt.appId, expirationDate: timestampFromDate(expires) });
    expect(created.id).toMatch(/^[0-9]{17,19}$/);
    expect(created.creationDate).toBeDefined();
    const file = JSON.parse(new TextDecoder().decode(created.keyDetails)) as Record<string, string>;
    expect(file).toMatchObject({ type: "application", keyId: created.id, appId: jwt.appId, clientId: jwtClientId });
    expect(file.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const data = Buffer.from("signed by the key file");
    const signature = sign("sha256", data, createPrivateKey(file.key!));
    const stored = await api().db.prisma.applicationKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(verify("sha256", data, createPublicKey(stored.publicKeyPem), signature)).toBe(true);

    const got = await apps().getApplicationKey({ id: created.id, projectId, applicationId: jwt.appId, organizationId: orgId });
    expect(got.id).toBe(created.id);
    expect(timestampDate(got.expirationDate!).getTime()).toBe(expires.getTime());
    await expectCode(apps().getApplicationKey({ id: created.id, applicationId: basic.appId }), Code.NotFound);

    const second = await apps().createApplicationKey({ projectId, appId: jwt.appId });
    expect(timestampDate((await apps().getApplicationKey({ id: second.id })).expirationDate!).getUTCFullYear()).toBe(9999);

    const byApp = await apps().listApplicationKeys({ resourceId: { case: "applicationId", value: jwt.appId } });
    expect(byApp.keys.map((k) => k.id).sort()).toEqual([created.id, second.id].sort());
    expect(byApp.keys[0]).toMatchObject({ applicationId: jwt.appId, projectId, organizationId: orgId });
    expect((await apps().listApplicationKeys({ resourceId: { case: "projectId", value: projectId } })).pagination?.totalResult).toBe(2n);
    const page = await apps().listApplicationKeys({
      resourceId: { case: "organizationId", value: orgId },
      sortingColumn: ApplicationKeysSorting.APPLICATION_KEYS_SORT_BY_EXPIRATION,
      pagination: { limit: 1, asc: true },
    });
    expect(page.keys.map((k) => k.id)).toEqual([created.id]);
    expect(page.pagination).toMatchObject({ totalResult: 2n, appliedLimit: 1n });

    expect((await apps().deleteApplicationKey({ id: created.id, projectId, applicationId: jwt.appId })).deletionDate).toBeDefined();
    await apps().deleteApplicationKey({ id: created.id });
    await expectCode(apps().getApplicationKey({ id: created.id }), Code.NotFound);

    // Switching to BASIC is allowed; the app gets a secret on regeneration.
    await apps().updateApplication({
      projectId,
      id: jwt.appId,
      updateRequestType: { case: "apiConfigurationRequest", value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC } },
    });
    expect((await apps().regenerateClientSecret({ projectId, applicationId: jwt.appId })).clientSecret).toMatch(ALNUM);

    // Deleting an app deletes its keys.
    await apps().deleteApplication({ projectId, id: jwt.appId });
    expect((await apps().listApplicationKeys({ resourceId: { case: "projectId", value: projectId } })).keys).toEqual([]);
  });

  it("lists with filters, sorting and pagination", async () => {
    const { projectId } = await newProject();
    const tag = unique("app").toLowerCase();
    const ids: Record<string, string> = {};
    for (const n of ["b", "a", "c"]) {
      ids[n] = (await apps().createApplication({ projectId, name: `${tag}-${n}`, creationRequestType: oidcRequest() })).appId;
    }
    await apps().createApplication({
      projectId,
      name: "api",
      creationRequestType: apiRequest(APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC),
    });
    await apps().deactivateApplication({ projectId, id: ids.c! });

    const all = await apps().listApplications({ projectId, sortingColumn: AppSorting.APP_SORT_BY_NAME, pagination: { asc: true } });
    expect(all.applications.map((a) => a.name)).toEqual(["api", `${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect(all.pagination).toMatchObject({ totalResult: 4n, appliedLimit: 100n });

    const page = await apps().listApplications({
      projectId,
      sortingColumn: AppSorting.APP_SORT_BY_NAME,
      pagination: { asc: true, limit: 2, offset: 1n },
      filters: [{ filter: { case: "nameFilter", value: { name: tag.toUpperCase(), method: TextFilterMethod.STARTS_WITH_IGNORE_CASE } } }],
    });
    expect(page.applications.map((a) => a.name)).toEqual([`${tag}-b`, `${tag}-c`]);
    expect(page.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 2n });

    const names = async (filter: Parameters<ReturnType<typeof apps>["listApplications"]>[0]["filters"]) =>
      (
        await apps().listApplications({ projectId, filters: filter, sortingColumn: AppSorting.APP_SORT_BY_NAME, pagination: { asc: true } })
      ).applications.map((a) => a.name);
    expect(await names([{ filter: { case: "apiAppOnly", value: true } }])).toEqual(["api"]);
    expect(await names([{ filter: { case: "oidcAppOnly", value: true } }])).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect(await names([{ filter: { case: "stateFilter", value: AppState.INACTIVE } }])).toEqual([`${tag}-c`]);
    expect(await names([{ filter: { case: "samlAppOnly", value: true } }])).toEqual([]);
    const byDate = await apps().listApplications({ projectId, sortingColumn: AppSorting.APP_SORT_BY_CREATION_DATE });
    expect(byDate.applications[0]?.name).toBe("api"); // newest first by default

    await expectCode(apps().listApplications({ projectId, pagination: { limit: 5000 } }), Code.InvalidArgument, "pagination.limit");
    await expectCode(apps().listApplications({ projectId, sortingColumn: 99 as AppSorting }), Code.InvalidArgument, "sortingColumn");
    await expectCode(apps().listApplications({ projectId: "123" }), Code.NotFound);
  });

  it("answers invalid requests with the right code and field", async () => {
    const { projectId } = await newProject();
    const create = (
      creationRequestType: ReturnType<typeof oidcRequest> | ReturnType<typeof apiRequest>,
      extra: Record<string, unknown> = {},
    ) => apps().createApplication({ projectId, name: "x", creationRequestType, ...extra });

    await expectCode(apps().createApplication({ projectId, name: "x" }), Code.InvalidArgument, "creationRequestType");
    await expectCode(
      apps().createApplication({
        projectId,
        name: "x",
        creationRequestType: { case: "samlRequest", value: { metadata: { case: "metadataUrl", value: "https://idp.example.com/md" } } },
      }),
      Code.Unimplemented,
    );
    await expectCode(create(oidcRequest(), { name: "" }), Code.InvalidArgument, "name");
    await expectCode(
      apps().createApplication({ projectId: "nope", name: "x", creationRequestType: oidcRequest() }),
      Code.InvalidArgument,
      "projectId",
    );
    await expectCode(apps().createApplication({ projectId: "123", name: "x", creationRequestType: oidcRequest() }), Code.NotFound);
    await expectCode(create(oidcRequest({ redirectUris: ["not a uri"] })), Code.InvalidArgument, "redirectUris[0]");
    await expectCode(create(oidcRequest({ redirectUris: ["http://app.example.com/cb"] })), Code.InvalidArgument, "redirectUris[0]");
    await expectCode(create(oidcRequest({ redirectUris: [] })), Code.InvalidArgument, "redirectUris");
    await expectCode(
      create(oidcRequest({ responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_UNSPECIFIED] })),
      Code.InvalidArgument,
      "responseTypes[0]",
    );
    await expectCode(create(oidcRequest({ authMethodType: 99 })), Code.InvalidArgument, "authMethodType");
    await expectCode(create(oidcRequest({ appType: OIDCAppType.OIDC_APP_TYPE_NATIVE })), Code.InvalidArgument, "authMethodType");
    await expectCode(create(oidcRequest({ clockSkew: { seconds: 10n, nanos: 0 } })), Code.InvalidArgument, "clockSkew");
    await expectCode(
      create(oidcRequest({ additionalOrigins: ["https://x.example.com/path"] })),
      Code.InvalidArgument,
      "additionalOrigins[0]",
    );
    await expectCode(
      create(oidcRequest({ backChannelLogoutUri: "https://app.example.com/logout" })),
      Code.InvalidArgument,
      "backChannelLogoutUri",
    );
    await expectCode(create(apiRequest(7 as APIAuthMethodType)), Code.InvalidArgument, "authMethodType");

    const { appId } = await create(oidcRequest());
    await expectCode(create(oidcRequest(), { id: appId }), Code.AlreadyExists, "id");
    await expectCode(
      apps().updateApplication({
        projectId,
        id: appId,
        updateRequestType: { case: "oidcConfigurationRequest", value: { appType: OIDCAppType.OIDC_APP_TYPE_USER_AGENT } },
      }),
      Code.InvalidArgument,
      "authMethodType",
    );
    await expectCode(
      apps().updateApplication({
        projectId,
        id: appId,
        updateRequestType: { case: "oidcConfigurationRequest", value: { clockSkew: { seconds: 0n, nanos: 1 } } },
      }),
      Code.InvalidArgument,
      "clockSkew",
    );
    await expectCode(
      apps().updateApplication({ projectId, id: appId, updateRequestType: { case: "apiConfigurationRequest", value: {} } }),
      Code.FailedPrecondition,
      "API",
    );
    await expectCode(apps().updateApplication({ projectId, id: "123", name: "y" }), Code.NotFound);
    await expectCode(apps().getApplication({ id: "abc" }), Code.InvalidArgument, "id");
    await expectCode(apps().getApplication({ id: "123" }), Code.NotFound);
    await expectCode(apps().deleteApplication({ projectId, id: "abc" }), Code.InvalidArgument, "id");
    await expectCode(apps().regenerateClientSecret({ projectId, applicationId: "123" }), Code.NotFound);
    await expectCode(apps().createApplicationKey({ projectId, appId: "x" }), Code.InvalidArgument, "appId");
    await expectCode(apps().createApplicationKey({ projectId, appId: "123" }), Code.NotFound);
    const keyApp = await create(apiRequest(APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT));
    await expectCode(
      apps().createApplicationKey({ projectId, appId: keyApp.appId, expirationDate: timestampFromDate(new Date(Date.now() - 1000)) }),
      Code.InvalidArgument,
      "expirationDate",
    );
    await expectCode(apps().getApplicationKey({ id: "123" }), Code.NotFound);
    await expectCode(apps().listApplicationKeys({ resourceId: { case: "applicationId", value: "123" } }), Code.NotFound);
    await expectCode(apps().listApplicationKeys({ sortingColumn: 42 as ApplicationKeysSorting }), Code.InvalidArgument, "sortingColumn");
    await expectCode(apps("wrong-token").getApplication({ id: appId }), Code.Unauthenticated);
    await expectCode(apps("wrong-token").listApplications({ projectId }), Code.Unauthenticated);
  });

  it("lets a PROJECT_OWNER manage the apps of that project only", async () => {
    const { orgId, projectId: a } = await newProject();
    const { orgId: otherOrg, projectId: b } = await newProject();
    const user = await api().db.prisma.user.create({
      data: { id: newId(), orgId, type: "MACHINE", username: unique("owner"), loginKey: unique("owner").toLowerCase(), name: "Owner" },
    });
    await createAdministrator(dir(), { userId: user.id, resource: { projectId: a }, roles: ["PROJECT_OWNER"] });
    const token = generateSecret(64);
    await api().db.prisma.personalAccessToken.create({
      data: { id: newId(), userId: user.id, tokenHash: hashSecret(token), expirationDate: new Date(Date.now() + 3_600_000) },
    });
    const owner = apps(token);

    // Apps of B, made by the instance admin.
    const theirs = await apps().createApplication({
      projectId: b,
      name: "theirs",
      creationRequestType: apiRequest(APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT),
    });
    const theirKey = await apps().createApplicationKey({ projectId: b, appId: theirs.appId });

    // Project A: everything works.
    const mine = await owner.createApplication({
      projectId: a,
      name: "mine",
      creationRequestType: apiRequest(APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT),
    });
    await owner.updateApplication({ projectId: a, id: mine.appId, name: "mine 2" });
    expect((await owner.getApplication({ id: mine.appId })).app?.name).toBe("mine 2");
    const myKey = await owner.createApplicationKey({ projectId: a, appId: mine.appId });
    expect((await owner.getApplicationKey({ id: myKey.id })).id).toBe(myKey.id);
    expect((await owner.listApplications({})).applications.map((x) => x.id)).toEqual([mine.appId]);
    expect((await owner.listApplications({ projectId: a })).applications.map((x) => x.id)).toEqual([mine.appId]);
    expect((await owner.listApplicationKeys({})).keys.map((k) => k.id)).toEqual([myKey.id]);
    expect((await owner.listApplicationKeys({ resourceId: { case: "organizationId", value: otherOrg } })).keys).toEqual([]);
    await owner.deactivateApplication({ projectId: a, id: mine.appId });
    await owner.reactivateApplication({ projectId: a, id: mine.appId });

    // Project B: reads answer not_found, writes permission_denied.
    await expectCode(owner.getApplication({ id: theirs.appId }), Code.NotFound);
    await expectCode(owner.listApplications({ projectId: b }), Code.NotFound);
    await expectCode(owner.getApplicationKey({ id: theirKey.id }), Code.NotFound);
    await expectCode(owner.listApplicationKeys({ resourceId: { case: "projectId", value: b } }), Code.NotFound);
    await expectCode(owner.listApplicationKeys({ resourceId: { case: "applicationId", value: theirs.appId } }), Code.NotFound);
    await expectCode(owner.createApplication({ projectId: b, name: "x", creationRequestType: oidcRequest() }), Code.PermissionDenied);
    await expectCode(owner.updateApplication({ projectId: b, id: theirs.appId, name: "hijacked" }), Code.PermissionDenied);
    await expectCode(owner.deactivateApplication({ projectId: b, id: theirs.appId }), Code.PermissionDenied);
    await expectCode(owner.reactivateApplication({ projectId: b, id: theirs.appId }), Code.PermissionDenied);
    await expectCode(owner.regenerateClientSecret({ projectId: b, applicationId: theirs.appId }), Code.PermissionDenied);
    await expectCode(owner.createApplicationKey({ projectId: b, appId: theirs.appId }), Code.PermissionDenied);
    await expectCode(owner.deleteApplicationKey({ id: theirKey.id }), Code.PermissionDenied);
    await expectCode(owner.deleteApplication({ projectId: b, id: theirs.appId }), Code.PermissionDenied);
    // Naming B's app under A does not reach it either.
    await expectCode(owner.updateApplication({ projectId: a, id: theirs.appId, name: "hijacked" }), Code.NotFound);
    await owner.deleteApplication({ projectId: a, id: theirs.appId }); // not an app of A: nothing to delete
    expect((await apps().getApplication({ id: theirs.appId })).app?.name).toBe("theirs");
    expect((await apps().getApplicationKey({ id: theirKey.id })).id).toBe(theirKey.id);

    await owner.deleteApplicationKey({ id: myKey.id });
    await owner.deleteApplication({ projectId: a, id: mine.appId });
    await expectCode(owner.getApplication({ id: mine.appId }), Code.NotFound);
  });
});
