import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../src/directory/organizations.js";
import { argon2id, hash } from "argon2";
import {
  changeRequiredPassword,
  hashNeedsUpgrade,
  passwordFingerprint,
  setPassword,
  validatePassword,
  verifyUserPassword,
} from "../../src/directory/passwords.js";
import { hashSecret } from "../../src/directory/secrets.js";
import {
  addKey,
  addPersonalAccessToken,
  addSecret,
  findKeyOwner,
  findPersonalAccessTokenOwner,
  findUserByPersonalAccessToken,
  findUserKey,
  listKeys,
  listPersonalAccessTokens,
  removeKey,
  removePersonalAccessToken,
  removeSecret,
  usersWithSecret,
  verifyMachineSecret,
} from "../../src/directory/user-credentials.js";
import { NEVER_EXPIRES } from "../../src/directory/expiration.js";
import { listUsers } from "../../src/directory/user-listing.js";
import { deleteUserMetadata, listUserMetadata, setUserMetadata } from "../../src/directory/user-metadata.js";
import {
  createHumanUser,
  type CreateHumanUserInput,
  createMachineUser,
  type CreateMachineUserInput,
  deactivateUser,
  deleteUser,
  getUser,
  lockUser,
  reactivateUser,
  unlockUser,
  updateHumanUser,
  type UpdateHumanUserInput,
  updateMachineUser,
} from "../../src/directory/users.js";
import { newId } from "../../src/ids.js";
import { expectDomainError, unique, useDirectory } from "../support/directory.js";

const { ctx } = useDirectory();

const STRONG = "Correct-Horse-9";
const OTHER_STRONG = "Battery-Staple-7";

const newOrg = () => createOrganization(ctx(), { name: unique("Org") });
const newEmail = (prefix = "user") => `${unique(prefix)}@example.com`;

function newHuman(orgId: string, extra: Partial<CreateHumanUserInput> = {}) {
  return createHumanUser(ctx(), { orgId, email: newEmail(), givenName: "Ada", familyName: "Lovelace", ...extra });
}

function newMachine(orgId: string, extra: Partial<CreateMachineUserInput> = {}) {
  return createMachineUser(ctx(), { orgId, username: unique("svc"), name: "Robot", ...extra });
}

async function auditOf(targetId: string) {
  const entries = await ctx().prisma.auditEntry.findMany({ where: { targetId }, orderBy: { id: "asc" } });
  return entries.map(({ actorId, action, targetType, before, after }) => ({ actorId, action, targetType, before, after }));
}

async function actionsOf(targetId: string): Promise<string[]> {
  return (await auditOf(targetId)).map((entry) => entry.action);
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array) => Buffer.from(value).toString("utf8");
const inOneHour = () => new Date(Date.now() + 3_600_000);

