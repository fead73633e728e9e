// The console's reports and history search at a center on PostgreSQL: the same rows as the
// SQLite query (api/routes/reports.ts), the resident's name from the context the station sent.
import type { ReportRow, ReportSource } from '../../api/report-source.ts';
import type { PgPool } from '../../db/pg.ts';

const RESIDENT_NAME = "(c.context::json -> 'resident' ->> 'name')";

export function pgReportSource(pool: PgPool): ReportSource {
  return async (q) => {
    const params: unknown[] = [q.from, q.to];
    const where: string[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.site) add('AND a.site = ?', q.site);
    if (q.type) add('AND a.type = ?', q.type);
    if (q.outcome) add('AND a.outcome = ?', q.outcome);
    if (q.resident)
      add(`AND ${RESIDENT_NAME} LIKE ? ESCAPE '\\'`, `%${q.resident.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const { rows } = await pool.query<ReportRow>(
      `SELECT a.id, a.site, a.device_id, a.type, a.severity, a.state, a.raised_at, a.acknowledged_at,
              a.acknowledged_by, a.resolved_at, a.resolved_by, a.outcome, ${RESIDENT_NAME} AS resident_name
         FROM alerts a LEFT JOIN center_alert_context c ON c.alert_id = a.id
        WHERE a.raised_at >= $1 AND a.raised_at < $2 ${where.join(' ')}
        ORDER BY a.raised_at DESC ${q.limit !== undefined ? `LIMIT ${Math.floor(q.limit)}` : ''}`,
      params,
    );
    return rows;
  };
}
