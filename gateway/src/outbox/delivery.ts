// Delivery of one destination's outbox rows: at least once, in order per alert (at most one
// row of an order key in flight; different keys pipeline up to `window`), exponential backoff
// with jitter after a failure or a missing receipt, the row deleted only when the destination
// says it is stored. In-flight state is memory only: after a restart every row is sent again
// (the center dedupes by (site, alertId, rev)).
import type { Logger } from '../ingest/refusals.ts';
import { ThrottledLog } from '../log-throttle.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import { backoffMs } from './backoff.ts';
import type { OutboxRow, OutboxStore } from './store.ts';

/** How a destination is reached (the center: MQTT or webhook; a further destination: webhook). */
export interface Carrier {
  /** Whether a message can be handed over now. */
  ready(): boolean;
  /** The path the next message takes (a metrics label). */
  path(): string;
  /** Hand the message over. `stored`: the destination answered it is stored (webhook);
   *  otherwise a receipt is awaited. Rejects when the hand-over failed. */
  send(row: OutboxRow, body: string): Promise<{ stored: boolean; path: string }>;
}

export interface DeliveryOptions {
  dest: string;
  store: OutboxStore;
  carrier: Carrier;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  window: number;
  ackTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  random?: () => number;
}

interface InFlight {
  key: string;
  deadline: number;
  path: string;
}

/** Rows considered per pump (heads of order keys, oldest first). */
const SCAN = 500;

export class Delivery {
  private readonly inFlight = new Map<number, InFlight>();
  private readonly keys = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly quietLog: ThrottledLog;
  delivered = 0;
  retries = 0;

  constructor(private readonly o: DeliveryOptions) {
    this.quietLog = new ThrottledLog(o.log, 30, () => o.clock.now());
  }

  get dest(): string {
    return this.o.dest;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Pump soon (coalesced): after a commit that added rows, a receipt, a path coming up. */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  stop(): void {
    this.stopped = true;
  }

  /** Expire in-flight rows past their deadline, then send due heads while the window allows. */
  pump(): void {
    if (this.stopped) return;
    const now = this.o.clock.now();
    for (const [seq, f] of this.inFlight) if (f.deadline <= now) this.failed(seq, 'no receipt in time');
    if (this.inFlight.size >= this.o.window || !this.o.carrier.ready()) return;
    let rows: OutboxRow[];
    try {
      rows = this.o.store.heads(this.o.dest, SCAN);
    } catch (err) {
      this.quietLog.warn('heads', { err }, 'outbox read failed');
      return;
    }
    for (const row of rows) {
      if (this.inFlight.size >= this.o.window) break;
      if (this.keys.has(row.order_key) || row.next_at > now) continue;
      this.send(row, now);
    }
  }

  private send(row: OutboxRow, now: number): void {
    const f: InFlight = {
      key: row.order_key,
      deadline: now + this.o.ackTimeoutMs,
      path: this.o.carrier.path(),
    };
    this.inFlight.set(row.seq, f);
    this.keys.add(row.order_key);
    const body = `${row.body.slice(0, -1)},"sentAt":${now}}`;
    let p: Promise<{ stored: boolean; path: string }>;
    try {
      p = this.o.carrier.send(row, body);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (r) => {
        if (r.stored) this.done(row.seq, true);
      },
      (err: Error) => this.failed(row.seq, err.message),
    );
  }

  /** The destination stored the row: delete it (when `deleteRow`), free its key, send the next. */
  private done(seq: number, deleteRow: boolean): void {
    const f = this.inFlight.get(seq);
    if (deleteRow) {
      try {
        this.o.store.delete(seq);
      } catch (err) {
        this.quietLog.warn('delete', { err }, 'outbox delete failed');
        return; // stays in flight until its deadline, then is sent again
      }
    }
    if (f) {
      this.inFlight.delete(seq);
      this.keys.delete(f.key);
    }
    this.delivered++;
    this.o.metrics.outboxDelivered.inc({ dest: this.o.dest, path: f?.path ?? 'unknown' });
    this.kick();
  }

  /** A receipt from the destination (the center's `stored`): rows deleted, or false if unknown. */
  receipt(r: { alertId?: string; rev?: number; actionId?: string }): boolean {
    let seqs: number[];
    try {
      seqs =
        r.actionId !== undefined
          ? this.o.store.receiptAction(this.o.dest, r.actionId)
          : this.o.store.receiptAlert(this.o.dest, r.alertId!, r.rev!);
    } catch (err) {
      this.quietLog.warn('receipt', { err }, 'outbox receipt not recorded');
      return true; // known or not, the row stays and is sent again
    }
    if (seqs.length === 0) {
      this.o.metrics.outboxReceiptsUnknown.inc({ dest: this.o.dest });
      return false;
    }
    for (const seq of seqs) this.done(seq, false);
    return true;
  }

  private failed(seq: number, error: string): void {
    const f = this.inFlight.get(seq);
    if (!f) return; // already stored
    this.inFlight.delete(seq);
    this.keys.delete(f.key);
    this.retries++;
    this.o.metrics.outboxRetries.inc({ dest: this.o.dest });
    this.quietLog.warn(
      `retry-${this.o.dest}`,
      {
        dest: this.o.dest,
        error,
      },
      'outbox delivery will be retried',
    );
    try {
      const attempts = (this.o.store.attempts(seq) ?? 0) + 1;
      const wait = backoffMs(attempts, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random);
      this.o.store.retry(seq, this.o.clock.now() + wait, error);
    } catch (err) {
      this.quietLog.warn('retry', { err }, 'outbox retry state not stored');
    }
  }
}
