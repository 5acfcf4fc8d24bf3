// oidc-provider consumes a rotated refresh token first, then saves its successor and the access
// token. An outage in between left the client holding only the consumed token: its retry looked
// like reuse, which revokes the grant and signs the user out. Here the consume waits for the end
// of the token request and runs only once everything else was stored and the answer is a success.
// A failure at any earlier step leaves the presented token usable for a retry (whatever was saved
// for the failed attempt was never handed out); a consume that fails answers 503 instead of the
// tokens, and the retry works the same. On every topology: the successor is always stored before
// its predecessor is consumed, so no outage can leave the client without a usable token.
//
// Deferring must not let two requests use one token at once (a thief racing the client would get a
// chain of its own, and reuse detection would never fire). So where oidc-provider consumes, the
// token is claimed, atomically on every instance: a second request while the first is under way
// gets 503 (try again); once the first has consumed the token, a retry is reuse, as before.
import type { Adapter, KoaContextWithOIDC } from "oidc-provider";
import Provider, { errors } from "oidc-provider";
import type { StateStore } from "./store.js";

/** Longer than any token request takes; a claim outlives its request only if the process dies. */
const CLAIM_SECONDS = 10;

const claimName = (id: string) => `RefreshToken:${id}`;

const pending = new WeakMap<object, { adapter: Adapter; store: StateStore; ids: string[] }>();

function inUse(): Error {
  const error = new errors.TemporarilyUnavailable("this refresh token is being used by another request; try again") as Error & {
    status: number;
    statusCode: number;
  };
  error.status = 503;
  error.statusCode = 503;
  return error;
}

/** A RefreshToken adapter whose consume, inside a token request, claims the token and waits for consumeDeferred. */
export function deferConsume(adapter: Adapter, store: StateStore): Adapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property !== "consume") return Reflect.get(target, property, receiver) as unknown;
      return async (id: string) => {
        const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
        if (ctx?.oidc?.route !== "token") return target.consume(id);
        if (!(await store.claim(claimName(id), CLAIM_SECONDS))) throw inUse();
        const entry = pending.get(ctx) ?? { adapter: target, store, ids: [] };
        entry.ids.push(id);
        pending.set(ctx, entry);
      };
    },
  });
}

/** Provider middleware: runs the deferred consumes of a token request that succeeded, then frees the claims. */
export async function consumeDeferred(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  try {
    await next();
  } finally {
    const entry = pending.get(ctx);
    pending.delete(ctx);
    if (entry) await settle(entry, ctx.status === 200);
  }
}

async function settle({ adapter, store, ids }: { adapter: Adapter; store: StateStore; ids: string[] }, succeeded: boolean): Promise<void> {
  try {
    // Only a success handed tokens out; otherwise the presented token stays usable.
    if (succeeded) for (const id of ids) await adapter.consume(id);
  } finally {
    // A release lost to an outage only delays a retry until the claim expires.
    await Promise.all(ids.map((id) => store.release(claimName(id)).catch(() => undefined)));
  }
}