describe("creating users", () => {
  it("refuses control characters in names (NUL, which PostgreSQL refuses, above all); a description keeps line breaks", async () => {
    const org = await newOrg();
    for (const bad of ["Ada\u0000", "Ada\u0007", "Ada\nLovelace", "Ada\u007f", "Ada\u009b", "Ada\ud800"]) {
      await expectDomainError(
        createHumanUser(ctx(), { orgId: org.id, email: newEmail(), givenName: bad, familyName: "Lovelace" }),
        "invalid_argument",
        "givenName",
      );
      await expectDomainError(
        createMachineUser(ctx(), { orgId: org.id, username: `svc${bad}`, name: "Robot" }),
        "invalid_argument",
        "username",
      );
    }
    await expectDomainError(
      createMachineUser(ctx(), { orgId: org.id, username: unique("svc"), name: "Robot", description: "a\u0000b" }),
      "invalid_argument",
      "description",
    );
    const robot = await createMachineUser(ctx(), {
      orgId: org.id,
      username: unique("svc"),
      name: "Robot",
      description: "Runs nightly.\r\n\tThen sleeps.",
    });
    expect(robot.description).toBe("Runs nightly.\r\n\tThen sleeps.");
  });

  it("creates a human user with ZITADEL's defaults, without password hash, and an audit entry", async () => {
    const org = await newOrg();
    const email = newEmail("Ada.Mixed");
    const user = await createHumanUser(ctx(), { orgId: org.id, email, givenName: " Ada ", familyName: "Lovelace" });
    expect(user.id).toMatch(/^[0-9]{17,19}$/);
    expect(user).toMatchObject({
      orgId: org.id,
      type: "HUMAN",
      state: "ACTIVE",
      username: email,
      loginKey: email.toLowerCase(),
      email,
      emailVerified: false,
      givenName: "Ada",
      familyName: "Lovelace",
      displayName: "Ada Lovelace",
      nickName: null,
      preferredLanguage: null,
      passwordChangeRequired: false,
    });
    expect(user).not.toHaveProperty("passwordHash");
    const audit = await auditOf(user.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: "tester", action: "user.created", targetType: "user", after: { username: email } });
    expect(audit[0]!.after).not.toHaveProperty("passwordHash");
  });

  it("takes every optional field, and treats empty optional strings as not given", async () => {
    const org = await newOrg();
    const userId = newId();
    const username = unique("Grace");
    const full = await createHumanUser(ctx(), {
      orgId: org.id,
      userId,
      username,
      email: newEmail(),
      emailVerified: true,
      givenName: "Grace",
      familyName: "Hopper",
      displayName: "Amazing Grace",
      nickName: "Gracie",
      preferredLanguage: "de-ch",
      passwordChangeRequired: true,
    });
    expect(full).toMatchObject({
      id: userId,
      username,
      loginKey: username.toLowerCase(),
      emailVerified: true,
      displayName: "Amazing Grace",
      nickName: "Gracie",
      preferredLanguage: "de-CH",
      passwordChangeRequired: true,
    });

    const email = newEmail();
    const blank = await createHumanUser(ctx(), {
      orgId: org.id,
      userId: "",
      username: "",
      email,
      givenName: "A",
      familyName: "B",
      displayName: "",
      nickName: "",
      preferredLanguage: "",
      password: "",
    });
    expect(blank).toMatchObject({ username: email, displayName: "A B", nickName: null, preferredLanguage: null });
    expect((await ctx().prisma.user.findUnique({ where: { id: blank.id } }))!.passwordHash).toBeNull();
  });

  it("validates every field of a new human user, naming it", async () => {
    const org = await newOrg();
    const email = newEmail("invalid");
    const base: CreateHumanUserInput = { orgId: org.id, email, givenName: "A", familyName: "B" };
    const cases: [Partial<Record<keyof CreateHumanUserInput, unknown>>, string][] = [
      [{ orgId: "" }, "orgId"],
      [{ orgId: "acme" }, "orgId"],
      [{ userId: "12ab" }, "userId"],
      [{ email: "" }, "email"],
      [{ email: "not-an-email" }, "email"],
      [{ username: "   " }, "username"],
      [{ username: "x".repeat(201) }, "username"],
      [{ givenName: undefined }, "givenName"],
      [{ givenName: "  " }, "givenName"],
      [{ givenName: "x".repeat(201) }, "givenName"],
      [{ familyName: "" }, "familyName"],
      [{ familyName: "x".repeat(201) }, "familyName"],
      [{ displayName: "x".repeat(201) }, "displayName"],
      [{ nickName: "x".repeat(201) }, "nickName"],
      [{ preferredLanguage: "not a language" }, "preferredLanguage"],
      [{ emailVerified: "yes" }, "emailVerified"],
      [{ passwordChangeRequired: 1 }, "passwordChangeRequired"],
      [{ password: "weak" }, "password"],
    ];
    for (const [override, field] of cases) {
      await expectDomainError(createHumanUser(ctx(), { ...base, ...override } as CreateHumanUserInput), "invalid_argument", field);
    }
    await expectDomainError(createHumanUser(ctx(), { ...base, orgId: "1" }), "not_found");
    expect(await ctx().prisma.user.count({ where: { email } })).toBe(0);
  });

  it("creates machine users with the user id as default username and BEARER tokens", async () => {
    const org = await newOrg();
    const plain = await createMachineUser(ctx(), { orgId: org.id, name: "Robot" });
    expect(plain).toMatchObject({
      type: "MACHINE",
      state: "ACTIVE",
      username: plain.id,
      loginKey: plain.id,
      name: "Robot",
      description: null,
      accessTokenType: "BEARER",
      email: null,
    });
    const username = unique("Billing-Service");
    const jwt = await createMachineUser(ctx(), { orgId: org.id, username, name: "Billing", description: "Bills", accessTokenType: "JWT" });
    expect(jwt).toMatchObject({ username, loginKey: username.toLowerCase(), description: "Bills", accessTokenType: "JWT" });
    expect(await actionsOf(jwt.id)).toEqual(["user.created"]);
  });

  it("updates a machine user's login name, name, description and token type; only machine users", async () => {
    const org = await newOrg();
    const robot = await newMachine(org.id, { description: "Old" });
    const username = unique("Renamed-Bot");
    const after = await updateMachineUser(ctx(), { userId: robot.id, username, name: "Bot", description: "", accessTokenType: "JWT" });
    expect(after).toMatchObject({ username, loginKey: username.toLowerCase(), name: "Bot", description: null, accessTokenType: "JWT" });
    expect(await updateMachineUser(ctx(), { userId: robot.id, name: "Bot 2" })).toMatchObject({ username, accessTokenType: "JWT" });
    const other = await newMachine(org.id);
    await expectDomainError(updateMachineUser(ctx(), { userId: other.id, username: username.toUpperCase() }), "already_exists", "username");
    await expectDomainError(updateMachineUser(ctx(), { userId: robot.id, name: "" }), "invalid_argument", "name");
    const human = await newHuman(org.id);
    await expectDomainError(updateMachineUser(ctx(), { userId: human.id, name: "x" }), "failed_precondition");
  });

  it("validates every field of a new machine user, naming it", async () => {
    const org = await newOrg();
    const cases: [Partial<Record<keyof CreateMachineUserInput, unknown>>, string][] = [
      [{ orgId: "x" }, "orgId"],
      [{ userId: "1.5" }, "userId"],
      [{ username: " " }, "username"],
      [{ name: "" }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ description: "x".repeat(501) }, "description"],
      [{ accessTokenType: "OPAQUE" }, "accessTokenType"],
    ];
    for (const [override, field] of cases) {
      await expectDomainError(newMachine(org.id, override as Partial<CreateMachineUserInput>), "invalid_argument", field);
    }
    await expectDomainError(newMachine("1"), "not_found");
  });

  it("keeps login names unique across the instance, ignoring case, for humans and machines alike", async () => {
    const org = await newOrg();
    const other = await newOrg();
    const name = unique("Alice");
    await newHuman(org.id, { username: name });
    await expectDomainError(newHuman(org.id, { username: name }), "already_exists", "username");
    await expectDomainError(newHuman(other.id, { username: name.toUpperCase() }), "already_exists", "username");
    await expectDomainError(newMachine(other.id, { username: name.toLowerCase() }), "already_exists", "username");

    const email = `${unique("Bob")}@Example.com`;
    await newHuman(org.id, { email });
    await expectDomainError(newHuman(other.id, { email: email.toLowerCase() }), "already_exists", "username");

    const taken = await newMachine(org.id);
    await expectDomainError(newMachine(org.id, { userId: taken.id }), "already_exists", "userId");
  });

  it("keeps login names and ids unique under concurrent creates", async () => {
    const org = await newOrg();
    const raced = unique("race");
    const byName = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => newMachine(org.id, { username: i % 2 ? raced : raced.toUpperCase() })),
    );
    expect(byName.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of byName.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "already_exists", field: "username" });
    }
    expect(await ctx().prisma.user.count({ where: { loginKey: raced.toLowerCase() } })).toBe(1);

    const userId = newId();
    const byId = await Promise.allSettled(Array.from({ length: 5 }, () => newMachine(org.id, { userId })));
    expect(byId.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of byId.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "already_exists", field: "userId" });
    }
  });
});

