// SQL for alerts and their history.
import type { AlertSeverity, AlertState } from '@linli/shared';
import type { Db } from '../db/open.ts';
import { withPresent } from '../db/rows.ts';
import type { AlertFilter, AlertHistoryEntry, AlertRecord } from '../types.ts';

export interface AlertRow {
  id: string;
  rev: number;
  site: string;
  device_id: string | null;
  resident_id: string | null;
  type: string;
  severity: AlertSeverity;
  state: AlertState;
  contact_id: string | null;
  count: number;
  raised_at: number;
  last_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  outcome: string | null;
  cancelled_by_resident: number;
  escalation_level: number;
  next_escalation_at: number | null;
}

export interface StoredAlert extends AlertRecord {
  residentId?: string;
  nextEscalationAt?: number;
}

export function toRecord(r: AlertRow): StoredAlert {
  const a = withPresent<StoredAlert, AlertRow>(
    {
      id: r.id,
      rev: r.rev,
      site: r.site,
      type: r.type as AlertRecord['type'],
      severity: r.severity,
      state: r.state,
      count: r.count,
      raisedAt: r.raised_at,
      lastAt: r.last_at,
      escalationLevel: r.escalation_level,
    },
    r,
    {
      device_id: 'deviceId',
      resident_id: 'residentId',
      contact_id: 'contactId',
      acknowledged_at: 'acknowledgedAt',
      acknowledged_by: 'acknowledgedBy',
      resolved_at: 'resolvedAt',
      resolved_by: 'resolvedBy',
      outcome: 'outcome',
      next_escalation_at: 'nextEscalationAt',
    },
  );
  if (r.cancelled_by_resident) a.cancelledByResident = true;
  return a;
}

/** The named parameters of an alert row (every column; absent fields are NULL), for the
 *  statements here and the center's upsert of a station's revision (center/store.ts). */
export function alertParams(a: StoredAlert): Record<string, string | number | null> {
  return {
    id: a.id,
    rev: a.rev,
    site: a.site,
    deviceId: a.deviceId ?? null,
    residentId: a.residentId ?? null,
    type: a.type,
    severity: a.severity,
    state: a.state,
    contactId: a.contactId ?? null,
    count: a.count,
    raisedAt: a.raisedAt,
    lastAt: a.lastAt,
    acknowledgedAt: a.acknowledgedAt ?? null,
    acknowledgedBy: a.acknowledgedBy ?? null,
    resolvedAt: a.resolvedAt ?? null,
    resolvedBy: a.resolvedBy ?? null,
    outcome: a.outcome ?? null,
    cancelledByResident: a.cancelledByResident ? 1 : 0,
    escalationLevel: a.escalationLevel,
    nextEscalationAt: a.nextEscalationAt ?? null,
  };
}

/** Public view: internal fields removed. */
export function publicAlert(a: StoredAlert): AlertRecord {
  const { residentId: _r, nextEscalationAt: _n, ...rest } = a;
  return rest;
}

/** A row of alert_history (SQLite and the center's PostgreSQL). */
export interface HistoryRow {
  alert_id: string;
  rev: number;
  at: number;
  by: string;
  action: AlertHistoryEntry['action'];
  note: string | null;
}

export function toHistoryEntry(r: HistoryRow): AlertHistoryEntry {
  const e: AlertHistoryEntry = { alertId: r.alert_id, rev: r.rev, at: r.at, by: r.by, action: r.action };
  if (r.note !== null) e.note = r.note;
  return e;
}

