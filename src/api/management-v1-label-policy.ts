// zitadel.management.v1 label policy (private labeling) of the request's organization: its owners
// (and instance owners) edit the preview, activate it for the login pages, remove its logos and
// icons, or reset it. Logos and icons are uploaded through src/api/assets.ts.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "@zitadel/proto/zitadel/management_pb.js";
import { canManageOrganization } from "../access/permissions.js";
import * as labels from "../directory/label-policy.js";
import { callOf, requireThat, type ApiDeps, contextOrganization } from "./context.js";
import { readLabelPolicyV1, toLabelPolicyV1 } from "./label-policy-messages.js";

import { changed, details } from "./v1-messages.js";

type Impl = Partial<ServiceImpl<typeof ManagementService>>;

export function managementV1LabelPolicy(deps: ApiDeps): Impl {
  /** The request's organization, whose policy the caller must manage. */
  const managed = (ctx: HandlerContext) => {
    const c = callOf(deps, ctx);
    const orgId = contextOrganization(c);
    requireThat(canManageOrganization(c.principal, orgId), `manage the label policy of organization ${orgId}`);
    return { dir: c.dir, orgId };
  };
  const removeAsset = (slot: labels.AssetSlot) => async (_req: unknown, ctx: HandlerContext) => {
    const { dir, orgId } = managed(ctx);
    const row = await labels.removeLabelPolicyAsset(dir, orgId, slot);
    return { details: details(row, orgId) };
  };

  return {
    async getLabelPolicy(_req, ctx) {
      const { dir, orgId } = managed(ctx);
      const row = await labels.findLabelPolicy(dir, orgId, false);
      return { policy: toLabelPolicyV1(deps, orgId, row), isDefault: row === null };
    },
    async getPreviewLabelPolicy(_req, ctx) {
      const { dir, orgId } = managed(ctx);
      const row = (await labels.findLabelPolicy(dir, orgId, true)) ?? (await labels.findLabelPolicy(dir, orgId, false));
      return { policy: toLabelPolicyV1(deps, orgId, row), isDefault: row === null };
    },
    async getDefaultLabelPolicy(_req, ctx) {
      const { orgId } = managed(ctx);
      return { policy: toLabelPolicyV1(deps, orgId, null) };
    },
    async addCustomLabelPolicy(req, ctx) {
      const { dir, orgId } = managed(ctx);
      return { details: details(await labels.addLabelPolicy(dir, orgId, readLabelPolicyV1(req)), orgId) };
    },
    async updateCustomLabelPolicy(req, ctx) {
      const { dir, orgId } = managed(ctx);
      return { details: details(await labels.updateLabelPolicy(dir, orgId, readLabelPolicyV1(req)), orgId) };
    },
    async activateCustomLabelPolicy(_req, ctx) {
      const { dir, orgId } = managed(ctx);
      return { details: details(await labels.activateLabelPolicy(dir, orgId), orgId) };
    },
    removeCustomLabelPolicyLogo: removeAsset("logo"),
    removeCustomLabelPolicyLogoDark: removeAsset("logo/dark"),
    removeCustomLabelPolicyIcon: removeAsset("icon"),
    removeCustomLabelPolicyIconDark: removeAsset("icon/dark"),
    async resetLabelPolicyToDefault(_req, ctx) {
      const { dir, orgId } = managed(ctx);
      await labels.resetLabelPolicy(dir, orgId);
      return { details: changed(orgId) };
    },
  };
}
