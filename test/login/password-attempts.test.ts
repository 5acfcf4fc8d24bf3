// Password attempts at the real login page of a running server (PostgreSQL, and Redis for the
// shared limiter): counted before argon2 runs, limited per name and address, per name, per
// address; a bound on concurrent verifications (503 + Retry-After beyond it); old hashes
// rehashed at login. Client addresses come from X-Forwarded-For (TRUST_PROXY=true).
import { randomInt } from "node:crypto";
import { argon2id, hash } from "argon2";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer, type ApiServer } from "../support/api.js";
import { unique } from "../support/directory.js";
import { GENERIC_LOGIN_ERROR } from "../../src/pages/render.js";
import { authorizeUrl, Jar } from "../support/http-browser.js";
import { PASSWORD, seeder } from "../support/seed.js";

const REDIRECT_URI = "http://127.0.0.1/cb";
const TIMEOUT_MS = 30_000;
const PER_NAME_AND_ADDRESS = 5;
const PER_NAME = 12;
const PER_ADDRESS = 15;
const WRONG = "Wr0ng!Password";

// Cheap hashes, so the tests measure counting and not argon2 (the defaults are tested in
// test/directory/users.test.ts).
const HASH_ENV = { PASSWORD_HASH_MEMORY_KIB: "4096", PASSWORD_HASH_ITERATIONS: "1", PASSWORD_HASH_PARALLELISM: "1" };
const LIMITS_ENV = {
  TRUST_PROXY: "true",
  LOGIN_LIMIT_PER_NAME_AND_ADDRESS: String(PER_NAME_AND_ADDRESS),
  LOGIN_LIMIT_PER_NAME: String(PER_NAME),
  LOGIN_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
  // No bound in the way of the counting tests.
  PASSWORD_VERIFY_CONCURRENCY: "64",
  ...HASH_ENV,
};

/** A fresh client address per test: the limits of one test never meet another's. */
const freshAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** A browser at the login page of a fresh authorization request. */
class LoginPage {
  private readonly jar = new Jar(TIMEOUT_MS);
  private action!: URL;
  private csrf!: string;

  static async open(base: string, clientId: string): Promise<LoginPage> {
    const page = new LoginPage();
    const { url } = authorizeUrl(base, { clientId, redirectUri: REDIRECT_URI, scope: "openid" });
    const res = await page.fetch(url);
    expect(res.status).toBe(303);
    const html = await (await page.fetch(new URL(res.headers.get("location")!, base))).text();
    page.action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!, base);
    page.csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    return page;
  }

  private fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("accept", "text/html");
    return this.jar.fetch(url, { ...init, headers });
  }

  /** Submits the form from `address`; the status and the page (or redirect). */
  async submit(loginName: string, password: string, address: string) {
    const res = await this.fetch(this.action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
      body: new URLSearchParams({ csrf: this.csrf, loginName, password }),
    });
    return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
  }
}

/** Opens a login page per attempt first, then submits them all at once. */
async function concurrently(api: ApiServer, clientId: string, attempts: { loginName: string; password: string; address: string }[]) {
  const pages: LoginPage[] = [];
  for (const _ of attempts) pages.push(await LoginPage.open(api.url, clientId));
  return Promise.all(attempts.map((attempt, i) => pages[i]!.submit(attempt.loginName, attempt.password, attempt.address)));
}

async function verifications(api: ApiServer): Promise<number> {
  const text = await (await fetch(new URL("/metrics", api.url))).text();
  const match = /^rolegate_password_verifications_total (\d+)$/m.exec(text);
  expect(match, "the verification counter in /metrics").not.toBeNull();
  return Number(match![1]);
}