describe("passwords", () => {
  it("enforces ZITADEL's default complexity policy, naming the field", () => {
    expect(validatePassword("password", STRONG)).toBe(STRONG);
    expect(validatePassword("password", "Aa1!Aa1!")).toBe("Aa1!Aa1!");
    expect(validatePassword("password", `Aa1 ${"x".repeat(252)}`)).toHaveLength(256);
    const weak: [unknown, RegExp][] = [
      [undefined, /required/],
      ["", /required/],
      ["Aa1!Aa1", /at least 8/],
      [`Aa1!${"x".repeat(253)}`, /at most 256/],
      ["AAAA1111!!", /lowercase/],
      ["aaaa1111!!", /uppercase/],
      ["AAaa!!!!bb", /digit/],
      ["AAaa1111bb", /symbol/],
    ];
    for (const [value, message] of weak) {
      let error: unknown;
      try {
        validatePassword("newPassword", value);
      } catch (caught) {
        error = caught;
      }
      expect(error, String(value)).toMatchObject({ code: "invalid_argument", field: "newPassword", message });
    }
  });

  it("lets the login's password-change step replace a password that must be changed, once, if unchanged since the sign-in", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id, { username: unique("Chg"), password: STRONG, passwordChangeRequired: true });
    const asUser = { prisma: ctx().prisma, actor: { id: user.id } };
    const stored = async () => (await ctx().prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    const fingerprint = await passwordFingerprint(ctx(), user.id);
    expect(fingerprint).not.toBe("");
    expect(fingerprint).not.toContain(STRONG);
    const change = (newPassword: string, print = fingerprint) =>
      changeRequiredPassword(asUser, { userId: user.id, newPassword, fingerprint: print });
    const before = await stored();

    // The password rules, and not the current password: nothing changes.
    await expectDomainError(change("weak"), "invalid_argument", "newPassword");
    const same = await expectDomainError(change(STRONG), "invalid_argument", "newPassword");
    expect(same.message).toBe("newPassword: must differ from the current password");
    // Another password than the one the user signed in with (changed meanwhile): sign in again.
    await expectDomainError(change(OTHER_STRONG, "x"), "failed_precondition");
    expect(await stored()).toBe(before);
    expect(await actionsOf(user.id)).toEqual(["user.created"]);

    const changed = await change(OTHER_STRONG);
    expect(changed).toMatchObject({ id: user.id, passwordChangeRequired: false });
    expect(changed).not.toHaveProperty("passwordHash");
    expect(await verifyUserPassword(ctx(), user.username, OTHER_STRONG)).toMatchObject({ id: user.id });
    expect(await verifyUserPassword(ctx(), user.username, STRONG)).toBeNull();
    expect((await auditOf(user.id)).at(-1)).toEqual({
      actorId: user.id,
      action: "user.password.changed",
      targetType: "user",
      before: { passwordChangeRequired: true },
      after: { passwordChangeRequired: false },
    });
    // Once only: the flag is cleared (and the fingerprint is the old password's).
    await expectDomainError(change("Third-Passw0rd"), "failed_precondition");
    await expectDomainError(change("Third-Passw0rd", await passwordFingerprint(ctx(), user.id)), "failed_precondition");
  });

  it("rehashes a right password stored with other parameters, unless it was changed meanwhile", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id, { username: unique("Reh"), password: STRONG });
    const stored = async () => (await ctx().prisma.user.findUnique({ where: { id: user.id } }))!.passwordHash!;
    const old = await hash(STRONG, { type: argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
    await ctx().prisma.user.update({ where: { id: user.id }, data: { passwordHash: old } });
    expect(hashNeedsUpgrade(old)).toBe(true);

    // A wrong password changes nothing.
    expect(await verifyUserPassword(ctx(), user.username, OTHER_STRONG)).toBeNull();
    expect(await stored()).toBe(old);
    expect(await verifyUserPassword(ctx(), user.username, STRONG)).toMatchObject({ id: user.id });
    const upgraded = await stored();
    expect(new Set(upgraded.split("$")[3]!.split(","))).toEqual(new Set(["m=19456", "t=2", "p=1"]));
    expect(hashNeedsUpgrade(upgraded)).toBe(false);
    expect(await verifyUserPassword(ctx(), user.username, STRONG)).toMatchObject({ id: user.id });
    expect(await stored()).toBe(upgraded);

    // The password changes while the old one is being checked: the rehash must not undo that.
    await ctx().prisma.user.update({ where: { id: user.id }, data: { passwordHash: old } });
    const changed = await hash(OTHER_STRONG, { type: argon2id });
    const gate = async <T>(work: () => Promise<T>) => {
      const result = await work();
      await ctx().prisma.user.update({ where: { id: user.id }, data: { passwordHash: changed } });
      return result;
    };
    expect(await verifyUserPassword(ctx(), user.username, STRONG, { gate })).toMatchObject({ id: user.id });
    expect(await stored()).toBe(changed);
  });

  it("hashes with argon2id and verifies by login name in any case, as slowly for unknown names", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id, { username: unique("Pat"), password: STRONG, passwordChangeRequired: true });
    expect(user).not.toHaveProperty("passwordHash");
    expect(user.passwordChangeRequired).toBe(true);
    const stored = (await ctx().prisma.user.findUnique({ where: { id: user.id } }))!.passwordHash!;
    const [, algorithm, version, params] = stored.split("$");
    expect([algorithm, version]).toEqual(["argon2id", "v=19"]);
    expect(new Set(params!.split(","))).toEqual(new Set(["m=19456", "t=2", "p=1"]));
    expect(stored).not.toContain(STRONG);

    expect(await verifyUserPassword(ctx(), user.username.toUpperCase(), STRONG)).toMatchObject({ id: user.id });
    // A login name no user can have (NUL would reach PostgreSQL): unknown, not an error.
    expect(await verifyUserPassword(ctx(), `${user.username}\u0000`, STRONG)).toBeNull();
    const elapsed = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      expect(await work()).toBeNull();
      return performance.now() - start;
    };
    const withoutPassword = await newHuman(org.id);
    const wrong = await elapsed(() => verifyUserPassword(ctx(), user.username, OTHER_STRONG));
    const unknown = await elapsed(() => verifyUserPassword(ctx(), unique("nobody"), STRONG));
    const none = await elapsed(() => verifyUserPassword(ctx(), withoutPassword.username, ""));
    // Without the dummy verification these take a database round trip, not an argon2 run.
    expect(unknown).toBeGreaterThan(wrong / 3);
    expect(none).toBeGreaterThan(wrong / 3);

    expect(await getUser(ctx(), user.id)).not.toHaveProperty("passwordHash");
    const listed = await listUsers(ctx(), { ids: [user.id] });
    expect(listed.items[0]).not.toHaveProperty("passwordHash");
    expect(JSON.stringify(await auditOf(user.id))).not.toContain("$argon2");
  });

  it("sets passwords, checking the current one when given, for human users only", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id);
    const set = await setPassword(ctx(), { userId: user.id, password: STRONG, changeRequired: true });
    expect(set).toMatchObject({ id: user.id, passwordChangeRequired: true });
    expect(set).not.toHaveProperty("passwordHash");
    expect(await verifyUserPassword(ctx(), user.username, STRONG)).toMatchObject({ id: user.id });

    await expectDomainError(
      setPassword(ctx(), { userId: user.id, password: OTHER_STRONG, currentPassword: "Wrong-Pass-1" }),
      "invalid_argument",
      "currentPassword",
    );
    const changed = await setPassword(ctx(), { userId: user.id, password: OTHER_STRONG, currentPassword: STRONG });
    expect(changed.passwordChangeRequired).toBe(false);
    expect(await verifyUserPassword(ctx(), user.username, STRONG)).toBeNull();

    await expectDomainError(setPassword(ctx(), { userId: user.id, password: "weak" }), "invalid_argument", "password");
    await expectDomainError(
      setPassword(ctx(), { userId: user.id, password: STRONG, changeRequired: "yes" as unknown as boolean }),
      "invalid_argument",
      "changeRequired",
    );
    await expectDomainError(setPassword(ctx(), { userId: "x", password: STRONG }), "invalid_argument", "userId");
    const machine = await newMachine(org.id);
    await expectDomainError(setPassword(ctx(), { userId: machine.id, password: STRONG }), "failed_precondition");
    await expectDomainError(setPassword(ctx(), { userId: "1", password: STRONG }), "not_found");

    // Two changes that both verified the same current password: only one may win.
    const raced = await Promise.allSettled(
      [STRONG, "Third-Pass-3"].map((password) => setPassword(ctx(), { userId: user.id, password, currentPassword: OTHER_STRONG })),
    );
    expect(raced.filter((r) => r.status === "fulfilled")).toHaveLength(1);

    const audit = await auditOf(user.id);
    expect(audit.map((a) => a.action)).toEqual(["user.created", "user.password.changed", "user.password.changed", "user.password.changed"]);
    expect(audit[1]!.after).toEqual({ passwordChangeRequired: true });
    expect(JSON.stringify(audit)).not.toContain("$argon2");
  });
});

