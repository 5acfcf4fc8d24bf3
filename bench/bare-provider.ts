// A bare oidc-provider v9 for comparison, run as its own process: default memory adapter, the
// key types rolegate has (RSA 2048 signing RS256, and a P-256 key), ZITADEL's paths, and clients
// of the kinds rolegate serves: a confidential web app (code + PKCE), a client-credentials client
// getting JWT access tokens through resource indicators, and an introspecting API client. Role
// claims are a constant (extraTokenClaims, and the account's claims for userinfo). Its login
// form has rolegate's fields but compares the password in plain text: no hashing.
//   PORT, ISSUER from the environment; prints one JSON line {"listening": port} when ready.
import { createHmac, generateKeyPairSync, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { BARE, BARE_ROLE_CLAIMS, REDIRECT_URI, rolesClaimOf, BARE_PROJECT_ID, ROLES_SCOPE } from "./lib/bare-config.js";

const port = Number(process.env.PORT ?? "0");
const issuer = process.env.ISSUER ?? `http://127.0.0.1:${port}`;

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
const cookieKey = randomBytes(32).toString("base64url");

const configuration: Configuration = {
  clients: [
    {
      client_id: BARE.web.clientId,
      client_secret: BARE.web.clientSecret,
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
    {
      client_id: BARE.machine.clientId,
      client_secret: BARE.machine.clientSecret,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: "client_secret_basic",
    },
    {
      client_id: BARE.api.clientId,
      client_secret: BARE.api.clientSecret,
      grant_types: [],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: {
    keys: [
      { ...rsa, kid: "bench-rs256", alg: "RS256", use: "sig" },
      { ...ec, kid: "bench-es256", alg: "ES256", use: "sig" },
    ],
  } as Configuration["jwks"],
  cookies: {
    keys: [cookieKey],
    long: { signed: true, httpOnly: true, sameSite: "lax" },
    short: { signed: true, httpOnly: true, sameSite: "lax" },
  },
  routes: {
    authorization: "/oauth/v2/authorize",
    token: "/oauth/v2/token",
    introspection: "/oauth/v2/introspect",
    revocation: "/oauth/v2/revoke",
    userinfo: "/oidc/v1/userinfo",
    end_session: "/oidc/v1/end_session",
    jwks: "/oauth/v2/keys",
  },
  scopes: ["openid", "offline_access", "profile", "email", BARE.machine.scope],
  claims: {
    openid: ["sub"],
    profile: ["name", "given_name", "family_name", "nickname", "preferred_username", "locale", "updated_at"],
    email: ["email", "email_verified"],
    [ROLES_SCOPE]: [rolesClaimOf(BARE_PROJECT_ID), ROLES_SCOPE],
  },
  findAccount: async (_ctx, sub) =>
    sub !== BARE.user.id
      ? undefined
      : {
          accountId: sub,
          claims: async () => ({
            sub,
            name: "Ada Lovelace",
            given_name: "Ada",
            family_name: "Lovelace",
            preferred_username: BARE.user.loginName,
            email: BARE.user.loginName,
            email_verified: true,
            ...BARE_ROLE_CLAIMS,
          }),
        },
  interactions: { url: (_ctx, interaction) => `/ui/login/${interaction.uid}` },
  // As rolegate: no consent screen, the grant covers what was asked (saved on each authorization).
  loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
    const { client, session } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const grant =
      (grantId && (await ctx.oidc.provider.Grant.find(grantId))) ||
      new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    const scopes = [
      ...new Set(
        String(ctx.oidc.params?.scope ?? "")
          .split(" ")
          .filter(Boolean),
      ),
    ];
    const before = JSON.stringify([grant.openid ?? null, grant.resources ?? null]);
    grant.addOIDCScope(scopes.join(" "));
    for (const resource of Object.keys(ctx.oidc.resourceServers ?? {})) grant.addResourceScope(resource, scopes.join(" "));
    // As rolegate: saved when new or changed (rolegate also renews it past half its life).
    if (!grant.jti || JSON.stringify([grant.openid ?? null, grant.resources ?? null]) !== before) await grant.save();
    return grant;
  },
  pkce: { required: (_ctx, client) => client.clientAuthMethod === "none" },
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true, allowedPolicy: async () => true },
    revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
    clientCredentials: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, client, oneOf) => oneOf ?? (client.clientId === BARE.machine.clientId ? BARE.resource : undefined),
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== BARE.resource) throw new errors.InvalidTarget("unknown resource");
        return { scope: BARE.machine.scope, audience: BARE.resource, accessTokenFormat: "jwt", jwt: { sign: { alg: "RS256" } } };
      },
    },
  },
  extraTokenClaims: async () => BARE_ROLE_CLAIMS,
  clientBasedCORS: () => true,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    ClientCredentials: 3600,
    IdToken: 3600,
    Interaction: 3600,
    RefreshToken: 30 * 24 * 3600,
    Session: 14 * 24 * 3600,
    Grant: 30 * 24 * 3600,
  },
  enabledJWA: { idTokenSigningAlgValues: ["RS256", "ES256"] },
  responseTypes: ["code", "id_token", "id_token token", "none"],
};

const provider = new Provider(issuer, configuration);
const callback = provider.callback();

const csrfOf = (uid: string) => createHmac("sha256", cookieKey).update(uid).digest("base64url");
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function page(res: http.ServerResponse, status: number, html: string) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><html><head><title>Sign in</title></head><body>${html}</body></html>`);
}

// The login UI: a form with a CSRF field bound to the interaction, then interactionFinished.
async function login(req: http.IncomingMessage, res: http.ServerResponse, uid: string, submit: boolean) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, "<p>This sign-in has expired.</p>");
  if (!submit) {
    return page(
      res,
      200,
      `<form method="post" action="/ui/login/${uid}/login"><input type="hidden" name="csrf" value="${csrfOf(uid)}">` +
        `<input type="text" name="loginName"><input type="password" name="password"><button type="submit">Sign in</button></form>`,
    );
  }
  const form = new URLSearchParams(await readBody(req));
  if (!same(form.get("csrf") ?? "", csrfOf(uid))) return page(res, 403, "<p>This form has expired.</p>");
  // No password hashing here, on purpose: this is the bare provider.
  if (form.get("loginName") !== BARE.user.loginName || !same(form.get("password") ?? "", BARE.user.password)) {
    return page(res, 401, "<p>Wrong login name or password.</p>");
  }
  await provider.interactionFinished(req, res, { login: { accountId: BARE.user.id } }, { mergeWithLastSubmission: false });
}

const server = http.createServer((req, res) => {
  const match = /^\/ui\/login\/([^/?]+)(\/login)?(?:\?.*)?$/.exec(req.url ?? "");
  if (!match) return void callback(req, res);
  login(req, res, match[1]!, req.method === "POST" && match[2] === "/login").catch((error: unknown) => {
    if (!res.headersSent) page(res, 400, `<p>${error instanceof Error ? error.message : "error"}</p>`);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === "object" && address ? address.port : port })}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  setTimeout(() => process.exit(0), 200).unref();
});
