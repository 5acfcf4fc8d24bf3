// Load generators: autocannon for single requests, a closed loop of workers for multi-step flows.
// Both report the same numbers: successful requests (or flows) per second over the measured
// window, and p50/p99 latency in milliseconds, after a warm-up whose results are dropped.
import autocannon from "autocannon";

export interface Measurement {
  /** Successful requests (or iterations) per second in the measured window. */
  rps: number;
  p50: number;
  p99: number;
  count: number;
  /** Every request or iteration sent, warm-up and failures included. */
  total: number;
  errors: number;
  durationS: number;
  firstError?: string | undefined;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface CannonOptions {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
}

interface CannonRun {
  latencies: number[];
  ok: number;
  errors: number;
  durationS: number;
  firstError?: string | undefined;
}

function cannonOnce(options: CannonOptions, record: boolean): Promise<CannonRun> {
  const latencies: number[] = [];
  let firstError: string | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? "GET",
        headers: options.headers ?? {},
        ...(options.body !== undefined ? { body: options.body } : {}),
        connections: options.connections,
        duration: options.durationS,
        timeout: 30,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const failed = result.non2xx + result.errors;
        if (failed > 0 && !firstError) {
          const codes = Object.entries(result.statusCodeStats ?? {})
            .filter(([code]) => !code.startsWith("2"))
            .map(([code, stat]) => `${code}×${stat.count ?? 0}`);
          firstError = `${result.non2xx} non-2xx (${codes.join(", ")}), ${result.errors} connection errors`;
        }
        resolve({ latencies, ok: result["2xx"], errors: failed, durationS: result.duration, firstError });
      },
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (record && statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** Several autocannon runs at once (e.g. one per instance), merged: req/s summed, latencies pooled. */
export async function cannon(runs: CannonOptions[], warmupS: number): Promise<Measurement> {
  const warmup = warmupS > 0 ? await Promise.all(runs.map((r) => cannonOnce({ ...r, durationS: warmupS }, false))) : [];
  const results = await Promise.all(runs.map((r) => cannonOnce(r, true)));
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    rps: results.reduce((sum, r) => sum + r.ok / r.durationS, 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: results.reduce((sum, r) => sum + r.ok, 0),
    total: [...warmup, ...results].reduce((sum, r) => sum + r.ok + r.errors, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    durationS: Math.max(...results.map((r) => r.durationS)),
    firstError: results.find((r) => r.firstError)?.firstError,
  };
}

export interface ClosedLoopOptions<S> {
  /** One state per worker, prepared beforehand (e.g. a browser that signed in once). */
  states: S[];
  durationS: number;
  warmupS: number;
  /** One flow; throws when the flow did not end as it should. */
  iteration: (state: S) => Promise<void>;
}

/**
 * One worker per state; each run `iteration` back to back. Iterations that end inside the
 * measured window count (so throughput is completions per second); latency is per iteration (the
 * whole flow).
 */
export async function closedLoop<S>(options: ClosedLoopOptions<S>): Promise<Measurement> {
  const { states } = options;
  const start = performance.now();
  const measureFrom = start + options.warmupS * 1000;
  const measureTo = measureFrom + options.durationS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let total = 0;
  let firstError: string | undefined;
  await Promise.all(
    states.map(async (state) => {
      while (performance.now() < measureTo) {
        const began = performance.now();
        total += 1;
        try {
          await options.iteration(state);
          const ended = performance.now();
          if (ended >= measureFrom && ended <= measureTo) latencies.push(ended - began);
        } catch (error) {
          if (performance.now() >= measureFrom) errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
          await new Promise((r) => setTimeout(r, 50)); // no tight loop on a failing flow
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / options.durationS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: latencies.length,
    total,
    errors,
    durationS: options.durationS,
    firstError,
  };
}
