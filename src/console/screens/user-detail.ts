// One user: its profile, state, type and organization; lock, unlock, deactivate, reactivate, a
// new password for a human, deletion after a confirmation page, and a machine user's credentials
// (user-credentials.ts). Each change is a POST; what the API refuses is shown in its section.
import { organizationNames } from "../lookups.js";
import { Code, ConnectError } from "@connectrpc/connect";
import { type User, UserState } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import { html, type Html } from "../html.js";
import type { ConsoleContext, ConsoleRouter } from "../screen.js";
import { impactSection } from "../impact.js";
import { csrfField, errorBox, notice, textField } from "../ui.js";
import { credentialRoutes, credentialSections, CREDENTIAL_NOTICES } from "./user-credentials.js";
import {
  checkbox,
  displayName,
  failedHere,
  type Failure,
  failure,
  organizationLink,
  STATES,
  ticked,
  USERS,
  userPath,
  userType,
} from "./user-shared.js";

type StateChange = "lock" | "unlock" | "deactivate" | "reactivate";
/** The state changes that take access away: confirmed with the impact preview first. */
const CONFIRMED = ["lock", "deactivate"] as const;
type Confirmed = (typeof CONFIRMED)[number] | "delete";

const STATE_CHANGES: Record<StateChange, { button: string; done: string }> = {
  lock: { button: "Lock", done: "locked" },
  unlock: { button: "Unlock", done: "unlocked" },
  deactivate: { button: "Deactivate", done: "deactivated" },
  reactivate: { button: "Reactivate", done: "reactivated" },
};

/** The changes that make sense from each state (the API refuses the others anyway). */
const OFFERED: Record<UserState, StateChange[]> = {
  [UserState.UNSPECIFIED]: [],
  [UserState.ACTIVE]: ["lock", "deactivate"],
  [UserState.INITIAL]: ["lock"],
  [UserState.LOCKED]: ["unlock", "deactivate"],
  [UserState.INACTIVE]: ["reactivate"],
  [UserState.DELETED]: [],
};

const NOTICES: Record<string, string> = {
  created: "The user was created.",
  locked: "The user was locked: it cannot sign in until it is unlocked.",
  unlocked: "The user was unlocked.",
  deactivated: "The user was deactivated: it cannot sign in until it is reactivated.",
  reactivated: "The user was reactivated.",
  "password-set": "The password was set.",
  ...CREDENTIAL_NOTICES,
};

export function userDetail(router: ConsoleRouter) {
  router.get("/users/:id", (ctx) => detailPage(ctx, ctx.params.id));

  for (const change of Object.keys(STATE_CHANGES) as StateChange[]) {
    router.post(`/users/:id/${change}`, async (ctx) => {
      const { api, form } = ctx.state.console;
      const userId = ctx.params.id;
      try {
        if (change === "lock") await api.users.lockUser({ userId });
        else if (change === "unlock") await api.users.unlockUser({ userId });
        else if (change === "deactivate") await api.users.deactivateUser({ userId });
        else await api.users.reactivateUser({ userId });
        ctx.status = 303;
        ctx.redirect(`${userPath(userId)}?notice=${STATE_CHANGES[change].done}`);
      } catch (error) {
        await detailPage(ctx, userId, failure("state", error, form));
      }
    });
  }

  router.post("/users/:id/password", async (ctx) => {
    const { api, form } = ctx.state.console;
    const userId = ctx.params.id;
    try {
      await api.users.setPassword({
        userId,
        newPassword: { password: form.get("password") ?? "", changeRequired: form.get("changeRequired") === "on" },
      });
      ctx.status = 303;
      ctx.redirect(`${userPath(userId)}?notice=password-set`);
    } catch (error) {
      await detailPage(ctx, userId, failure("password", error, form, { password: "password", newPassword: "password" }));
    }
  });

  // Changes that take access away are confirmed on a page that previews their impact.
  for (const change of CONFIRMED) router.get(`/users/:id/${change}`, (ctx) => confirmPage(ctx, ctx.params.id, change));
  router.get("/users/:id/delete", (ctx) => confirmPage(ctx, ctx.params.id, "delete"));

  router.post("/users/:id/delete", async (ctx) => {
    const { api, form } = ctx.state.console;
    try {
      await api.users.deleteUser({ userId: ctx.params.id });
      ctx.status = 303;
      ctx.redirect(`${USERS}?notice=deleted`);
    } catch (error) {
      await confirmPage(ctx, ctx.params.id, "delete", failure("delete", error, form));
    }
  });

  credentialRoutes(router, detailPage);
}

/** The user, or undefined when the caller may not see it (or the id names no user). */
async function findUser(ctx: ConsoleContext, userId: string): Promise<User | undefined> {
  try {
    return (await ctx.state.console.api.users.getUserByID({ userId })).user;
  } catch (error) {
    if (error instanceof ConnectError && (error.code === Code.NotFound || error.code === Code.InvalidArgument)) return undefined;
    throw error;
  }
}

function notFoundPage(ctx: ConsoleContext, userId: string, failed?: Failure) {
  ctx.state.console.page(
    "User not found",
    "/users",
    html`<p><a href="${USERS}">Users</a></p><h1>User not found</h1>${errorBox(failed?.message)}<p>There is no user ${userId} that you may see.</p>`,
    failed?.status ?? 404,
  );
}

