// Staff API of responders (issue #15): a resident's responders and plan (read: supervisor;
// change: admin; every change audited), and the monthly volunteer-hours export (supervisor).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../api/context.ts';
import { actorOf, requireRole } from '../api/session.ts';
import { writeAudit } from '../auth/audit.ts';
import { IdString } from '../registry/schemas.ts';
import { hoursCsv, hoursOfMonth } from './hours.ts';
import { PlanSchema, ResponderInputSchema, ResponderPatchSchema } from './schemas.ts';
import { ResponderStore } from './store.ts';

const ResidentParams = Type.Object({ id: IdString }, { additionalProperties: false });
const ResponderParams = Type.Object(
  { id: IdString, rid: Type.String({ pattern: '^rsp-[0-9a-f]{12}$' }) },
  { additionalProperties: false },
);
const HoursQuery = Type.Object(
  {
    month: Type.String({ pattern: '^20\\d\\d-(0[1-9]|1[0-2])$', description: 'YYYY-MM, station time' }),
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')])),
  },
  { additionalProperties: false },
);

export function responderRoutes(root: FastifyInstance, ctx: RouteContext, tzMinutes: number): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const store = new ResponderStore(ctx.db);
  const supervisor = { onRequest: requireRole('supervisor') };
  const admin = { onRequest: requireRole('admin') };
  const audit = (req: Parameters<typeof actorOf>[0], action: string, target: string, detail?: object) =>
    writeAudit(ctx.db, { ...actorOf(req), action, target, ...(detail ? { detail: { ...detail } } : {}) });

  app.get(
    '/api/residents/:id/responders',
    { ...supervisor, schema: { params: ResidentParams } },
    async (req) => {
      const { id } = req.params;
      return { responders: store.list(id), plan: store.plan(id) };
    },
  );

  app.post(
    '/api/residents/:id/responders',
    { ...admin, schema: { params: ResidentParams, body: ResponderInputSchema } },
    async (req, reply) => {
      const { id } = req.params;
      const responder = store.create(id, req.body, actorOf(req).actor);
      audit(req, 'responder.create', `resident:${id}`, {
        responder: responder.id,
        consent: responder.consent,
      });
      return reply.code(201).send({ responder });
    },
  );

  app.patch(
    '/api/residents/:id/responders/:rid',
    { ...admin, schema: { params: ResponderParams, body: ResponderPatchSchema } },
    async (req) => {
      const { id, rid } = req.params;
      const patch = req.body;
      const responder = store.update(id, rid, patch, actorOf(req).actor);
      audit(req, 'responder.update', `resident:${id}`, { responder: rid, fields: Object.keys(patch) });
      return { responder };
    },
  );

  app.delete(
    '/api/residents/:id/responders/:rid',
    { ...admin, schema: { params: ResponderParams } },
    async (req, reply) => {
      const { id, rid } = req.params;
      store.remove(id, rid);
      audit(req, 'responder.delete', `resident:${id}`, { responder: rid });
      return reply.code(204).send();
    },
  );

  app.put(
    '/api/residents/:id/responders/plan',
    { ...admin, schema: { params: ResidentParams, body: PlanSchema } },
    async (req) => {
      const { id } = req.params;
      const plan = store.setPlan(id, req.body, actorOf(req).actor);
      audit(req, 'responder.plan', `resident:${id}`, { immediate: plan.immediate });
      return { plan };
    },
  );

  app.get(
    '/api/volunteer-hours',
    { ...supervisor, schema: { querystring: HoursQuery } },
    async (req, reply) => {
      const { month, format } = req.query;
      const rows = hoursOfMonth(ctx.db, month, tzMinutes);
      audit(req, 'volunteer-hours.export', `month:${month}`, { rows: rows.length });
      if (format === 'json') return { month, hours: rows };
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="volunteer-hours-${month}.csv"`)
        .send(`\ufeff${hoursCsv(rows, tzMinutes)}`);
    },
  );
}