describe("updating users", () => {
  it("updates username, email and profile of a human user", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id, { username: unique("Ada"), nickName: "Addy", preferredLanguage: "en", emailVerified: true });
    const other = await newHuman(org.id);
    const username = unique("Renamed");
    const email = newEmail("renamed");
    const updated = await updateHumanUser(ctx(), { userId: user.id, username, email, givenName: "Grace", familyName: "Hopper" });
    expect(updated).toMatchObject({
      username,
      loginKey: username.toLowerCase(),
      email,
      emailVerified: false, // a new address needs verifying again
      givenName: "Grace",
      familyName: "Hopper",
      displayName: "Ada Lovelace",
      nickName: "Addy",
      preferredLanguage: "en",
    });
    const again = await updateHumanUser(ctx(), {
      userId: user.id,
      displayName: "",
      nickName: "",
      preferredLanguage: "de-ch",
      emailVerified: true,
    });
    expect(again).toMatchObject({ displayName: "Grace Hopper", nickName: null, preferredLanguage: "de-CH", emailVerified: true });
    expect((await updateHumanUser(ctx(), { userId: user.id, email })).emailVerified).toBe(true); // same address

    // The old name is free again, the user may change the case of its own, and other names are taken.
    await newHuman(org.id, { username: user.username });
    expect((await updateHumanUser(ctx(), { userId: user.id, username: username.toUpperCase() })).loginKey).toBe(username.toLowerCase());
    await expectDomainError(
      updateHumanUser(ctx(), { userId: user.id, username: other.username.toUpperCase() }),
      "already_exists",
      "username",
    );

    const audit = await auditOf(user.id);
    expect(audit.map((a) => a.action)).toEqual(["user.created", "user.updated", "user.updated", "user.updated", "user.updated"]);
    expect(audit[1]).toMatchObject({ before: { username: user.username }, after: { username, email } });
  });

  it("validates updates, naming the field, and refuses machine users", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id);
    const cases: [Partial<Record<keyof CreateHumanUserInput, unknown>>, string][] = [
      [{ username: "" }, "username"],
      [{ email: "nope" }, "email"],
      [{ emailVerified: "no" }, "emailVerified"],
      [{ givenName: "" }, "givenName"],
      [{ familyName: " " }, "familyName"],
      [{ displayName: "x".repeat(201) }, "displayName"],
      [{ nickName: "x".repeat(201) }, "nickName"],
      [{ preferredLanguage: "!!" }, "preferredLanguage"],
      [{ password: "weak" }, "password"],
      [{ passwordChangeRequired: "no" }, "passwordChangeRequired"],
    ];
    for (const [override, field] of cases) {
      await expectDomainError(updateHumanUser(ctx(), { userId: user.id, ...override } as UpdateHumanUserInput), "invalid_argument", field);
    }
    await expectDomainError(updateHumanUser(ctx(), { userId: "abc" }), "invalid_argument", "userId");
    await expectDomainError(updateHumanUser(ctx(), { userId: "1", givenName: "X" }), "not_found");
    const machine = await newMachine(org.id);
    await expectDomainError(updateHumanUser(ctx(), { userId: machine.id, givenName: "X" }), "failed_precondition");
    expect(await actionsOf(user.id)).toEqual(["user.created"]);
  });

  it("changes the password through an update, checking the current one when given", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id, { password: STRONG, passwordChangeRequired: true });
    const storedHash = async () => (await ctx().prisma.user.findUnique({ where: { id: user.id } }))!.passwordHash;
    const original = await storedHash();
    await expectDomainError(
      updateHumanUser(ctx(), { userId: user.id, password: OTHER_STRONG, currentPassword: "Wrong-Pass-1" }),
      "invalid_argument",
      "currentPassword",
    );
    const updated = await updateHumanUser(ctx(), { userId: user.id, password: OTHER_STRONG, currentPassword: STRONG });
    expect(updated.passwordChangeRequired).toBe(false);
    expect(await storedHash()).toMatch(/^\$argon2id\$/);
    expect(await storedHash()).not.toBe(original);
    expect((await updateHumanUser(ctx(), { userId: user.id, passwordChangeRequired: true })).passwordChangeRequired).toBe(true);
    expect(JSON.stringify(await auditOf(user.id))).not.toContain("$argon2");
  });
});

