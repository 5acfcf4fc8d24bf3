// What the v1 screens (branding, change lists) share: the organization a v1 call acts in, and
// finding an organization or a user the signed-in user may see.
import { TextQueryMethod } from "@zitadel/proto/zitadel/object/v2/object_pb.js";
import type { User } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import type { ConsoleApi } from "../api.js";

/** Call options for a zitadel.management.v1 call in organization `orgId` (v1's organization context). */
export const inOrganization = (orgId: string) => ({ headers: { "x-zitadel-orgid": orgId } });

/** The user with this login name (any organization), if the signed-in user may see them. */
export async function findUserByLoginName(api: ConsoleApi, loginName: string): Promise<User | undefined> {
  const { result } = await api.users.listUsers({
    query: { limit: 10 },
    queries: [{ query: { case: "loginNameQuery", value: { loginName, method: TextQueryMethod.EQUALS_IGNORE_CASE } } }],
  });
  // Login names are unique; ignoring case may still find a second one that differs only in case.
  return result.find((u) => u.username === loginName) ?? (result.length === 1 ? result[0] : undefined);
}

/** "2026-01-05 14:03:07 UTC": one format for every viewer, whatever their time zone. */
export function formatTime(date: Date | undefined): string {
  if (!date) return "";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
