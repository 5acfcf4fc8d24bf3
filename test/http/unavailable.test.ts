// Which errors count as "PostgreSQL or Redis is unavailable" (503) and which do not (bugs, bad input).
import { describe, expect, it } from "vitest";
import { dependencyOf, isUnavailable, markUnavailable, outageLog } from "../../src/http/unavailable.js";

const error = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);
/** A Prisma error as @prisma/adapter-pg surfaces it: the driver adapter's error in `meta`. */
const prisma = (code: string, cause: Record<string, unknown>, reason = "Can't reach database server") =>
  error(`\nInvalid \`prisma.user.findUnique()\` invocation in\n/src/x.ts:1:1\n\n${reason}`, {
    name: "PrismaClientKnownRequestError",
    code,
    meta: { driverAdapterError: error(String(cause.kind), { name: "DriverAdapterError", cause }) },
  });

describe("isUnavailable", () => {
  it("recognises PostgreSQL outages through Prisma and pg", () => {
    expect(dependencyOf(prisma("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 }))).toBe("database");
    expect(dependencyOf(prisma("P1017", { kind: "ConnectionClosed" }))).toBe("database");
    // A raw query during a fast shutdown: P2010 carrying SQLSTATE 57P01.
    expect(isUnavailable(prisma("P2010", { kind: "postgres", code: "57P01", originalCode: "57P01" }))).toBe(true);
    expect(isUnavailable(prisma("P2010", { kind: "postgres", code: "57P03" }))).toBe(true); // starting up
    expect(isUnavailable(error("Connection terminated unexpectedly"))).toBe(true);
    expect(isUnavailable(error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isUnavailable(error("connect ECONNREFUSED 127.0.0.1:5432", { code: "ECONNREFUSED", syscall: "connect" }))).toBe(true);
    expect(isUnavailable(new AggregateError([error("x", { code: "ECONNREFUSED", syscall: "connect" })]))).toBe(true);
  });

  it("recognises Redis outages through ioredis", () => {
    expect(dependencyOf(error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe("redis");
    expect(dependencyOf(error("Reached the max retries per request limit (which is 1).", { name: "MaxRetriesPerRequestError" }))).toBe(
      "redis",
    );
    expect(isUnavailable(error("Connection is closed."))).toBe(true);
    expect(isUnavailable(error("Command timed out"))).toBe(true);
    expect(isUnavailable(error("LOADING Redis is loading the dataset in memory", { name: "ReplyError" }))).toBe(true);
  });

  it("recognises errors rolegate converted, and what they wrap", () => {
    const converted = markUnavailable(error("temporarily_unavailable", { cause: error("Connection is closed.") }));
    expect(isUnavailable(converted)).toBe(true);
    expect(outageLog(converted)).toEqual({ dependency: "redis", reason: "Connection is closed." });
  });

  it("leaves everything else alone: bugs and bad input are not outages", () => {
    expect(isUnavailable(error("boom"))).toBe(false);
    expect(isUnavailable(prisma("P2002", { kind: "UniqueConstraintViolation" }, "Unique constraint failed on the fields: (`name`)"))).toBe(
      false,
    );
    expect(isUnavailable(prisma("P2010", { kind: "postgres", code: "42601" }, "Raw query failed. Code: `42601`."))).toBe(false); // syntax error
    expect(isUnavailable(error("ERR wrong number of arguments", { name: "ReplyError" }))).toBe(false);
    expect(isUnavailable(error("aborted", { code: "ECONNRESET" }))).toBe(false); // the client went away
    expect(isUnavailable(undefined)).toBe(false);
    expect(isUnavailable("Connection is closed.")).toBe(false);
  });

  it("logs the driver's reason, not Prisma's invocation and source excerpt", () => {
    expect(outageLog(prisma("P1001", { kind: "DatabaseNotReachable" }))).toEqual({
      dependency: "database",
      reason: "Can't reach database server",
    });
  });
});
