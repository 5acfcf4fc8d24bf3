// What every management API handler gets: the caller (set by the auth interceptor) and the
// directory context acting as that caller.
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Principal } from "../access/permissions.js";
import { permissionDenied } from "../directory/errors.js";
import type { DirectoryContext } from "../directory/context.js";
import type { PrismaClient } from "../generated/prisma/client.js";

export const PRINCIPAL = createContextKey<Principal | undefined>(undefined, { description: "the authenticated caller" });

export interface ApiDeps {
  prisma: PrismaClient;
  /**
   * The user behind an access token rolegate issued for the management API's audience, if the
   * token is one (supplied by the sign-in side).
   */
  resolveAccessToken?: ((token: string) => Promise<string | undefined>) | undefined;
  /** KEYS_DIR, whose signing keys the WebKeyService manages (absent: it answers failed_precondition). */
  keysDir?: string | undefined;
  /** Called after every change to the signing keys, so the running provider reloads them. */
  keysChanged?: (() => Promise<void>) | undefined;
  /** Called after every call that may have changed the directory (clears the sign-in caches). */
  directoryChanged?: (() => Promise<void>) | undefined;
  /** rolegate's public URL (the issuer), for the absolute asset URLs in responses; absent: paths. */
  publicUrl?: string | undefined;
}

export interface Call {
  principal: Principal;
  dir: DirectoryContext;
  /** The organization named by the `x-zitadel-orgid` header, if any. */
  headerOrgId: string | undefined;
}

export function callOf(deps: ApiDeps, ctx: HandlerContext): Call {
  const principal = ctx.values.get(PRINCIPAL);
  if (!principal) throw new Error("no principal: the auth interceptor did not run");
  const headerOrgId = ctx.requestHeader.get("x-zitadel-orgid") ?? undefined;
  return { principal, dir: { prisma: deps.prisma, actor: { id: principal.userId } }, headerOrgId: headerOrgId || undefined };
}

/**
 * The organization a request acts in when it names none (v1 always; v2 where a field is empty): the
 * `x-zitadel-orgid` header's, or the caller's own (docs/rules.md#r-admin-6). It grants nothing.
 */
export function contextOrganization(c: Call): string {
  return c.headerOrgId || c.principal.orgId;
}

export function requireThat(allowed: boolean, what: string): void {
  if (!allowed) throw permissionDenied(`not allowed to ${what}`);
}
