import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config.js";

describe("configuration", () => {
  it("has the documented defaults", () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      issuer: "http://localhost:3000",
      dataDir: path.resolve("data"),
      databaseUrl: undefined,
      redisUrl: undefined,
      keysDir: path.resolve("keys"),
      adminPatFile: path.resolve("data/admin.pat"),
      adminLoginName: "admin",
      adminPassword: undefined,
      adminPasswordFile: path.resolve("data/admin.password"),
      firstOrgName: "Default",
      trustProxy: false,
      logLevel: "info",
      passwordHash: { memoryKiB: 19456, iterations: 2, parallelism: 1 },
      loginLimits: { perNameAndAddress: 10, perName: 100, perAddress: 100, windowMs: 900_000 },
      passwordVerify: { concurrency: os.availableParallelism(), queueMs: 3000 },
    });
  });

  it("reads the password hashing, attempt limits and verification bound", () => {
    const config = readConfig({
      PASSWORD_HASH_MEMORY_KIB: "65536",
      PASSWORD_HASH_ITERATIONS: "3",
      PASSWORD_HASH_PARALLELISM: "4",
      LOGIN_LIMIT_PER_NAME_AND_ADDRESS: "5",
      LOGIN_LIMIT_PER_NAME: "50",
      LOGIN_LIMIT_PER_ADDRESS: "30",
      LOGIN_LIMIT_WINDOW_SECONDS: "600",
      PASSWORD_VERIFY_CONCURRENCY: "1",
      PASSWORD_VERIFY_QUEUE_MS: "0",
    });
    expect(config.passwordHash).toEqual({ memoryKiB: 65536, iterations: 3, parallelism: 4 });
    expect(config.loginLimits).toEqual({ perNameAndAddress: 5, perName: 50, perAddress: 30, windowMs: 600_000 });
    expect(config.passwordVerify).toEqual({ concurrency: 1, queueMs: 0 });
  });

  it("derives the issuer and the token file from PORT and DATA_DIR", () => {
    const config = readConfig({ PORT: "8080", DATA_DIR: "/var/lib/rolegate" });
    expect(config.issuer).toBe("http://localhost:8080");
    expect(config.adminPatFile).toBe("/var/lib/rolegate/admin.pat");
    expect(readConfig({ ISSUER: "https://id.example.com/" }).issuer).toBe("https://id.example.com");
    expect(readConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
  });

  it("reads the human administrator's login name, password and password file, next to the token file by default", () => {
    expect(readConfig({ ADMIN_PAT_FILE: "/run/secrets/admin.pat" }).adminPasswordFile).toBe("/run/secrets/admin.password");
    const config = readConfig({
      ADMIN_LOGIN_NAME: "root@example.com",
      ADMIN_PASSWORD: "Initial-Passw0rd",
      ADMIN_PASSWORD_FILE: "/srv/rolegate/first.password",
    });
    expect(config).toMatchObject({
      adminLoginName: "root@example.com",
      adminPassword: "Initial-Passw0rd",
      adminPasswordFile: "/srv/rolegate/first.password",
    });
    // Empty is unset, as for every other variable.
    expect(readConfig({ ADMIN_LOGIN_NAME: "", ADMIN_PASSWORD: "" })).toMatchObject({ adminLoginName: "admin", adminPassword: undefined });
  });

  it("listens on loopback unless HOST says otherwise, with PostgreSQL too", () => {
    expect(readConfig({ DATABASE_URL: "postgresql://db/rolegate" }).host).toBe("127.0.0.1");
    expect(readConfig({ HOST: "" }).host).toBe("127.0.0.1");
    expect(readConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(readConfig({ HOST: "::" }).host).toBe("::");
    expect(readConfig({ HOST: "[::1]" }).host).toBe("::1");
    expect(readConfig({ HOST: "10.1.2.3" }).host).toBe("10.1.2.3");
    expect(readConfig({ HOST: "rolegate.internal" }).host).toBe("rolegate.internal");
  });

  it.each([
    "redis://localhost:6379",
    "rediss://:secret@redis.example.com:6380/2",
    "redis+sentinel://:secret@s1:26379,s2:26379,s3/mymaster/1",
    "rediss+sentinel://s1/mymaster?sentinelPassword=x",
    "redis+cluster://user:secret@n1:6379,n2:6379,n3:6379",
    "rediss+cluster://n1",
  ])("accepts REDIS_URL %s", (url) => {
    expect(readConfig({ REDIS_URL: url }).redisUrl).toBe(url);
  });

  it("does not repeat REDIS_URL (it may hold a password) in its error", () => {
    expect(() => readConfig({ REDIS_URL: "redis+cluster://:hunter2@n1/5" })).toThrow(ConfigError);
    expect(() => readConfig({ REDIS_URL: "redis+cluster://:hunter2@n1/5" })).not.toThrow(/hunter2/);
  });

  it.each([
    [{ PORT: "abc" }, /PORT/],
    [{ PORT: "70000" }, /PORT/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL/],
    [{ REDIS_URL: "http://x" }, /REDIS_URL must start with redis:\/\/.*accepted forms: .*redis\+sentinel:\/\/.*redis\+cluster:\/\//],
    [{ REDIS_URL: "redis+sentinel://x" }, /REDIS_URL must name the Sentinel master group/],
    [{ REDIS_URL: "redis+cluster://a:6379,b:6379/2" }, /REDIS_URL names a database, but a cluster has only database 0/],
    [{ REDIS_URL: "redis://localhost/abc" }, /REDIS_URL has a database that is not a number/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [{ ISSUER: "not a url" }, /ISSUER/],
    [{ TRUST_PROXY: "maybe" }, /TRUST_PROXY/],
    [{ HOST: "http://0.0.0.0" }, /HOST must be an IP address/],
    [{ HOST: "0.0.0.0:3000" }, /HOST must be an IP address/],
    [{ HOST: "a b" }, /HOST/],
    [{ PASSWORD_HASH_MEMORY_KIB: "512" }, /PASSWORD_HASH_MEMORY_KIB must be an integer between 1024 and/],
    [{ PASSWORD_HASH_ITERATIONS: "two" }, /PASSWORD_HASH_ITERATIONS/],
    [{ LOGIN_LIMIT_PER_NAME: "0" }, /LOGIN_LIMIT_PER_NAME must be/],
    [{ PASSWORD_VERIFY_CONCURRENCY: "1.5" }, /PASSWORD_VERIFY_CONCURRENCY/],
  ])("rejects %o", (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});