export async function detailPage(ctx: ConsoleContext, userId: string, failed?: Failure) {
  const { api, csrfToken, page } = ctx.state.console;
  const user = await findUser(ctx, userId);
  if (!user) return notFoundPage(ctx, userId, failed);
  const orgId = user.details?.resourceOwner ?? "";
  const names = await organizationNames(api, [orgId]);
  const shown = typeof ctx.query.notice === "string" ? NOTICES[ctx.query.notice] : undefined;
  const path = userPath(user.userId);
  const stateFailed = failedHere(failed, "state");
  const stateForms = OFFERED[user.state].map((change) =>
    (CONFIRMED as readonly string[]).includes(change)
      ? html`<a class="button danger" href="${path}/${change}">${STATE_CHANGES[change].button}…</a>`
      : html`<form method="post" action="${path}/${change}" class="inline">${csrfField(csrfToken)}<button type="submit" class="secondary">${STATE_CHANGES[change].button}</button></form>`,
  );
  page(
    displayName(user),
    "/users",
    html`<p><a href="${USERS}">Users</a></p>
<h1>${displayName(user)}</h1>
${notice(shown)}
<dl class="facts">
  <dt>Login name</dt><dd>${user.preferredLoginName}</dd>
  <dt>Type</dt><dd>${userType(user)}</dd>
  <dt>State</dt><dd>${STATES[user.state]}</dd>
  <dt>Organization</dt><dd>${organizationLink(orgId, names)}</dd>
  <dt>ID</dt><dd>${user.userId}</dd>
  ${profile(user)}
</dl>
<section class="card" aria-labelledby="user-state">
<h2 id="user-state">State</h2>
${errorBox(stateFailed?.message)}
<p>Locked and inactive users cannot sign in, and their tokens stop working.</p>
<div class="actions">${stateForms}</div>
</section>
${user.type.case === "human" ? passwordSection(ctx, user, failedHere(failed, "password")) : ""}
${user.type.case === "machine" ? await credentialSections(ctx, user, failed) : ""}
<section class="card" aria-labelledby="user-delete">
<h2 id="user-delete">Delete</h2>
<p>Deleting a user removes it, its credentials and its authorizations for good.</p>
<p><a href="${path}/delete">Delete this user…</a></p>
</section>`,
    failed?.status,
  );
}

function profile(user: User): Html | string {
  if (user.type.case === "human") {
    const human = user.type.value;
    return html`<dt>Given name</dt><dd>${human.profile?.givenName}</dd>
  <dt>Family name</dt><dd>${human.profile?.familyName}</dd>
  <dt>Display name</dt><dd>${human.profile?.displayName}</dd>
  <dt>Email</dt><dd>${human.email?.email} ${human.email?.isVerified ? "(verified)" : "(not verified)"}</dd>
  ${human.profile?.preferredLanguage ? html`<dt>Preferred language</dt><dd>${human.profile.preferredLanguage}</dd>` : ""}
  <dt>Password change required</dt><dd>${human.passwordChangeRequired ? "yes, at the next sign-in" : "no"}</dd>`;
  }
  if (user.type.case === "machine") {
    const machine = user.type.value;
    return html`<dt>Name</dt><dd>${machine.name}</dd>
  ${machine.description ? html`<dt>Description</dt><dd>${machine.description}</dd>` : ""}
  <dt>Client secret</dt><dd>${machine.hasSecret ? "set" : "none"}</dd>`;
  }
  return "";
}

function passwordSection(ctx: ConsoleContext, user: User, failed: Failure | undefined): Html {
  const { csrfToken } = ctx.state.console;
  return html`<section class="card" aria-labelledby="user-password">
<h2 id="user-password">Set a new password</h2>
${errorBox(failed?.message)}
<form method="post" action="${userPath(user.userId)}/password">
${csrfField(csrfToken)}
${textField("password", "New password", "", { type: "password", invalid: failed?.field === "password" })}
${checkbox("changeRequired", "The user must change it at the next sign-in", ticked(failed?.values, "changeRequired", true))}
<button type="submit">Set password</button>
</form>
</section>`;
}

const CONFIRM: Record<Confirmed, { title: string; says: string; button: string; impact: "deleteUser" | "lockUser" | "deactivateUser" }> = {
  delete: {
    title: "Delete user",
    says: "will be removed with its credentials and authorizations. This cannot be undone.",
    button: "Delete user",
    impact: "deleteUser",
  },
  lock: { title: "Lock user", says: "will not be able to sign in until it is unlocked.", button: "Lock user", impact: "lockUser" },
  deactivate: {
    title: "Deactivate user",
    says: "will not be able to sign in until it is reactivated.",
    button: "Deactivate user",
    impact: "deactivateUser",
  },
};

/** Asks to confirm a deletion, lock or deactivation, showing who loses what (the impact preview). */
async function confirmPage(ctx: ConsoleContext, userId: string, change: Confirmed, failed?: Failure) {
  const { csrfToken, page } = ctx.state.console;
  const user = await findUser(ctx, userId);
  if (!user) return notFoundPage(ctx, userId, failed);
  const path = userPath(user.userId);
  const what = CONFIRM[change];
  page(
    `${what.title} ${user.preferredLoginName}?`,
    "/users",
    html`<p><a href="${path}">${displayName(user)}</a></p>
<h1>${what.title} ${user.preferredLoginName}?</h1>
${errorBox(failed?.message)}
<p>The ${userType(user)} user ${displayName(user)} (${user.preferredLoginName}) ${what.says}</p>
${await impactSection(ctx, { case: what.impact, value: user.userId })}
<form method="post" action="${path}/${change}" class="inline">
${csrfField(csrfToken)}
<button type="submit" class="danger">${what.button}</button>
</form>
<a href="${path}">Cancel</a>`,
    failed?.status,
  );
}
