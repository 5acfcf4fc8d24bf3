// ZITADEL's asset API for private labeling, on rolegate's own origin:
// - POST /assets/v1/org/policy/label/{logo|icon}[/dark]: a multipart upload (field "file") into the
//   preview label policy of the request's organization (x-zitadel-orgid, or the caller's own), by
//   its owners, with the management API's bearer token;
// - GET /assets/v1/{orgId}/policy/label/{assetId}: an uploaded logo or icon, public (the login
//   pages show it), only while a policy of that organization uses it.
// Fonts and the instance's default policy are not supported: 501.
import type { IncomingMessage as Http1Request, ServerResponse as Http1Response } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code } from "@connectrpc/connect";
import { canManageOrganization } from "../access/permissions.js";
import { invalidArgument } from "../directory/errors.js";
import { type AssetSlot, findUsedAsset, MAX_ASSET_BYTES, setLabelPolicyAsset } from "../directory/label-policy.js";
import type { Logger } from "../log.js";
import { type ApiDeps, type Call, contextOrganization, requireThat } from "./context.js";
import { toConnectError } from "./errors.js";
import { authenticate } from "./interceptors.js";
import { gatewayError } from "./rest-gateway.js";

type Request = Http1Request | Http2ServerRequest;
type Response = Http1Response | Http2ServerResponse;

const PREFIX = "/assets/v1/";
const UPLOAD = /^\/assets\/v1\/org\/policy\/label\/(logo|icon)(\/dark)?$/;
const UNSUPPORTED = /^\/assets\/v1\/(org\/policy\/label\/font|instance\/)/;
const SERVE = /^\/assets\/v1\/([0-9]{1,20})\/policy\/label\/([0-9]{1,20})$/;
/** Room for the multipart framing around the largest image. */
const MAX_UPLOAD_BYTES = MAX_ASSET_BYTES + 16 * 1024;

export function assetRoutes(deps: ApiDeps, log: Logger) {
  async function upload(req: Request, res: Response, slot: AssetSlot): Promise<void> {
    const principal = await authenticate(deps, req.headers.authorization);
    const header = req.headers["x-zitadel-orgid"];
    const c: Call = {
      principal,
      dir: { prisma: deps.prisma, actor: { id: principal.userId } },
      headerOrgId: (typeof header === "string" && header) || undefined,
    };
    const orgId = contextOrganization(c);
    requireThat(canManageOrganization(principal, orgId), `manage the label policy of organization ${orgId}`);
    const file = await readFile(req);
    await setLabelPolicyAsset(c.dir, orgId, slot, { bytes: file });
    await deps.directoryChanged?.();
    json(res, 200, "{}");
  }

  async function serve(res: Response, orgId: string, assetId: string): Promise<void> {
    const asset = await findUsedAsset({ prisma: deps.prisma, actor: { id: "anonymous" } }, orgId, assetId);
    if (!asset) return json(res, 404, JSON.stringify({ code: Code.NotFound, message: "asset not found", details: [] }));
    res.statusCode = 200;
    res.setHeader("content-type", asset.contentType);
    // An asset id never changes its bytes: a new upload gets a new id.
    res.setHeader("cache-control", "public, max-age=31536000, immutable");
    res.setHeader("content-security-policy", "default-src 'none'; sandbox");
    res.end(asset.bytes);
  }

  return {
    serves: (url: string | undefined) => (url ?? "").startsWith(PREFIX),
    handle(req: Request, res: Response): void {
      const path = (req.url ?? "").split("?", 1)[0]!;
      const uploadSlot = UPLOAD.exec(path);
      const served = SERVE.exec(path);
      let work: Promise<void>;
      if (req.method === "POST" && uploadSlot) {
        work = upload(req, res, `${uploadSlot[1]}${uploadSlot[2] ?? ""}` as AssetSlot);
      } else if ((req.method === "GET" || req.method === "HEAD") && served) {
        work = serve(res, served[1]!, served[2]!);
      } else {
        req.resume();
        const unsupported = UNSUPPORTED.test(path) || (UPLOAD.test(path) && req.method !== "POST");
        const code = unsupported ? Code.Unimplemented : Code.NotFound;
        work = Promise.resolve(
          json(res, unsupported ? 501 : 404, JSON.stringify({ code, message: unsupported ? "not supported" : "not found", details: [] })),
        );
      }
      work.catch((error: unknown) => {
        req.resume();
        const e = toConnectError(error, log, `assets ${path}`);
        const answer = gatewayError(e);
        if (!res.headersSent) json(res, answer.status, JSON.stringify(answer.body));
      });
    },
  };
}

function json(res: Response, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(body);
}

/** The "file" part of a multipart/form-data body, read through the platform's own parser. */
async function readFile(req: Request): Promise<Uint8Array> {
  const type = req.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) throw invalidArgument("file", "send the image as multipart/form-data");
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_UPLOAD_BYTES) throw invalidArgument("file", `is larger than ${MAX_ASSET_BYTES / 1024} KiB`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES) throw invalidArgument("file", `is larger than ${MAX_ASSET_BYTES / 1024} KiB`);
    chunks.push(chunk);
  }
  let form: FormData;
  try {
    form = await new globalThis.Request("http://upload/", {
      method: "POST",
      headers: { "content-type": type },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    throw invalidArgument("file", "the multipart body cannot be read");
  }
  const file = form.get("file");
  if (!file || typeof file === "string") throw invalidArgument("file", "is missing (a form field named file)");
  return new Uint8Array(await file.arrayBuffer());
}
