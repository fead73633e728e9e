// Every refusal is counted (metrics, by reason), logged (throttled per reason so that a flood
// cannot fill the disk) and announced on the bus.

// The gateway logs with the shared service logger (pino; fields first, then the message).
import type { Logger } from '@linli/shared/service';
import type { GatewayBus, RefusalReason } from '../bus.ts';
import { ThrottledLog } from '../log-throttle.ts';
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
  private readonly quietLog: ThrottledLog;

  constructor(
    private readonly metrics: Metrics,
    private readonly bus: GatewayBus,
    log: Logger,
    now: () => number = Date.now,
  ) {
    this.quietLog = new ThrottledLog(log, LOGS_PER_REASON_PER_MINUTE, now, {
      field: 'reason',
      msg: 'refusals not logged',
    });
  }

  refuse(r: Refusal): void {
    this.metrics.refused.inc({ reason: r.reason });
    this.bus.emit('message.refused', r);
    this.quietLog.warn(r.reason, { ...r }, 'refused');
  }
}
