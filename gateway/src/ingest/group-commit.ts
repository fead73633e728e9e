// Group commit: every unit of work that arrives within one window (default: one event-loop turn)
// shares one SQLite transaction (one fsync), so a burst of presses costs one disk flush, not one
// each. The batch first runs without savepoints (fast path); if a unit throws, the whole
// transaction rolls back (in-memory changes are undone through TxScope) and the batch runs again
// with each unit in its own savepoint, so one failing unit is rolled back alone.
//
// asyncFsync: the batch is committed with synchronous=NORMAL (WAL frames written, no fsync) and
// the WAL file is then fdatasync'ed in libuv's thread pool; the units resolve — and the broker
// PUBACKs — only after an fdatasync that started after their commit has completed. Same guarantee
// as synchronous=FULL (nothing is acknowledged before it is on disk), but the event loop keeps
// working while the disk flushes, and the next batches are committed meanwhile. One fdatasync at
// a time: the batches committed while one runs share the next (an fsync per round, not per batch).
import { closeSync, fdatasync, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Statement, Transaction } from 'better-sqlite3';
import type { Db } from '../db/open.ts';
import { TxScope } from '../db/tx.ts';
import type { Metrics } from '../metrics.ts';

/** Told of every commit's outcome (the store's health). */
export interface CommitObserver {
  succeeded(): void;
  failed(err: unknown): void;
}

/** A unit of work threw inside the fast path. */
class UnitFailed extends Error {}

interface Job {
  work: (tx: TxScope) => unknown;
  arrived: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** A batch committed (synchronous=NORMAL) and waiting for the fdatasync that makes it durable. */
interface Committed {
  jobs: Job[];
  results: { ok: boolean; value: unknown }[];
  outer: TxScope;
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
  private readonly fastBatch: Transaction<
    (jobs: Job[], outer: TxScope, results: { ok: boolean; value: unknown }[]) => void
  >;

  private readonly walPath: string | undefined;
  private walFd: number | undefined;
  /** Committed batches the running fdatasync covers, and those committed since (the next one's). */
  private syncing: Committed[] = [];
  private awaitingSync: Committed[] = [];
  private syncRunning = false;
  /** Prepared once: db.pragma() prepares its statement on every call. */
  private readonly syncMode: { normal: Statement; full: Statement } | undefined;

  constructor(
    private readonly db: Db,
    private readonly windowMs: number,
    private readonly metrics: Metrics,
    private readonly onEffectError: (err: unknown) => void = () => {},
    asyncFsync = false,
    private readonly observer?: CommitObserver,
  ) {
    this.walPath = asyncFsync && !db.memory && db.name !== '' ? `${db.name}-wal` : undefined;
    if (this.walPath)
      this.syncMode = {
        normal: db.prepare('PRAGMA synchronous = NORMAL'),
        full: db.prepare('PRAGMA synchronous = FULL'),
      };
    this.inSavepoint = db.transaction((job: Job, scope: TxScope) => job.work(scope));
    this.batch = db.transaction((jobs: Job[], outer: TxScope, results: { ok: boolean; value: unknown }[]) => {
      for (const job of jobs) {
        const scope = new TxScope();
        try {
          const value = this.inSavepoint(job, scope);
          scope.mergeInto(outer);
          results.push({ ok: true, value });
        } catch (err) {
          scope.rollback();
          // SQLite ends the whole transaction on some errors (SQLITE_FULL, I/O errors): then
          // nothing of the batch is stored, and the cause is this error, not the COMMIT's
          if (!this.db.inTransaction) throw err;
          results.push({ ok: false, value: err });
        }
      }
    });
    this.fastBatch = db.transaction(
      (jobs: Job[], outer: TxScope, results: { ok: boolean; value: unknown }[]) => {
        for (const job of jobs) {
          try {
            results.push({ ok: true, value: job.work(outer) });
          } catch (err) {
            if (!this.db.inTransaction) throw err; // the transaction is gone (disk full, I/O)
            throw new UnitFailed('a unit of the batch failed', { cause: err });
          }
        }
      },
    );
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
    const wal = this.walPath;
    if (wal) this.syncMode?.normal.run();
    try {
      try {
        this.fastBatch.immediate(jobs, outer, results);
      } catch (err) {
        outer.rollback();
        results.length = 0;
        if (!(err instanceof UnitFailed)) throw err;
        this.batch.immediate(jobs, outer, results); // slow path: one savepoint per unit
      }
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of this batch is stored.
      outer.rollback();
      this.observer?.failed(err);
      for (const job of jobs) job.reject(err);
      return;
    } finally {
      if (wal) this.syncMode?.full.run();
    }
    if (!wal) {
      this.finish(jobs, results, outer);
      return;
    }
    try {
      this.walFd ??= openSync(wal, 'r');
    } catch (err) {
      this.observer?.failed(err);
      for (const job of jobs) job.reject(err);
      return;
    }
    this.awaitingSync.push({ jobs, results, outer });
    if (!this.syncRunning) this.startSync();
  }

  /** One fdatasync for every batch committed so far; when it is done, the next round if any. */
  private startSync(): void {
    this.syncing = this.awaitingSync;
    this.awaitingSync = [];
    this.syncRunning = true;
    fdatasync(this.walFd!, (err) => {
      const done = this.syncing;
      this.syncing = [];
      this.syncRunning = false;
      for (const b of done) {
        if (err) {
          // committed but not known to be on disk: no acknowledgement; the device retries and
          // its retry is recognised as a duplicate
          this.observer?.failed(err);
          for (const job of b.jobs) job.reject(err);
        } else this.finish(b.jobs, b.results, b.outer);
      }
      if (this.awaitingSync.length > 0) this.startSync();
      else if (this.closed) this.closeWal();
    });
  }

  private finish(jobs: Job[], results: { ok: boolean; value: unknown }[], outer: TxScope): void {
    const done = performance.now();
    this.observer?.succeeded();
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
    if (!this.syncRunning) this.closeWal();
  }

  /** Committed batches still waiting for their fdatasync. */
  get pendingSyncs(): number {
    return this.syncing.length + this.awaitingSync.length;
  }

  /** Resolves once every commit so far is on disk (call before closing the database). */
  async whenSynced(): Promise<void> {
    while (this.pendingSyncs > 0) await new Promise((r) => setTimeout(r, 1));
  }

  private closeWal(): void {
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }
}
