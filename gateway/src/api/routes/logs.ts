// The device event log (operator+) and the audit log (supervisor+), newest first, paged by `before`.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listAudit } from '../../auth/audit.ts';
import type { RouteContext } from '../context.ts';
import { requireRole } from '../session.ts';

const EventsQuery = Type.Object(
  {
    device: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    site: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'received at or after, epoch ms' })),
    before: Type.Optional(Type.Integer({ minimum: 0, description: 'seqNo of the oldest row already shown' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    before: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

interface EventRow {
  seq_no: number;
  device_id: string;
  event_id: string;
  site: string;
  seq: number | null;
  type: string;
  ts: number;
  received_at: number;
  source: string;
  battery: number | null;
  alert_id: string | null;
}

export function logRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const hasEvents = !!ctx.db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")
    .get();

  app.get(
    '/api/events',
    { onRequest: requireRole('operator'), schema: { querystring: EventsQuery } },
    async (req) => {
      if (!hasEvents) return { events: [] };
      const query = req.query;
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (query.device) {
        where.push('device_id = ?');
        args.push(query.device);
      }
      if (query.site) {
        where.push('site = ?');
        args.push(query.site);
      }
      if (query.type) {
        where.push('type = ?');
        args.push(query.type);
      }
      if (query.since !== undefined) {
        where.push('received_at >= ?');
        args.push(query.since);
      }
      if (query.before !== undefined) {
        where.push('seq_no < ?');
        args.push(query.before);
      }
      // card numbers are stored only as keyed hashes, and not even those leave through the API
      const rows = ctx.db
        .prepare(
          `SELECT seq_no, device_id, event_id, site, seq, type, ts, received_at, source, battery, alert_id FROM events
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq_no DESC LIMIT ?`,
        )
        .all(...args, query.limit ?? 100) as EventRow[];
      return {
        events: rows.map((r) => ({
          seqNo: r.seq_no,
          deviceId: r.device_id,
          eventId: r.event_id,
          site: r.site,
          seq: r.seq,
          type: r.type,
          ts: r.ts,
          receivedAt: r.received_at,
          source: r.source,
          battery: r.battery,
          alertId: r.alert_id,
        })),
      };
    },
  );

  app.get(
    '/api/audit',
    { onRequest: requireRole('supervisor'), schema: { querystring: AuditQuery } },
    async (req) => {
      // at a center on PostgreSQL: every instance's log (center/pg/audit.ts)
      return { entries: ctx.audit ? await ctx.audit.list(req.query) : listAudit(ctx.db, req.query) };
    },
  );
}
