// A small HTTP/1.1 client for the multi-step flows (keep-alive sockets, manual redirects) and a
// cookie jar of one browser. Deliberately plain node:http: cheaper per request than fetch, so the
// load generator takes as little CPU from the servers as it can on a small machine.
import http from "node:http";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string;
}

export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    maxSockets = 256,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, target: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(target, this.baseUrl);
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url.pathname}: no answer in 30 s`)));
      req.on("error", reject);
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });
  }

  get(target: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request("GET", target, { headers });
  }

  postForm(target: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request("POST", target, {
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * One browser's cookies, by name. Paths and domains are ignored: every request goes to one
 * host, and a browser here runs one sign-in at a time, so a name never means two cookies at once.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: HttpResponse): void {
    const setCookie = response.headers["set-cookie"] ?? [];
    for (const line of setCookie) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = "", v = ""] = a.trim().split("=");
        if (key.toLowerCase() === "max-age") return Number(v) <= 0;
        if (key.toLowerCase() === "expires") return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
  }

  copy(): CookieJar {
    const jar = new CookieJar();
    for (const [name, value] of this.cookies) jar.cookies.set(name, value);
    return jar;
  }
}

export const basicAuth = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
