// The rules of an app's sign-in configuration (src/directory/oidc-config.ts), without a database:
// defaults, redirect URIs, grant and response types, auth methods, dev mode, clock skew, origins,
// and what an update may change. The stored side (applications.test.ts) checks that they are applied.
import { describe, expect, it } from "vitest";
import { DomainError, type ErrorCode } from "../../src/directory/errors.js";
import {
  MAX_CLOCK_SKEW_MS,
  mergeAppColumns,
  newAppColumns,
  readAppChanges,
  usesClientSecret,
  usesKeys,
  type AppColumns,
  type AppSettingsInput,
  type OidcConfigInput,
  type StoredAppConfig,
} from "../../src/directory/oidc-config.js";

const WEB = { redirectUris: ["https://app.example.com/cb"] } satisfies OidcConfigInput;

/** The DomainError `work` throws, or a failure when it throws none. */
function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  expect.fail("expected a refusal, got none");
}

function oidc(config: OidcConfigInput): AppColumns {
  return newAppColumns({ oidc: config });
}

describe("a new app's columns", () => {
  it("fills ZITADEL's defaults for an OIDC app", () => {
    expect(oidc(WEB)).toEqual({
      kind: "OIDC",
      redirectUris: ["https://app.example.com/cb"],
      postLogoutRedirectUris: [],
      responseTypes: ["CODE"],
      grantTypes: ["AUTHORIZATION_CODE"],
      appType: "WEB",
      authMethod: "BASIC",
      accessTokenType: "BEARER",
      accessTokenRoleAssertion: false,
      idTokenRoleAssertion: false,
      idTokenUserinfoAssertion: false,
      devMode: false,
      clockSkewMs: 0,
      additionalOrigins: [],
    });
  });

  it("gives an API app BASIC unless told otherwise, and no OIDC settings", () => {
    expect(newAppColumns({ api: {} })).toEqual({
      kind: "API",
      authMethod: "BASIC",
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
    });
    expect(newAppColumns({ api: { authMethod: "PRIVATE_KEY_JWT" } }).authMethod).toBe("PRIVATE_KEY_JWT");
  });

  const defaults: { name: string; config: OidcConfigInput; expected: Partial<AppColumns> }[] = [
    { name: "public app types default to NONE (NATIVE)", config: { ...WEB, appType: "NATIVE" }, expected: { authMethod: "NONE" } },
    { name: "public app types default to NONE (USER_AGENT)", config: { ...WEB, appType: "USER_AGENT" }, expected: { authMethod: "NONE" } },
    { name: "WEB apps may use NONE (PKCE only)", config: { ...WEB, authMethod: "NONE" }, expected: { authMethod: "NONE" } },
    { name: "an empty grant list counts as absent", config: { ...WEB, grantTypes: [] }, expected: { grantTypes: ["AUTHORIZATION_CODE"] } },
    {
      name: "response types follow the grants: implicit → ID_TOKEN",
      config: { ...WEB, grantTypes: ["IMPLICIT"] },
      expected: { responseTypes: ["ID_TOKEN"] },
    },
    {
      name: "response types follow the grants: code and implicit",
      config: { ...WEB, grantTypes: ["AUTHORIZATION_CODE", "IMPLICIT"] },
      expected: { responseTypes: ["CODE", "ID_TOKEN"] },
    },
    {
      name: "a device-code-only app needs neither response type nor redirect URI",
      config: { grantTypes: ["DEVICE_CODE"] },
      expected: { responseTypes: [], redirectUris: [] },
    },
    {
      name: "an empty response type list counts as absent",
      config: { ...WEB, responseTypes: [] },
      expected: { responseTypes: ["CODE"] },
    },
    { name: "refresh tokens with the code flow", config: { ...WEB, grantTypes: ["AUTHORIZATION_CODE", "REFRESH_TOKEN"] }, expected: {} },
    { name: "http on localhost", config: { redirectUris: ["http://localhost:3000/cb"] }, expected: {} },
    { name: "http on 127.0.0.1", config: { redirectUris: ["http://127.0.0.1/cb"] }, expected: {} },
    { name: "http on [::1]", config: { redirectUris: ["http://[::1]:8080/cb"] }, expected: {} },
    { name: "http anywhere in dev mode", config: { redirectUris: ["http://app.test/cb"], devMode: true }, expected: { devMode: true } },
    {
      name: "custom schemes for NATIVE apps",
      config: { redirectUris: ["com.example.app:/callback"], appType: "NATIVE" },
      expected: { redirectUris: ["com.example.app:/callback"] },
    },
    { name: "a clock skew of up to 5 s", config: { ...WEB, clockSkewMs: MAX_CLOCK_SKEW_MS }, expected: { clockSkewMs: 5000 } },
    {
      name: "origins as browsers send them: lowercased, default port dropped, once each",
      config: { ...WEB, additionalOrigins: ["HTTPS://App.Example.com:443", "https://app.example.com", "http://localhost:8080"] },
      expected: { additionalOrigins: ["https://app.example.com", "http://localhost:8080"] },
    },
    {
      name: "the flags as given",
      config: {
        ...WEB,
        accessTokenType: "JWT",
        accessTokenRoleAssertion: true,
        idTokenRoleAssertion: true,
        idTokenUserinfoAssertion: true,
      },
      expected: { accessTokenType: "JWT", accessTokenRoleAssertion: true, idTokenRoleAssertion: true, idTokenUserinfoAssertion: true },
    },
  ];
  it.each(defaults)("accepts: $name", ({ config, expected }) => {
    expect(oidc(config)).toMatchObject(expected);
  });

  const refused: { name: string; input: AppSettingsInput; code?: ErrorCode; field: string; message?: RegExp }[] = [
    { name: "both oidc and api", input: { oidc: WEB, api: {} }, field: "oidc" },
    { name: "neither oidc nor api", input: {}, field: "oidc" },
    { name: "an API app with POST", input: { api: { authMethod: "POST" as never } }, field: "authMethod" },
    { name: "an API app with NONE", input: { api: { authMethod: "NONE" as never } }, field: "authMethod" },
    { name: "an unknown response type", input: { oidc: { ...WEB, responseTypes: ["TOKEN" as never] } }, field: "responseTypes[0]" },
    { name: "an unknown grant type", input: { oidc: { ...WEB, grantTypes: ["PASSWORD" as never] } }, field: "grantTypes[0]" },
    { name: "an unknown app type", input: { oidc: { ...WEB, appType: "SPA" as never } }, field: "appType" },
    { name: "an unknown auth method", input: { oidc: { ...WEB, authMethod: "MTLS" as never } }, field: "authMethod" },
    { name: "an unknown token type", input: { oidc: { ...WEB, accessTokenType: "OPAQUE" as never } }, field: "accessTokenType" },
    { name: "a flag that is no boolean", input: { oidc: { ...WEB, devMode: "yes" as never } }, field: "devMode" },
    { name: "a clock skew over 5 s", input: { oidc: { ...WEB, clockSkewMs: MAX_CLOCK_SKEW_MS + 1 } }, field: "clockSkewMs" },
    { name: "a negative clock skew", input: { oidc: { ...WEB, clockSkewMs: -1 } }, field: "clockSkewMs" },
    { name: "a fractional clock skew", input: { oidc: { ...WEB, clockSkewMs: 1.5 } }, field: "clockSkewMs" },
    { name: "the code flow without redirect URI", input: { oidc: {} }, field: "redirectUris", message: /at least one redirect URI/ },
    {
      name: "the implicit flow without redirect URI",
      input: { oidc: { grantTypes: ["IMPLICIT"] } },
      field: "redirectUris",
      message: /at least one redirect URI/,
    },
    {
      name: "ID_TOKEN without the implicit grant",
      input: { oidc: { ...WEB, responseTypes: ["ID_TOKEN"] } },
      field: "responseTypes",
      message: /requires the grant type IMPLICIT/,
    },
    {
      name: "ID_TOKEN_TOKEN without the implicit grant",
      input: { oidc: { ...WEB, responseTypes: ["CODE", "ID_TOKEN_TOKEN"] } },
      field: "responseTypes",
      message: /requires the grant type IMPLICIT/,
    },
    {
      name: "CODE without the code grant",
      input: { oidc: { ...WEB, grantTypes: ["IMPLICIT"], responseTypes: ["CODE"] } },
      field: "responseTypes",
      message: /requires the grant type AUTHORIZATION_CODE/,
    },
    {
      name: "refresh tokens without the code flow",
      input: { oidc: { ...WEB, grantTypes: ["IMPLICIT", "REFRESH_TOKEN"] } },
      field: "grantTypes",
      message: /REFRESH_TOKEN requires/,
    },
    { name: "a NATIVE app with a secret", input: { oidc: { ...WEB, appType: "NATIVE", authMethod: "BASIC" } }, field: "authMethod" },
    { name: "a USER_AGENT app with POST", input: { oidc: { ...WEB, appType: "USER_AGENT", authMethod: "POST" } }, field: "authMethod" },
    {
      name: "a USER_AGENT app with keys",
      input: { oidc: { ...WEB, appType: "USER_AGENT", authMethod: "PRIVATE_KEY_JWT" } },
      field: "authMethod",
    },
    { name: "http on another host", input: { oidc: { redirectUris: ["http://app.example.com/cb"] } }, field: "redirectUris[0]" },
    {
      name: "http post-logout on another host",
      input: { oidc: { ...WEB, postLogoutRedirectUris: ["http://app.example.com/bye"] } },
      field: "postLogoutRedirectUris[0]",
    },
    { name: "a fragment", input: { oidc: { redirectUris: ["https://app.example.com/cb#x"] } }, field: "redirectUris[0]" },
    { name: "a relative URI", input: { oidc: { redirectUris: ["/cb"] } }, field: "redirectUris[0]" },
    { name: "a tab inside", input: { oidc: { redirectUris: ["https://app.example.com/c\tb"] } }, field: "redirectUris[0]" },
    { name: "a space inside", input: { oidc: { redirectUris: ["https://app.example.com/c b"] } }, field: "redirectUris[0]" },
    {
      name: "a URI over 2048 characters",
      input: { oidc: { redirectUris: [`https://app.example.com/${"a".repeat(2048)}`] } },
      field: "redirectUris[0]",
    },
    { name: "a custom scheme for a WEB app", input: { oidc: { redirectUris: ["com.example.app:/cb"] } }, field: "redirectUris[0]" },
    {
      name: "a custom scheme for a USER_AGENT app",
      input: { oidc: { redirectUris: ["com.example.app:/cb"], appType: "USER_AGENT" } },
      field: "redirectUris[0]",
    },
    ...["javascript:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd", "blob:https://a.example/x", "about:blank"].map(
      (uri) => ({
        name: `${uri.split(":")[0]}: even for a NATIVE app`,
        input: { oidc: { redirectUris: [uri], appType: "NATIVE" as const } },
        field: "redirectUris[0]",
      }),
    ),
    {
      name: "an origin with a path",
      input: { oidc: { ...WEB, additionalOrigins: ["https://a.example/x"] } },
      field: "additionalOrigins[0]",
    },
    { name: "an origin without scheme", input: { oidc: { ...WEB, additionalOrigins: ["a.example"] } }, field: "additionalOrigins[0]" },
    {
      name: "an origin with credentials",
      input: { oidc: { ...WEB, additionalOrigins: ["https://u@a.example"] } },
      field: "additionalOrigins[0]",
    },
  ];
  it.each(refused)("refuses $name", ({ input, code = "invalid_argument", field, message }) => {
    const error = refusal(() => newAppColumns(input));
    expect({ code: error.code, field: error.field }).toEqual({ code, field });
    if (message) expect(error.message).toMatch(message);
  });
});

