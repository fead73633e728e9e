// Group commit for SQLite writes that arrive together: every unit submitted within one event-loop
// turn runs in one BEGIN IMMEDIATE transaction, each unit in its own savepoint, and the promise of
// each unit settles only after that transaction has committed (never before: an answer sent means
// the unit is stored). A unit that throws is rolled back alone (its savepoint) and its promise
// rejected with its error; the others commit. When SQLite ends the whole transaction (disk full,
// I/O error) or the COMMIT fails, nothing of the batch is stored and every unit is rejected with
// that error. One commit for a burst of requests instead of one each: the WAL pages the units share
// (the tail of each index, the table's last page) are written once. The gateway's ingest group
// commit (gateway/src/ingest/group-commit.ts) adds its own fsync and in-memory rollback on top.
import type { Database, Transaction } from 'better-sqlite3';

interface Pending<J> {
  unit: J;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export class GroupTransaction<J, R> {
  private queue: Pending<J>[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  /** Built once: better-sqlite3's transaction() wrapper is costly to create per call. */
  private readonly inSavepoint: Transaction<(unit: J) => R>;
  private readonly batch: Transaction<(units: Pending<J>[], outcomes: Outcome[]) => void>;
  /** Batches committed and units in them (for the figures and tests). */
  batches = 0;
  units = 0;

  constructor(
    private readonly db: Database,
    run: (unit: J) => R,
  ) {
    this.inSavepoint = db.transaction(run);
    this.batch = db.transaction((units: Pending<J>[], outcomes: Outcome[]) => {
      for (const pending of units) {
        try {
          outcomes.push({ ok: true, value: this.inSavepoint(pending.unit) });
        } catch (err) {
          // SQLite ended the whole transaction (SQLITE_FULL, I/O error): nothing is stored.
          if (!this.db.inTransaction) throw err;
          outcomes.push({ ok: false, err });
        }
      }
    });
  }

  /** Runs `unit` in the next group transaction; settles once that transaction has committed. */
  submit(unit: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => {
        this.scheduled = undefined;
        this.flush();
      });
    });
  }

  /** Commits everything submitted so far (synchronous); the promises settle in submission order. */
  flush(): void {
    const units = this.queue;
    if (units.length === 0) return;
    this.queue = [];
    const outcomes: Outcome[] = [];
    try {
      this.batch.immediate(units, outcomes);
    } catch (err) {
      for (const pending of units) pending.reject(err);
      return;
    }
    this.batches++;
    this.units += units.length;
    units.forEach((pending, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.err);
    });
  }

  /** Commits what is queued and stops the timer (service stop). */
  close(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.flush();
  }
}