describe("user states", () => {
  it("follows ZITADEL's state transitions and refuses the others", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id);
    await expectDomainError(reactivateUser(ctx(), user.id), "failed_precondition");
    await expectDomainError(unlockUser(ctx(), user.id), "failed_precondition");

    expect((await deactivateUser(ctx(), user.id)).state).toBe("INACTIVE");
    await expectDomainError(deactivateUser(ctx(), user.id), "failed_precondition");
    await expectDomainError(lockUser(ctx(), user.id), "failed_precondition");
    await expectDomainError(unlockUser(ctx(), user.id), "failed_precondition");
    expect((await reactivateUser(ctx(), user.id)).state).toBe("ACTIVE");

    expect((await lockUser(ctx(), user.id)).state).toBe("LOCKED");
    await expectDomainError(lockUser(ctx(), user.id), "failed_precondition");
    await expectDomainError(reactivateUser(ctx(), user.id), "failed_precondition");
    expect((await unlockUser(ctx(), user.id)).state).toBe("ACTIVE");
    expect((await lockUser(ctx(), user.id)).state).toBe("LOCKED");
    expect((await deactivateUser(ctx(), user.id)).state).toBe("INACTIVE"); // ZITADEL deactivates locked users too

    expect(await actionsOf(user.id)).toEqual([
      "user.created",
      "user.deactivated",
      "user.reactivated",
      "user.locked",
      "user.unlocked",
      "user.locked",
      "user.deactivated",
    ]);
    const audit = await auditOf(user.id);
    expect(audit[1]).toMatchObject({ before: { state: "ACTIVE" }, after: { state: "INACTIVE" } });

    // INITIAL (not made by the v2 API, but a state ZITADEL knows): no deactivation, locking is fine.
    const initial = await newHuman(org.id);
    await ctx().prisma.user.update({ where: { id: initial.id }, data: { state: "INITIAL" } });
    await expectDomainError(deactivateUser(ctx(), initial.id), "failed_precondition");
    expect((await lockUser(ctx(), initial.id)).state).toBe("LOCKED");

    await expectDomainError(deactivateUser(ctx(), "1"), "not_found");
    await expectDomainError(lockUser(ctx(), "x"), "invalid_argument", "userId");
  });

  it("serializes concurrent state changes of one user", async () => {
    const org = await newOrg();
    const user = await newMachine(org.id);
    for (const change of [deactivateUser, reactivateUser, lockUser]) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => change(ctx(), user.id)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((r) => r.status === "rejected")) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "failed_precondition" });
      }
    }
    expect(await actionsOf(user.id)).toEqual(["user.created", "user.deactivated", "user.reactivated", "user.locked"]);
  });
});

describe("deleting users", () => {
  it("deletes idempotently and cascades to everything the user has", async () => {
    const org = await newOrg();
    const project = await ctx().prisma.project.create({ data: { id: newId(), orgId: org.id, name: "Project" } });
    const user = await newMachine(org.id);
    const kept = await newMachine(org.id);
    for (const { id: userId } of [user, kept]) {
      await addSecret(ctx(), userId);
      await addPersonalAccessToken(ctx(), { userId });
      await ctx().prisma.userKey.create({ data: { id: newId(), userId, publicKeyPem: "pem", expirationDate: NEVER_EXPIRES } });
      await setUserMetadata(ctx(), { userId, metadata: [{ key: "k", value: bytes("v") }] });
      await ctx().prisma.authorization.create({ data: { id: newId(), userId, projectId: project.id, orgId: org.id, roleKeys: ["admin"] } });
      await ctx().prisma.administrator.create({
        data: { id: newId(), userId, resource: "ORGANIZATION", resourceId: org.id, roles: ["ORG_OWNER"], orgId: org.id },
      });
    }
    const counts = async (userId: string) => {
      const p = ctx().prisma;
      const where = { userId };
      return Promise.all([
        p.authorization.count({ where }),
        p.personalAccessToken.count({ where }),
        p.userKey.count({ where }),
        p.machineSecret.count({ where }),
        p.userMetadata.count({ where }),
        p.administrator.count({ where }),
      ]);
    };
    expect(await counts(user.id)).toEqual([1, 1, 1, 1, 1, 1]);

    expect(await deleteUser(ctx(), user.id)).toBe(true);
    expect(await counts(user.id)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await counts(kept.id)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await deleteUser(ctx(), user.id)).toBe(false);
    await expectDomainError(getUser(ctx(), user.id), "not_found");
    await expectDomainError(deleteUser(ctx(), "abc"), "invalid_argument", "userId");
    const actions = await actionsOf(user.id);
    expect(actions.filter((a) => a === "user.deleted")).toHaveLength(1);
    expect(actions.at(-1)).toBe("user.deleted");

    await newMachine(org.id, { username: user.username }); // the login name is free again
  });
});

