// End session as ZITADEL does it: a valid id_token_hint with a registered
// post_logout_redirect_uri signs the user out at once (no confirmation page); otherwise the
// user confirms on a page. oidc-provider has validated the hint and the redirect URI by the
// time it asks for the page (logoutSource).
import type { KoaContextWithOIDC } from "oidc-provider";
import { DEFAULT_BRANDING } from "../pages/branding.js";
import { renderLogoutConfirm } from "../pages/render.js";
import { dropGrantArtifacts, pendingLogout } from "./internals.js";

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const session = ctx.oidc.session;
  const logout = pendingLogout(ctx);
  if (session && ctx.oidc.params?.id_token_hint && logout?.postLogoutRedirectUri) {
    await signOut(ctx);
    const target = new URL(logout.postLogoutRedirectUri);
    if (logout.state != null) target.searchParams.set("state", logout.state);
    ctx.status = 303;
    ctx.redirect(target.href);
    return;
  }
  ctx.type = "html";
  ctx.body = renderLogoutConfirm({ formHtml: form, branding: DEFAULT_BRANDING });
}

/** Revokes every grant of the session (tokens included) and ends the session. */
async function signOut(ctx: KoaContextWithOIDC): Promise<void> {
  const { provider, session } = ctx.oidc;
  if (!session) return;
  const authorizations = (session.authorizations ?? {}) as Record<string, { grantId?: string }>;
  for (const { grantId } of Object.values(authorizations)) {
    if (!grantId) continue;
    await dropGrantArtifacts(provider, grantId);
    await (await provider.Grant.find(grantId))?.destroy();
  }
  await session.destroy();
  ctx.cookies.set(provider.cookieName("session"), null);
}
