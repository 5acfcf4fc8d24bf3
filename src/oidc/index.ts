// Assembles sign-in: keys, the state store, the provider, the login UI and userinfo, as one
// Koa middleware placed after rolegate's own routes.
import type Koa from "koa";
import type { PrismaClient } from "../generated/prisma/client.js";
import { createLoginRouter } from "../login/routes.js";
import { createMemoryRateLimiter } from "../login/rate-limit.js";
import type { Logger } from "../log.js";
import { loadKeys, publicJwks } from "./keys.js";
import { createManagementTokenResolver } from "./management-tokens.js";
import { createJwtProfileGrant, routeTokenRequests } from "./jwt-profile.js";
import { createProvider, resourceFor, ROUTES } from "./provider.js";
import { MemoryStore } from "./store.js";
import { createUserinfo } from "./userinfo.js";

export interface SignInDeps {
  issuer: string;
  keysDir: string;
  prisma: PrismaClient;
  log: Logger;
  trustProxy: boolean;
}

export interface SignIn {
  middleware: Koa.Middleware;
  /** The user behind an access token issued for the management API, if it is one. */
  resolveAccessToken(token: string): Promise<string | undefined>;
  close(): void;
}

export async function createSignIn(deps: SignInDeps): Promise<SignIn> {
  const keys = await loadKeys(deps.keysDir);
  const store = new MemoryStore();
  const provider = createProvider({ ...deps, keys, store });
  const login = createLoginRouter({
    provider,
    prisma: deps.prisma,
    csrfKey: keys.cookieKeys[0]!,
    limiter: createMemoryRateLimiter(),
    log: deps.log,
  });
  const loginRoutes = login.routes();
  const userinfo = createUserinfo(provider, deps.prisma, publicJwks(keys));
  const providerCallback = provider.callback();
  const tokenRequest = routeTokenRequests(createJwtProfileGrant(provider, deps.prisma, resourceFor));

  const middleware: Koa.Middleware = async (ctx, next) => {
    if (ctx.path.startsWith("/ui/login/")) return loginRoutes(ctx as never, next);
    if (ctx.path === ROUTES.userinfo && (ctx.method === "GET" || ctx.method === "POST")) return userinfo(ctx);
    if (ctx.path === ROUTES.token && (await tokenRequest(ctx))) return;
    ctx.respond = false; // oidc-provider answers everything else itself
    await providerCallback(ctx.req, ctx.res);
  };
  return {
    middleware,
    resolveAccessToken: createManagementTokenResolver(provider, publicJwks(keys)),
    close: () => store.close(),
  };
}
