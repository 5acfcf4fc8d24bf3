// The released zitadel.application.v2.ApplicationService, called as ZITADEL's users call it:
// @zitadel/node's generated client (ts-proto, ZITADEL's own protos) over gRPC with nice-grpc. Its
// behaviour is v2beta AppService's (app-operations.ts); the tenant test checks that against the
// v2beta service call by call, and the last test signs in with an app and a secret made through v2.
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { AppService as AppServiceV2beta } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { APIAuthMethodType } from "@zitadel/node/dist/api/generated/zitadel/application/v2/api.js";
import {
  ApplicationKeysSorting,
  ApplicationSorting,
  ApplicationState,
  ApplicationType,
} from "@zitadel/node/dist/api/generated/zitadel/application/v2/application.js";
import {
  type ApplicationServiceClient,
  ApplicationServiceDefinition,
  type CreateOIDCApplicationRequest,
  type DeepPartial,
  type ListApplicationsRequest,
} from "@zitadel/node/dist/api/generated/zitadel/application/v2/application_service.js";
import {
  OIDCApplicationType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
  OIDCTokenType,
} from "@zitadel/node/dist/api/generated/zitadel/application/v2/oidc.js";
import { TextFilterMethod } from "@zitadel/node/dist/api/generated/zitadel/filter/v2/filter.js";
import Long from "long";
import * as oidc from "openid-client";
import { ClientError, type Channel, createChannel, createClient, Metadata } from "nice-grpc";
import { afterAll, describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { verifySecret } from "../../src/directory/secrets.js";
import { ApplicationService as OurApplicationService } from "../../src/generated/proto/zitadel/application/v2/application_service_pb.js";
import { TextFilterMethod as OurTextFilterMethod } from "../../src/generated/proto/zitadel/filter/v2/filter_pb.js";
import { createApiClient, useApiServer } from "../support/api.js";
import { useBrowser } from "../support/browser.js";
import { makeCaller } from "../support/callers.js";
import { unique } from "../support/directory.js";
import { CALLBACK, discover, signInWithCode } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
const browser = useBrowser();
const dir = () => ({ prisma: api().db.prisma, actor: { id: "test" } });
const ALNUM = /^[A-Za-z0-9]{32,}$/;
const ID = /^[0-9]{17,19}$/;
const storedApp = (id: string) => api().db.prisma.application.findUniqueOrThrow({ where: { id } });

let channel: Channel | undefined;
afterAll(() => channel?.close());

/** A client as ZITADEL's docs write it: one gRPC channel, the token in every call's metadata. */
function appsV2(token = api().adminToken): ApplicationServiceClient {
  channel ??= createChannel(api().url);
  return createClient(ApplicationServiceDefinition, channel, { "*": { metadata: Metadata({ authorization: `Bearer ${token}` }) } });
}

/** The gRPC status a call ends with (grpc-status numbers are Connect's codes), and its message. */
async function outcome(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof ClientError) return { code: Code[error.code as number as Code], message: error.details };
  if (error instanceof ConnectError) return { code: Code[error.code], message: error.rawMessage };
  if (error === undefined) return { code: "OK", message: "" };
  throw error;
}
const codeOf = async (promise: Promise<unknown>) => (await outcome(promise)).code;

/** Asserts the code and, when given, that the message names `field`. */
async function expectCode(promise: Promise<unknown>, code: string, field?: string) {
  const { code: actual, message } = await outcome(promise);
  expect(actual, message).toBe(code);
  if (field) expect(message).toContain(field);
}

async function newProject() {
  const org = await createOrganization(dir(), { name: unique("Org") });
  const projectId = await seeder(api()).project(org.id);
  return { orgId: org.id, projectId };
}

