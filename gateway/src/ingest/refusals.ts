// Every refusal is counted (metrics, by reason), logged (throttled per reason so that a flood
// cannot fill the disk) and announced on the bus.

// The gateway logs with the shared service logger (pino; fields first, then the message).
import type { Logger } from '@linli/shared/service';
import type { GatewayBus, RefusalReason } from '../bus.ts';
import type { Metrics } from '../metrics.ts';

export { silentLogger } from '@linli/shared/service';
export type { Logger };

export interface Refusal {
  reason: RefusalReason;
  clientId?: string;
  username?: string;
  topic?: string;
  detail?: string;
}

const LOGS_PER_REASON_PER_MINUTE = 20;

export class Refusals {
  private window = 0;
  private readonly logged = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly metrics: Metrics,
    private readonly bus: GatewayBus,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  refuse(r: Refusal): void {
    this.metrics.refused.inc({ reason: r.reason });
    this.bus.emit('message.refused', r);
    const minute = Math.floor(this.now() / 60_000);
    if (minute !== this.window) {
      for (const [reason, n] of this.suppressed) this.log.warn({ reason, count: n }, 'refusals not logged');
      this.suppressed.clear();
      this.logged.clear();
      this.window = minute;
    }
    const n = this.logged.get(r.reason) ?? 0;
    if (n < LOGS_PER_REASON_PER_MINUTE) {
      this.logged.set(r.reason, n + 1);
      this.log.warn({ ...r }, 'refused');
    } else this.suppressed.set(r.reason, (this.suppressed.get(r.reason) ?? 0) + 1);
  }
}
