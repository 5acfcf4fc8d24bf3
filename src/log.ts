// JSON-lines logging. Request logs carry method, path, status and duration only: never
// query strings, headers or bodies, which can hold tokens and secrets.
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "rolegate" } });
}
