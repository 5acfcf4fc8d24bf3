// The Prisma driver adapter for the embedded PGlite database, with one repair: Prisma 6.19 sends
// `Bytes` arguments as base64 strings (argType "bytes"), which pglite-prisma-adapter 0.6.1
// passes on unchanged and PostgreSQL then refuses as bytea. Decode them before they leave.
import type { PGlite } from "@electric-sql/pglite";
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

function decodeBytes(query: SqlQuery): SqlQuery {
  if (!query.argTypes.some((t) => t.scalarType === "bytes")) return query;
  const args = query.args.map((arg, i) => {
    const type = query.argTypes[i];
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
        return (query: SqlQuery) => (value as (q: SqlQuery) => Promise<unknown>).call(obj, decodeBytes(query));
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
