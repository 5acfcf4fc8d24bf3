// Sign-in as one Koa middleware placed after rolegate's own routes: the OIDC side (src/oidc/) and
// the login UI (src/login/), joined here so that neither imports the other. The login UI asks the
// sign-in policy through the port the OIDC side hands over.
import { availableParallelism } from "node:os";
import type Koa from "koa";
import { createMemoryRateLimiter, createRedisRateLimiter, DEFAULT_LOGIN_LIMITS, type LoginLimits } from "./login/rate-limit.js";
import { createLoginRouter } from "./login/routes.js";
import { createVerificationGate } from "./login/verification-gate.js";
import { createOidc, type Oidc, type OidcDeps } from "./oidc/index.js";
import { consolePostLogoutUri, consoleRedirectUri } from "./console/routes.js";
import type { ConsoleClient } from "./oidc/console-client.js";

/** The console's built-in client (R-CONSOLE-1): no app or machine user is found by this id. */
export const CONSOLE_CLIENT_ID = "rolegate-console";

export function consoleClient(issuer: string): ConsoleClient {
  return { clientId: CONSOLE_CLIENT_ID, redirectUri: consoleRedirectUri(issuer), postLogoutRedirectUri: consolePostLogoutUri(issuer) };
}

export interface SignInDeps extends OidcDeps {
  /** Password attempts per window (defaults: DEFAULT_LOGIN_LIMITS). */
  loginLimits?: LoginLimits | undefined;
  /** Concurrent argon2 verifications and the wait in line beyond them (defaults: cores, 3 s). */
  passwordVerify?: { concurrency: number; queueMs: number } | undefined;
}

export type SignIn = Omit<Oidc, "provider" | "loginPolicy" | "csrfKey"> & {
  /** The cookie key of KEYS_DIR (the console seals its session with a key derived from it). */
  cookieKey: string;
};

export async function createSignIn(deps: SignInDeps): Promise<SignIn> {
  const oidc = await createOidc(deps);
  const limits = deps.loginLimits ?? DEFAULT_LOGIN_LIMITS;
  const loginRoutes = createLoginRouter({
    provider: oidc.provider,
    prisma: deps.prisma,
    policy: oidc.loginPolicy,
    csrfKey: oidc.csrfKey,
    limiter: deps.redis ? createRedisRateLimiter(deps.redis, limits) : createMemoryRateLimiter(limits),
    gate: createVerificationGate(deps.passwordVerify ?? { concurrency: availableParallelism(), queueMs: 3000 }),
    log: deps.log,
  }).routes();
  const middleware: Koa.Middleware = (ctx, next) =>
    ctx.path.startsWith("/ui/login/") ? loginRoutes(ctx as never, next) : oidc.middleware(ctx, next);
  return {
    middleware,
    reloadKeys: oidc.reloadKeys,
    resolveAccessToken: oidc.resolveAccessToken,
    directoryChanged: oidc.directoryChanged,
    close: oidc.close,
    cookieKey: oidc.csrfKey,
  };
}