export class AlertRepo {
  private readonly s;
  constructor(private readonly db: Db) {
    this.s = {
      get: db.prepare('SELECT * FROM alerts WHERE id = ?'),
      open: db.prepare(
        "SELECT * FROM alerts WHERE device_id = ? AND type = ? AND state IN ('raised', 'acknowledged') ORDER BY raised_at DESC LIMIT 1",
      ),
      openByResident: db.prepare(
        "SELECT * FROM alerts WHERE resident_id = ? AND type = ? AND state IN ('raised', 'acknowledged') ORDER BY raised_at DESC LIMIT 1",
      ),
      openTechnical: db.prepare(
        "SELECT * FROM alerts WHERE device_id IS NULL AND resident_id IS NULL AND type = ? AND state IN ('raised', 'acknowledged') ORDER BY raised_at DESC LIMIT 1",
      ),
      openTechnicalOf: db.prepare(
        "SELECT * FROM alerts WHERE device_id IS NULL AND resident_id IS NULL AND type = ? AND site = ? AND state IN ('raised', 'acknowledged') ORDER BY raised_at DESC LIMIT 1",
      ),
      insert:
        db.prepare(`INSERT INTO alerts (id, rev, site, device_id, resident_id, type, severity, state, contact_id,
        count, raised_at, last_at, escalation_level, next_escalation_at)
        VALUES (@id, @rev, @site, @deviceId, @residentId, @type, @severity, @state, @contactId, @count, @raisedAt,
        @lastAt, @escalationLevel, @nextEscalationAt)`),
      update: db.prepare(`UPDATE alerts SET rev = @rev, state = @state, count = @count, last_at = @lastAt,
        acknowledged_at = @acknowledgedAt, acknowledged_by = @acknowledgedBy, resolved_at = @resolvedAt,
        resolved_by = @resolvedBy, outcome = @outcome, cancelled_by_resident = @cancelledByResident,
        escalation_level = @escalationLevel, next_escalation_at = @nextEscalationAt WHERE id = @id`),
      history: db.prepare(
        'INSERT INTO alert_history (alert_id, rev, at, by, action, note) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      historyOf: db.prepare('SELECT * FROM alert_history WHERE alert_id = ? ORDER BY rev, id'),
      due: db.prepare(
        "SELECT * FROM alerts WHERE next_escalation_at IS NOT NULL AND next_escalation_at <= ? AND state = 'raised' ORDER BY next_escalation_at",
      ),
      byState: db.prepare('SELECT state, COUNT(*) AS n FROM alerts GROUP BY state'),
    };
  }

  get(id: string): StoredAlert | undefined {
    const r = this.s.get.get(id) as AlertRow | undefined;
    return r && toRecord(r);
  }
  openFor(deviceId: string, type: string): StoredAlert | undefined {
    const r = this.s.open.get(deviceId, type) as AlertRow | undefined;
    return r && toRecord(r);
  }
  openForResident(residentId: string, type: string): StoredAlert | undefined {
    const r = this.s.openByResident.get(residentId, type) as AlertRow | undefined;
    return r && toRecord(r);
  }
  /** The open alert of `type` with neither device nor resident (a technical alert), of `site`
   *  when given (at the center, several stations' technical alerts share the table). */
  openTechnical(type: string, site?: string): StoredAlert | undefined {
    const r = (
      site === undefined ? this.s.openTechnical.get(type) : this.s.openTechnicalOf.get(type, site)
    ) as AlertRow | undefined;
    return r && toRecord(r);
  }
  insert(a: StoredAlert): void {
    this.s.insert.run(alertParams(a));
  }
  update(a: StoredAlert): void {
    this.s.update.run(alertParams(a));
  }
  addHistory(e: AlertHistoryEntry): void {
    this.s.history.run(e.alertId, e.rev, e.at, e.by, e.action, e.note ?? null);
  }
  history(alertId: string): AlertHistoryEntry[] {
    return (this.s.historyOf.all(alertId) as HistoryRow[]).map(toHistoryEntry);
  }
  dueForEscalation(now: number): StoredAlert[] {
    return (this.s.due.all(now) as AlertRow[]).map(toRecord);
  }
  countByState(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.s.byState.all() as { state: string; n: number }[]) out[r.state] = r.n;
    return out;
  }
  list(filter: AlertFilter): StoredAlert[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state) where.push('state = ?') && params.push(filter.state);
    if (filter.severity) where.push('severity = ?') && params.push(filter.severity);
    if (filter.site) where.push('site = ?') && params.push(filter.site);
    if (filter.deviceId) where.push('device_id = ?') && params.push(filter.deviceId);
    if (filter.before !== undefined) where.push('raised_at < ?') && params.push(filter.before);
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...params) as AlertRow[]).map(toRecord);
  }
}
