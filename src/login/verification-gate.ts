// Bounds the concurrent argon2 verifications of one instance. Each holds its memory (m KiB) and a
// core while it runs; without a bound, a burst of logins (or an attack on many names) takes every
// core and memory with it. Beyond the bound a login waits briefly in line, then is answered 503
// with Retry-After (see routes.ts) instead of piling up.

/** The instance is verifying as many passwords as it may, and the wait in line ran out. */
export class VerificationBusyError extends Error {
  constructor() {
    super("too many password verifications in progress");
    this.name = "VerificationBusyError";
  }
}

export interface VerificationGate {
  /** Runs `work` when a slot is free (waiting at most the queue time), or throws VerificationBusyError. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Verifications running now and logins waiting for one. */
  readonly running: number;
  readonly waiting: number;
}

export function createVerificationGate({ concurrency, queueMs }: { concurrency: number; queueMs: number }): VerificationGate {
  if (!(concurrency >= 1)) throw new Error("concurrency must be at least 1");
  let running = 0;
  const queue: { grant: () => void }[] = [];

  function acquire(): Promise<void> {
    if (running < concurrency) {
      running += 1;
      return Promise.resolve();
    }
    if (queueMs <= 0) return Promise.reject(new VerificationBusyError());
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(waiter), 1);
        reject(new VerificationBusyError());
      }, queueMs);
      queue.push(waiter);
    });
  }

  function release(): void {
    const next = queue.shift();
    // The slot passes straight to the next in line: `running` stays the same.
    if (next) next.grant();
    else running -= 1;
  }

  return {
    async run(work) {
      await acquire();
      try {
        return await work();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