describe("listing users", () => {
  it("lists with filters, sorting and pagination", async () => {
    const org = await newOrg();
    const tag = unique("list");
    const b = await newHuman(org.id, { username: `${tag}-b`, email: `${tag}-b@example.com` });
    const a = await newHuman(org.id, { username: `${tag}-a`, givenName: "Zelda", familyName: "Zuse", nickName: "Zee" });
    const c = await newHuman(org.id, { username: `${tag}-c`, displayName: `Shown ${tag}` });
    const m = await newMachine(org.id, { username: `${tag}-m` });
    await deactivateUser(ctx(), c.id);
    const names = (page: { items: { username: string }[] }) => page.items.map((u) => u.username);

    const byName = await listUsers(ctx(), {
      username: { value: tag, method: "STARTS_WITH" },
      sortBy: "userName",
      pagination: { asc: true },
    });
    expect(names(byName)).toEqual([a, b, c, m].map((u) => u.username));
    expect(byName.totalResult).toBe(4);
    expect(byName.appliedLimit).toBe(100);

    const newestFirst = await listUsers(ctx(), { orgId: org.id });
    expect(names(newestFirst)).toEqual([m, c, a, b].map((u) => u.username));

    const page = await listUsers(ctx(), {
      username: { value: tag.toUpperCase(), method: "STARTS_WITH_IGNORE_CASE" },
      sortBy: "userName",
      pagination: { offset: 1, limit: 2 },
    });
    expect(names(page)).toEqual([c, b].map((u) => u.username));
    expect(page.totalResult).toBe(4);
    expect((await listUsers(ctx(), { username: { value: tag.toUpperCase(), method: "STARTS_WITH" } })).items).toEqual([]);

    const only = async (input: Parameters<typeof listUsers>[1]) => names(await listUsers(ctx(), { orgId: org.id, ...input }));
    expect(await only({ type: "MACHINE" })).toEqual([m.username]);
    expect(await only({ state: "INACTIVE" })).toEqual([c.username]);
    expect(await only({ email: { value: `${tag}-B@EXAMPLE.COM`, method: "EQUALS_IGNORE_CASE" } })).toEqual([b.username]);
    expect(await only({ displayName: { value: `Shown ${tag}` } })).toEqual([c.username]);
    expect(await only({ givenName: { value: "Zel", method: "STARTS_WITH" } })).toEqual([a.username]);
    expect(await only({ familyName: { value: "use", method: "ENDS_WITH" } })).toEqual([a.username]);
    expect(await only({ nickName: { value: "ee", method: "CONTAINS" } })).toEqual([a.username]);
    expect(await only({ ids: [a.id, m.id], sortBy: "userName", pagination: { asc: true } })).toEqual([a.username, m.username]);
    expect(await only({ ids: [] })).toEqual([]);

    await expectDomainError(listUsers(ctx(), { sortBy: "bogus" as "userName" }), "invalid_argument", "sortingColumn");
    await expectDomainError(listUsers(ctx(), { state: "DELETED" as "ACTIVE" }), "invalid_argument", "stateQuery");
    await expectDomainError(listUsers(ctx(), { type: "ROBOT" as "HUMAN" }), "invalid_argument", "typeQuery");
    await expectDomainError(listUsers(ctx(), { ids: ["x"] }), "invalid_argument", "inUserIdsQuery[0]");
    await expectDomainError(listUsers(ctx(), { orgId: "x" }), "invalid_argument", "organizationIdQuery");
    await expectDomainError(listUsers(ctx(), { pagination: { limit: 1001 } }), "invalid_argument", "pagination.limit");
  });
});

