// A console form posted as multipart/form-data (a file upload): its text fields as a form, its
// files apart. The body is bounded: the API's own limit decides a file's size, this one only
// keeps a console request from buffering without end.
import type { Context } from "koa";
import { FormError, findControlParameter } from "../http/form.js";

/** Room for an image somewhat over the API's 512 KiB limit, so that the API's refusal is shown on the page. */
export const MAX_MULTIPART_BYTES = 1024 * 1024;

export interface MultipartForm {
  form: URLSearchParams;
  files: ReadonlyMap<string, File>;
}

export async function readMultipart(ctx: Context, maxBytes = MAX_MULTIPART_BYTES): Promise<MultipartForm> {
  const tooLarge = () => new FormError(`The upload is larger than ${maxBytes / 1024} KiB. Nothing was changed.`);
  if (Number(ctx.get("content-length") || 0) > maxBytes) {
    ctx.req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      ctx.req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  let parsed: FormData;
  try {
    // The platform's own multipart parser, as the asset API uses it.
    parsed = await new Request("http://console/", {
      method: "POST",
      headers: { "content-type": ctx.get("content-type") },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    throw new FormError("the form's multipart body cannot be read");
  }
  const form = new URLSearchParams();
  const files = new Map<string, File>();
  for (const [name, value] of parsed) {
    if (typeof value === "string") form.append(name, value);
    else files.set(name, value);
  }
  const bad = findControlParameter(form);
  if (bad) throw new FormError(`parameter ${bad} must not contain control characters`);
  return { form, files };
}
