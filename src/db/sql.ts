// The smallest SQL interface both databases offer, used by migrations and health checks
// (everything else goes through Prisma).
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}
