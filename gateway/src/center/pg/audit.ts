// The audit log of a center on PostgreSQL: each instance keeps writing its SQLite audit_log
// synchronously (auth/audit.ts, unchanged), and copies new rows, in order, into the shared
// table (unique (origin, local_id): a copy repeated after a crash inserts nothing twice).
// GET /api/audit reads the shared table after copying this instance's own rows first, so a
// person sees their own action at once and every instance's within a second.
import type { Database } from 'better-sqlite3';
import { type AuditDbRow, type AuditFilter, type AuditRow, toAuditRow } from '../../auth/audit.ts';
import type { PgPool } from '../../db/pg.ts';
import type { Logger } from '../../ingest/refusals.ts';

export class SharedAudit {
  private copied = -1;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly newRows;

  constructor(
    db: Database,
    private readonly pool: PgPool,
    private readonly origin: string,
    private readonly log: Logger,
  ) {
    this.newRows = db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT 500');
  }

  start(everyMs = 1000): void {
    this.timer = setInterval(() => void this.copy().catch(() => {}), everyMs);
    this.timer.unref();
  }

  /** Copy every row not copied yet (one copy at a time). */
  copy(): Promise<void> {
    this.running ??= this.copyAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async copyAll(): Promise<void> {
    try {
      if (this.copied < 0) {
        const r = await this.pool.query<{ n: number | null }>(
          'SELECT MAX(local_id) AS n FROM audit_log WHERE origin = $1',
          [this.origin],
        );
        this.copied = r.rows[0]?.n ?? 0;
      }
      for (;;) {
        const rows = this.newRows.all(this.copied) as AuditDbRow[];
        if (rows.length === 0) return;
        const values: unknown[] = [];
        const tuples = rows.map((r, i) => {
          values.push(this.origin, r.id, r.at, r.actor, r.action, r.target, r.detail, r.ip);
          const b = i * 8;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
        });
        await this.pool.query(
          `INSERT INTO audit_log (origin, local_id, at, actor, action, target, detail, ip) VALUES ${tuples.join(', ')}
            ON CONFLICT (origin, local_id) DO NOTHING`,
          values,
        );
        this.copied = rows[rows.length - 1]!.id;
      }
    } catch (err) {
      this.log.warn({ err }, 'center: audit log not copied to PostgreSQL yet');
      throw err;
    }
  }

  /** The shared log, newest first, filtered as listAudit (ids are the shared table's). */
  async list(f: AuditFilter = {}): Promise<AuditRow[]> {
    await this.copy();
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      args.push(v);
      where.push(`${sql} $${args.length}`);
    };
    if (f.actor) add('actor =', f.actor);
    if (f.action) add('action =', f.action);
    if (f.target) add('target =', f.target);
    if (f.before !== undefined) add('id <', f.before);
    const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
    const { rows } = await this.pool.query<AuditDbRow>(
      `SELECT id, at, actor, action, target, detail, ip FROM audit_log
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
      args,
    );
    return rows.map(toAuditRow);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.copy().catch(() => {});
  }
}
