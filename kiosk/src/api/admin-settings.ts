// Admin routes for the station settings kept in the database (queue/station-settings.ts): the
// calling policy with its priority classes, and the closed days. Admin only, validated twice
// (schema here, rules in the settings), every change audited.
import type { FastifyInstance } from 'fastify';
import type { ClosedDay, PolicySettings } from '../queue/station-settings.ts';
import { actor, requireStaff } from './auth.ts';
import type { ApiContext } from './context.ts';
import { CLASS, DAY, obj, SERVICE_ID } from './schemas.ts';

const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum });

export function adminSettingsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { engine } = ctx;
  const guard = { onRequest: requireStaff('admin') };

  app.get('/api/admin/policy', guard, async () => ({ policy: engine.settings.policy() }));
  app.patch(
    '/api/admin/policy',
    {
      ...guard,
      schema: {
        body: {
          ...obj({
            policy: { type: 'string', enum: ['strict', 'ratio', 'weighted'] },
            normalPerPriority: int(1, 100),
            priorityWeight: int(1, 100),
            priorityAge: int(0, 150),
            priorityClasses: { type: 'array', maxItems: 20, items: CLASS },
          }),
          minProperties: 1,
        },
      },
    },
    async (req) => {
      const policy = engine.settings.setPolicy(req.body as Partial<PolicySettings>, actor(req));
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
            serviceIds: {
              oneOf: [
                { type: 'string', const: '*' },
                { type: 'array', minItems: 1, maxItems: 50, items: SERVICE_ID },
              ],
            },
            note: { type: 'string', maxLength: 100 },
          },
          ['serviceIds'],
        ),
      },
    },
    async (req) => {
      const b = req.body as Omit<ClosedDay, 'day'>;
      const closedDay = engine.settings.setClosedDay(
        { day: (req.params as { day: string }).day, serviceIds: b.serviceIds, note: b.note ?? '' },
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
      engine.settings.removeClosedDay((req.params as { day: string }).day, actor(req));
      engine.context.changed();
      return { ok: true };
    },
  );
}