describe("an update's columns", () => {
  const asStored = (columns: AppColumns): StoredAppConfig => ({ ...columns, id: "100" });
  const stored = (config: Partial<StoredAppConfig> = {}): StoredAppConfig => ({ ...asStored(newAppColumns({ oidc: WEB })), ...config });
  const update = (app: StoredAppConfig, input: AppSettingsInput) => mergeAppColumns(app, readAppChanges(input));

  it("keeps what the update does not name and validates the merged whole", () => {
    const app = stored({ devMode: true, redirectUris: ["http://app.test/cb"], accessTokenType: "JWT" });
    expect(update(app, { oidc: { idTokenRoleAssertion: true } })).toMatchObject({
      kind: "OIDC",
      redirectUris: ["http://app.test/cb"],
      accessTokenType: "JWT",
      devMode: true,
      idTokenRoleAssertion: true,
    });
    expect(refusal(() => update(app, { oidc: { devMode: false } })).field).toBe("redirectUris[0]");
  });

  it("reads an app stored without app type as WEB", () => {
    const app = stored({ appType: null });
    expect(update(app, { oidc: {} }).appType).toBe("WEB");
  });

  it("changes an API app's auth method, and keeps it when none is given", () => {
    const api = asStored(newAppColumns({ api: {} }));
    expect(update(api, { api: { authMethod: "PRIVATE_KEY_JWT" } }).authMethod).toBe("PRIVATE_KEY_JWT");
    expect(update(api, {}).authMethod).toBe("BASIC");
  });

  const refused: { name: string; app: () => StoredAppConfig; input: AppSettingsInput; code: ErrorCode; field: string }[] = [
    { name: "both oidc and api", app: () => stored(), input: { oidc: {}, api: {} }, code: "invalid_argument", field: "api" },
    {
      name: "OIDC settings for an API app",
      app: () => asStored(newAppColumns({ api: {} })),
      input: { oidc: {} },
      code: "failed_precondition",
      field: "oidc",
    },
    {
      name: "API settings for an OIDC app",
      app: () => stored(),
      input: { api: { authMethod: "BASIC" } },
      code: "failed_precondition",
      field: "api",
    },
    {
      name: "an empty grant list",
      app: () => stored(),
      input: { oidc: { grantTypes: [] } },
      code: "invalid_argument",
      field: "grantTypes",
    },
    {
      name: "a public app type for an app with a secret",
      app: () => stored(),
      input: { oidc: { appType: "NATIVE" } },
      code: "invalid_argument",
      field: "authMethod",
    },
    {
      name: "removing the last redirect URI of a code-flow app",
      app: () => stored(),
      input: { oidc: { redirectUris: [] } },
      code: "invalid_argument",
      field: "redirectUris",
    },
  ];
  it.each(refused)("refuses $name", ({ app, input, code, field }) => {
    const error = refusal(() => update(app(), input));
    expect({ code: error.code, field: error.field }).toEqual({ code, field });
  });
});

describe("auth methods", () => {
  it.each([
    { method: "BASIC", secret: true, keys: false },
    { method: "POST", secret: true, keys: false },
    { method: "NONE", secret: false, keys: false },
    { method: "PRIVATE_KEY_JWT", secret: false, keys: true },
  ] as const)("$method: client secret $secret, keys $keys", ({ method, secret, keys }) => {
    expect(usesClientSecret(method)).toBe(secret);
    expect(usesKeys(method)).toBe(keys);
  });
});
