// The Prisma driver adapter for the embedded PGlite database, with two repairs of arguments
// pglite-prisma-adapter 0.6.1 passes on unchanged:
// - Prisma 6.19 sends `Bytes` arguments as base64 strings (argType "bytes"), which PostgreSQL then
//   refuses as bytea. They are decoded.
// - A list of enum values (e.g. `roles: { has: "ORG_OWNER" }`, `roles @> $1`) has a parameter
//   type PGlite has no serializer for (the enum's array type), so PGlite sends the JS array
//   through String(): `ORG_OWNER`, which PostgreSQL refuses ("malformed array literal"). Such
//   lists are sent as array literals, `{"ORG_OWNER"}`, which PostgreSQL reads for any array type.
import type { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

/** A PostgreSQL array literal of strings: each element quoted, `"` and `\\` escaped. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

function repairArgs(query: SqlQuery): SqlQuery {
  if (!query.argTypes.some((t) => t.scalarType === "bytes" || (t.scalarType === "enum" && t.arity === "list"))) return query;
  const args = query.args.map((arg, i) => {
    const type = query.argTypes[i];
    if (type?.scalarType === "enum" && type.arity === "list" && Array.isArray(arg) && arg.every((v) => typeof v === "string")) {
      return arrayLiteral(arg as string[]);
    }
    if (type?.scalarType !== "bytes") return arg;
    if (type.arity === "list" && Array.isArray(arg)) return arg.map((v) => (typeof v === "string" ? Buffer.from(v, "base64") : v));
    return typeof arg === "string" ? Buffer.from(arg, "base64") : arg;
  });
  return { ...query, args };
}

function wrapQueryable<T extends SqlQueryable>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (query: SqlQuery) => (value as (q: SqlQuery) => Promise<unknown>).call(obj, repairArgs(query));
      }
      if (prop === "startTransaction") {
        return async (...args: unknown[]) =>
          wrapQueryable((await (value as (...a: unknown[]) => Promise<Transaction>).apply(obj, args)) as Transaction);
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}

export function pgliteAdapter(lite: PGlite): SqlDriverAdapterFactory {
  // pglite-prisma-adapter pins an older @prisma/driver-adapter-utils; the runtime shape is the same.
  const factory = new PrismaPGlite(lite) as unknown as SqlDriverAdapterFactory;
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrapQueryable((await factory.connect()) as SqlDriverAdapter),
  };
}