const statuses = (results: { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

/** The message on a login page answered with an error (the login name echoed in the form aside). */
const alertOf = (html: string) => /role="alert"[^>]*>([\s\S]*?)</.exec(html)?.[1]?.trim();

/** An organization, a user with PASSWORD, and a public client with PKCE. */
async function scene(api: ApiServer) {
  const seed = seeder(api);
  const orgId = await seed.org();
  const projectId = await seed.project(orgId);
  const user = await seed.human(orgId);
  const created = await seed.apps.createApplication({
    projectId,
    name: unique("native"),
    creationRequestType: {
      case: "oidcRequest",
      value: { redirectUris: [REDIRECT_URI], responseTypes: [1], grantTypes: [0], appType: 2, authMethodType: 2 },
    },
  } as never);
  const clientId = (created.creationResponseType.value as { clientId: string }).clientId;
  return { seed, orgId, user, clientId };
}

describe.each([
  ["memory", false],
  ["Redis", true],
])("password attempts, %s limiter", (_kind, redis) => {
  const api = useApiServer({ redis, env: LIMITS_ENV });
  let setup: Awaited<ReturnType<typeof scene>>;
  beforeAll(async () => {
    setup = await scene(api());
  }, 60_000);

  it("of 40 concurrent wrong passwords for one name from one address, verifies only the limit and refuses the rest", async () => {
    const address = freshAddress();
    const before = await verifications(api());
    const results = await concurrently(
      api(),
      setup.clientId,
      Array.from({ length: 40 }, () => ({ loginName: setup.user.username, password: WRONG, address })),
    );
    expect(statuses(results)).toEqual({ 401: PER_NAME_AND_ADDRESS, 429: 40 - PER_NAME_AND_ADDRESS });
    expect((await verifications(api())) - before).toBe(PER_NAME_AND_ADDRESS);
    expect(alertOf(results.find((r) => r.status === 429)!.body)).toBe("Too many failed attempts. Try again later.");
  }, 60_000);

  it("wrong passwords from address A do not keep the right one out from address B (A stays refused)", async () => {
    const user = await setup.seed.human(setup.orgId);
    const [a, b] = [freshAddress(), freshAddress()];
    const wrong = [];
    for (let i = 0; i < 12; i++)
      wrong.push((await (await LoginPage.open(api().url, setup.clientId)).submit(user.username, WRONG, a)).status);
    const fromB = await (await LoginPage.open(api().url, setup.clientId)).submit(user.username, PASSWORD, b);
    expect(fromB.status, fromB.body.slice(0, 300)).toBe(303);
    expect(wrong).toEqual([...Array(PER_NAME_AND_ADDRESS).fill(401), ...Array(12 - PER_NAME_AND_ADDRESS).fill(429)]);
    // A's attempts are refused before the password is checked, right or wrong.
    const fromA = await (await LoginPage.open(api().url, setup.clientId)).submit(user.username, PASSWORD, a);
    expect(fromA.status).toBe(429);
  }, 60_000);

  it("throttles spraying many names from one address, with one refusal for known and unknown names", async () => {
    const address = freshAddress();
    const known = await Promise.all([1, 2, 3, 4, 5].map(() => setup.seed.human(setup.orgId)));
    const names = [...known.map((u) => u.username), ...Array.from({ length: 25 }, () => unique("nobody"))];
    const before = await verifications(api());
    const results = await concurrently(
      api(),
      setup.clientId,
      names.map((loginName) => ({ loginName, password: WRONG, address })),
    );
    expect(statuses(results)).toEqual({ 401: PER_ADDRESS, 429: names.length - PER_ADDRESS });
    expect((await verifications(api())) - before).toBe(PER_ADDRESS);
    // Refused now, whether the name exists or not: the same status and message.
    const refusals = await Promise.all(
      [known[0]!.username, unique("nobody")].map(async (loginName) =>
        (await LoginPage.open(api().url, setup.clientId)).submit(loginName, WRONG, address),
      ),
    );
    expect(refusals.map((r) => r.status)).toEqual([429, 429]);
    expect(refusals.map((r) => alertOf(r.body))).toEqual(Array(2).fill("Too many failed attempts. Try again later."));
  }, 60_000);

  it("slows a guess at one name spread over many addresses", async () => {
    const user = await setup.seed.human(setup.orgId);
    const results = await concurrently(
      api(),
      setup.clientId,
      Array.from({ length: 20 }, () => ({ loginName: user.username, password: WRONG, address: freshAddress() })),
    );
    expect(statuses(results)).toEqual({ 401: PER_NAME, 429: 20 - PER_NAME });
  }, 60_000);
});

describe("rehash at login", () => {
  const api = useApiServer({ env: { ...HASH_ENV } });
  it("answers a machine user's name like a wrong password, even with a password stored for it (docs/rules.md#r-check-10)", async () => {
    const { seed, orgId, user, clientId } = await scene(api());
    const machine = await seed.machine(orgId);
    // A password hash on a machine user (never set through the API): the form still refuses it.
    const humanHash = (await api().db.prisma.user.findUnique({ where: { id: user.id } }))!.passwordHash;
    await api().db.prisma.user.update({ where: { id: machine.id }, data: { passwordHash: humanHash } });
    const asMachine = await (await LoginPage.open(api().url, clientId)).submit(machine.username, PASSWORD, freshAddress());
    const wrong = await (await LoginPage.open(api().url, clientId)).submit(user.username, WRONG, freshAddress());
    expect(asMachine.status).toBe(401);
    expect(asMachine.body).toContain(GENERIC_LOGIN_ERROR);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain(GENERIC_LOGIN_ERROR);
  }, 60_000);

  it("upgrades a hash with old parameters to the configured ones, and the password still works", async () => {
    const { user, clientId } = await scene(api());
    const stored = async () => (await api().db.prisma.user.findUnique({ where: { id: user.id } }))!.passwordHash!;
    const parameters = (phc: string) => new Set(phc.split("$")[3]!.split(","));
    // As the argon2 package's defaults stored it before.
    const old = await hash(PASSWORD, { type: argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
    await api().db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: old } });

    const first = await (await LoginPage.open(api().url, clientId)).submit(user.username, PASSWORD, freshAddress());
    expect(first.status, first.body.slice(0, 300)).toBe(303);
    const upgraded = await stored();
    expect(upgraded).not.toBe(old);
    expect(parameters(upgraded)).toEqual(new Set(["m=4096", "t=1", "p=1"]));

    const second = await (await LoginPage.open(api().url, clientId)).submit(user.username, PASSWORD, freshAddress());
    expect(second.status).toBe(303);
    expect(await stored()).toBe(upgraded); // current parameters: not hashed again
    const wrong = await (await LoginPage.open(api().url, clientId)).submit(user.username, WRONG, freshAddress());
    expect(wrong.status).toBe(401);
  }, 60_000);
});

describe("bound on concurrent password verifications", () => {
  // One verification at a time and no wait in line; verifications slow enough to overlap.
  const api = useApiServer({
    env: {
      TRUST_PROXY: "true",
      PASSWORD_VERIFY_CONCURRENCY: "1",
      PASSWORD_VERIFY_QUEUE_MS: "0",
      PASSWORD_HASH_MEMORY_KIB: "19456",
      PASSWORD_HASH_ITERATIONS: "12",
    },
  });

  it("answers logins beyond the bound with 503, Retry-After and a plain page, and verifies only the others", async () => {
    const { clientId } = await scene(api());
    const before = await verifications(api());
    const results = await concurrently(
      api(),
      clientId,
      Array.from({ length: 8 }, () => ({ loginName: unique("nobody"), password: WRONG, address: freshAddress() })),
    );
    const counts = statuses(results);
    expect(counts[503], JSON.stringify(counts)).toBeGreaterThanOrEqual(1);
    expect((counts[401] ?? 0) + counts[503]!).toBe(8);
    expect((await verifications(api())) - before).toBe(counts[401] ?? 0);
    const busy = results.find((r) => r.status === 503)!;
    expect(busy.retryAfter).toBe("2");
    expect(busy.body).toContain("Too many sign-ins right now");
    expect(busy.body).toContain("Please try again in a few seconds.");
    expect(busy.body).not.toMatch(/\n\s+at |VerificationBusyError|argon2/);
  }, 60_000);
});
