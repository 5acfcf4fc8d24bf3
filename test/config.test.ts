import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config.js";

describe("configuration", () => {
  it("has the documented defaults", () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 3000,
      issuer: "http://localhost:3000",
      dataDir: path.resolve("data"),
      databaseUrl: undefined,
      redisUrl: undefined,
      keysDir: path.resolve("keys"),
      adminPatFile: path.resolve("data/admin.pat"),
      firstOrgName: "Default",
      trustProxy: false,
      logLevel: "info",
    });
  });

  it("derives the issuer and the token file from PORT and DATA_DIR", () => {
    const config = readConfig({ PORT: "8080", DATA_DIR: "/var/lib/rolegate" });
    expect(config.issuer).toBe("http://localhost:8080");
    expect(config.adminPatFile).toBe("/var/lib/rolegate/admin.pat");
    expect(readConfig({ ISSUER: "https://id.example.com/" }).issuer).toBe("https://id.example.com");
    expect(readConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
  });

  it.each([
    [{ PORT: "abc" }, /PORT/],
    [{ PORT: "70000" }, /PORT/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL/],
    [{ REDIS_URL: "http://x" }, /REDIS_URL/],
    [{ REDIS_URL: "redis+sentinel://x" }, /REDIS_URL/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [{ ISSUER: "not a url" }, /ISSUER/],
    [{ TRUST_PROXY: "maybe" }, /TRUST_PROXY/],
  ])("rejects %o", (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});
