// The UserService's behaviour, once for every version (v2, management v1): who may do what to which
// user, and which directory call does it. Takes plain inputs and returns directory rows; the
// version files (user-service.ts, management-v1-users.ts) only translate messages.
// Reading a user needs user-manager rights of its organization (or being that user); changing one
// also needs roles that cover every administrator role it holds (docs/rules.md#r-admin-4).
import type { HandlerContext } from "@connectrpc/connect";
import { canManageUsers, scopeOf } from "../access/permissions.js";
import { decideUserOperation, describeRole, type UserOperation } from "../access/user-administration.js";
import { findHeldRoles } from "../directory/administrators.js";
import { assertThat, failedPrecondition, notFound, permissionDenied } from "../directory/errors.js";
import type { Page } from "../directory/list.js";
import * as orgs from "../directory/organizations.js";
import * as passwords from "../directory/passwords.js";
import * as credentials from "../directory/user-credentials.js";
import * as userListing from "../directory/user-listing.js";
import * as userMetadata from "../directory/user-metadata.js";
import * as users from "../directory/users.js";
import { requireId, requireText } from "../directory/validate.js";
import { callOf, requireThat, type ApiDeps, type Call, contextOrganization } from "./context.js";

export interface UserOperationsOptions {
  /**
   * v1 works within one organization, the `x-zitadel-orgid` header's or else the caller's own:
   * a user of another organization is not found there, even for an instance owner.
   */
  withinContextOrganization?: boolean;
}

/** A user as every version shows it: the row, and whether a machine user has a client secret. */
export interface UserView {
  user: users.User;
  hasSecret: boolean;
}

export type NewHuman = Omit<users.CreateHumanUserInput, "orgId"> & { metadata?: userMetadata.MetadataEntry[] | undefined };

/**
 * Request fields are read (and refused) only after the permission check, so a caller without
 * rights learns nothing from the answer about its request: inputs come as functions.
 */
type Read<T> = () => T;

export type UserOperations = ReturnType<typeof userOperations>;

