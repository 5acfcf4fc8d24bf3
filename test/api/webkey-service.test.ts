import { Code } from "@connectrpc/connect";
import { State, type WebKey } from "@zitadel/proto/zitadel/webkey/v2/key_pb.js";
import { WebKeyService } from "@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js";
import { decodeProtectedHeader } from "jose";
import * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import type { DirectoryContext } from "../../src/directory/context.js";
import { TRANSPORTS, useApiServer } from "../support/api.js";
import { makeCaller } from "../support/callers.js";
import { expectCode } from "../support/connect.js";
import { unique } from "../support/directory.js";
import { makeOrg } from "../support/fixtures.js";
import { discover } from "../support/relying-party.js";
import { seeder } from "../support/seed.js";
import { eventually } from "../support/eventually.js";

const api = useApiServer();
/** The keys as the first start made them, before any test changed them. */
let initial: WebKey[];
beforeAll(async () => {
  initial = (await api().client(WebKeyService, "connect").listWebKeys({})).webKeys;
});

const dir = (): DirectoryContext => ({ prisma: api().db.prisma, actor: { id: "test" } });

async function jwksKids(): Promise<string[]> {
  const res = await fetch(`${api().url}/oauth/v2/keys`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

const activeOf = (keys: WebKey[], type: "rsa" | "ecdsa") => keys.filter((key) => key.state === State.ACTIVE && key.key.case === type);

describe.each(TRANSPORTS)("WebKeyService over %s", (transport) => {
  const keys = () => api().client(WebKeyService, transport);
  const list = async () => (await keys().listWebKeys({})).webKeys;
  const find = async (id: string) => (await list()).find((key) => key.id === id);

  it("lists the first start's RS256 and ES256 keys as active, and one active key per algorithm", async () => {
    expect(initial.map((key) => [key.state, key.key.case])).toEqual([
      [State.ACTIVE, "rsa"],
      [State.ACTIVE, "ecdsa"],
    ]);
    expect(initial[0]!.key.value).toMatchObject({ bits: 1, hasher: 1 }); // 2048 bits, SHA256
    expect(initial[1]!.key.value).toMatchObject({ curve: 1 }); // P-256
    for (const key of initial) {
      expect(key.id).toMatch(/^[0-9]{17,20}$/);
      expect(key.creationDate).toBeDefined();
      expect(key.changeDate).toBeDefined();
    }

    // The other transport's run may have rotated since: one active key per algorithm, published.
    const now = await list();
    expect(activeOf(now, "rsa")).toHaveLength(1);
    expect(activeOf(now, "ecdsa")).toHaveLength(1);
    await eventually(async () => expect(await jwksKids()).toEqual(expect.arrayContaining(now.map((key) => key.id))));
  });

  it("rotates: a created key is initial and published, activation retires the old one, only inactive keys go", async () => {
    const old = activeOf(await list(), "rsa")[0]!;
    const created = await keys().createWebKey(transport === "grpc" ? { key: { case: "rsa", value: { bits: 1, hasher: 1 } } } : {});
    expect(created.id).toMatch(/^[0-9]{17,20}$/);
    expect(created.creationDate).toBeDefined();
    expect(await find(created.id)).toMatchObject({ state: State.INITIAL, key: { case: "rsa", value: { bits: 1, hasher: 1 } } });
    expect((await find(old.id))?.state).toBe(State.ACTIVE); // not signing yet
    await eventually(async () => expect(await jwksKids()).toContain(created.id));

    const activated = await keys().activateWebKey({ id: created.id });
    expect(activated.changeDate).toBeDefined();
    expect((await find(created.id))?.state).toBe(State.ACTIVE);
    const retired = await find(old.id);
    expect(retired?.state).toBe(State.INACTIVE);
    expect(Number(retired!.changeDate!.seconds)).toBeGreaterThanOrEqual(Number(old.changeDate!.seconds));
    expect(activeOf(await list(), "rsa").map((key) => key.id)).toEqual([created.id]);
    await eventually(async () => expect(await jwksKids()).toEqual(expect.arrayContaining([created.id, old.id])));

    await expectCode(keys().deleteWebKey({ id: created.id }), Code.FailedPrecondition);
    const deleted = await keys().deleteWebKey({ id: old.id });
    expect(deleted.deletionDate).toBeDefined();
    expect(await find(old.id)).toBeUndefined();
    await eventually(async () => expect(await jwksKids()).not.toContain(old.id));
    // Deleting again succeeds, without a deletion date (the proto's documented behaviour).
    expect((await keys().deleteWebKey({ id: old.id })).deletionDate).toBeUndefined();
  });

  it("creates ECDSA P-256 and 3072-bit RSA keys, and deletes initial keys", async () => {
    const ec = await keys().createWebKey({ key: { case: "ecdsa", value: { curve: 1 } } });
    const rsa = await keys().createWebKey({ key: { case: "rsa", value: { bits: 2, hasher: 0 } } });
    expect(await find(ec.id)).toMatchObject({ state: State.INITIAL, key: { case: "ecdsa", value: { curve: 1 } } });
    expect(await find(rsa.id)).toMatchObject({ state: State.INITIAL, key: { case: "rsa", value: { bits: 2, hasher: 1 } } });
    await keys().deleteWebKey({ id: ec.id });
    await keys().deleteWebKey({ id: rsa.id });
    expect(await find(ec.id)).toBeUndefined();
    expect(await find(rsa.id)).toBeUndefined();
  });

  it("answers bad input with invalid_argument and unknown ids with not_found", async () => {
    await expectCode(keys().createWebKey({ key: { case: "ed25519", value: {} } }), Code.InvalidArgument, "ed25519");
    await expectCode(keys().createWebKey({ key: { case: "rsa", value: { bits: 1, hasher: 2 } } }), Code.InvalidArgument, "rsa.hasher");
    await expectCode(
      keys().createWebKey({ key: { case: "rsa", value: { bits: 42 as never, hasher: 1 } } }),
      Code.InvalidArgument,
      "rsa.bits",
    );
    await expectCode(keys().createWebKey({ key: { case: "ecdsa", value: { curve: 2 } } }), Code.InvalidArgument, "ecdsa.curve");
    await expectCode(keys().activateWebKey({ id: "" }), Code.InvalidArgument, "id");
    await expectCode(keys().activateWebKey({ id: "abc" }), Code.InvalidArgument, "id");
    await expectCode(keys().deleteWebKey({ id: "' OR 1=1" }), Code.InvalidArgument, "id");
    await expectCode(keys().activateWebKey({ id: "123456789012345678" }), Code.NotFound);
  });

  it("refuses callers who are not instance owners", async () => {
    const org = await makeOrg(dir());
    const orgOwner = await makeCaller(dir(), org.id, [{ resource: { organizationId: org.id }, roles: ["ORG_OWNER"] }]);
    const before = await list();
    const active = activeOf(before, "rsa")[0]!;
    const retired = before.find((key) => key.state !== State.ACTIVE);
    const theirs = api().client(WebKeyService, transport, orgOwner.token);
    await expectCode(theirs.listWebKeys({}), Code.PermissionDenied);
    await expectCode(theirs.createWebKey({}), Code.PermissionDenied);
    await expectCode(theirs.activateWebKey({ id: retired?.id ?? active.id }), Code.PermissionDenied);
    await expectCode(theirs.deleteWebKey({ id: retired?.id ?? active.id }), Code.PermissionDenied);
    expect(await list()).toEqual(before);
  });
});

describe("tokens after an activation", () => {
  it("are signed with the activated key", async () => {
    const keys = api().client(WebKeyService, "connect");
    const seed = seeder(api());
    const orgId = await seed.org();
    const projectId = await seed.project(orgId);
    const { id: machineId } = await seed.users.createUser({
      organizationId: orgId,
      username: unique("signer").toLowerCase(),
      userType: { case: "machine", value: { name: "Signer" } },
    } as never);
    const machine = (await seed.users.getUserByID({ userId: machineId })).user!;
    const { clientSecret } = await seed.users.addSecret({ userId: machineId });
    await api().db.prisma.user.update({ where: { id: machineId }, data: { accessTokenType: "JWT" } });
    const config = await discover(api().url, machine.username, clientSecret);
    const kidOfNewToken = async () => {
      const tokens = await oidc.clientCredentialsGrant(config, { scope: `openid urn:zitadel:iam:org:project:id:${projectId}:aud` });
      return decodeProtectedHeader(tokens.access_token).kid;
    };

    const { id } = await keys.createWebKey({});
    expect(await kidOfNewToken()).not.toBe(id);
    await keys.activateWebKey({ id });
    await eventually(async () => expect(await kidOfNewToken()).toBe(id));
  });
});
