// The API's own metrics, served after the engine's at /metrics: refused requests by code,
// internal errors, failed logins, open live streams (prom-client, a registry per API instance).
import { type Cell, CounterFamily, GaugeFamily, type Registry, serviceRegistry } from '@linli/shared/service';

export class ApiMetrics {
  /** Without the default process metrics: the engine's registry has them. */
  readonly registry: Registry = serviceRegistry({ defaultMetrics: false });
  private readonly refused = new CounterFamily(
    this.registry,
    'linli_gateway_http_refused_total',
    'HTTP requests refused with a 4xx, by error code',
    ['code'],
  );
  private readonly errorCell: Cell = new CounterFamily(
    this.registry,
    'linli_gateway_http_errors_total',
    'HTTP requests that failed with a 5xx',
  ).cell();
  private readonly loginFailureCell: Cell = new CounterFamily(
    this.registry,
    'linli_gateway_login_failures_total',
    'failed staff logins (wrong password, unknown user, rate limited)',
  ).cell();
  private readonly streamCell: Cell = new GaugeFamily(
    this.registry,
    'linli_gateway_sse_clients',
    'open live-stream connections',
  ).cell();

  refuse(code: string): void {
    this.refused.inc({ code });
  }

  get errors(): number {
    return this.errorCell.value;
  }
  set errors(n: number) {
    this.errorCell.value = n;
  }
  get loginFailures(): number {
    return this.loginFailureCell.value;
  }
  set loginFailures(n: number) {
    this.loginFailureCell.value = n;
  }
  /** Open live streams (routes/stream.ts counts up and down). */
  get streams(): number {
    return this.streamCell.value;
  }
  set streams(n: number) {
    this.streamCell.value = n;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
