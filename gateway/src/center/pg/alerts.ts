// The alerts at the center on PostgreSQL: what the alarm API reads (list, get with history) and
// the center's own technical alerts (center.station-unreachable: raised, folded, restored, and
// acknowledged/resolved/noted by operators). Stations' alerts change only by their revisions
// (store.ts); operators' actions on them are action requests (center.ts).
import { AlertError, alertSeverity, newAlertId } from '../../alerts/engine.ts';
import { type AlertRow, type HistoryRow, publicAlert, toHistoryEntry, toRecord } from '../../alerts/repo.ts';
import { type PgClient, type PgPool, pgTx } from '../../db/pg.ts';
import type { AlertFilter, AlertHistoryEntry, AlertRecord, TechnicalAlertType } from '../../types.ts';
import type { CenterAlerts } from '../data.ts';

/** One history line: the engine's own, or a station's as it sent it (its action unchecked). */
export async function addHistory(
  c: PgClient | PgPool,
  e: Omit<AlertHistoryEntry, 'action'> & { action: string },
): Promise<void> {
  await c.query(
    'INSERT INTO alert_history (alert_id, rev, at, "by", action, note) VALUES ($1, $2, $3, $4, $5, $6)',
    [e.alertId, e.rev, e.at, e.by, e.action, e.note ?? null],
  );
}

/** Called with each change this instance committed (the local live stream). */
export type OnAlertChange = (a: AlertRecord) => void;

export class PgCenterAlerts implements CenterAlerts {
  constructor(
    private readonly pool: PgPool,
    private readonly now: () => number,
    private readonly onChange: OnAlertChange,
  ) {}

