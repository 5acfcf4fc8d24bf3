// Starts rolegate as a user does (`npm start` runs `tsx src/main.ts`) and waits until it listens.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface StartedServer {
  url: string;
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
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (typeof entry.port === "number" && String(entry.msg).startsWith("rolegate listening")) {
            clearTimeout(timer);
            resolve(entry.port);
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
  const port = await listening;
  return {
    url: `http://127.0.0.1:${port}`,
    logs: () => lines,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
