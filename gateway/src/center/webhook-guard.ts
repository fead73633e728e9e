// The center's webhook against floods of badly signed requests: failures (no or bad signature,
// unknown site, outside the replay window) are counted per (site, address) and per address with
// the shared LoginLimiter; an address at its limit is refused (429) without checking anything
// until its window ends. Blocks are counted and shown in /metrics; the log is throttled.
import { LoginLimiter } from '@linli/shared/service';
import type { Logger } from '../ingest/refusals.ts';
import { ThrottledLog } from '../log-throttle.ts';
import type { Metrics } from '../metrics.ts';

export interface WebhookGuardOptions {
  /** Failures from one address (per site, and over all sites) before it is blocked */
  limit: number;
  windowS: number;
  metrics: Metrics;
  log: Logger;
  now: () => number;
}

/** The account name for a request that named no (valid) site. */
export const NO_SITE = '-';

export class WebhookGuard {
  private readonly limiter: LoginLimiter;
  private readonly quietLog: ThrottledLog;
  /** address → end of its block (for the gauge and to count each block once) */
  private readonly blocked = new Map<string, number>();

  constructor(private readonly o: WebhookGuardOptions) {
    this.limiter = new LoginLimiter(
      { perAccountAddress: o.limit, perAddress: o.limit, windowMs: o.windowS * 1000 },
      o.now,
    );
    this.quietLog = new ThrottledLog(o.log, 10, o.now);
    o.metrics.centerWebhookBlocked.collect = () => o.metrics.centerWebhookBlocked.set(this.blockedNow());
  }

  /** Seconds the address must wait (0: allowed). */
  retryAfterS(address: string, site = NO_SITE): number {
    return this.limiter.retryAfterS(address, site);
  }

  /** A request from `address` failed its signature (or named an unknown site, or was replayed). */
  fail(address: string, site = NO_SITE): void {
    this.limiter.fail(address, site);
    const wait = this.limiter.retryAfterS(address, site);
    const now = this.o.now();
    if (wait === 0 || (this.blocked.get(address) ?? 0) > now) return;
    if (this.blocked.size >= 10_000) this.blockedNow();
    this.blocked.set(address, now + wait * 1000);
    this.o.metrics.centerWebhookBlocks.inc();
    this.quietLog.warn(
      'blocked',
      { address, site, seconds: wait },
      'center webhook: address blocked after repeated signature failures',
    );
  }

  /** A request that verified: that site's failures from there are forgiven (not the address's). */
  succeed(address: string, site: string): void {
    this.limiter.succeed(address, site);
  }

  blockedNow(): number {
    const now = this.o.now();
    for (const [a, until] of this.blocked) if (until <= now) this.blocked.delete(a);
    return this.blocked.size;
  }
}
