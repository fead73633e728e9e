// Admin routes for the station settings kept in the database (queue/station-settings.ts): the
// calling policy with its priority classes, and the closed days. Admin only, validated twice
// (schema here, rules in the settings), every change audited.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actor, requireStaff } from './auth.ts';
import type { ApiContext } from './context.ts';
import { CLASS, DAY, obj, oneOf, SERVICE_ID } from './schemas.ts';

const int = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });

export function adminSettingsRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { engine } = ctx;
  const guard = { onRequest: requireStaff('admin') };

  app.get('/api/admin/policy', guard, async () => ({ policy: engine.settings.policy() }));
  app.patch(
    '/api/admin/policy',
    {
      ...guard,
      schema: {
        body: obj(
          {
            policy: oneOf(['strict', 'ratio', 'weighted']),
            normalPerPriority: int(1, 100),
            priorityWeight: int(1, 100),
            priorityAge: int(0, 150),
            priorityClasses: Type.Array(CLASS, { maxItems: 20 }),
          },
          [],
          { minProperties: 1 },
        ),
      },
    },
    async (req) => {
      const policy = engine.settings.setPolicy(req.body, actor(req));
      engine.context.changed(); // people-ahead figures follow the new order
      return { policy };
    },
  );

  app.get('/api/admin/closed-days', guard, async () => ({ closedDays: engine.settings.closedDays() }));
  app.put(
    '/api/admin/closed-days/:day',
    {
      ...guard,
      schema: {
        params: obj({ day: DAY }, ['day']),
        body: obj(
          {
            // '*' (every service) or a list of services
            serviceIds: Type.Unsafe<'*' | string[]>({
              oneOf: [
                { type: 'string', const: '*' },
                { type: 'array', minItems: 1, maxItems: 50, items: SERVICE_ID },
              ],
            }),
            note: Type.String({ maxLength: 100 }),
          },
          ['serviceIds'],
        ),
      },
    },
    async (req) => {
      const body = req.body;
      const closedDay = engine.settings.setClosedDay(
        { day: req.params.day, serviceIds: body.serviceIds, note: body.note ?? '' },
        (id) => engine.service(id),
        actor(req),
      );
      engine.context.changed();
      return { closedDay };
    },
  );
  app.delete(
    '/api/admin/closed-days/:day',
    { ...guard, schema: { params: obj({ day: DAY }, ['day']) } },
    async (req) => {
      engine.settings.removeClosedDay(req.params.day, actor(req));
      engine.context.changed();
      return { ok: true };
    },
  );
}
