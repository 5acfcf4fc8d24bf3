// Reads an application/x-www-form-urlencoded body (login forms, token requests), bounded in size.
import type { Context } from "koa";

const MAX_FORM_BYTES = 16 * 1024;

export class FormError extends Error {}

export async function readForm(ctx: Context, maxBytes = MAX_FORM_BYTES): Promise<URLSearchParams> {
  if (!ctx.is("application/x-www-form-urlencoded")) throw new FormError("expected a form submission");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new FormError("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
