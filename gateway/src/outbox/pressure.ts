// Pressure on the outbox: depth and oldest age (all destinations) against uplink.maxDepth and
// uplink.maxAgeS; over either raises the technical alert gateway.outbox-pressure (once),
// resolved by `system` when both are under again. Rows are never dropped. Also sets the
// depth / oldest-age gauges per destination.
import type { TechnicalAlerts } from '../broker/link.ts';
import type { Logger } from '../ingest/refusals.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type { OutboxStore } from './store.ts';

export type OutboxStats = Map<string, { depth: number; oldest: number }>;

export interface PressureOptions {
  store: OutboxStore;
  metrics: Metrics;
  alerts: TechnicalAlerts;
  clock: Clock;
  log: Logger;
  site: string;
  maxDepth: number;
  maxAgeS: number;
  /** Its technical alert is open from before a restart. */
  alertOpen: boolean;
}

export class OutboxPressure {
  active: boolean;
  stats: OutboxStats = new Map();

  constructor(private readonly o: PressureOptions) {
    this.active = o.alertOpen;
  }

  /** Count the rows again (throws when the database cannot be read). */
  refresh(): OutboxStats {
    this.stats = this.o.store.stats();
    return this.stats;
  }

  /** Refresh, set the gauges of these destinations, raise or resolve the alert. */
  check(dests: string[]): void {
    const { metrics, clock, alerts } = this.o;
    this.refresh();
    const now = clock.now();
    let depth = 0;
    let oldestAgeS = 0;
    for (const dest of dests) {
      const s = this.stats.get(dest);
      const age = s ? Math.max(0, (now - s.oldest) / 1000) : 0;
      metrics.outboxDepth.set(s?.depth ?? 0, { dest });
      metrics.outboxOldestAge.set(Math.round(age), { dest });
      depth += s?.depth ?? 0;
      oldestAgeS = Math.max(oldestAgeS, age);
    }
    const over = depth > this.o.maxDepth || oldestAgeS > this.o.maxAgeS;
    if (over && !this.active) {
      alerts.raiseTechnical(
        'gateway.outbox-pressure',
        this.o.site,
        `outbox ${depth} rows (limit ${this.o.maxDepth}), oldest ${Math.round(oldestAgeS)} s (limit ${this.o.maxAgeS} s); nothing dropped`,
      );
      this.active = true;
      this.o.log.warn({ depth, oldestAgeS: Math.round(oldestAgeS) }, 'outbox pressure');
    } else if (!over && this.active) {
      alerts.restoreTechnical('gateway.outbox-pressure', `outbox back to ${depth} rows`);
      this.active = false;
    }
  }
}
