// The API's own counters, appended to the engine's /metrics text: refused requests by code,
// internal errors, failed logins, open live streams.

export class ApiMetrics {
  readonly refused = new Map<string, number>();
  errors = 0;
  loginFailures = 0;
  streams = 0;

  refuse(code: string): void {
    this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
  }

  render(): string {
    const lines = [
      '# HELP linli_gateway_http_refused_total HTTP requests refused with a 4xx, by error code',
      '# TYPE linli_gateway_http_refused_total counter',
    ];
    if (this.refused.size === 0) lines.push('linli_gateway_http_refused_total 0');
    for (const [code, n] of [...this.refused].sort())
      lines.push(`linli_gateway_http_refused_total{code="${code}"} ${n}`);
    lines.push(
      '# HELP linli_gateway_http_errors_total HTTP requests that failed with a 5xx',
      '# TYPE linli_gateway_http_errors_total counter',
      `linli_gateway_http_errors_total ${this.errors}`,
      '# HELP linli_gateway_login_failures_total failed staff logins (wrong password, unknown user, rate limited)',
      '# TYPE linli_gateway_login_failures_total counter',
      `linli_gateway_login_failures_total ${this.loginFailures}`,
      '# HELP linli_gateway_sse_clients open live-stream connections',
      '# TYPE linli_gateway_sse_clients gauge',
      `linli_gateway_sse_clients ${this.streams}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
