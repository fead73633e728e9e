// Admin routes: services, windows, staff accounts, audit log (with filters), bad ratings,
// statistics and CSV. Closed days and the calling policy: admin-settings.ts.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createService, saveWindow, updateService } from '../queue/admin.ts';
import { readAudit } from '../queue/audit.ts';
import { QueueError } from '../queue/errors.ts';
import { shiftDay } from '../queue/rollover.ts';
import { computeStats, statsCsv } from '../queue/stats.ts';
import { zonedToUtc } from '../queue/time.ts';
import { actor, requireStaff } from './auth.ts';
import type { ApiContext } from './context.ts';
import { DAY, HOURS, NUM_PARAM, obj, oneOf, params, SERVICE_ID, str } from './schemas.ts';

const serviceProps = {
  nameZh: str(40),
  nameEn: str(80),
  prefix: str(1, { pattern: '^[A-Z]$' }),
  rangeStart: Type.Integer({ minimum: 0, maximum: 9999 }),
  rangeEnd: Type.Integer({ minimum: 1, maximum: 9999 }),
  dailyCap: Type.Integer({ minimum: 0, maximum: 9999 }),
  hours: HOURS,
  idRequired: Type.Boolean(),
  expectedServiceS: Type.Integer({ minimum: 10, maximum: 86400 }),
  active: Type.Boolean(),
  sort: Type.Integer({ minimum: 0, maximum: 10000 }),
};
const staffProps = {
  displayName: str(40),
  role: oneOf(['window', 'admin']),
  active: Type.Boolean(),
  password: str(128),
};

export function adminRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { engine } = ctx;
  const guard = { onRequest: requireStaff('admin') };

  app.get('/api/admin/services', guard, async () => ({ services: engine.services(true) }));
  app.post(
    '/api/admin/services',
    {
      ...guard,
      schema: {
        body: obj({ id: SERVICE_ID, ...serviceProps }, ['id', 'nameZh', 'nameEn', 'prefix', 'hours']),
      },
    },
    async (req, reply) => reply.status(201).send({ service: createService(engine, req.body, actor(req)) }),
  );
  app.patch(
    '/api/admin/services/:id',
    { ...guard, schema: { params: params.service, body: obj(serviceProps, [], { minProperties: 1 }) } },
    async (req) => ({
      service: updateService(engine, req.params.id, req.body, actor(req)),
    }),
  );

  const windowBody = {
    name: str(40),
    active: Type.Boolean(),
    serviceIds: Type.Array(SERVICE_ID, { maxItems: 50 }),
  };
  app.post(
    '/api/admin/windows',
    {
      ...guard,
      schema: {
        body: obj({ id: Type.Integer({ minimum: 1, maximum: 999 }), ...windowBody }, ['id', 'name']),
      },
    },
    async (req, reply) => {
      const body = req.body;
      return reply.status(201).send({ window: saveWindow(engine, body.id, body, actor(req), true) });
    },
  );
  app.patch(
    '/api/admin/windows/:id',
    { ...guard, schema: { params: params.window, body: obj(windowBody, [], { minProperties: 1 }) } },
    async (req) => ({
      window: saveWindow(engine, Number(req.params.id), req.body, actor(req), false),
    }),
  );

  const range = (query: { from?: string; to?: string }) => {
    const from = query.from ?? engine.today();
    const to = query.to ?? from;
    if (to < from) throw new QueueError('VALIDATION', '结束日期早于开始日期', '`to` is before `from`');
    return { from, to };
  };
  app.get('/api/admin/staff', guard, async () => ({ staff: ctx.staff.list() }));
  app.post(
    '/api/admin/staff',
    {
      ...guard,
      schema: {
        body: obj({ username: str(32), ...staffProps }, ['username', 'displayName', 'role', 'password']),
      },
    },
    async (req, reply) => {
      const body = req.body;
      return reply.status(201).send({ staff: await ctx.staff.create(body, actor(req)) });
    },
  );
  app.patch(
    '/api/admin/staff/:id',
    { ...guard, schema: { params: params.staff, body: obj(staffProps, [], { minProperties: 1 }) } },
    async (req) => ({
      staff: await ctx.staff.update(Number(req.params.id), req.body, actor(req)),
    }),
  );

  app.get(
    '/api/admin/audit',
    {
      ...guard,
      schema: {
        querystring: obj({
          limit: NUM_PARAM,
          before: str(12, { pattern: '^[0-9]+$' }),
          action: str(40, { pattern: '^[a-z][a-z.-]{0,39}$' }),
          username: str(32),
          target: str(80, { pattern: '^[a-z][a-z-]*(:[^\\s]{1,60})?$' }),
          from: DAY,
          to: DAY,
        }),
      },
    },
    async (req) => {
      const query = req.query;
      const { from, to } = query.from || query.to ? range(query) : { from: undefined, to: undefined };
      const tz = ctx.config.timeZone;
      return {
        entries: readAudit(engine.db, {
          limit: Math.min(1000, Number(query.limit ?? 100)),
          before: query.before === undefined ? undefined : Number(query.before),
          // 'service.update' is one action; 'service' is the family (create, update)
          ...(query.action?.includes('.') ? { action: query.action } : { actionPrefix: query.action }),
          username: query.username,
          target: query.target,
          from: from === undefined ? undefined : zonedToUtc(from, '00:00', tz),
          to: to === undefined ? undefined : zonedToUtc(shiftDay(to, 1), '00:00', tz),
        }),
      };
    },
  );

  app.get(
    '/api/admin/ratings/bad',
    { ...guard, schema: { querystring: obj({ open: oneOf(['0', '1']) }) } },
    async (req) => ({ ratings: engine.badRatings({ open: req.query.open === '1' }) }),
  );
  app.post(
    '/api/admin/ratings/:id/follow-up',
    { ...guard, schema: { params: params.ticket, body: obj({ note: str(500) }, ['note']) } },
    async (req) => {
      engine.followUp(req.params.id, req.body.note, actor(req));
      return { ok: true };
    },
  );

  app.get(
    '/api/admin/stats',
    { ...guard, schema: { querystring: obj({ from: DAY, to: DAY }) } },
    async (req) => {
      const { from, to } = range(req.query);
      return computeStats(engine.db, from, to, ctx.config.timeZone);
    },
  );
  app.get(
    '/api/admin/stats.csv',
    {
      ...guard,
      schema: {
        querystring: obj({
          from: DAY,
          to: DAY,
          by: oneOf(['service', 'window', 'staff', 'day', 'hour']),
        }),
      },
    },
    async (req, reply) => {
      const query = req.query;
      const { from, to } = range(query);
      const by = query.by ?? 'service';
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="linli-stats-${by}-${from}-${to}.csv"`);
      return statsCsv(computeStats(engine.db, from, to, ctx.config.timeZone), by);
    },
  );

  app.get('/api/admin/refusals', guard, async () => ({
    refusals: Object.fromEntries(ctx.refusals),
    cardReadsDropped: ctx.cards.dropped,
  }));
}
