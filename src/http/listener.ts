// One port for HTTP/1.1 (browsers, OIDC clients, Connect JSON) and cleartext HTTP/2 with prior
// knowledge (gRPC clients such as @zitadel/client's createServerTransport). Node's plaintext
// http2 server cannot fall back to HTTP/1.1, so the first bytes decide which server gets the socket.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

export type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export interface DualServer {
  server: net.Server;
  /** The address really bound (server.address()), e.g. 127.0.0.1, 0.0.0.0 or ::. */
  address: string;
  port: number;
  close(): Promise<void>;
}

export async function listenDual(handler: RequestHandler, port: number, host?: string): Promise<DualServer> {
  const h1 = http.createServer(handler as http.RequestListener);
  const h2 = http2.createServer({}, handler as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
  h1.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy()); // a client's reset must not take the process down
    sniff(socket, (isHttp2) => (isHttp2 ? h2 : h1).emit("connection", socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as net.AddressInfo;
  return {
    server,
    address: bound.address,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        h1.closeIdleConnections();
        for (const socket of sockets) socket.end();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 2000).unref();
      }),
  };
}

/** Where a server listens, for people: `http://127.0.0.1:3000`, `http://[::]:3000 (every interface)`. */
export function describeAddress(address: string, port: number): string {
  const url = `http://${net.isIPv6(address) ? `[${address}]` : address}:${port}`;
  return address === "0.0.0.0" || address === "::" ? `${url} (every interface)` : url;
}

/** Reads until the bytes seen either match or rule out the HTTP/2 preface, then puts them back. */
function sniff(socket: net.Socket, route: (isHttp2: boolean) => void): void {
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    const isPrefix = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (isPrefix && seen.length < PREFACE.length) return; // need more bytes to decide
    socket.off("data", onData);
    socket.pause();
    socket.unshift(seen);
    route(isPrefix);
    // The HTTP/1.1 server reads through 'data' events: let them flow. The HTTP/2 session drains
    // the buffer and then reads the handle itself; flowing data would be dropped on the floor.
    if (!isPrefix) socket.resume();
  };
  socket.on("data", onData);
}
