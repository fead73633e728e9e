// The gateway's link to an external broker, supervised: state for /healthz, the
// linli_gateway_broker_link_up gauge, a technical alert when the link stays down past its
// supervision time (resolved when it is back), and a technical alert when the gateway's session
// is taken over by another client or found gone on a reconnect (queued events may be lost).

import type { Logger } from '../ingest/refusals.ts';
import { ThrottledLog } from '../log-throttle.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type { TechnicalAlertType } from '../types.ts';

export interface TechnicalAlerts {
  raiseTechnical(type: TechnicalAlertType, site: string, note: string): unknown;
  restoreTechnical(type: TechnicalAlertType, note: string): unknown;
}

export interface BrokerLinkOptions {
  site: string;
  supervisionS: number;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  alerts: TechnicalAlerts;
}

export interface BrokerLinkHealth {
  mode: 'embedded' | 'external';
  link: 'up' | 'down';
  /** when the link came up or went down (epoch ms) */
  since: number;
  supervisionS?: number;
  /** true once the link has been down longer than its supervision time */
  alerted?: boolean;
  sessionsLost?: number;
}

export type SessionLoss = 'taken-over' | 'not-present' | 'closed-by-broker';

export class BrokerLink {
  private up = false;
  private since: number;
  private alerted = false;
  private sessionsLost = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly quietLog: ThrottledLog;

  constructor(private readonly o: BrokerLinkOptions) {
    this.since = o.clock.now();
    this.quietLog = new ThrottledLog(o.log, 10, () => o.clock.now());
    o.metrics.brokerLinkUp.set(0);
  }

  start(): void {
    const everyMs = Math.min(1000, (this.o.supervisionS * 1000) / 2);
    this.timer = setInterval(() => this.check(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  connected(): void {
    if (this.up) return;
    const downMs = this.o.clock.now() - this.since;
    this.up = true;
    this.since = this.o.clock.now();
    this.o.metrics.brokerLinkUp.set(1);
    this.quietLog.info('link', { downS: Math.round(downMs / 1000) }, 'broker link up');
    if (this.alerted) {
      this.alerted = false;
      this.safely(() =>
        this.o.alerts.restoreTechnical(
          'gateway.broker-link',
          `broker link back after ${Math.round(downMs / 1000)} s`,
        ),
      );
    }
  }

  lost(detail: string): void {
    if (!this.up || this.stopped) return;
    this.up = false;
    this.since = this.o.clock.now();
    this.o.metrics.brokerLinkUp.set(0);
    this.o.metrics.brokerLinkLost.inc();
    this.quietLog.warn('link', { detail }, 'broker link lost');
  }

  /** The gateway's persistent session at the broker is no longer its own. */
  sessionLost(reason: SessionLoss, detail: string): void {
    this.sessionsLost++;
    this.o.metrics.brokerSessionLost.inc({ reason });
    this.quietLog.warn(`session-${reason}`, { reason, detail }, 'broker session lost');
    this.safely(() =>
      this.o.alerts.raiseTechnical(
        'gateway.session-lost',
        this.o.site,
        `${reason}: ${detail}; events queued for the gateway may have gone to another client`,
      ),
    );
  }

  /** Raise the technical alert once the link has been down past its supervision time. */
  check(): void {
    if (this.up || this.alerted) return;
    const downS = (this.o.clock.now() - this.since) / 1000;
    if (downS < this.o.supervisionS) return;
    this.alerted = this.safely(() =>
      this.o.alerts.raiseTechnical(
        'gateway.broker-link',
        this.o.site,
        `broker link down for ${Math.round(downS)} s (supervision ${this.o.supervisionS} s)`,
      ),
    );
  }

  health(): BrokerLinkHealth {
    return {
      mode: 'external',
      link: this.up ? 'up' : 'down',
      since: this.since,
      supervisionS: this.o.supervisionS,
      alerted: this.alerted,
      sessionsLost: this.sessionsLost,
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
