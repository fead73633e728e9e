// Where the console's reports read the alerts: the gateway's SQLite file, or at a center on
// PostgreSQL its shared database (center/pg/reports.ts). Used by api/routes/reports.ts.
import type { Database } from 'better-sqlite3';

export interface ReportRow {
  id: string;
  site: string;
  device_id: string | null;
  type: string;
  severity: string;
  state: string;
  raised_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  outcome: string | null;
  resident_name: string | null;
}

/** The resident's name: the station's registry, or at the center the context its station sent. */
const RESIDENT_NAME = "COALESCE(r.name, json_extract(c.context, '$.resident.name'))";

/** Which alerts a report reads: raised in [from, to), of a site, with optional filters. */
export interface ReportQuery {
  from: number;
  to: number;
  site?: string;
  type?: string;
  outcome?: string;
  /** part of the resident's name */
  resident?: string;
  /** most rows, newest first; none: all */
  limit?: number;
}

/** The rows of a report, from wherever the alerts are (the SQLite file, or the center's shared
 *  PostgreSQL: center/pg/reports.ts). */
export type ReportSource = (q: ReportQuery) => Promise<ReportRow[]>;

/** The rows of a report from the gateway's SQLite file. */
export function sqliteReportSource(db: Database): ReportSource {
  return async (q) => {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.site) where.push('AND a.site = ?') && params.push(q.site);
    if (q.type) where.push('AND a.type = ?') && params.push(q.type);
    if (q.outcome) where.push('AND a.outcome = ?') && params.push(q.outcome);
    if (q.resident)
      where.push(`AND ${RESIDENT_NAME} LIKE ? ESCAPE '\\'`) &&
        params.push(`%${q.resident.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return db
      .prepare(
        `SELECT a.id, a.site, a.device_id, a.type, a.severity, a.state, a.raised_at, a.acknowledged_at,
                a.acknowledged_by, a.resolved_at, a.resolved_by, a.outcome, ${RESIDENT_NAME} AS resident_name
           FROM alerts a LEFT JOIN residents r ON r.id = a.resident_id
           LEFT JOIN center_alert_context c ON c.alert_id = a.id
          WHERE a.raised_at >= ? AND a.raised_at < ? ${where.join(' ')}
          ORDER BY a.raised_at DESC LIMIT ${q.limit ?? -1}`,
      )
      .all(q.from, q.to, ...params) as ReportRow[];
  };
}
