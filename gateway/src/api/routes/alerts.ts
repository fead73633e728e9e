// Alerts, all through the engine's AlertService; every acknowledgement, resolution and note
// is audited with who, when and from where.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LinliError } from '@linli/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { writeAudit } from '../../auth/audit.ts';
import type { RouteContext } from '../context.ts';
import { actorOf, requireRole } from '../session.ts';

const AlertStateSchema = Type.Union([
  Type.Literal('raised'),
  Type.Literal('acknowledged'),
  Type.Literal('resolved'),
  Type.Literal('cancelled'),
]);
const SeveritySchema = Type.Union([
  Type.Literal('critical'),
  Type.Literal('major'),
  Type.Literal('minor'),
  Type.Literal('warning'),
]);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

const ListQuery = Type.Object(
  {
    state: Type.Optional(AlertStateSchema),
    severity: Type.Optional(SeveritySchema),
    site: Type.Optional(Type.String({ maxLength: 64 })),
    device: Type.Optional(Type.String({ maxLength: 128 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    before: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const ResolveBody = Type.Object(
  {
    outcome: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'outcome code, e.g. false-alarm, assisted, ambulance',
    }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
/** No body, or an empty object: anything else is a client mistake worth telling. */
const EmptyBody = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })]);
const NoteBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export function alertRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const operator = { onRequest: requireRole('operator') };

  app.get('/api/alerts', { ...operator, schema: { querystring: ListQuery } }, async (req) => {
    const query = req.query;
    const alerts = await ctx.alerts.list({
      ...(query.state ? { state: query.state } : {}),
      ...(query.severity ? { severity: query.severity } : {}),
      ...(query.site ? { site: query.site } : {}),
      ...(query.device ? { deviceId: query.device } : {}),
      limit: query.limit ?? 100,
      ...(query.before !== undefined ? { before: query.before } : {}),
    });
    // at the center: the operators' requests still waiting for their station
    if (ctx.center) return { alerts, pendingActions: await ctx.center.pendingActions(query.site) };
    return { alerts };
  });

  app.get('/api/alerts/:id', { ...operator, schema: { params: IdParams } }, async (req) => {
    const { id } = req.params;
    const found = await ctx.alerts.get(id);
    if (!found) throw new LinliError('ALERT_NOT_FOUND', `alert ${id} not found`);
    // at the center: from the context the station sent, and the actions waiting for the station
    if (ctx.center) return { ...found, ...(await ctx.center.detail(id)) };
    // who to help and where: the device and the resident it serves, for the console
    const device = found.alert.deviceId ? ctx.registry.get(found.alert.deviceId) : undefined;
    const resident = device?.residentId ? ctx.registry.resident(device.residentId) : undefined;
    return { ...found, device: device ?? null, resident: resident ?? null };
  });

  app.post(
    '/api/alerts/:id/ack',
    { ...operator, schema: { params: IdParams, body: EmptyBody } },
    async (req, reply) => {
      const { id } = req.params;
      if (ctx.center && (await ctx.center.owns(id))) {
        const action = await ctx.center.request(id, 'acknowledge', req.staff!.username);
        writeAudit(ctx.db, {
          ...actorOf(req),
          action: 'alert.acknowledge',
          target: `alert:${id}`,
          detail: { requested: action.id },
        });
        return reply.code(202).send({ alert: (await ctx.alerts.get(id))!.alert, action });
      }
      const alert = await ctx.alerts.acknowledge(id, req.staff!.username);
      writeAudit(ctx.db, {
        ...actorOf(req),
        action: 'alert.acknowledge',
        target: `alert:${id}`,
        detail: { rev: alert.rev },
      });
      return { alert };
    },
  );

  app.post(
    '/api/alerts/:id/resolve',
    { ...operator, schema: { params: IdParams, body: ResolveBody } },
    async (req, reply) => {
      const { id } = req.params;
      const { outcome, note } = req.body;
      if (ctx.center && (await ctx.center.owns(id))) {
        const action = await ctx.center.request(id, 'resolve', req.staff!.username, {
          outcome,
          ...(note ? { note } : {}),
        });
        writeAudit(ctx.db, {
          ...actorOf(req),
          action: 'alert.resolve',
          target: `alert:${id}`,
          detail: { requested: action.id, outcome, ...(note ? { note } : {}) },
        });
        return reply.code(202).send({ alert: (await ctx.alerts.get(id))!.alert, action });
      }
      const alert = await ctx.alerts.resolve(id, req.staff!.username, outcome, note);
      writeAudit(ctx.db, {
        ...actorOf(req),
        action: 'alert.resolve',
        target: `alert:${id}`,
        detail: { rev: alert.rev, outcome, ...(note ? { note } : {}) },
      });
      return { alert };
    },
  );

  app.post(
    '/api/alerts/:id/notes',
    { ...operator, schema: { params: IdParams, body: NoteBody } },
    async (req, reply) => {
      const { id } = req.params;
      const { note } = req.body;
      if (ctx.center && (await ctx.center.owns(id))) {
        const action = await ctx.center.request(id, 'note', req.staff!.username, { note });
        writeAudit(ctx.db, {
          ...actorOf(req),
          action: 'alert.note',
          target: `alert:${id}`,
          detail: { requested: action.id, note },
        });
        return reply.code(202).send({ action });
      }
      const entry = await ctx.alerts.addNote(id, req.staff!.username, note);
      writeAudit(ctx.db, { ...actorOf(req), action: 'alert.note', target: `alert:${id}`, detail: { note } });
      return reply.code(201).send({ entry });
    },
  );
}
