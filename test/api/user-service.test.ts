import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { TextQueryMethod } from "@zitadel/proto/zitadel/object/v2/object_pb.js";
import { TextFilterMethod, TimestampFilterMethod } from "@zitadel/proto/zitadel/filter/v2/filter_pb.js";
import { KeyFieldName } from "@zitadel/proto/zitadel/user/v2/key_pb.js";
import { type SearchQuerySchema, Type, UserFieldName } from "@zitadel/proto/zitadel/user/v2/query_pb.js";
import { AccessTokenType, UserState, type User } from "@zitadel/proto/zitadel/user/v2/user_pb.js";
import { UserService } from "@zitadel/proto/zitadel/user/v2/user_service_pb.js";
import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createAdministrator } from "../../src/directory/administrators.js";
import type { DirectoryContext } from "../../src/directory/context.js";
import { createOrganization } from "../../src/directory/organizations.js";
import { verifyUserPassword } from "../../src/directory/passwords.js";
import { findPrincipalByPersonalAccessToken } from "../../src/directory/principals.js";
import { addPersonalAccessToken } from "../../src/directory/user-credentials.js";
import { TRANSPORTS, useApiServer } from "../support/api.js";
import { expectCode } from "../support/connect.js";
import { unique } from "../support/directory.js";

const api = useApiServer();
let admin: { userId: string; orgId: string };
beforeAll(async () => {
  const principal = await findPrincipalByPersonalAccessToken(api().db.prisma, api().adminToken);
  admin = { userId: principal!.userId, orgId: principal!.orgId };
});

const dir = (): DirectoryContext => ({ prisma: api().db.prisma, actor: { id: "test" } });
const newOrg = () => createOrganization(dir(), { name: unique("Org") });
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const json = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
const human = (u: User | undefined) => (u?.type.case === "human" ? u.type.value : undefined);
const machine = (u: User | undefined) => (u?.type.case === "machine" ? u.type.value : undefined);
type SearchQuery = MessageInitShape<typeof SearchQuerySchema>;
const query = (q: SearchQuery["query"]): SearchQuery => ({ query: q });

