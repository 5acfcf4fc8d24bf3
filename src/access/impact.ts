// The impact of a change on one user's access to one project (docs/rules.md#r-impact-1): what the
// user holds before and after, by the sign-in policy's own decision (decideAccess) and role claim
// (buildRoleClaim), and what would be lost. Pure: the directory loads the snapshots, a dry run of
// the change gives the "after".
import { buildRoleClaim } from "./claims.js";
import { decideAccess, type ProjectAccess } from "./decide.js";

export interface HeldRole {
  roleKey: string;
  /** The organization holding the authorization the role comes from. */
  organizationId: string;
}

/** What a user holds on a project: whether they pass its checks, the role claim's roles, its apps. */
export interface Holding {
  allowed: boolean;
  roles: HeldRole[];
  /** The ids of the project's apps the user can sign in to (available apps, when allowed). */
  apps: string[];
}

export const NOTHING: Holding = Object.freeze({ allowed: false, roles: [], apps: [] }) as Holding;

/** `availableApps`: the project's apps that are available (active app, project and owner). */
export function holdingOf(access: ProjectAccess | undefined, availableApps: readonly string[]): Holding {
  if (!access || !decideAccess(access.snapshot).allowed) return NOTHING;
  // The roles the token's claim would carry, whatever the app asks: every key, every holder.
  const claim = buildRoleClaim(access.snapshot.authorizations, { roleKeys: [], roleOrgIds: [], projectRoleKeys: access.projectRoleKeys });
  const roles = Object.entries(claim).flatMap(([roleKey, holders]) =>
    Object.keys(holders).map((organizationId) => ({ roleKey, organizationId })),
  );
  return { allowed: true, roles, apps: [...availableApps] };
}

export interface Loss {
  /** Passed the project's checks before, and would not after. */
  losesAccess: boolean;
  lostRoles: HeldRole[];
  lostApps: string[];
}

/** What goes from `before` to `after`; undefined when nothing does. */
export function lossBetween(before: Holding, after: Holding): Loss | undefined {
  const kept = new Set(after.roles.map((r) => `${r.roleKey}\n${r.organizationId}`));
  const lostRoles = before.roles.filter((r) => !kept.has(`${r.roleKey}\n${r.organizationId}`));
  const lostApps = before.apps.filter((id) => !after.apps.includes(id));
  const losesAccess = before.allowed && !after.allowed;
  return losesAccess || lostRoles.length > 0 || lostApps.length > 0 ? { losesAccess, lostRoles, lostApps } : undefined;
}