  async list(filter: AlertFilter): Promise<AlertRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.state) add('state = ?', filter.state);
    if (filter.severity) add('severity = ?', filter.severity);
    if (filter.site) add('site = ?', filter.site);
    if (filter.deviceId) add('device_id = ?', filter.deviceId);
    if (filter.before !== undefined) add('raised_at < ?', filter.before);
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
    const { rows } = await this.pool.query<AlertRow>(
      `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => publicAlert(toRecord(r)));
  }

  async get(id: string): Promise<{ alert: AlertRecord; history: AlertHistoryEntry[] } | undefined> {
    const [a, h] = await Promise.all([
      this.pool.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]),
      this.pool.query<HistoryRow>('SELECT * FROM alert_history WHERE alert_id = $1 ORDER BY rev, id', [id]),
    ]);
    const row = a.rows[0];
    return row && { alert: publicAlert(toRecord(row)), history: h.rows.map(toHistoryEntry) };
  }

  /** Load one alert for an update (row locked until the transaction ends). */
  private async lock(c: PgClient, id: string) {
    const r = (
      await c.query<AlertRow & { origin: string | null }>('SELECT * FROM alerts WHERE id = $1 FOR UPDATE', [
        id,
      ])
    ).rows[0];
    if (!r) throw new AlertError('ALERT_NOT_FOUND', `no alert ${id}`);
    if (r.origin !== null)
      throw new AlertError(
        'ALERT_ELSEWHERE',
        `alert ${id} is center instance ${r.origin}'s own; act on it there`,
      );
    return toRecord(r);
  }

  private async write(
    c: PgClient,
    a: ReturnType<typeof toRecord>,
    action: AlertHistoryEntry['action'],
    by: string,
    note?: string,
  ): Promise<AlertHistoryEntry> {
    await c.query(
      `UPDATE alerts SET rev = $2, state = $3, count = $4, last_at = $5, acknowledged_at = $6,
        acknowledged_by = $7, resolved_at = $8, resolved_by = $9, outcome = $10 WHERE id = $1`,
      [
        a.id,
        a.rev,
        a.state,
        a.count,
        a.lastAt,
        a.acknowledgedAt ?? null,
        a.acknowledgedBy ?? null,
        a.resolvedAt ?? null,
        a.resolvedBy ?? null,
        a.outcome ?? null,
      ],
    );
    const e: AlertHistoryEntry = { alertId: a.id, rev: a.rev, at: this.now(), by, action };
    if (note !== undefined) e.note = note;
    await addHistory(c, e);
    return e;
  }

  async acknowledge(id: string, by: string): Promise<AlertRecord> {
    const a = await pgTx(this.pool, async (c) => {
      const a = await this.lock(c, id);
      if (a.state !== 'raised')
        throw new AlertError('ALERT_STATE', `alert ${a.id} is ${a.state}; cannot become acknowledged`);
      a.state = 'acknowledged';
      a.acknowledgedAt = this.now();
      a.acknowledgedBy = by;
      a.rev++;
      await this.write(c, a, 'acknowledged', by);
      return publicAlert(a);
    });
    this.onChange(a);
    return a;
  }

  async resolve(id: string, by: string, outcome: string, note?: string): Promise<AlertRecord> {
    const a = await pgTx(this.pool, (c) => this.resolveIn(c, id, by, outcome, note));
    this.onChange(a);
    return a;
  }

  private async resolveIn(c: PgClient, id: string, by: string, outcome: string, note?: string) {
    const a = await this.lock(c, id);
    if (a.state !== 'raised' && a.state !== 'acknowledged')
      throw new AlertError('ALERT_STATE', `alert ${a.id} is ${a.state}; cannot become resolved`);
    const now = this.now();
    if (a.acknowledgedAt === undefined) {
      a.acknowledgedAt = now;
      a.acknowledgedBy = by;
    }
    a.state = 'resolved';
    a.resolvedAt = now;
    a.resolvedBy = by;
    a.outcome = outcome;
    a.rev++;
    await this.write(c, a, 'resolved', by, note);
    return publicAlert(a);
  }

  async addNote(id: string, by: string, note: string): Promise<AlertHistoryEntry> {
    let changed: AlertRecord | undefined;
    const e = await pgTx(this.pool, async (c) => {
      const a = await this.lock(c, id);
      a.rev++;
      changed = publicAlert(a);
      return this.write(c, a, 'note', by, note);
    });
    if (changed) this.onChange(changed);
    return e;
  }

  /** Raise the technical alert of `site`, or fold into its open one. Serialised per (type, site)
   *  by a transaction-scoped advisory lock, so two instances never open two. */
  async raiseTechnical(type: TechnicalAlertType, site: string, note: string): Promise<AlertRecord> {
    const a = await pgTx(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`technical:${type}:${site}`]);
      const open = (
        await c.query<AlertRow>(
          `SELECT * FROM alerts WHERE device_id IS NULL AND resident_id IS NULL AND type = $1 AND site = $2
            AND state IN ('raised', 'acknowledged') ORDER BY raised_at DESC LIMIT 1`,
          [type, site],
        )
      ).rows[0];
      const now = this.now();
      if (open) {
        const a = toRecord(open);
        a.count++;
        a.lastAt = Math.max(a.lastAt, now);
        a.rev++;
        await this.write(c, a, 'folded', 'system', note);
        return publicAlert(a);
      }
      const severity = alertSeverity(type);
      if (!severity) throw new AlertError('ALERT_TYPE', `${type} raises no alert`);
      const a: AlertRecord = {
        id: newAlertId(now),
        rev: 1,
        site,
        type,
        severity,
        state: 'raised',
        count: 1,
        raisedAt: now,
        lastAt: now,
        escalationLevel: 0,
      };
      await c.query(
        `INSERT INTO alerts (id, rev, site, type, severity, state, count, raised_at, last_at, escalation_level)
          VALUES ($1, 1, $2, $3, $4, 'raised', 1, $5, $5, 0)`,
        [a.id, site, type, severity, now],
      );
      await addHistory(c, { alertId: a.id, rev: 1, at: now, by: 'system', action: 'raised', note });
      return a;
    });
    this.onChange(a);
    return a;
  }

  /** Resolve the open technical alert of `type` (of `site` when given), if any. */
  async restoreTechnical(
    type: TechnicalAlertType,
    note: string,
    site?: string,
  ): Promise<AlertRecord | undefined> {
    const a = await pgTx(this.pool, async (c) => {
      if (site !== undefined)
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`technical:${type}:${site}`]);
      const open = (
        await c.query<{ id: string }>(
          `SELECT id FROM alerts WHERE device_id IS NULL AND resident_id IS NULL AND type = $1
            AND ($2::text IS NULL OR site = $2) AND state IN ('raised', 'acknowledged')
            ORDER BY raised_at DESC LIMIT 1`,
          [type, site ?? null],
        )
      ).rows[0];
      return open && this.resolveIn(c, open.id, 'system', 'restored', note);
    });
    if (a) this.onChange(a);
    return a;
  }
}