describe.each(TRANSPORTS)("UserService over %s", (transport) => {
  const users = (token?: string) => api().client(UserService, transport, token);

  const newHuman = async (orgId: string, extra: { username?: string; email?: string } = {}) => {
    const username = extra.username ?? unique("human");
    const { id } = await users().createUser({
      organizationId: orgId,
      username,
      userType: {
        case: "human",
        value: { profile: { givenName: "Grace", familyName: "Hopper" }, email: { email: extra.email ?? `${username}@example.com` } },
      },
    });
    return { id, username };
  };
  const newMachine = async (orgId: string, username?: string) =>
    (await users().createUser({ organizationId: orgId, username, userType: { case: "machine", value: { name: "Robot" } } })).id;

  it("creates, reads and updates a human user, and sets a password that then works", async () => {
    const org = await newOrg();
    const username = unique("ada");
    const created = await users().createUser({
      organizationId: org.id,
      username,
      userType: {
        case: "human",
        value: {
          profile: { givenName: "Ada", familyName: "Lovelace", preferredLanguage: "de-ch" },
          email: { email: `${username}@example.com`, verification: { case: "isVerified", value: true } },
          passwordType: { case: "password", value: { password: "Analyt1cal!Engine", changeRequired: true } },
          metadata: [{ key: "team", value: bytes("math") }],
        },
      },
    });
    expect(created.id).toMatch(/^[0-9]{17,19}$/);
    expect(created.creationDate).toBeDefined();

    const { user } = await users().getUserByID({ userId: created.id });
    expect(user).toMatchObject({
      userId: created.id,
      state: UserState.ACTIVE,
      username,
      loginNames: [username],
      preferredLoginName: username,
      details: { resourceOwner: org.id },
    });
    expect(human(user)).toMatchObject({
      profile: { givenName: "Ada", familyName: "Lovelace", displayName: "Ada Lovelace", preferredLanguage: "de-CH" },
      email: { email: `${username}@example.com`, isVerified: true },
      passwordChangeRequired: true,
    });
    expect(json(user)).not.toContain("argon2");
    const metadata = await users().listUserMetadata({ userId: created.id });
    expect(metadata.metadata.map((m) => [m.key, text(m.value)])).toEqual([["team", "math"]]);

    const renamed = unique("countess");
    await users().updateHumanUser({
      userId: created.id,
      username: renamed,
      profile: { givenName: "", familyName: "", nickName: "Countess" },
      email: { email: `${renamed}@example.com` },
    });
    const updated = (await users().getUserByID({ userId: created.id })).user;
    expect(updated?.username).toBe(renamed);
    expect(human(updated)).toMatchObject({
      profile: { givenName: "Ada", familyName: "Lovelace", nickName: "Countess" },
      email: { email: `${renamed}@example.com`, isVerified: false },
    });

    await users().setPassword({ userId: created.id, newPassword: { password: "Difference-Eng1ne", changeRequired: false } });
    expect((await verifyUserPassword(dir(), renamed, "Difference-Eng1ne"))?.id).toBe(created.id);
    expect(await verifyUserPassword(dir(), renamed, "Analyt1cal!Engine")).toBeNull();
    expect(human((await users().getUserByID({ userId: created.id })).user)?.passwordChangeRequired).toBe(false);
    const wrong = await expectCode(
      users().setPassword({
        userId: created.id,
        newPassword: { password: "An0ther!password", changeRequired: false },
        verification: { case: "currentPassword", value: "not-the-password" },
      }),
      Code.InvalidArgument,
    );
    expect(wrong.message).toContain("currentPassword");
  });

  it("adds human users to the organization named by id, domain, header, or else the caller's", async () => {
    const org = await newOrg();
    const owner = async (userId: string) => (await users().getUserByID({ userId })).user?.details?.resourceOwner;
    const profile = { givenName: "Alan", familyName: "Turing" };
    const email = () => ({ email: `${unique("alan")}@example.com` });

    const byId = await users().addHumanUser({ organization: { org: { case: "orgId", value: org.id } }, profile, email: email() });
    expect(byId.details?.resourceOwner).toBe(org.id);
    const byDomain = await users().addHumanUser({
      organization: { org: { case: "orgDomain", value: org.primaryDomain } },
      profile,
      email: email(),
    });
    expect(await owner(byDomain.userId)).toBe(org.id);
    const byHeader = await users().addHumanUser({ profile, email: email() }, { headers: { "x-zitadel-orgid": org.id } });
    expect(await owner(byHeader.userId)).toBe(org.id);
    const byCaller = await users().addHumanUser({ profile, email: email(), metadata: [{ key: "k", value: bytes("v") }] });
    expect(await owner(byCaller.userId)).toBe(admin.orgId);
    // The email is the username by default.
    const { user } = await users().getUserByID({ userId: byId.userId });
    expect(user?.username).toBe(human(user)?.email?.email);

    await expectCode(
      users().addHumanUser({ organization: { org: { case: "orgDomain", value: "nowhere.localhost" } }, profile, email: email() }),
      Code.NotFound,
    );
  });

  it("gives machine users a secret, personal access tokens that authenticate until removed, and keys", async () => {
    const org = await newOrg();
    const id = await newMachine(org.id);
    let { user } = await users().getUserByID({ userId: id });
    expect(user?.username).toBe(id); // defaults to the user id
    expect(machine(user)).toMatchObject({ name: "Robot", description: "", hasSecret: false, accessTokenType: AccessTokenType.BEARER });

    const { clientSecret, creationDate } = await users().addSecret({ userId: id });
    expect(clientSecret).toMatch(/^[A-Za-z0-9]{32,}$/);
    expect(creationDate).toBeDefined();
    ({ user } = await users().getUserByID({ userId: id }));
    expect(machine(user)?.hasSecret).toBe(true);
    await users().removeSecret({ userId: id });
    await expectCode(users().removeSecret({ userId: id }), Code.NotFound);
    expect(machine((await users().getUserByID({ userId: id })).user)?.hasSecret).toBe(false);

    const pat = await users().addPersonalAccessToken({ userId: id, expirationDate: timestampFromDate(new Date(Date.now() + 3_600_000)) });
    expect(pat.token).toMatch(/^[A-Za-z0-9]+$/);
    // Without administrator roles the machine user sees itself.
    const own = await users(pat.token).listUsers({});
    expect(own.result.map((u) => u.userId)).toEqual([id]);
    expect((await users(pat.token).getUserByID({ userId: id })).user?.userId).toBe(id);
    // Visible to itself, but not writable by itself.
    await expectCode(users(pat.token).addPersonalAccessToken({ userId: id }), Code.PermissionDenied);
    await expectCode(users(pat.token).removePersonalAccessToken({ userId: "", tokenId: pat.tokenId }), Code.PermissionDenied);
    const listed = await users().listPersonalAccessTokens({ filters: [{ filter: { case: "userIdFilter", value: { id } } }] });
    expect(listed.result).toHaveLength(1);
    expect(listed.result[0]).toMatchObject({ id: pat.tokenId, userId: id, organizationId: org.id });
    expect(listed.pagination?.totalResult).toBe(1n);
    const later = timestampFromDate(new Date(Date.now() + 60_000));
    const none = await users().listPersonalAccessTokens({
      filters: [
        { filter: { case: "userIdFilter", value: { id } } },
        { filter: { case: "createdDateFilter", value: { timestamp: later, method: TimestampFilterMethod.AFTER } } },
      ],
    });
    expect(none.result).toHaveLength(0);
    await users().removePersonalAccessToken({ userId: id, tokenId: pat.tokenId });
    await expectCode(users(pat.token).listUsers({}), Code.Unauthenticated);
    await expectCode(users().removePersonalAccessToken({ userId: id, tokenId: pat.tokenId }), Code.NotFound);
    await expectCode(
      users().addPersonalAccessToken({ userId: id, expirationDate: timestampFromDate(new Date(Date.now() - 1000)) }),
      Code.InvalidArgument,
    );
    if (transport === "grpc") {
      // Beyond what JSON can carry, but binary clients can send it.
      const farFuture = { seconds: 10n ** 12n, nanos: 0 };
      const error = await expectCode(users().addPersonalAccessToken({ userId: id, expirationDate: farFuture }), Code.InvalidArgument);
      expect(error.message).toContain("expirationDate");
    }

    const generated = await users().addKey({ userId: id });
    const keyFile = JSON.parse(text(generated.keyContent)) as Record<string, string>;
    expect(keyFile).toMatchObject({ type: "serviceaccount", keyId: generated.keyId, userId: id });
    expect(keyFile.key).toContain("-----BEGIN RSA PRIVATE KEY-----");
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256", publicKeyEncoding: { type: "spki", format: "pem" } });
    const own2 = await users().addKey({ userId: id, publicKey: bytes(publicKey) });
    expect(own2.keyContent).toHaveLength(0);
    const keys = await users().listKeys({
      filters: [{ filter: { case: "userIdFilter", value: { id } } }],
      sortingColumn: KeyFieldName.ID,
      pagination: { offset: 0n, limit: 10, asc: true },
    });
    expect(keys.result.map((k) => k.id)).toEqual([generated.keyId, own2.keyId].sort());
    expect(keys.result[0]).toMatchObject({ userId: id, organizationId: org.id });
    const onlyOne = await users().listKeys({ filters: [{ filter: { case: "keyIdFilter", value: { id: own2.keyId } } }] });
    expect(onlyOne.result.map((k) => k.id)).toEqual([own2.keyId]);
    await users().removeKey({ userId: id, keyId: generated.keyId });
    await expectCode(users().removeKey({ userId: id, keyId: generated.keyId }), Code.NotFound);
    await users().removeKey({ userId: "", keyId: own2.keyId }); // the user id is optional
    expect((await users().listKeys({ filters: [{ filter: { case: "userIdFilter", value: { id } } }] })).result).toHaveLength(0);
    await expectCode(users().addKey({ userId: id, publicKey: bytes("not a key") }), Code.InvalidArgument);
  });

  it("sets, lists and deletes metadata as bytes", async () => {
    const { id } = await newHuman((await newOrg()).id);
    const binary = new Uint8Array([0, 255, 1, 254]);
    await users().setUserMetadata({
      userId: id,
      metadata: [
        { key: "a", value: bytes("1") },
        { key: "b", value: binary },
      ],
    });
    await users().setUserMetadata({
      userId: id,
      metadata: [
        { key: "a", value: bytes("one") },
        { key: "c", value: bytes("3") },
      ],
    });
    let listed = await users().listUserMetadata({ userId: id, pagination: { offset: 0n, limit: 0, asc: true } });
    expect(listed.metadata.map((m) => m.key)).toEqual(["a", "b", "c"]);
    expect(text(listed.metadata[0]!.value)).toBe("one");
    expect([...listed.metadata[1]!.value]).toEqual([...binary]);
    expect(listed.pagination?.totalResult).toBe(3n);

    listed = await users().listUserMetadata({ userId: id, pagination: { offset: 1n, limit: 1, asc: true } });
    expect(listed.metadata.map((m) => m.key)).toEqual(["b"]);
    expect(listed.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 1n });
    listed = await users().listUserMetadata({
      userId: id,
      filters: [{ filter: { case: "keyFilter", value: { key: "C", method: TextFilterMethod.EQUALS_IGNORE_CASE } } }],
    });
    expect(listed.metadata.map((m) => m.key)).toEqual(["c"]);

    await users().deleteUserMetadata({ userId: id, keys: ["a", "c", "missing"] });
    listed = await users().listUserMetadata({ userId: id });
    expect(listed.metadata.map((m) => m.key)).toEqual(["b"]);

    const empty = await expectCode(
      users().setUserMetadata({ userId: id, metadata: [{ key: "x", value: new Uint8Array() }] }),
      Code.InvalidArgument,
    );
    expect(empty.message).toContain("metadata[0].value");
    expect((await expectCode(users().deleteUserMetadata({ userId: id, keys: [] }), Code.InvalidArgument)).message).toContain("keys");
    await expectCode(users().listUserMetadata({ userId: "1" }), Code.NotFound);
  });

  it("moves users between states as the doc comments say, and deletes them", async () => {
    const id = await newMachine((await newOrg()).id);
    const state = async () => (await users().getUserByID({ userId: id })).user?.state;

    await users().deactivateUser({ userId: id });
    expect(await state()).toBe(UserState.INACTIVE);
    await expectCode(users().deactivateUser({ userId: id }), Code.FailedPrecondition);
    await expectCode(users().lockUser({ userId: id }), Code.FailedPrecondition);
    await users().reactivateUser({ userId: id });
    expect(await state()).toBe(UserState.ACTIVE);
    await expectCode(users().reactivateUser({ userId: id }), Code.FailedPrecondition);
    await expectCode(users().unlockUser({ userId: id }), Code.FailedPrecondition);
    await users().lockUser({ userId: id });
    expect(await state()).toBe(UserState.LOCKED);
    await expectCode(users().lockUser({ userId: id }), Code.FailedPrecondition);
    await users().unlockUser({ userId: id });
    expect(await state()).toBe(UserState.ACTIVE);

    const deleted = await users().deleteUser({ userId: id });
    expect(deleted.details?.changeDate).toBeDefined();
    await expectCode(users().getUserByID({ userId: id }), Code.NotFound);
    // "Endpoints requesting this user will return an error 'User not found'", DeleteUser included.
    await expectCode(users().deleteUser({ userId: id }), Code.NotFound);
    await expectCode(users().deactivateUser({ userId: id }), Code.NotFound);

    // The instance administrator cannot lock itself out.
    await expectCode(users().deleteUser({ userId: admin.userId }), Code.FailedPrecondition);
    await expectCode(users().deactivateUser({ userId: admin.userId }), Code.FailedPrecondition);
    await expectCode(users().lockUser({ userId: admin.userId }), Code.FailedPrecondition);
  });

  it("lists users with filters, sorting and pagination", async () => {
    const org = await newOrg();
    const tag = unique("ls").toLowerCase();
    const a = await newHuman(org.id, { username: `${tag}-a`, email: `${tag}-a@example.com` });
    const b = await newHuman(org.id, { username: `${tag}-b` });
    const c = await newHuman(org.id, { username: `${tag}-c` });
    const robot = await newMachine(org.id, `${tag}-robot`);
    await users().deactivateUser({ userId: c.id });
    const inOrg = query({ case: "organizationIdQuery", value: { organizationId: org.id } });
    const ids = async (...queries: SearchQuery[]) => (await users().listUsers({ queries })).result.map((u) => u.userId).sort();

    const all = await users().listUsers({ queries: [inOrg] });
    expect(all.details?.totalResult).toBe(4n);
    expect(all.result.map((u) => u.userId)).toEqual([robot, c.id, b.id, a.id]); // newest first by default
    expect(await ids(inOrg, query({ case: "typeQuery", value: { type: Type.MACHINE } }))).toEqual([robot]);
    expect(machine(all.result[0])?.name).toBe("Robot");
    expect(await ids(inOrg, query({ case: "stateQuery", value: { state: UserState.INACTIVE } }))).toEqual([c.id]);
    expect(await ids(query({ case: "stateQuery", value: { state: UserState.DELETED } }), inOrg)).toEqual([]);
    expect(
      await ids(
        query({ case: "userNameQuery", value: { userName: `${tag.toUpperCase()}-`, method: TextQueryMethod.STARTS_WITH_IGNORE_CASE } }),
      ),
    ).toEqual([a.id, b.id, c.id, robot].sort());
    expect(
      await ids(query({ case: "emailQuery", value: { emailAddress: `${tag}-A@EXAMPLE.COM`, method: TextQueryMethod.EQUALS_IGNORE_CASE } })),
    ).toEqual([a.id]);
    expect(
      await ids(query({ case: "inUserEmailsQuery", value: { userEmails: [`${tag}-a@example.com`, `${tag}-b@example.com`] } })),
    ).toEqual([a.id, b.id].sort());
    expect(await ids(query({ case: "loginNameQuery", value: { loginName: `${tag}-b`, method: TextQueryMethod.EQUALS } }))).toEqual([b.id]);
    expect(await ids(query({ case: "inUserIdsQuery", value: { userIds: [a.id, robot, "1"] } }))).toEqual([a.id, robot].sort());
    expect(
      await ids(
        inOrg,
        query({
          case: "orQuery",
          value: {
            queries: [
              query({ case: "inUserIdsQuery", value: { userIds: [a.id] } }),
              query({ case: "typeQuery", value: { type: Type.MACHINE } }),
            ],
          },
        }),
      ),
    ).toEqual([a.id, robot].sort());
    expect(
      await ids(inOrg, query({ case: "notQuery", value: { query: query({ case: "typeQuery", value: { type: Type.HUMAN } }) } })),
    ).toEqual([robot]);

    const page = await users().listUsers({
      queries: [inOrg],
      sortingColumn: UserFieldName.USER_NAME,
      query: { offset: 1n, limit: 2, asc: true },
    });
    expect(page.result.map((u) => u.username)).toEqual([`${tag}-b`, `${tag}-c`]);
    expect(page.details?.totalResult).toBe(4n);
    expect(page.sortingColumn).toBe(UserFieldName.USER_NAME);

    await expectCode(users().listUsers({ query: { offset: 0n, limit: 1001, asc: false } }), Code.InvalidArgument);
    const badState = await expectCode(
      users().listUsers({ queries: [query({ case: "stateQuery", value: { state: 42 as UserState } })] }),
      Code.InvalidArgument,
    );
    expect(badState.message).toContain("queries[0].stateQuery.state");
    await expectCode(users().listUsers({ sortingColumn: 99 as UserFieldName }), Code.InvalidArgument);
    const badOrg = await expectCode(
      users().listUsers({ queries: [query({ case: "organizationIdQuery", value: { organizationId: "x" } })] }),
      Code.InvalidArgument,
    );
    expect(badOrg.message).toContain("organizationId");
  });

  it("answers invalid requests with the code the contract names", async () => {
    const org = await newOrg();
    const invalid = async (promise: Promise<unknown>, field: string) =>
      expect((await expectCode(promise, Code.InvalidArgument)).message).toContain(field);
    const profile = { givenName: "Linus", familyName: "T" };
    const humanReq = (value: Record<string, unknown>, username?: string) =>
      users().createUser({
        organizationId: org.id,
        username,
        userType: { case: "human", value: { profile, email: { email: `${unique("l")}@example.com` }, ...value } },
      });

    await invalid(users().createUser({ organizationId: org.id }), "userType");
    await invalid(users().createUser({ organizationId: org.id, userType: { case: "human", value: { profile } } }), "email");
    await invalid(humanReq({ email: { email: "not-an-email" } }), "email");
    await invalid(humanReq({ profile: { givenName: " ", familyName: "T" } }), "givenName");
    await invalid(humanReq({ passwordType: { case: "password", value: { password: "short", changeRequired: false } } }), "password");
    await invalid(humanReq({ phone: { phone: "+41791234567" } }), "phone");
    await invalid(
      humanReq({ passwordType: { case: "hashedPassword", value: { hash: "$2y$10$abc", changeRequired: false } } }),
      "hashedPassword",
    );
    await invalid(humanReq({ profile: { ...profile, preferredLanguage: "--" } }), "preferredLanguage");
    await invalid(users().createUser({ organizationId: org.id, userType: { case: "machine", value: { name: "" } } }), "name");
    await invalid(
      users().createUser({ organizationId: org.id, userId: "abc", userType: { case: "machine", value: { name: "x" } } }),
      "userId",
    );
    await invalid(users().getUserByID({ userId: "abc" }), "userId");
    const someone = (await newHuman(org.id)).id;
    await invalid(users().setPassword({ userId: someone }), "newPassword");
    await invalid(
      users().setPassword({
        userId: someone,
        newPassword: { password: "Val1d!password", changeRequired: false },
        verification: { case: "verificationCode", value: "123" },
      }),
      "verificationCode",
    );

    const { id, username } = await newHuman(org.id);
    const dupe = await expectCode(humanReq({}, username.toUpperCase()), Code.AlreadyExists);
    expect(dupe.message).toContain("username");
    await expectCode(
      users().createUser({ organizationId: org.id, userId: id, userType: { case: "machine", value: { name: "x" } } }),
      Code.AlreadyExists,
    );
    const other = await newHuman(org.id);
    await expectCode(users().updateHumanUser({ userId: other.id, username }), Code.AlreadyExists);

    await expectCode(users().createUser({ organizationId: "1", userType: { case: "machine", value: { name: "x" } } }), Code.NotFound);
    await expectCode(users().getUserByID({ userId: "1" }), Code.NotFound);
    await expectCode(users().updateHumanUser({ userId: "1", username: "x" }), Code.NotFound);
    await expectCode(users().addSecret({ userId: "1" }), Code.NotFound);

    const robot = await newMachine(org.id);
    await expectCode(users().updateHumanUser({ userId: robot, profile: { givenName: "R", familyName: "2" } }), Code.FailedPrecondition);
    await expectCode(
      users().setPassword({ userId: robot, newPassword: { password: "Val1d!password", changeRequired: false } }),
      Code.FailedPrecondition,
    );
    await expectCode(users().addSecret({ userId: id }), Code.FailedPrecondition);
    await expectCode(users().addPersonalAccessToken({ userId: id }), Code.FailedPrecondition);
    await expectCode(users().addKey({ userId: id }), Code.FailedPrecondition);
    await expectCode(users().removeSecret({ userId: robot }), Code.NotFound);
    await expectCode(users().removePersonalAccessToken({ userId: robot, tokenId: "1" }), Code.NotFound);
  });

  it("refuses to change a user whose administrator roles the caller's do not cover, and changes nothing", async () => {
    const asAdminOf = async (roles: string[]) => {
      const id = await newMachine(admin.orgId);
      await createAdministrator(dir(), { userId: id, resource: { organizationId: admin.orgId }, roles });
      return users((await addPersonalAccessToken(dir(), { userId: id })).token);
    };
    const asManager = await asAdminOf(["ORG_USER_MANAGER"]);
    const asOwner = await asAdminOf(["ORG_OWNER"]);
    const orgOwner = await newHuman(admin.orgId);
    await users().setPassword({ userId: orgOwner.id, newPassword: { password: "Orig1nal!pass", changeRequired: false } });
    await users().setUserMetadata({ userId: orgOwner.id, metadata: [{ key: "k", value: bytes("v") }] });
    await createAdministrator(dir(), { userId: orgOwner.id, resource: { organizationId: admin.orgId }, roles: ["ORG_OWNER"] });
    const adminPat = await users().addPersonalAccessToken({ userId: admin.userId });
    const adminKey = await users().addKey({ userId: admin.userId });
    const snapshot = async (userId: string) => {
      const { prisma } = dir();
      return prisma.user.findUnique({
        where: { id: userId },
        include: { secret: true, personalAccessTokens: true, keys: true, metadata: true },
      });
    };
    const before = { admin: await snapshot(admin.userId), orgOwner: await snapshot(orgOwner.id) };

    type Client = ReturnType<typeof users>;
    const attempts = (as: Client, userId: string) => [
      () => as.addPersonalAccessToken({ userId }),
      () => as.addSecret({ userId }),
      () => as.removeSecret({ userId }),
      () => as.addKey({ userId }),
      () => as.setPassword({ userId, newPassword: { password: "Takeover!1234", changeRequired: false } }),
      () => as.updateHumanUser({ userId, username: unique("taken") }),
      () => as.lockUser({ userId }),
      () => as.deactivateUser({ userId }),
      () => as.deleteUser({ userId }),
      () => as.setUserMetadata({ userId, metadata: [{ key: "k", value: bytes("x") }] }),
      () => as.deleteUserMetadata({ userId, keys: ["k"] }),
    ];
    // The instance owner, by an organization's user manager and owner; an organization owner, by its user manager.
    for (const [as, userId, held] of [
      [asManager, admin.userId, "IAM_OWNER"],
      [asOwner, admin.userId, "IAM_OWNER"],
      [asManager, orgOwner.id, "ORG_OWNER"],
    ] as const) {
      for (const attempt of attempts(as, userId)) expect((await expectCode(attempt(), Code.PermissionDenied)).message).toContain(held);
    }
    await expectCode(asOwner.removePersonalAccessToken({ userId: "", tokenId: adminPat.tokenId }), Code.PermissionDenied);
    await expectCode(asManager.removeKey({ userId: "", keyId: adminKey.keyId }), Code.PermissionDenied);
    expect(await snapshot(admin.userId)).toEqual(before.admin);
    expect(await snapshot(orgOwner.id)).toEqual(before.orgOwner);
    expect(await verifyUserPassword(dir(), orgOwner.username, "Orig1nal!pass")).toMatchObject({ id: orgOwner.id });

    // What the caller's roles cover still works: an owner changes another owner, a manager a plain user.
    await asOwner.setPassword({ userId: orgOwner.id, newPassword: { password: "Rep1aced!pass", changeRequired: true } });
    const plain = await newHuman(admin.orgId);
    await asManager.lockUser({ userId: plain.id });
    await asManager.deleteUser({ userId: plain.id });
    await users().removePersonalAccessToken({ userId: admin.userId, tokenId: adminPat.tokenId });
    await users().removeKey({ userId: admin.userId, keyId: adminKey.keyId });
  });

  it("lets an ORG_USER_MANAGER manage the users of its organization only", async () => {
    const orgA = await newOrg();
    const orgB = await newOrg();
    const managerId = await newMachine(orgA.id);
    await createAdministrator(dir(), { userId: managerId, resource: { organizationId: orgA.id }, roles: ["ORG_USER_MANAGER"] });
    const { token } = await addPersonalAccessToken(dir(), { userId: managerId });
    const asManager = users(token);
    const inB = await newHuman(orgB.id);
    const robotB = await newMachine(orgB.id);

    // Organization A: create (named, or the manager's own by default), read, update, list.
    const { id: inA } = await asManager.createUser({
      organizationId: orgA.id,
      userType: {
        case: "human",
        value: { profile: { givenName: "A", familyName: "User" }, email: { email: `${unique("a")}@example.com` } },
      },
    });
    const byDefault = await asManager.addHumanUser({
      profile: { givenName: "B", familyName: "User" },
      email: { email: `${unique("b")}@example.com` },
    });
    expect(byDefault.details?.resourceOwner).toBe(orgA.id);
    await asManager.updateHumanUser({ userId: inA, profile: { givenName: "Renamed", familyName: "" } });
    expect(human((await asManager.getUserByID({ userId: inA })).user)?.profile?.givenName).toBe("Renamed");
    await asManager.setUserMetadata({ userId: inA, metadata: [{ key: "k", value: bytes("v") }] });
    const listed = await asManager.listUsers({});
    expect(listed.result.map((u) => u.userId).sort()).toEqual([managerId, inA, byDefault.userId].sort());

    // Organization B: creating is denied; its users do not exist for the manager.
    const denied = await expectCode(
      asManager.createUser({ organizationId: orgB.id, userType: { case: "machine", value: { name: "x" } } }),
      Code.PermissionDenied,
    );
    expect(denied.message).toContain(orgB.id);
    await expectCode(
      asManager.addHumanUser(
        { profile: { givenName: "C", familyName: "D" }, email: { email: "c@example.com" } },
        { headers: { "x-zitadel-orgid": orgB.id } },
      ),
      Code.PermissionDenied,
    );
    await expectCode(asManager.getUserByID({ userId: inB.id }), Code.NotFound);
    await expectCode(asManager.updateHumanUser({ userId: inB.id, username: unique("x") }), Code.NotFound);
    await expectCode(asManager.deleteUser({ userId: inB.id }), Code.NotFound);
    await expectCode(asManager.deactivateUser({ userId: inB.id }), Code.NotFound);
    await expectCode(
      asManager.setPassword({ userId: inB.id, newPassword: { password: "Val1d!password", changeRequired: false } }),
      Code.NotFound,
    );
    await expectCode(asManager.addSecret({ userId: robotB }), Code.NotFound);
    await expectCode(asManager.addPersonalAccessToken({ userId: robotB }), Code.NotFound);
    await expectCode(asManager.listUserMetadata({ userId: inB.id }), Code.NotFound);
    await expectCode(asManager.setUserMetadata({ userId: inB.id, metadata: [{ key: "k", value: bytes("v") }] }), Code.NotFound);
    const ofB = await asManager.listUsers({ queries: [query({ case: "organizationIdQuery", value: { organizationId: orgB.id } })] });
    expect(ofB.result).toHaveLength(0);
    expect(ofB.details?.totalResult).toBe(0n);
    const bPat = await users().addPersonalAccessToken({ userId: robotB });
    await expectCode(asManager.removePersonalAccessToken({ userId: "", tokenId: bPat.tokenId }), Code.NotFound);
    const pats = await asManager.listPersonalAccessTokens({});
    expect(pats.result.every((p) => p.organizationId === orgA.id)).toBe(true);
    expect(pats.result.map((p) => p.userId)).toContain(managerId);

    // Its own user it may read, but it cannot delete or deactivate itself.
    expect((await asManager.getUserByID({ userId: managerId })).user?.userId).toBe(managerId);
    await expectCode(asManager.deleteUser({ userId: managerId }), Code.FailedPrecondition);
    await asManager.deleteUser({ userId: inA });
  });
});