export function userOperations(deps: ApiDeps, { withinContextOrganization = false }: UserOperationsOptions = {}) {
  const call = (ctx: HandlerContext) => callOf(deps, ctx);
  const inContext = (c: Call, user: { orgId: string }) => !withinContextOrganization || user.orgId === contextOrganization(c);

  /** A user the caller administers, or the caller itself; anyone else's is reported as not found. */
  async function readableUser(c: Call, id: string, { anyOrganization = false } = {}): Promise<users.User> {
    const user = await users.getUser(c.dir, id);
    // Reading needs no roles of the target: only whether the caller manages its organization.
    const readable = decideUserOperation(c.principal, { userId: user.id, orgId: user.orgId, roles: [] }, "read").allowed;
    if (!readable || (!anyOrganization && !inContext(c, user))) throw notFound("user", id);
    return user;
  }

  /**
   * A user the caller administers and whose administrator roles the caller's cover (so the change
   * cannot hand the caller powers it lacks). Its own user is visible to it, but not writable.
   */
  async function writableUser(c: Call, id: string, what: string, operation: Exclude<UserOperation, "read">): Promise<users.User> {
    const user = await readableUser(c, id);
    await assertMayChange(c, { userId: user.id, orgId: user.orgId }, what, operation);
    return user;
  }

  async function assertMayChange(
    c: Call,
    target: { userId: string; orgId: string },
    what: string,
    operation: Exclude<UserOperation, "read">,
  ): Promise<void> {
    // Not a user manager: refused before the target's roles are read.
    requireThat(canManageUsers(c.principal, target.orgId), `${what} user ${target.userId}`);
    const decision = decideUserOperation(c.principal, { ...target, roles: await findHeldRoles(c.dir, target.userId) }, operation);
    if (decision.allowed) return;
    const why =
      decision.reason === "holds_uncovered_role" ? `: it holds ${describeRole(decision.role)}, which your roles do not cover` : "";
    throw permissionDenied(`not allowed to ${what} user ${target.userId}${why}`);
  }

  /** Administrators must not lock themselves out (their token would stop working). */
  function assertNotSelf(c: Call, user: users.User, what: string): void {
    assertThat(user.id !== c.principal.userId, () => failedPrecondition(`an administrator cannot ${what} itself`));
  }

  /** The organization of a new user: the request's, else the x-zitadel-orgid header's, else the caller's. */
  async function organizationOf(c: Call, requested: { orgId?: string | undefined; orgDomain?: string | undefined }): Promise<string> {
    let orgId = requested.orgId || contextOrganization(c);
    if (requested.orgDomain !== undefined) {
      const domain = requireText("organization.orgDomain", requested.orgDomain, { max: 253 }).toLowerCase();
      orgId = await orgs.getOrganizationIdByDomain(c.dir, domain);
    }
    requireThat(canManageUsers(c.principal, orgId), `create users in organization ${orgId}`);
    return orgId;
  }

  /** The owner of a token or key, checked before it is removed; other tenants' are not found. */
  async function assertRemovable(
    c: Call,
    kind: string,
    id: string,
    requestedUserId: string,
    row: credentials.CredentialOwner | null,
  ): Promise<void> {
    if (requestedUserId) await writableUser(c, requestedUserId, `remove ${kind}s of`, "credentials");
    if (!row || (requestedUserId && row.userId !== requestedUserId)) throw notFound(kind, id);
    if (!canManageUsers(c.principal, row.orgId) || !inContext(c, row)) {
      requireThat(row.userId !== c.principal.userId, `remove ${kind}s of user ${row.userId}`);
      throw notFound(kind, id);
    }
    if (!requestedUserId) await assertMayChange(c, row, `remove ${kind}s of`, "credentials");
  }

  async function withSecrets(c: Call, list: users.User[]): Promise<UserView[]> {
    const holders = await credentials.usersWithSecret(
      c.dir,
      list.filter((u) => u.type === "MACHINE").map((u) => u.id),
    );
    return list.map((user) => ({ user, hasSecret: holders.has(user.id) }));
  }

  /** Users the caller may read, as a condition ANDed to a list's own. */
  function visibleUsers(c: Call): userListing.ListUsersInput {
    const scope = scopeOf(c.principal);
    return {
      orgId: withinContextOrganization ? contextOrganization(c) : undefined,
      // What the caller may read: users of the organizations it administers, and itself.
      or: scope.all ? undefined : [{ orgIds: scope.userOrgIds }, { ids: [c.principal.userId] }],
    };
  }

  /** Tokens and keys the caller may see: those of the organizations whose users it administers. */
  function visibleCredentials(c: Call): Pick<credentials.ListCredentialsInput, "orgIds"> {
    const scope = scopeOf(c.principal);
    const orgIds = scope.all ? undefined : scope.userOrgIds;
    if (!withinContextOrganization) return { orgIds };
    const org = contextOrganization(c);
    return { orgIds: orgIds === undefined || orgIds.includes(org) ? [org] : [] };
  }

  /** Runs `change` on a user the caller may change. */
  const onWritable =
    <I extends { userId: string }, R>(what: string, operation: Exclude<UserOperation, "read">, change: (c: Call, input: I) => Promise<R>) =>
    async (ctx: HandlerContext, input: I): Promise<R> => {
      const c = call(ctx);
      await writableUser(c, input.userId, what, operation);
      return change(c, input);
    };

  /** Creates a human user with its metadata; a user whose metadata is refused is taken back. */
  async function createHuman(c: Call, orgId: string, input: NewHuman): Promise<users.User> {
    const { metadata = [], ...fields } = input;
    const user = await users.createHumanUser(c.dir, { ...fields, orgId });
    if (metadata.length === 0) return user;
    try {
      await userMetadata.setUserMetadata(c.dir, { userId: user.id, metadata });
    } catch (error) {
      await users.deleteUser(c.dir, user.id);
      throw error;
    }
    return user;
  }

  return {
    async createHuman(ctx: HandlerContext, org: { orgId?: string | undefined; orgDomain?: string | undefined }, input: Read<NewHuman>) {
      const c = call(ctx);
      const orgId = await organizationOf(c, org);
      return createHuman(c, orgId, input());
    },

    async createMachine(ctx: HandlerContext, org: { orgId?: string | undefined }, input: Omit<users.CreateMachineUserInput, "orgId">) {
      const c = call(ctx);
      const orgId = await organizationOf(c, org);
      return users.createMachineUser(c.dir, { ...input, orgId });
    },

    async getUser(ctx: HandlerContext, id: string): Promise<UserView> {
      const c = call(ctx);
      const [view] = await withSecrets(c, [await readableUser(c, id)]);
      return view!;
    },

    /** Instance-wide (login names are), yet only a user the caller may read; others are not found. */
    async getUserByLoginName(ctx: HandlerContext, loginName: string): Promise<UserView> {
      const c = call(ctx);
      const { items } = await userListing.listUsers(c.dir, {
        username: { value: loginName, method: "EQUALS_IGNORE_CASE" },
        pagination: { limit: 1 },
      });
      const found = items[0];
      if (!found) throw notFound("user", loginName);
      const [view] = await withSecrets(c, [await readableUser(c, found.id, { anyOrganization: true })]);
      return view!;
    },

    /**
     * Whether neither the login name nor the email address is in use, instance-wide (login names
     * are unique across the instance, and a human's defaults to its email). User managers only.
     */
    async isUserUnique(ctx: HandlerContext, input: { username: string; email: string }): Promise<boolean> {
      const c = call(ctx);
      const org = contextOrganization(c);
      requireThat(canManageUsers(c.principal, org), `check login names in organization ${org}`);
      const taken: userListing.ListUsersInput[] = [];
      if (input.username) taken.push({ username: { value: input.username, method: "EQUALS_IGNORE_CASE" } });
      if (input.email) taken.push({ username: { value: input.email, method: "EQUALS_IGNORE_CASE" } }, { emails: [input.email] });
      if (taken.length === 0) return true;
      const page = await userListing.listUsers(c.dir, { or: taken, pagination: { limit: 1 } });
      return page.totalResult === 0;
    },

    async listUsers(ctx: HandlerContext, input: Omit<userListing.ListUsersInput, "or">): Promise<Page<UserView>> {
      const c = call(ctx);
      const page = await userListing.listUsers(c.dir, { ...input, ...visibleUsers(c) });
      return { ...page, items: await withSecrets(c, page.items) };
    },

    async updateHuman(ctx: HandlerContext, userId: string, input: Read<Omit<users.UpdateHumanUserInput, "userId">>): Promise<users.User> {
      const c = call(ctx);
      await writableUser(c, userId, "update", "profile");
      return users.updateHumanUser(c.dir, { ...input(), userId });
    },

    updateMachine: onWritable("update", "profile", (c, input: users.UpdateMachineUserInput) => users.updateMachineUser(c.dir, input)),

    /** A human's or a machine user's login name. */
    updateUsername: onWritable("update", "profile", async (c, input: { userId: string; username: string }) => {
      const user = await users.getUser(c.dir, input.userId);
      return user.type === "HUMAN" ? users.updateHumanUser(c.dir, input) : users.updateMachineUser(c.dir, input);
    }),

    async deactivateUser(ctx: HandlerContext, id: string): Promise<users.User> {
      const c = call(ctx);
      assertNotSelf(c, await writableUser(c, id, "deactivate", "state"), "deactivate");
      return users.deactivateUser(c.dir, id);
    },

    async reactivateUser(ctx: HandlerContext, id: string): Promise<users.User> {
      const c = call(ctx);
      await writableUser(c, id, "reactivate", "state");
      return users.reactivateUser(c.dir, id);
    },

    async lockUser(ctx: HandlerContext, id: string): Promise<users.User> {
      const c = call(ctx);
      assertNotSelf(c, await writableUser(c, id, "lock", "state"), "lock");
      return users.lockUser(c.dir, id);
    },

    async unlockUser(ctx: HandlerContext, id: string): Promise<users.User> {
      const c = call(ctx);
      await writableUser(c, id, "unlock", "state");
      return users.unlockUser(c.dir, id);
    },

    /** The user as it was; deleting it again is not found, as in ZITADEL. */
    async deleteUser(ctx: HandlerContext, id: string): Promise<users.User> {
      const c = call(ctx);
      const user = await writableUser(c, id, "delete", "delete");
      assertNotSelf(c, user, "delete");
      if (!(await users.deleteUser(c.dir, user.id))) throw notFound("user", user.id);
      return user;
    },

    async setPassword(ctx: HandlerContext, userId: string, input: Read<Omit<passwords.SetPasswordInput, "userId">>): Promise<users.User> {
      const c = call(ctx);
      await writableUser(c, userId, "set the password of", "credentials");
      return passwords.setPassword(c.dir, { ...input(), userId });
    },

    addSecret: onWritable("add a secret to", "credentials", (c, { userId }: { userId: string }) => credentials.addSecret(c.dir, userId)),
    removeSecret: onWritable("remove the secret of", "credentials", (c, { userId }: { userId: string }) =>
      credentials.removeSecret(c.dir, userId),
    ),

    async addPersonalAccessToken(ctx: HandlerContext, userId: string, input: Read<{ expirationDate?: Date | undefined }>) {
      const c = call(ctx);
      await writableUser(c, userId, "add personal access tokens to", "credentials");
      return credentials.addPersonalAccessToken(c.dir, { ...input(), userId });
    },

    /** `userId` "" names no user: the token's owner is checked instead. */
    async removePersonalAccessToken(ctx: HandlerContext, input: { tokenId: string; userId: string }): Promise<void> {
      const c = call(ctx);
      const tokenId = requireId("tokenId", input.tokenId);
      const row = await credentials.findPersonalAccessTokenOwner(c.dir, tokenId);
      await assertRemovable(c, "personal access token", tokenId, input.userId, row);
      await credentials.removePersonalAccessToken(c.dir, { tokenId, userId: input.userId });
    },

    listPersonalAccessTokens(ctx: HandlerContext, input: Omit<credentials.ListCredentialsInput, "orgIds">) {
      const c = call(ctx);
      return credentials.listPersonalAccessTokens(c.dir, { ...input, ...visibleCredentials(c) });
    },

    async addKey(ctx: HandlerContext, userId: string, input: Read<Omit<credentials.AddKeyInput, "userId">>) {
      const c = call(ctx);
      await writableUser(c, userId, "add keys to", "credentials");
      return credentials.addKey(c.dir, { ...input(), userId });
    },

    /** `userId` "" names no user: the key's owner is checked instead. */
    async removeKey(ctx: HandlerContext, input: { keyId: string; userId: string }): Promise<void> {
      const c = call(ctx);
      const keyId = requireId("keyId", input.keyId);
      const row = await credentials.findKeyOwner(c.dir, keyId);
      await assertRemovable(c, "key", keyId, input.userId, row);
      await credentials.removeKey(c.dir, { keyId, userId: input.userId });
    },

    listKeys(ctx: HandlerContext, input: Omit<credentials.ListCredentialsInput, "orgIds">) {
      const c = call(ctx);
      return credentials.listKeys(c.dir, { ...input, ...visibleCredentials(c) });
    },

    setMetadata: onWritable("set metadata of", "metadata", (c, input: { userId: string; metadata: userMetadata.MetadataEntry[] }) =>
      userMetadata.setUserMetadata(c.dir, input),
    ),

    async listMetadata(ctx: HandlerContext, userId: string, input: Read<Omit<userMetadata.ListUserMetadataInput, "userId">>) {
      const c = call(ctx);
      await readableUser(c, userId);
      return userMetadata.listUserMetadataPage(c.dir, { ...input(), userId });
    },

    deleteMetadata: onWritable("delete metadata of", "metadata", (c, input: { userId: string; keys: string[] }) =>
      userMetadata.deleteUserMetadata(c.dir, input),
    ),
  };
}
