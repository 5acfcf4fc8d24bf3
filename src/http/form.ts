// Reads an application/x-www-form-urlencoded body (login forms, token requests), bounded in size.
import type { Context } from "koa";
import { textProblem } from "../directory/validate.js";

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
  const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  const bad = findControlParameter(form);
  if (bad) throw new FormError(`parameter ${bad} must not contain control characters`);
  return form;
}

/**
 * The first parameter (by name) whose name or value has a control character other than tab and
 * line breaks (NUL above all: PostgreSQL refuses it), or undefined. No OIDC or login parameter
 * carries one.
 */
export function findControlParameter(params: URLSearchParams): string | undefined {
  for (const [name, value] of params) {
    if (textProblem(name, { multiline: true })) return JSON.stringify(name);
    if (textProblem(value, { multiline: true })) return name;
  }
  return undefined;
}
