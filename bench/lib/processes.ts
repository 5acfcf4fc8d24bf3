// Server child processes (rolegate, the bare provider): `node <args>` directly, so the process we
// spawn is the one serving (no npm or tsx wrapper process in between), its pid is the one whose
// memory we read, and its output goes to a log file in bench/results/logs/.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  memory: MemoryWatch;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** Arguments to node: options and the script. */
  args: string[];
  env: Record<string, string>;
  url: string;
  /** A path answering 200 once the server is ready. */
  readyPath: string;
  logFile: string;
  timeoutMs?: number;
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "";
  }
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const log = openSync(options.logFile, "a");
  const child: ChildProcess = spawn(process.execPath, options.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "production", ...options.env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`${options.name} exited (${exited}) while starting:\n${tail(options.logFile)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} did not answer ${options.readyPath} in time:\n${tail(options.logFile)}`);
    }
    const ready = await fetch(new URL(options.readyPath, options.url)).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid!;
  return {
    name: options.name,
    url: options.url,
    pid,
    memory: new MemoryWatch(pid),
    stop: async () => {
      if (exited !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 8000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * Peak resident memory of a process per measured window: VmHWM after resetting it through
 * /proc/<pid>/clear_refs ("5"). Where that reset is refused, the peak of VmRSS sampled every
 * 50 ms stands in. `lifetimePeakMb` is the highest value seen over all windows and checks.
 */
export class MemoryWatch {
  lifetimePeakMb = 0;
  private timer: NodeJS.Timeout | undefined;
  private sampledPeakMb = 0;
  private resetWorked = false;

  constructor(readonly pid: number) {}

  private status(): { rssMb: number; hwmMb: number } {
    const text = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  }

  /** The current RSS and the peak since the last window (or since start). */
  now(): { rssMb: number; hwmMb: number } {
    const s = this.status();
    this.lifetimePeakMb = Math.max(this.lifetimePeakMb, s.hwmMb, s.rssMb);
    return s;
  }

  /** Starts a window; returns the RSS (MB) at its start. */
  begin(): number {
    this.now(); // keep the peak so far before it is reset
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, "5");
      this.resetWorked = true;
    } catch {
      this.resetWorked = false;
    }
    this.sampledPeakMb = this.status().rssMb;
    this.timer = setInterval(() => {
      try {
        this.sampledPeakMb = Math.max(this.sampledPeakMb, this.status().rssMb);
      } catch {
        // the process is gone; end() reports what was seen
      }
    }, 50);
    return this.sampledPeakMb;
  }

  /** Peak RSS in MB since begin(). */
  end(): number {
    clearInterval(this.timer);
    const s = this.now();
    return this.resetWorked ? Math.max(s.hwmMb, this.sampledPeakMb) : this.sampledPeakMb;
  }

  get method(): string {
    return this.resetWorked ? "VmHWM after clear_refs reset" : "VmRSS sampled every 50 ms";
  }
}
