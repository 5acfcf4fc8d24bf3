// /metrics in Prometheus' text format: requests by status class and management API calls by
// code (counted where they are logged), argon2 password verifications, and the process's memory and uptime.
import { passwordVerificationCount } from "../directory/passwords.js";

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly apiCalls = new Map<string, number>();

  countRequest(status: number): void {
    const label = `${Math.floor(status / 100)}xx`;
    this.requests.set(label, (this.requests.get(label) ?? 0) + 1);
  }

  countApiCall(code: string): void {
    this.apiCalls.set(code, (this.apiCalls.get(code) ?? 0) + 1);
  }

  render(): string {
    const lines = [
      "# HELP rolegate_http_requests_total HTTP requests answered (OIDC, login UI, health), by status class.",
      "# TYPE rolegate_http_requests_total counter",
      ...[...this.requests].map(([status, n]) => `rolegate_http_requests_total{status="${status}"} ${n}`),
      "# HELP rolegate_api_calls_total Management API calls, by Connect code.",
      "# TYPE rolegate_api_calls_total counter",
      ...[...this.apiCalls].map(([code, n]) => `rolegate_api_calls_total{code="${code}"} ${n}`),
      "# HELP rolegate_password_verifications_total argon2 password verifications run by this process (logins, also for unknown names).",
      "# TYPE rolegate_password_verifications_total counter",
      `rolegate_password_verifications_total ${passwordVerificationCount()}`,
      "# HELP process_resident_memory_bytes Resident memory size in bytes.",
      "# TYPE process_resident_memory_bytes gauge",
      `process_resident_memory_bytes ${process.memoryUsage().rss}`,
      "# HELP process_uptime_seconds Seconds since the process started.",
      "# TYPE process_uptime_seconds gauge",
      `process_uptime_seconds ${Math.round(process.uptime())}`,
    ];
    return `${lines.join("\n")}\n`;
  }
}
