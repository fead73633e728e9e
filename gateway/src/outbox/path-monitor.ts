// Supervision of one path to the center: the last time the center was heard on it; silent past
// its supervision time it counts as down, raises its technical alert (once) and sets the
// linli_gateway_uplink_path_up gauge to 0; heard again, the alert is resolved by `system`.
import type { TechnicalAlerts } from '../broker/link.ts';
import type { Logger } from '../ingest/refusals.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type { TechnicalAlertType } from '../types.ts';

export interface PathMonitorOptions {
  path: string;
  alertType: TechnicalAlertType;
  timeoutMs: number;
  site: string;
  clock: Clock;
  metrics: Metrics;
  alerts: TechnicalAlerts;
  log: Logger;
  /** Its technical alert is open from before a restart (resolved when the path is heard). */
  alertOpen?: boolean;
}

export class PathMonitor {
  private lastOk: number;
  private since: number;
  private up = false;
  private alerted = false;

  constructor(private readonly o: PathMonitorOptions) {
    this.lastOk = o.clock.now(); // a grace of one supervision time at start
    this.since = this.lastOk;
    this.alerted = o.alertOpen === true;
    o.metrics.uplinkPathUp.set(0, { path: o.path });
  }

  /** The center answered on this path. */
  ok(): void {
    const now = this.o.clock.now();
    this.lastOk = now;
    if (!this.up) {
      this.up = true;
      this.since = now;
      this.o.metrics.uplinkPathUp.set(1, { path: this.o.path });
      this.o.log.info({ path: this.o.path }, 'uplink path up');
    }
    if (this.alerted) {
      this.alerted = false;
      this.safely(() => this.o.alerts.restoreTechnical(this.o.alertType, `uplink ${this.o.path} path back`));
    }
  }

  /** The path is known to be down now (connection closed); the alert still waits for the
   *  supervision time since it was last heard. */
  lost(): void {
    if (!this.up) return;
    this.up = false;
    this.since = this.o.clock.now();
    this.o.metrics.uplinkPathUp.set(0, { path: this.o.path });
    this.o.log.warn({ path: this.o.path }, 'uplink path down');
  }

  /** Heard within its supervision time. */
  healthy(): boolean {
    return this.o.clock.now() - this.lastOk <= this.o.timeoutMs;
  }

  check(): void {
    if (this.healthy()) return;
    if (this.up) {
      this.up = false;
      this.since = this.o.clock.now();
      this.o.metrics.uplinkPathUp.set(0, { path: this.o.path });
      this.o.log.warn({ path: this.o.path }, 'uplink path down');
    }
    if (!this.alerted) {
      const silentS = Math.round((this.o.clock.now() - this.lastOk) / 1000);
      this.alerted = this.safely(() =>
        this.o.alerts.raiseTechnical(
          this.o.alertType,
          this.o.site,
          `uplink ${this.o.path} path silent for ${silentS} s (supervision ${this.o.timeoutMs / 1000} s)`,
        ),
      );
    }
  }

  health(): { up: boolean; since: number; lastHeardAt: number; alerted: boolean } {
    return {
      up: this.up && this.healthy(),
      since: this.since,
      lastHeardAt: this.lastOk,
      alerted: this.alerted,
    };
  }

  private safely(f: () => unknown): boolean {
    try {
      f();
      return true;
    } catch (err) {
      this.o.log.error({ err }, 'technical alert not stored');
      return false;
    }
  }
}