/** The OIDC part of a create request, with the proto3 defaults spelled out. */
const webConfiguration = (overrides: DeepPartial<CreateOIDCApplicationRequest> = {}): DeepPartial<CreateOIDCApplicationRequest> => ({
  redirectUris: ["https://app.example.com/callback"],
  responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
  grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE],
  applicationType: OIDCApplicationType.OIDC_APP_TYPE_WEB,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
  ...overrides,
});

describe("zitadel.application.v2.ApplicationService over gRPC (@zitadel/node)", () => {
  it("creates, reads, updates, deactivates, re-secrets and deletes OIDC apps", async () => {
    const { projectId } = await newProject();
    const apps = appsV2();
    const web = await apps.createApplication({
      projectId,
      name: "Portal",
      oidcConfiguration: webConfiguration({
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
        postLogoutRedirectUris: ["https://app.example.com/bye"],
        accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
        idTokenRoleAssertion: true,
        clockSkew: { seconds: 1, nanos: 500_000_000 },
        additionalOrigins: ["https://Extra.example.com"],
      }),
    });
    expect(web.applicationId).toMatch(ID);
    expect(web.creationDate).toBeInstanceOf(Date);
    expect(web.apiConfiguration).toBeUndefined();
    const { clientId, clientSecret, nonCompliant } = web.oidcConfiguration!;
    expect(clientId).toMatch(ID);
    expect(clientSecret).toMatch(ALNUM);
    expect(nonCompliant).toBe(false);
    expect(verifySecret(clientSecret, (await storedApp(web.applicationId)).clientSecretHash)).toBe(true);

    const { application } = await apps.getApplication({ applicationId: web.applicationId });
    expect(application).toMatchObject({
      applicationId: web.applicationId,
      name: "Portal",
      state: ApplicationState.APPLICATION_STATE_ACTIVE,
    });
    expect(application?.apiConfiguration).toBeUndefined();
    expect(application?.oidcConfiguration).toMatchObject({
      clientId,
      redirectUris: ["https://app.example.com/callback"],
      postLogoutRedirectUris: ["https://app.example.com/bye"],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
      applicationType: OIDCApplicationType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
      developmentMode: false,
      nonCompliant: false,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      idTokenRoleAssertion: true,
      accessTokenRoleAssertion: false,
      additionalOrigins: ["https://extra.example.com"],
      allowedOrigins: ["https://app.example.com", "https://extra.example.com"],
    });
    expect(application?.oidcConfiguration?.clockSkew).toMatchObject({ seconds: Long.fromNumber(1), nanos: 500_000_000 });

    // A native app is a public client: no secret, and none to generate.
    const native = await apps.createApplication({
      projectId,
      name: "Mobile",
      oidcConfiguration: webConfiguration({
        applicationType: OIDCApplicationType.OIDC_APP_TYPE_NATIVE,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
        redirectUris: ["com.example.app:/callback", "http://127.0.0.1/callback"],
      }),
    });
    expect(native.oidcConfiguration).toMatchObject({ clientSecret: "", nonCompliant: false });
    expect((await storedApp(native.applicationId)).clientSecretHash).toBeNull();
    await expectCode(apps.generateClientSecret({ projectId, applicationId: native.applicationId }), "FailedPrecondition");

    // Update: the given fields change (v2's names: developmentMode, applicationType), the rest stays.
    const { changeDate } = await apps.updateApplication({
      projectId,
      applicationId: web.applicationId,
      name: "Portal 2",
      oidcConfiguration: {
        redirectUris: ["http://portal.test/cb"],
        developmentMode: true,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST,
        clockSkew: { seconds: 2, nanos: 0 },
      },
    });
    expect(changeDate).toBeInstanceOf(Date);
    const updated = (await apps.getApplication({ applicationId: web.applicationId })).application!;
    expect(updated.name).toBe("Portal 2");
    expect(updated.oidcConfiguration).toMatchObject({
      redirectUris: ["http://portal.test/cb"],
      developmentMode: true,
      applicationType: OIDCApplicationType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      postLogoutRedirectUris: ["https://app.example.com/bye"],
    });
    expect(updated.oidcConfiguration?.clockSkew?.seconds.toNumber()).toBe(2);

    // GenerateClientSecret (v2beta's RegenerateClientSecret): the old secret stops working.
    const generated = await apps.generateClientSecret({ projectId, applicationId: web.applicationId });
    expect(generated.clientSecret).toMatch(ALNUM);
    expect(generated.clientSecret).not.toBe(clientSecret);
    expect(generated.creationDate).toBeInstanceOf(Date);
    const hash = (await storedApp(web.applicationId)).clientSecretHash;
    expect(verifySecret(generated.clientSecret, hash)).toBe(true);
    expect(verifySecret(clientSecret, hash)).toBe(false);

    // Deactivating twice (or reactivating an active app) is an error, as in ZITADEL.
    const ref = { projectId, applicationId: web.applicationId };
    expect((await apps.deactivateApplication(ref)).deactivationDate).toBeInstanceOf(Date);
    expect((await apps.getApplication(ref)).application?.state).toBe(ApplicationState.APPLICATION_STATE_INACTIVE);
    await expectCode(apps.deactivateApplication(ref), "FailedPrecondition");
    expect((await apps.reactivateApplication(ref)).reactivationDate).toBeInstanceOf(Date);
    expect((await apps.getApplication(ref)).application?.state).toBe(ApplicationState.APPLICATION_STATE_ACTIVE);
    await expectCode(apps.reactivateApplication(ref), "FailedPrecondition");

    // Deletes are idempotent.
    expect((await apps.deleteApplication(ref)).deletionDate).toBeInstanceOf(Date);
    await apps.deleteApplication(ref);
    await apps.deleteApplication({ projectId: "123", applicationId: web.applicationId });
    await expectCode(apps.getApplication(ref), "NotFound");
    await expectCode(apps.deactivateApplication(ref), "NotFound");
    await expectCode(apps.generateClientSecret(ref), "NotFound");
  });

  it("creates API apps with a secret or keys; creates, reads, lists and deletes keys", async () => {
    const { orgId, projectId } = await newProject();
    const apps = appsV2();
    const basic = await apps.createApplication({
      projectId,
      name: "Introspector",
      apiConfiguration: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
    });
    expect(basic.oidcConfiguration).toBeUndefined();
    expect(basic.apiConfiguration?.clientSecret).toMatch(ALNUM);
    expect((await apps.getApplication({ applicationId: basic.applicationId })).application).toMatchObject({
      apiConfiguration: { clientId: basic.apiConfiguration?.clientId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
      oidcConfiguration: undefined,
    });
    await expectCode(apps.createApplicationKey({ projectId, applicationId: basic.applicationId }), "FailedPrecondition");
    await expectCode(
      apps.updateApplication({ projectId, applicationId: basic.applicationId, oidcConfiguration: { developmentMode: true } }),
      "FailedPrecondition",
      "oidcConfiguration",
    );
    expect((await apps.generateClientSecret({ projectId, applicationId: basic.applicationId })).clientSecret).toMatch(ALNUM);

    const jwt = await apps.createApplication({
      projectId,
      name: "Resource",
      apiConfiguration: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
    });
    expect(jwt.apiConfiguration?.clientSecret).toBe("");
    await expectCode(apps.generateClientSecret({ projectId, applicationId: jwt.applicationId }), "FailedPrecondition");

    const expires = new Date(Date.now() + 86_400_000);
    const created = await apps.createApplicationKey({ projectId, applicationId: jwt.applicationId, expirationDate: expires });
    expect(created.keyId).toMatch(ID);
    expect(created.creationDate).toBeInstanceOf(Date);
    const file = JSON.parse(created.keyDetails.toString("utf8")) as Record<string, string>;
    expect(file).toMatchObject({
      type: "application",
      keyId: created.keyId,
      appId: jwt.applicationId,
      clientId: jwt.apiConfiguration?.clientId,
    });
    const data = Buffer.from("signed by the key file");
    const signature = sign("sha256", data, createPrivateKey(file.key!));
    const stored = await api().db.prisma.applicationKey.findUniqueOrThrow({ where: { id: created.keyId } });
    expect(verify("sha256", data, createPublicKey(stored.publicKeyPem), signature)).toBe(true);

    const got = await apps.getApplicationKey({ keyId: created.keyId });
    expect(got).toMatchObject({ keyId: created.keyId, expirationDate: expires });
    const second = await apps.createApplicationKey({ projectId, applicationId: jwt.applicationId });
    expect((await apps.getApplicationKey({ keyId: second.keyId })).expirationDate?.getUTCFullYear()).toBe(9999);

    const keyIds = async (request: Parameters<ApplicationServiceClient["listApplicationKeys"]>[0]) =>
      (await apps.listApplicationKeys(request)).keys.map((k) => k.keyId).sort();
    const both = [created.keyId, second.keyId].sort();
    const byApp = await apps.listApplicationKeys({ filters: [{ applicationIdFilter: { applicationId: jwt.applicationId } }] });
    expect(byApp.keys.map((k) => k.keyId).sort()).toEqual(both);
    expect(byApp.keys[0]).toMatchObject({ applicationId: jwt.applicationId, projectId, organizationId: orgId });
    expect(byApp.pagination?.totalResult.toNumber()).toBe(2);
    expect(await keyIds({ filters: [{ projectIdFilter: { projectId } }] })).toEqual(both);
    expect(await keyIds({ filters: [{ organizationIdFilter: { organizationId: orgId } }] })).toEqual(both);
    // All filters hold: together they narrow, and two different applications match nothing.
    expect(
      await keyIds({ filters: [{ projectIdFilter: { projectId } }, { applicationIdFilter: { applicationId: jwt.applicationId } }] }),
    ).toEqual(both);
    expect(
      await keyIds({
        filters: [
          { applicationIdFilter: { applicationId: jwt.applicationId } },
          { applicationIdFilter: { applicationId: basic.applicationId } },
        ],
      }),
    ).toEqual([]);
    const page = await apps.listApplicationKeys({
      filters: [{ organizationIdFilter: { organizationId: orgId } }],
      sortingColumn: ApplicationKeysSorting.APPLICATION_KEYS_SORT_BY_EXPIRATION,
      pagination: { limit: 1, asc: true },
    });
    expect(page.keys.map((k) => k.keyId)).toEqual([created.keyId]);
    expect(page.pagination?.totalResult.toNumber()).toBe(2);
    expect(page.pagination?.appliedLimit.toNumber()).toBe(1);

    const deleted = await apps.deleteApplicationKey({ keyId: created.keyId, projectId, applicationId: jwt.applicationId });
    expect(deleted.deletionDate).toBeInstanceOf(Date);
    await apps.deleteApplicationKey({ keyId: created.keyId }); // idempotent
    await expectCode(apps.getApplicationKey({ keyId: created.keyId }), "NotFound");
    expect(await keyIds({ filters: [{ projectIdFilter: { projectId } }] })).toEqual([second.keyId]);

    // Switching to BASIC is allowed; the app gets a secret from GenerateClientSecret.
    await apps.updateApplication({
      projectId,
      applicationId: jwt.applicationId,
      apiConfiguration: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
    });
    expect((await apps.generateClientSecret({ projectId, applicationId: jwt.applicationId })).clientSecret).toMatch(ALNUM);

    // Deleting an app deletes its keys.
    await apps.deleteApplication({ projectId, applicationId: jwt.applicationId });
    expect(await keyIds({ filters: [{ projectIdFilter: { projectId } }] })).toEqual([]);
  });

  it("names each application's project (ZITADEL's later field 9), which @zitadel/node 3.0.28 skips", async () => {
    const { projectId } = await newProject();
    const { projectId: otherProject } = await newProject();
    const apps = appsV2();
    const tag = unique("app").toLowerCase();
    const here = await apps.createApplication({ projectId, name: `${tag}-here`, oidcConfiguration: webConfiguration() });
    const there = await apps.createApplication({ projectId: otherProject, name: `${tag}-there`, oidcConfiguration: webConfiguration() });
    // A client generated from ZITADEL's newer proto reads it.
    const ours = createApiClient(api().url, OurApplicationService, "connect", api().adminToken);
    expect((await ours.getApplication({ applicationId: here.applicationId })).application?.projectId).toBe(projectId);
    const listed = await ours.listApplications({
      filters: [{ filter: { case: "nameFilter", value: { name: tag, method: OurTextFilterMethod.STARTS_WITH } } }],
    });
    expect(Object.fromEntries(listed.applications.map((a) => [a.applicationId, a.projectId]))).toEqual({
      [here.applicationId]: projectId,
      [there.applicationId]: otherProject,
    });
    // The older client gets the same application, without the field.
    const old = (await apps.getApplication({ applicationId: here.applicationId })).application;
    expect(old?.name).toBe(`${tag}-here`);
    expect(old).not.toHaveProperty("projectId");
  });

  it("lists applications with project, name, state and type filters, sorting and pagination", async () => {
    const { projectId } = await newProject();
    const { projectId: otherProject } = await newProject();
    const apps = appsV2();
    const tag = unique("app").toLowerCase();
    const ids: Record<string, string> = {};
    for (const n of ["b", "a", "c"]) {
      ids[n] = (await apps.createApplication({ projectId, name: `${tag}-${n}`, oidcConfiguration: webConfiguration() })).applicationId;
    }
    await apps.createApplication({
      projectId,
      name: "api",
      apiConfiguration: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
    });
    await apps.createApplication({ projectId: otherProject, name: `${tag}-elsewhere`, oidcConfiguration: webConfiguration() });
    await apps.deactivateApplication({ projectId, applicationId: ids.c! });

    const inProject = { projectIdFilter: { projectId } };
    const byName = { sortingColumn: ApplicationSorting.APPLICATION_SORT_BY_NAME, pagination: { asc: true } };
    const all = await apps.listApplications({ filters: [inProject], ...byName });
    expect(all.applications.map((a) => a.name)).toEqual(["api", `${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect(all.pagination?.totalResult.toNumber()).toBe(4);
    expect(all.pagination?.appliedLimit.toNumber()).toBe(100);

    const page = await apps.listApplications({
      sortingColumn: ApplicationSorting.APPLICATION_SORT_BY_NAME,
      pagination: { asc: true, limit: 2, offset: 1 },
      filters: [
        inProject,
        { nameFilter: { name: tag.toUpperCase(), method: TextFilterMethod.TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE } },
      ],
    });
    expect(page.applications.map((a) => a.name)).toEqual([`${tag}-b`, `${tag}-c`]);
    expect(page.pagination?.totalResult.toNumber()).toBe(3);
    expect(page.pagination?.appliedLimit.toNumber()).toBe(2);

    const names = async (filters: DeepPartial<ListApplicationsRequest>["filters"]) =>
      (await apps.listApplications({ filters, ...byName })).applications.map((a) => a.name);
    const type = (typeFilter: ApplicationType) => ({ typeFilter });
    expect(await names([inProject, type(ApplicationType.APPLICATION_TYPE_API)])).toEqual(["api"]);
    expect(await names([inProject, type(ApplicationType.APPLICATION_TYPE_OIDC)])).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect(await names([inProject, type(ApplicationType.APPLICATION_TYPE_SAML)])).toEqual([]);
    expect(await names([inProject, type(ApplicationType.APPLICATION_TYPE_OIDC), type(ApplicationType.APPLICATION_TYPE_API)])).toEqual([]);
    expect(await names([inProject, { stateFilter: ApplicationState.APPLICATION_STATE_INACTIVE }])).toEqual([`${tag}-c`]);
    // Without a project filter: every project the caller sees; two projects match nothing.
    const everywhere = await names([{ nameFilter: { name: tag, method: TextFilterMethod.TEXT_FILTER_METHOD_STARTS_WITH } }]);
    expect(everywhere).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`, `${tag}-elsewhere`]);
    expect(await names([inProject, { projectIdFilter: { projectId: otherProject } }])).toEqual([]);
    const byDate = await apps.listApplications({
      filters: [inProject],
      sortingColumn: ApplicationSorting.APPLICATION_SORT_BY_CREATION_DATE,
    });
    expect(byDate.applications[0]?.name).toBe("api"); // newest first by default

    await expectCode(apps.listApplications({ filters: [inProject], pagination: { limit: 5000 } }), "InvalidArgument", "pagination.limit");
    await expectCode(apps.listApplications({ sortingColumn: 99 as ApplicationSorting }), "InvalidArgument", "sortingColumn");
    await expectCode(
      apps.listApplications({ filters: [type(ApplicationType.APPLICATION_TYPE_UNSPECIFIED)] }),
      "InvalidArgument",
      "typeFilter",
    );
    await expectCode(
      apps.listApplications({ filters: [{ stateFilter: ApplicationState.APPLICATION_STATE_REMOVED }] }),
      "InvalidArgument",
      "stateFilter",
    );
    await expectCode(apps.listApplications({ filters: [{ projectIdFilter: { projectId: "123" } }] }), "NotFound");
  });

  it("answers invalid requests with the right code and v2's field names", async () => {
    const { projectId } = await newProject();
    const apps = appsV2();
    const create = (oidcConfiguration: DeepPartial<CreateOIDCApplicationRequest>, extra: { name?: string; applicationId?: string } = {}) =>
      apps.createApplication({ projectId, name: "x", oidcConfiguration, ...extra });

    await expectCode(apps.createApplication({ projectId, name: "x" }), "InvalidArgument", "applicationType");
    const saml = { metadataUrl: "https://idp.example.com/md" };
    await expectCode(apps.createApplication({ projectId, name: "x", samlConfiguration: saml }), "Unimplemented");
    await expectCode(create(webConfiguration(), { name: "" }), "InvalidArgument", "name");
    await expectCode(
      apps.createApplication({ projectId: "nope", name: "x", oidcConfiguration: webConfiguration() }),
      "InvalidArgument",
      "projectId",
    );
    await expectCode(apps.createApplication({ projectId: "123", name: "x", oidcConfiguration: webConfiguration() }), "NotFound");
    await expectCode(create(webConfiguration({ redirectUris: ["http://app.example.com/cb"] })), "InvalidArgument", "redirectUris[0]");
    await expectCode(
      create(webConfiguration({ responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_UNSPECIFIED] })),
      "InvalidArgument",
      "responseTypes[0]",
    );
    await expectCode(create(webConfiguration({ applicationType: 99 as OIDCApplicationType })), "InvalidArgument", "applicationType");
    await expectCode(
      create(webConfiguration({ applicationType: OIDCApplicationType.OIDC_APP_TYPE_NATIVE })),
      "InvalidArgument",
      "authMethodType",
    );
    await expectCode(create(webConfiguration({ clockSkew: { seconds: 10, nanos: 0 } })), "InvalidArgument", "clockSkew");
    await expectCode(
      create(webConfiguration({ backChannelLogoutUri: "https://app.example.com/logout" })),
      "InvalidArgument",
      "backChannelLogoutUri",
    );
    await expectCode(
      apps.createApplication({ projectId, name: "x", apiConfiguration: { authMethodType: 7 as APIAuthMethodType } }),
      "InvalidArgument",
      "authMethodType",
    );

    const { applicationId } = await create(webConfiguration());
    await expectCode(create(webConfiguration(), { applicationId }), "AlreadyExists", "applicationId");
    await expectCode(
      apps.updateApplication({ projectId, applicationId, samlConfiguration: { metadataUrl: "https://idp.example.com/md" } }),
      "Unimplemented",
    );
    await expectCode(
      apps.updateApplication({
        projectId,
        applicationId,
        oidcConfiguration: { applicationType: OIDCApplicationType.OIDC_APP_TYPE_USER_AGENT },
      }),
      "InvalidArgument",
      "authMethodType",
    );
    await expectCode(apps.updateApplication({ projectId, applicationId, apiConfiguration: {} }), "FailedPrecondition", "apiConfiguration");
    await expectCode(apps.updateApplication({ projectId, applicationId: "123", name: "y" }), "NotFound");
    await expectCode(apps.updateApplication({ projectId, applicationId: "abc", name: "y" }), "InvalidArgument", "applicationId");
    await expectCode(apps.getApplication({ applicationId: "abc" }), "InvalidArgument", "applicationId");
    await expectCode(apps.getApplication({ applicationId: "123" }), "NotFound");
    await expectCode(apps.deleteApplication({ projectId, applicationId: "abc" }), "InvalidArgument", "applicationId");
    await expectCode(apps.deactivateApplication({ projectId, applicationId: "abc" }), "InvalidArgument", "applicationId");
    await expectCode(apps.generateClientSecret({ projectId, applicationId: "123" }), "NotFound");
    await expectCode(apps.createApplicationKey({ projectId, applicationId: "x" }), "InvalidArgument", "applicationId");
    await expectCode(apps.createApplicationKey({ projectId, applicationId: "123" }), "NotFound");
    await expectCode(
      apps.createApplicationKey({ projectId, applicationId, expirationDate: new Date(Date.now() - 1000) }),
      "InvalidArgument",
      "expirationDate",
    );
    await expectCode(apps.getApplicationKey({ keyId: "abc" }), "InvalidArgument", "keyId");
    await expectCode(apps.getApplicationKey({ keyId: "123" }), "NotFound");
    await expectCode(apps.deleteApplicationKey({ keyId: "abc" }), "InvalidArgument", "keyId");
    await expectCode(apps.listApplicationKeys({ filters: [{ applicationIdFilter: { applicationId: "123" } }] }), "NotFound");
    await expectCode(apps.listApplicationKeys({ sortingColumn: 42 as ApplicationKeysSorting }), "InvalidArgument", "sortingColumn");
    await expectCode(appsV2("wrong-token").getApplication({ applicationId }), "Unauthenticated");
  });

  it("answers another tenant's caller exactly as v2beta does", async () => {
    const { projectId } = await newProject();
    const admin = appsV2();
    const web = await admin.createApplication({ projectId, name: "Private", oidcConfiguration: webConfiguration() });
    const jwt = await admin.createApplication({
      projectId,
      name: "Keys",
      apiConfiguration: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
    });
    const { keyId } = await admin.createApplicationKey({ projectId, applicationId: jwt.applicationId });
    const other = await createOrganization(dir(), { name: unique("Other") });
    const { token } = await makeCaller(dir(), other.id, [{ resource: { organizationId: other.id }, roles: ["ORG_OWNER"] }]);
    const v2 = appsV2(token);
    const v2beta = api().client(AppServiceV2beta, "grpc", token);
    const app = { projectId, applicationId: web.applicationId };
    const appBeta = { projectId, id: web.applicationId };

    const calls: [string, () => Promise<unknown>, () => Promise<unknown>, string][] = [
      [
        "createApplication",
        () => v2.createApplication({ projectId, name: "x", apiConfiguration: {} }),
        () => v2beta.createApplication({ projectId, name: "x", creationRequestType: { case: "apiRequest", value: {} } }),
        "PermissionDenied",
      ],
      [
        "updateApplication",
        () => v2.updateApplication({ ...app, name: "x" }),
        () => v2beta.updateApplication({ ...appBeta, name: "x" }),
        "PermissionDenied",
      ],
      ["getApplication", () => v2.getApplication(app), () => v2beta.getApplication(appBeta), "NotFound"],
      ["deactivateApplication", () => v2.deactivateApplication(app), () => v2beta.deactivateApplication(appBeta), "PermissionDenied"],
      ["reactivateApplication", () => v2.reactivateApplication(app), () => v2beta.reactivateApplication(appBeta), "PermissionDenied"],
      ["generateClientSecret", () => v2.generateClientSecret(app), () => v2beta.regenerateClientSecret(app), "PermissionDenied"],
      [
        "listApplications",
        () => v2.listApplications({ filters: [{ projectIdFilter: { projectId } }] }),
        () => v2beta.listApplications({ projectId }),
        "NotFound",
      ],
      [
        "createApplicationKey",
        () => v2.createApplicationKey({ projectId, applicationId: jwt.applicationId }),
        () => v2beta.createApplicationKey({ projectId, appId: jwt.applicationId }),
        "PermissionDenied",
      ],
      ["getApplicationKey", () => v2.getApplicationKey({ keyId }), () => v2beta.getApplicationKey({ id: keyId }), "NotFound"],
      [
        "listApplicationKeys",
        () => v2.listApplicationKeys({ filters: [{ applicationIdFilter: { applicationId: jwt.applicationId } }] }),
        () => v2beta.listApplicationKeys({ resourceId: { case: "applicationId", value: jwt.applicationId } }),
        "NotFound",
      ],
      [
        "deleteApplicationKey",
        () => v2.deleteApplicationKey({ keyId }),
        () => v2beta.deleteApplicationKey({ id: keyId }),
        "PermissionDenied",
      ],
      ["deleteApplication", () => v2.deleteApplication(app), () => v2beta.deleteApplication(appBeta), "PermissionDenied"],
    ];
    for (const [name, viaV2, viaV2beta, code] of calls) {
      expect([name, await codeOf(viaV2())]).toEqual([name, code]);
      expect([name, await codeOf(viaV2beta())]).toEqual([name, code]);
    }

    // Lists show nothing of the other tenant, in either version.
    expect((await v2.listApplications({})).applications).toEqual([]);
    expect((await v2beta.listApplications({})).applications).toEqual([]);
    expect((await v2.listApplicationKeys({})).keys).toEqual([]);

    // Nothing changed.
    const { application } = await admin.getApplication(app);
    expect(application).toMatchObject({ name: "Private", state: ApplicationState.APPLICATION_STATE_ACTIVE });
    expect((await admin.getApplicationKey({ keyId })).keyId).toBe(keyId);
  });

  it("signs a user in with an app and a client secret made through v2; the replaced secret is refused", async () => {
    const seed = seeder(api());
    const orgId = await seed.org();
    const projectId = await seed.project(orgId);
    const user = await seed.human(orgId);
    const apps = appsV2();
    const created = await apps.createApplication({
      projectId,
      name: unique("web"),
      oidcConfiguration: webConfiguration({ redirectUris: [CALLBACK] }),
    });
    const { clientId, clientSecret: first } = created.oidcConfiguration!;

    const page = await browser().newPage();
    const signIn = async (secret: string) =>
      (await signInWithCode(page, await discover(api().url, clientId, secret), user, "openid profile")).tokens;
    expect((await signIn(first)).claims()?.sub).toBe(user.id);

    const { clientSecret: second } = await apps.generateClientSecret({ projectId, applicationId: created.applicationId });
    const tokens = await signIn(second);
    expect(tokens.claims()?.sub).toBe(user.id);
    await expect(signIn(first)).rejects.toMatchObject({ error: "invalid_client" });
    await expect(oidc.fetchUserInfo(await discover(api().url, clientId, second), tokens.access_token, user.id)).resolves.toMatchObject({
      sub: user.id,
    });
    await page.close();
  });
});
