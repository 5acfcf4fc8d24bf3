// OIDC endpoints given input PostgreSQL cannot store (NUL, other control characters) answer an
// OIDC error (invalid_client, invalid_request, invalid_grant), never a 500, and log no error:
// a client id in a form, in Basic authentication and in a query; a jwt-bearer assertion's sub and
// kid; authorization request parameters (a scope naming an organization's domain); the login form.
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../support/api.js";
import { seeder } from "../support/seed.js";

const api = useApiServer();
const CALLBACK = "http://127.0.0.1:9/cb";
let web: { clientId: string; clientSecret: string };

beforeAll(async () => {
  const seed = seeder(api());
  const orgId = await seed.org();
  const projectId = await seed.project(orgId);
  web = await seed.webApp(projectId, CALLBACK);
});

afterAll(() => {
  // Not one error (with its stack trace) in the server's log.
  expect(
    api()
      .logs()
      .filter((line) => Number(line.level) >= 50),
  ).toEqual([]);
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

async function postForm(path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${api().url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  let body: { error?: string } = {};
  try {
    body = JSON.parse(text) as { error?: string };
  } catch {
    // an HTML page
  }
  return { status: res.status, error: body.error, text };
}

/** invalid_client (401) or invalid_request (400): the OIDC errors for a client id no client has. */
const isClientError = ([status, error]: [number, string | undefined]) =>
  (status === 401 && error === "invalid_client") || (status === 400 && error === "invalid_request");

describe("client ids with control characters", () => {
  const BAD_IDS = ["\u0000", "web\u0000", "1234\u0000567", "web\u0007", "web\u009f"];

  it("token endpoint: invalid_client (client_secret_post and Basic)", async () => {
    for (const id of BAD_IDS) {
      const post = await postForm("/oauth/v2/token", { grant_type: "client_credentials", client_id: id, client_secret: "x" });
      expect({ id, answer: [post.status, post.error] }).toMatchObject({ id, answer: expect.toSatisfy(isClientError) });
      const viaBasic = await postForm("/oauth/v2/token", { grant_type: "client_credentials" }, { authorization: basic(id, "x") });
      expect({ id, answer: [viaBasic.status, viaBasic.error] }).toMatchObject({ id, answer: expect.toSatisfy(isClientError) });
    }
  });

  it("introspection and revocation: invalid_client", async () => {
    for (const path of ["/oauth/v2/introspect", "/oauth/v2/revoke"]) {
      const res = await postForm(path, { token: "abc" }, { authorization: basic("web\u0000", "x") });
      expect({ path, answer: [res.status, res.error] }).toMatchObject({ path, answer: expect.toSatisfy(isClientError) });
      const inForm = await postForm(path, { token: "abc", client_id: "web\u0000", client_secret: "x" });
      expect({ path, answer: [inForm.status, inForm.error] }).toMatchObject({ path, answer: expect.toSatisfy(isClientError) });
    }
  });

  it("authorization endpoint: an OIDC error page, not a 500", async () => {
    for (const id of BAD_IDS) {
      const url = new URL("/oauth/v2/authorize", api().url);
      url.search = new URLSearchParams({ client_id: id, redirect_uri: CALLBACK, response_type: "code", scope: "openid" }).toString();
      const res = await fetch(url, { redirect: "manual" });
      const text = await res.text();
      expect(res.status, text.slice(0, 300)).toBe(400);
      expect(text).toMatch(/invalid_client|invalid_request/);
    }
  });
});

describe("authorization request parameters with control characters", () => {
  it("refuses a scope naming an organization by a domain with NUL, never a 500", async () => {
    for (const scope of [
      "openid urn:zitadel:iam:org:domain:primary:acme\u0000.example.com",
      "openid urn:zitadel:iam:org:project:role:\u0000",
      "openid\u0000",
    ]) {
      const url = new URL("/oauth/v2/authorize", api().url);
      url.search = new URLSearchParams({
        client_id: web.clientId,
        redirect_uri: CALLBACK,
        response_type: "code",
        scope,
        state: "s",
      }).toString();
      let res = await fetch(url, { redirect: "manual" });
      const cookies: string[] = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
      // Follow the redirects to the login page (if any) with the interaction's cookies.
      for (let hop = 0; hop < 5 && res.status >= 300 && res.status < 400; hop++) {
        const location = new URL(res.headers.get("location")!, url);
        if (location.origin !== api().url) break;
        res = await fetch(location, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
        cookies.push(...res.headers.getSetCookie().map((c) => c.split(";")[0]!));
      }
      const text = await res.text();
      expect(res.status, `${JSON.stringify(scope)}: ${text.slice(0, 300)}`).toBeLessThan(500);
      if (res.status >= 300 && res.status < 400) {
        expect(["invalid_request", "invalid_scope"]).toContain(new URL(res.headers.get("location")!).searchParams.get("error"));
      } else {
        expect(res.status).toBe(400);
        expect(text).toMatch(/invalid_request/);
      }
    }
  });

  it("the login form refuses a login name with NUL (a bad request, not a 500)", async () => {
    const url = new URL("/oauth/v2/authorize", api().url);
    url.search = new URLSearchParams({
      client_id: web.clientId,
      redirect_uri: CALLBACK,
      response_type: "code",
      scope: "openid",
      state: "s",
    }).toString();
    let res = await fetch(url, { redirect: "manual" });
    const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const login = new URL(res.headers.get("location")!, url);
    expect(login.pathname).toMatch(/^\/ui\/login\//);
    res = await fetch(login, { headers: { cookie: cookies.join("; ") } });
    const page = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    const action = /<form[^>]*action="([^"]*\/login)"/.exec(page)?.[1];
    expect(csrf, page.slice(0, 500)).toBeTruthy();
    expect(action).toBeTruthy();
    const submit = await fetch(new URL(action!.replace(/&amp;/g, "&"), url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
      body: new URLSearchParams({ csrf: csrf!, loginName: "ada\u0000", password: "Secr3t!Passw0rd" }).toString(),
      redirect: "manual",
    });
    expect(submit.status).toBe(400);
  });
});

describe("jwt-bearer assertions with control characters", () => {
  it("answers invalid_grant for a sub or kid with NUL", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const assertion = (kid: string, sub: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "RS256", kid })
        .setIssuer(sub)
        .setSubject(sub)
        .setAudience(api().url)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
    for (const [kid, sub] of [
      ["1", "\u0000"],
      ["1", "123\u0000"],
      ["1\u0000", "123"],
      ["\u0007", "123\u009f"],
    ] as const) {
      const res = await postForm("/oauth/v2/token", {
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: await assertion(kid, sub),
        scope: "openid",
      });
      expect({ kid, sub, status: res.status }).toEqual({ kid, sub, status: 400 });
      expect(["invalid_grant", "invalid_request"]).toContain(res.error);
    }
  });
});
