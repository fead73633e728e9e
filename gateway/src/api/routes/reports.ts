// History search and the daily/monthly report of the alarm console (operator+), read straight from
// the alerts table: counts and time to acknowledge / resolve (median and worst) by type and by
// day or month. Buckets are cut in the station's time zone (`tz`, minutes east of UTC; default
// China Standard Time, +480).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { type ReportRow, sqliteReportSource } from '../report-source.ts';
import { requireRole } from '../session.ts';

const Range = {
  from: Type.Integer({ minimum: 0, description: 'raised at or after, epoch ms' }),
  to: Type.Integer({ minimum: 0, description: 'raised before, epoch ms' }),
  site: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  tz: Type.Optional(Type.Integer({ minimum: -720, maximum: 840 })),
};
const SummaryQuery = Type.Object(
  { ...Range, bucket: Type.Union([Type.Literal('day'), Type.Literal('month')]) },
  { additionalProperties: false },
);
const SearchQuery = Type.Object(
  {
    ...Range,
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    resident: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'part of the name' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export interface Durations {
  count: number;
  ackMedianMs: number | null;
  ackWorstMs: number | null;
  resolveMedianMs: number | null;
  resolveWorstMs: number | null;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function durations(rows: ReportRow[]): Durations {
  const ack = rows.filter((r) => r.acknowledged_at !== null).map((r) => r.acknowledged_at! - r.raised_at);
  const res = rows.filter((r) => r.resolved_at !== null).map((r) => r.resolved_at! - r.raised_at);
  return {
    count: rows.length,
    ackMedianMs: median(ack),
    ackWorstMs: ack.length ? Math.max(...ack) : null,
    resolveMedianMs: median(res),
    resolveWorstMs: res.length ? Math.max(...res) : null,
  };
}

/** The bucket a time falls in, as 'YYYY-MM-DD' or 'YYYY-MM' in the given offset. */
export function bucketOf(at: number, bucket: 'day' | 'month', tzMin: number): string {
  const iso = new Date(at + tzMin * 60_000).toISOString();
  return bucket === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export function reportRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const select = ctx.reports ?? sqliteReportSource(ctx.db);

  app.get(
    '/api/reports/summary',
    { onRequest: requireRole('operator'), schema: { querystring: SummaryQuery } },
    async (req) => {
      const query = req.query;
      const tz = query.tz ?? 480;
      const rows = await select({
        from: query.from,
        to: query.to,
        ...(query.site ? { site: query.site } : {}),
      });
      const byType = [...groupBy(rows, (r) => r.type)].map(([type, rs]) => ({ type, ...durations(rs) }));
      byType.sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
      const bySite = [...groupBy(rows, (r) => r.site)].map(([site, rs]) => ({ site, ...durations(rs) }));
      bySite.sort((a, b) => b.count - a.count || a.site.localeCompare(b.site));
      const buckets = [...groupBy(rows, (r) => bucketOf(r.raised_at, query.bucket, tz))]
        .map(([key, rs]) => ({ key, ...durations(rs) }))
        .sort((a, b) => a.key.localeCompare(b.key));
      const outcomes = [
        ...groupBy(
          rows.filter((r) => r.outcome),
          (r) => r.outcome!,
        ),
      ].map(([outcome, rs]) => ({
        outcome,
        count: rs.length,
      }));
      return {
        from: query.from,
        to: query.to,
        bucket: query.bucket,
        tz,
        total: durations(rows),
        byType,
        bySite,
        buckets,
        outcomes,
      };
    },
  );

  app.get(
    '/api/reports/alerts',
    { onRequest: requireRole('operator'), schema: { querystring: SearchQuery } },
    async (req) => {
      const query = req.query;
      const rows = await select({ ...query, limit: query.limit ?? 200 });
      return {
        alerts: rows.map((r) => ({
          id: r.id,
          site: r.site,
          deviceId: r.device_id,
          type: r.type,
          severity: r.severity,
          state: r.state,
          raisedAt: r.raised_at,
          acknowledgedAt: r.acknowledged_at,
          acknowledgedBy: r.acknowledged_by,
          resolvedAt: r.resolved_at,
          resolvedBy: r.resolved_by,
          outcome: r.outcome,
          residentName: r.resident_name,
        })),
      };
    },
  );
}
