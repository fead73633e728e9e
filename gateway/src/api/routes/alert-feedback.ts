// What the gateway told the device about one alert (alert.received, alert.acknowledged,
// alert.resolved), from the command queue: when it was queued and when the device took it.
// For the console's timeline (operator+).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LinliError } from '@linli/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { requireRole } from '../session.ts';

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

interface Row {
  payload: string;
  created_at: number;
  delivered_at: number | null;
}

export function alertFeedbackRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const select = ctx.db.prepare(
    `SELECT c.payload, c.created_at, c.delivered_at
       FROM cmd_queue c JOIN alerts a ON a.device_id = c.device_id
      WHERE a.id = ? AND json_extract(c.payload, '$.alertId') = a.id
      ORDER BY c.id`,
  );
  const exists = ctx.db.prepare('SELECT 1 FROM alerts WHERE id = ?');
  app.get(
    '/api/alerts/:id/feedback',
    { onRequest: requireRole('operator'), schema: { params: IdParams } },
    async (req) => {
      const { id } = req.params;
      // at a center the alert may be in its shared database; the commands to devices are local
      if (!exists.get(id) && !(ctx.center && (await ctx.alerts.get(id))))
        throw new LinliError('ALERT_NOT_FOUND', `alert ${id} not found`);
      return {
        feedback: (select.all(id) as Row[]).map((r) => ({
          type: (JSON.parse(r.payload) as { type: string }).type,
          at: r.created_at,
          deliveredAt: r.delivered_at,
        })),
      };
    },
  );
}
