// SQL of the outbox (migration 005): rows per destination, the head row of each order key
// (one alert's revisions go out one at a time, in order), receipts, retry state, depth.
import type { Db } from '../db/open.ts';

export interface OutboxRow {
  seq: number;
  dest: string;
  kind: 'alert' | 'action-result';
  order_key: string;
  alert_id: string;
  rev: number | null;
  action_id: string | null;
  body: string;
  created_at: number;
  attempts: number;
  next_at: number;
}

export interface NewRow {
  kind: OutboxRow['kind'];
  orderKey: string;
  alertId: string;
  rev?: number;
  actionId?: string;
  body: string;
}

export class OutboxStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        'INSERT INTO outbox (dest, kind, order_key, alert_id, rev, action_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      heads: db.prepare(
        `SELECT o.* FROM outbox o JOIN (SELECT MIN(seq) AS seq FROM outbox WHERE dest = ? GROUP BY order_key) h
           ON o.seq = h.seq ORDER BY o.seq LIMIT ?`,
      ),
      get: db.prepare('SELECT * FROM outbox WHERE seq = ?'),
      deleteSeq: db.prepare('DELETE FROM outbox WHERE seq = ?'),
      deleteAlert: db.prepare('DELETE FROM outbox WHERE dest = ? AND alert_id = ? AND rev = ? RETURNING seq'),
      deleteAction: db.prepare(
        "DELETE FROM outbox WHERE dest = ? AND kind = 'action-result' AND action_id = ? RETURNING seq",
      ),
      retry: db.prepare(
        'UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?',
      ),
      stats: db.prepare(
        'SELECT dest, COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox GROUP BY dest',
      ),
      pendingAction: db.prepare(
        "SELECT 1 FROM outbox WHERE kind = 'action-result' AND action_id = ? LIMIT 1",
      ),
    };
  }

  /** Inside the caller's transaction. */
  add(dest: string, r: NewRow, now: number): void {
    this.s.insert.run(dest, r.kind, r.orderKey, r.alertId, r.rev ?? null, r.actionId ?? null, r.body, now);
  }

  /** The oldest row of each order key of a destination, oldest first. */
  heads(dest: string, limit: number): OutboxRow[] {
    return this.s.heads.all(dest, limit) as OutboxRow[];
  }

  /** Attempts so far of a row; undefined when it is gone. */
  attempts(seq: number): number | undefined {
    return (this.s.get.get(seq) as OutboxRow | undefined)?.attempts;
  }

  delete(seq: number): boolean {
    return this.s.deleteSeq.run(seq).changes > 0;
  }

  /** A receipt: the rows it deletes (none when unknown or already deleted). */
  receiptAlert(dest: string, alertId: string, rev: number): number[] {
    return (this.s.deleteAlert.all(dest, alertId, rev) as { seq: number }[]).map((r) => r.seq);
  }

  receiptAction(dest: string, actionId: string): number[] {
    return (this.s.deleteAction.all(dest, actionId) as { seq: number }[]).map((r) => r.seq);
  }

  retry(seq: number, nextAt: number, error: string): void {
    this.s.retry.run(nextAt, error.slice(0, 200), seq);
  }

  hasPendingResult(actionId: string): boolean {
    return this.s.pendingAction.get(actionId) !== undefined;
  }

  stats(): Map<string, { depth: number; oldest: number }> {
    const out = new Map<string, { depth: number; oldest: number }>();
    for (const r of this.s.stats.all() as { dest: string; depth: number; oldest: number }[])
      out.set(r.dest, { depth: r.depth, oldest: r.oldest });
    return out;
  }
}
