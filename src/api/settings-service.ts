// zitadel.settings.v2.SettingsService: GetBrandingSettings, the label policy the login pages show
// for an organization (the `ctx` request context), or the default for the instance. Branding is
// what every visitor of a login page sees, so any authenticated caller may read it.
import type { ServiceImpl } from "@connectrpc/connect";
import type { SettingsService } from "@zitadel/proto/zitadel/settings/v2/settings_service_pb.js";
import { findLabelPolicy } from "../directory/label-policy.js";
import { callOf, type ApiDeps } from "./context.js";
import { toBrandingSettings } from "./label-policy-messages.js";

export function settingsService(deps: ApiDeps): Partial<ServiceImpl<typeof SettingsService>> {
  return {
    async getBrandingSettings(req, ctx) {
      const c = callOf(deps, ctx);
      const orgId = req.ctx?.resourceOwner.case === "orgId" ? req.ctx.resourceOwner.value : undefined;
      const row = orgId ? await findLabelPolicy(c.dir, orgId, false) : null;
      return { settings: toBrandingSettings(deps, orgId, row) };
    },
  };
}
