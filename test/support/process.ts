// Starts rolegate as a user does (`npm start` runs `tsx src/main.ts`) and waits until it listens.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface StartedServer {
  url: string;
  /** The address the server says it bound (its "rolegate listening" log line). */
  address: string | undefined;
  logs: () => Record<string, unknown>[];
  stop: () => Promise<number | null>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<StartedServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  let buffer = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (typeof entry.port === "number" && String(entry.msg).startsWith("rolegate listening")) {
            clearTimeout(timer);
            resolve(entry);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  const ready = await listening;
  const address = typeof ready.address === "string" ? ready.address : undefined;
  // A server bound to one IPv4 address is reached there; on every interface, through loopback.
  const host = address && /^\d+\.\d+\.\d+\.\d+$/.test(address) && address !== "0.0.0.0" ? address : "127.0.0.1";
  return {
    url: `http://${host}:${ready.port as number}`,
    address,
    logs: () => lines,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
