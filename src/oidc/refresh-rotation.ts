// oidc-provider consumes a rotated refresh token first, then saves its successor and the access
// token. An outage in between left the client holding only the consumed token: its retry looked
// like reuse, which revokes the grant and signs the user out. Here the consume waits for the end
// of the token request and runs only once everything else was stored and the answer is a success.
// A failure at any earlier step leaves the presented token usable for a retry (whatever was saved
// for the failed attempt was never handed out); a consume that fails answers 503 instead of the
// tokens, and the retry works the same. On every topology: the successor is always stored before
// its predecessor is consumed, so no outage can leave the client without a usable token.
import type { Adapter, KoaContextWithOIDC } from "oidc-provider";
import Provider from "oidc-provider";

const pending = new WeakMap<object, { adapter: Adapter; ids: string[] }>();

/** A RefreshToken adapter whose consume, inside a token request, waits for consumeDeferred. */
export function deferConsume(adapter: Adapter): Adapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property !== "consume") return Reflect.get(target, property, receiver) as unknown;
      return async (id: string) => {
        const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
        if (ctx?.oidc?.route !== "token") return target.consume(id);
        const entry = pending.get(ctx) ?? { adapter: target, ids: [] };
        entry.ids.push(id);
        pending.set(ctx, entry);
      };
    },
  });
}

/** Provider middleware: runs the deferred consumes of a token request that succeeded. */
export async function consumeDeferred(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  const entry = pending.get(ctx);
  if (!entry) return;
  pending.delete(ctx);
  if (ctx.status !== 200) return; // nothing was handed out: the presented token stays usable
  for (const id of entry.ids) await entry.adapter.consume(id);
}
