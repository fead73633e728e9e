// Group commit: every unit of work that arrives within one window (default 2 ms) shares one
// SQLite transaction (one fsync), so a burst of presses costs one disk flush, not one each.
// Each unit runs in its own savepoint: one failing unit is rolled back alone.
import { performance } from 'node:perf_hooks';
import type { Transaction } from 'better-sqlite3';
import type { Db } from '../db/open.ts';
import { TxScope } from '../db/tx.ts';
import type { Metrics } from '../metrics.ts';

interface Job {
  work: (tx: TxScope) => unknown;
  arrived: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter {
  private queue: Job[] = [];
  private scheduled: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private closed = false;
  /** Built once: better-sqlite3's transaction() wrapper is costly to create per call. */
  private readonly inSavepoint: (job: Job, scope: TxScope) => unknown;
  private readonly batch: Transaction<
    (jobs: Job[], outer: TxScope, results: { ok: boolean; value: unknown }[]) => void
  >;

  constructor(
    db: Db,
    private readonly windowMs: number,
    private readonly metrics: Metrics,
    private readonly onEffectError: (err: unknown) => void = () => {},
  ) {
    this.inSavepoint = db.transaction((job: Job, scope: TxScope) => job.work(scope));
    this.batch = db.transaction((jobs: Job[], outer: TxScope, results: { ok: boolean; value: unknown }[]) => {
      for (const job of jobs) {
        const scope = new TxScope();
        try {
          const value = this.inSavepoint(job, scope);
          scope.mergeInto(outer);
          results.push({ ok: true, value });
        } catch (err) {
          results.push({ ok: false, value: err });
        }
      }
    });
  }

  /** Run work in the next group transaction; resolves once it is durably committed. */
  submit<T>(work: (tx: TxScope) => T, arrived = performance.now()): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, arrived, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        const run = () => {
          this.scheduled = undefined;
          this.flush();
        };
        this.scheduled = this.windowMs > 0 ? setTimeout(run, this.windowMs) : setImmediate(run);
      }
    });
  }

  /** Commit everything queued now (synchronous). */
  flush(): void {
    const jobs = this.queue;
    if (jobs.length === 0) return;
    this.queue = [];
    const outer = new TxScope();
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      this.batch.immediate(jobs, outer, results);
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of this batch is stored.
      for (const job of jobs) job.reject(err);
      return;
    }
    const done = performance.now();
    this.metrics.batchSize.observe(jobs.length);
    jobs.forEach((job, i) => {
      const r = results[i]!;
      if (r.ok) {
        this.metrics.storeLatency.observe((done - job.arrived) / 1000);
        job.resolve(r.value);
      } else job.reject(r.value);
    });
    outer.runEffects(this.onEffectError);
  }

  close(): void {
    if (this.scheduled) {
      clearTimeout(this.scheduled as NodeJS.Timeout);
      clearImmediate(this.scheduled as NodeJS.Immediate);
      this.scheduled = undefined;
    }
    this.flush();
    this.closed = true;
  }
}
