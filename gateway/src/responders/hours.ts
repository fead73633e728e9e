// Volunteer hours (志愿时) of an attended call, recorded when the alert ends. The rule
// (docs/responders.md): a volunteer who answered "I'm going" or "I'm there" is credited from the
// first of the two to the alert's resolution; at least MIN_THERE_MIN minutes when they reached the
// resident ("I'm there"), at most MAX_MIN minutes. Family members and grid workers (a paid role)
// are not volunteers and get no hours. Exported per month as CSV.
import type { Database } from 'better-sqlite3';

export const MIN_THERE_MIN = 30;
export const MAX_MIN = 240;

export interface Attendance {
  goingAt: number | null;
  thereAt: number | null;
}

/** Minutes credited and the rule used; undefined when the responder did not attend. */
export function creditedMinutes(
  a: Attendance,
  endAt: number,
): { start: number; minutes: number; rule: string } | undefined {
  const start = Math.min(a.goingAt ?? Number.POSITIVE_INFINITY, a.thereAt ?? Number.POSITIVE_INFINITY);
  if (!Number.isFinite(start)) return undefined;
  let minutes = Math.max(0, Math.round((endAt - start) / 60_000));
  let rule = 'going-to-resolved';
  if (a.thereAt !== null && minutes < MIN_THERE_MIN) {
    minutes = MIN_THERE_MIN;
    rule = 'there-minimum';
  }
  if (minutes > MAX_MIN) {
    minutes = MAX_MIN;
    rule = 'capped';
  }
  return { start, minutes, rule };
}

export interface HoursRow {
  alertId: string;
  responderId: string;
  responderName: string;
  residentId: string;
  startAt: number;
  endAt: number;
  minutes: number;
  rule: string;
}

/** Record the hours of every volunteer who attended `alertId` (once: a second call changes nothing). */
export function recordHours(db: Database, alertId: string, endAt: number): number {
  const rows = db
    .prepare(
      `SELECT n.responder_id, n.going_at, n.there_at, r.name, r.kind, e.resident_id
         FROM responder_notifications n
         JOIN responders r ON r.id = n.responder_id
         JOIN responder_escalations e ON e.alert_id = n.alert_id
        WHERE n.alert_id = ? AND (n.going_at IS NOT NULL OR n.there_at IS NOT NULL)`,
    )
    .all(alertId) as {
    responder_id: string;
    going_at: number | null;
    there_at: number | null;
    name: string;
    kind: string;
    resident_id: string;
  }[];
  const insert = db.prepare(
    `INSERT OR IGNORE INTO volunteer_hours (alert_id, responder_id, responder_name, resident_id, start_at, end_at, minutes, rule)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let n = 0;
  for (const r of rows) {
    if (r.kind !== 'volunteer') continue;
    const c = creditedMinutes({ goingAt: r.going_at, thereAt: r.there_at }, endAt);
    if (!c) continue;
    n += insert.run(
      alertId,
      r.responder_id,
      r.name,
      r.resident_id,
      c.start,
      endAt,
      c.minutes,
      c.rule,
    ).changes;
  }
  return n;
}

/** The hours started in month 'YYYY-MM' (station time). */
export function hoursOfMonth(db: Database, month: string, tzMinutes: number): HoursRow[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = Date.UTC(y, m - 1, 1) - tzMinutes * 60_000;
  const to = Date.UTC(y, m, 1) - tzMinutes * 60_000;
  return db
    .prepare(
      `SELECT alert_id AS alertId, responder_id AS responderId, responder_name AS responderName,
                resident_id AS residentId, start_at AS startAt, end_at AS endAt, minutes, rule
           FROM volunteer_hours WHERE start_at >= ? AND start_at < ? ORDER BY responder_name, start_at`,
    )
    .all(from, to) as HoursRow[];
}

function cell(v: string | number): string {
  const s = String(v);
  // a leading = + - @ would be a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function hoursCsv(rows: HoursRow[], tzMinutes: number): string {
  const iso = (t: number) => new Date(t + tzMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    ['responder_id', 'responder', 'alert_id', 'resident_id', 'start', 'end', 'minutes', 'rule'].join(','),
  ];
  for (const r of rows)
    lines.push(
      [
        r.responderId,
        r.responderName,
        r.alertId,
        r.residentId,
        iso(r.startAt),
        iso(r.endAt),
        r.minutes,
        r.rule,
      ]
        .map(cell)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