describe("machine credentials", () => {
  it("adds, replaces, verifies and removes a client secret, storing only its hash", async () => {
    const org = await newOrg();
    const user = await newMachine(org.id, { username: unique("Client") });
    const first = await addSecret(ctx(), user.id);
    expect(first.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    const stored = await ctx().prisma.machineSecret.findUnique({ where: { userId: user.id } });
    expect(stored!.secretHash).not.toBe(first.clientSecret);
    expect(stored!.secretHash).toBe(hashSecret(first.clientSecret));

    const verified = await verifyMachineSecret(ctx(), user.id, first.clientSecret);
    expect(verified).toMatchObject({ id: user.id });
    expect(verified).not.toHaveProperty("secret");
    expect(await verifyMachineSecret(ctx(), user.username.toUpperCase(), first.clientSecret)).toMatchObject({ id: user.id });
    expect(await verifyMachineSecret(ctx(), user.id, "wrong")).toBeNull();
    expect(await verifyMachineSecret(ctx(), unique("nobody"), first.clientSecret)).toBeNull();

    const second = await addSecret(ctx(), user.id);
    expect(await verifyMachineSecret(ctx(), user.id, first.clientSecret)).toBeNull();
    expect(await verifyMachineSecret(ctx(), user.id, second.clientSecret)).toMatchObject({ id: user.id });

    await removeSecret(ctx(), user.id);
    expect(await verifyMachineSecret(ctx(), user.id, second.clientSecret)).toBeNull();
    await expectDomainError(removeSecret(ctx(), user.id), "not_found");

    const human = await newHuman(org.id);
    await expectDomainError(addSecret(ctx(), human.id), "failed_precondition");
    await ctx().prisma.machineSecret.create({ data: { userId: human.id, secretHash: hashSecret("planted") } });
    expect(await verifyMachineSecret(ctx(), human.id, "planted")).toBeNull();
    await expectDomainError(addSecret(ctx(), "1"), "not_found");

    const audit = await auditOf(user.id);
    expect(audit.map((a) => a.action)).toEqual(["user.created", "user.secret.added", "user.secret.added", "user.secret.removed"]);
    expect(audit[2]!.after).toEqual({ replaced: true });
    const logged = JSON.stringify(audit);
    for (const secret of [first.clientSecret, second.clientSecret, hashSecret(second.clientSecret)]) expect(logged).not.toContain(secret);
  });

  it("prefers the user whose id is the client id over one whose username looks like it", async () => {
    const org = await newOrg();
    const id = newId();
    const impostor = await newMachine(org.id, { username: id }); // stored first
    const owner = await newMachine(org.id, { userId: id });
    const { clientSecret } = await addSecret(ctx(), owner.id);
    await addSecret(ctx(), impostor.id);
    expect(await verifyMachineSecret(ctx(), id, clientSecret)).toMatchObject({ id: owner.id });
  });

  it("adds, finds, lists, expires and removes personal access tokens, storing only their hash", async () => {
    const org = await newOrg();
    const user = await newMachine(org.id);
    const pat = await addPersonalAccessToken(ctx(), { userId: user.id });
    expect(pat.token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(pat.expirationDate).toEqual(NEVER_EXPIRES);
    const row = await ctx().prisma.personalAccessToken.findUnique({ where: { id: pat.id } });
    expect(row!.tokenHash).not.toBe(pat.token);
    expect(row!.tokenHash).toBe(hashSecret(pat.token));
    const found = await findUserByPersonalAccessToken(ctx(), pat.token);
    expect(found).toMatchObject({ user: { id: user.id }, tokenId: pat.id });
    expect(found!.user).not.toHaveProperty("passwordHash");
    expect(await findUserByPersonalAccessToken(ctx(), "wrong")).toBeNull();

    const expires = inOneHour();
    const second = await addPersonalAccessToken(ctx(), { userId: user.id, expirationDate: expires });
    expect(second.expirationDate).toEqual(expires);
    const listed = await listPersonalAccessTokens(ctx(), { userId: user.id, pagination: { asc: true } });
    expect(listed.items).toEqual([
      { id: pat.id, userId: user.id, orgId: org.id, createdAt: expect.any(Date), expirationDate: NEVER_EXPIRES },
      { id: second.id, userId: user.id, orgId: org.id, createdAt: expect.any(Date), expirationDate: expires },
    ]);
    expect(listed.totalResult).toBe(2);
    expect((await listPersonalAccessTokens(ctx(), { orgId: org.id })).totalResult).toBe(2);
    expect((await listPersonalAccessTokens(ctx(), { orgId: (await newOrg()).id })).totalResult).toBe(0);
    await expectDomainError(listPersonalAccessTokens(ctx(), { userId: "x" }), "invalid_argument", "userIdFilter");

    await ctx().prisma.personalAccessToken.update({ where: { id: second.id }, data: { expirationDate: new Date(Date.now() - 1000) } });
    expect(await findUserByPersonalAccessToken(ctx(), second.token)).toBeNull();

    await expectDomainError(
      addPersonalAccessToken(ctx(), { userId: user.id, expirationDate: new Date(Date.now() - 1000) }),
      "invalid_argument",
      "expirationDate",
    );
    await expectDomainError(
      addPersonalAccessToken(ctx(), { userId: user.id, expirationDate: "tomorrow" as unknown as Date }),
      "invalid_argument",
      "expirationDate",
    );
    await expectDomainError(addPersonalAccessToken(ctx(), { userId: (await newHuman(org.id)).id }), "failed_precondition");

    const stranger = await newMachine(org.id);
    await expectDomainError(removePersonalAccessToken(ctx(), { userId: stranger.id, tokenId: pat.id }), "not_found");
    await removePersonalAccessToken(ctx(), { userId: user.id, tokenId: pat.id });
    expect(await findUserByPersonalAccessToken(ctx(), pat.token)).toBeNull();
    await expectDomainError(removePersonalAccessToken(ctx(), { userId: user.id, tokenId: pat.id }), "not_found");
    await removePersonalAccessToken(ctx(), { tokenId: second.id }); // the user id is optional

    const audit = await auditOf(user.id);
    expect(audit.map((a) => a.action)).toEqual([
      "user.created",
      "user.pat.added",
      "user.pat.added",
      "user.pat.removed",
      "user.pat.removed",
    ]);
    const logged = JSON.stringify(audit);
    for (const secret of [pat.token, second.token, hashSecret(pat.token)]) expect(logged).not.toContain(secret);
  });

  it("adds keys as ZITADEL key files or from the caller's public key, and finds, lists and removes them", async () => {
    const org = await newOrg();
    const user = await newMachine(org.id);
    const generated = await addKey(ctx(), { userId: user.id });
    const file = JSON.parse(generated.keyContent!) as Record<string, string>;
    expect(file).toMatchObject({ type: "serviceaccount", keyId: generated.keyId, userId: user.id });
    expect(file.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(generated.expirationDate).toEqual(NEVER_EXPIRES);
    const stored = await ctx().prisma.userKey.findUnique({ where: { id: generated.keyId } });
    expect(stored!.publicKeyPem).toBe(createPublicKey(file.key!).export({ type: "spki", format: "pem" }));

    const { publicKey } = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const expires = inOneHour();
    const own = await addKey(ctx(), { userId: user.id, publicKey: Buffer.from(publicKey), expirationDate: expires });
    expect(own.keyContent).toBeUndefined();
    expect(own.expirationDate).toEqual(expires);
    expect((await ctx().prisma.userKey.findUnique({ where: { id: own.keyId } }))!.publicKeyPem).toBe(publicKey);
    expect((await addKey(ctx(), { userId: user.id, publicKey: new Uint8Array() })).keyContent).toBeDefined();

    await expectDomainError(addKey(ctx(), { userId: user.id, publicKey: "not a key" }), "invalid_argument", "publicKey");
    await expectDomainError(addKey(ctx(), { userId: user.id, expirationDate: new Date(0) }), "invalid_argument", "expirationDate");
    await expectDomainError(addKey(ctx(), { userId: (await newHuman(org.id)).id, publicKey }), "failed_precondition");

    const match = await findUserKey(ctx(), user.id, generated.keyId);
    expect(match).toMatchObject({ user: { id: user.id }, keyId: generated.keyId, publicKeyPem: stored!.publicKeyPem });
    expect(await findUserKey(ctx(), (await newMachine(org.id)).id, generated.keyId)).toBeNull();
    await ctx().prisma.userKey.update({ where: { id: own.keyId }, data: { expirationDate: new Date(Date.now() - 1000) } });
    expect(await findUserKey(ctx(), user.id, own.keyId)).toBeNull();

    const listed = await listKeys(ctx(), { userId: user.id, pagination: { asc: true } });
    expect(listed.items.map((k) => k.id)).toEqual(expect.arrayContaining([generated.keyId, own.keyId]));
    expect(listed.totalResult).toBe(3);
    expect(listed.items[0]).toEqual({
      id: generated.keyId,
      userId: user.id,
      orgId: org.id,
      createdAt: expect.any(Date),
      expirationDate: NEVER_EXPIRES,
    });
    expect((await listKeys(ctx(), { orgId: org.id })).totalResult).toBe(3);
    expect(JSON.stringify(listed)).not.toContain("BEGIN");

    await removeKey(ctx(), { userId: user.id, keyId: generated.keyId });
    expect(await findUserKey(ctx(), user.id, generated.keyId)).toBeNull();
    await expectDomainError(removeKey(ctx(), { userId: user.id, keyId: generated.keyId }), "not_found");
    await expectDomainError(removeKey(ctx(), { keyId: "x" }), "invalid_argument", "keyId");

    const audit = await auditOf(user.id);
    expect(audit.map((a) => a.action)).toEqual(["user.created", "user.key.added", "user.key.added", "user.key.added", "user.key.removed"]);
    expect(JSON.stringify(audit)).not.toContain("PRIVATE KEY");
  });

  it("tells which users hold a client secret", async () => {
    const org = await newOrg();
    const [holder, without] = [await newMachine(org.id), await newMachine(org.id)];
    await addSecret(ctx(), holder.id);
    expect(await usersWithSecret(ctx(), [holder.id, without.id, "1"])).toEqual(new Set([holder.id]));
    expect(await usersWithSecret(ctx(), [])).toEqual(new Set());
  });

  it("finds who holds a personal access token or key, expired or not", async () => {
    const org = await newOrg();
    const user = await newMachine(org.id);
    const pat = await addPersonalAccessToken(ctx(), { userId: user.id });
    const key = await addKey(ctx(), { userId: user.id });
    await ctx().prisma.personalAccessToken.update({ where: { id: pat.id }, data: { expirationDate: new Date(Date.now() - 1000) } });
    expect(await findPersonalAccessTokenOwner(ctx(), pat.id)).toEqual({ userId: user.id, orgId: org.id });
    expect(await findKeyOwner(ctx(), key.keyId)).toEqual({ userId: user.id, orgId: org.id });
    expect(await findPersonalAccessTokenOwner(ctx(), key.keyId)).toBeNull();
    expect(await findKeyOwner(ctx(), pat.id)).toBeNull();
  });
});

describe("metadata", () => {
  it("sets, overwrites, lists and deletes metadata, validating keys and values", async () => {
    const org = await newOrg();
    const user = await newHuman(org.id);
    await setUserMetadata(ctx(), {
      userId: user.id,
      metadata: [
        { key: "b", value: bytes("2") },
        { key: " a ", value: bytes("1") },
      ],
    });
    await setUserMetadata(ctx(), { userId: user.id, metadata: [{ key: "a", value: bytes("one") }] });
    await setUserMetadata(ctx(), {
      userId: user.id,
      metadata: [
        { key: "c", value: bytes("x") },
        { key: "c", value: bytes("y") },
      ],
    });
    const entries = async () => (await listUserMetadata(ctx(), user.id)).map((m) => [m.key, text(m.value)]);
    expect(await entries()).toEqual([
      ["a", "one"],
      ["b", "2"],
      ["c", "y"],
    ]);

    const max = new Uint8Array(64 * 1024);
    await setUserMetadata(ctx(), { userId: user.id, metadata: [{ key: "big", value: max }] });
    const cases: [unknown, string][] = [
      [[], "metadata"],
      [undefined, "metadata"],
      [[{ key: "", value: bytes("v") }], "metadata[0].key"],
      [[{ key: "x".repeat(201), value: bytes("v") }], "metadata[0].key"],
      [
        [
          { key: "ok", value: bytes("v") },
          { key: "k", value: new Uint8Array(64 * 1024 + 1) },
        ],
        "metadata[1].value",
      ],
      [[{ key: "k", value: new Uint8Array() }], "metadata[0].value"],
      [[{ key: "k", value: "text" }], "metadata[0].value"],
    ];
    for (const [metadata, field] of cases) {
      await expectDomainError(setUserMetadata(ctx(), { userId: user.id, metadata: metadata as [] }), "invalid_argument", field);
    }
    expect(await entries()).toHaveLength(4);

    expect(await deleteUserMetadata(ctx(), { userId: user.id, keys: ["a", "big", "unknown"] })).toBe(2);
    expect(await deleteUserMetadata(ctx(), { userId: user.id, keys: ["a"] })).toBe(0);
    expect(await entries()).toEqual([
      ["b", "2"],
      ["c", "y"],
    ]);
    await expectDomainError(deleteUserMetadata(ctx(), { userId: user.id, keys: [] }), "invalid_argument", "keys");

    await expectDomainError(setUserMetadata(ctx(), { userId: "1", metadata: [{ key: "k", value: bytes("v") }] }), "not_found");
    await expectDomainError(listUserMetadata(ctx(), "1"), "not_found");
    await expectDomainError(deleteUserMetadata(ctx(), { userId: "1", keys: ["k"] }), "not_found");

    const audit = await auditOf(user.id);
    expect(audit.map((a) => a.action)).toEqual([
      "user.created",
      "user.metadata.set",
      "user.metadata.set",
      "user.metadata.set",
      "user.metadata.set",
      "user.metadata.deleted",
    ]);
    expect(audit[2]!.after).toEqual([{ key: "a", value: Buffer.from("one").toString("base64") }]);
    expect(audit[5]!.before).toEqual([
      { key: "a", value: Buffer.from("one").toString("base64") },
      { key: "big", value: Buffer.from(max).toString("base64") },
    ]);
  });
});
