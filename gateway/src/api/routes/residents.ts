// Residents: read for operators (the console needs who and where); changes for admins.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LinliError } from '@linli/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { IdString, ResidentInputSchema, ResidentPatchSchema } from '../../registry/schemas.ts';
import type { RouteContext } from '../context.ts';
import { actorOf, requireRole } from '../session.ts';

const IdParams = Type.Object({ id: IdString });
const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    livesAlone: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export function residentRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const operator = { onRequest: requireRole('operator') };
  const admin = { onRequest: requireRole('admin') };

  app.get('/api/residents', { ...operator, schema: { querystring: ListQuery } }, async (req) => {
    const query = req.query;
    return { residents: ctx.registry.listResidents(query) };
  });

  app.get('/api/residents/:id', { ...operator, schema: { params: IdParams } }, async (req) => {
    const { id } = req.params;
    const resident = ctx.registry.resident(id);
    if (!resident) throw new LinliError('RESIDENT_NOT_FOUND', `resident ${id} not found`);
    return { resident, devices: ctx.registry.list({ residentId: id }) };
  });

  app.post('/api/residents', { ...admin, schema: { body: ResidentInputSchema } }, async (req, reply) => {
    const resident = ctx.registry.createResident(req.body, actorOf(req));
    return reply.code(201).send({ resident });
  });

  app.patch(
    '/api/residents/:id',
    { ...admin, schema: { params: IdParams, body: ResidentPatchSchema } },
    async (req) => {
      const { id } = req.params;
      return { resident: ctx.registry.updateResident(id, req.body, actorOf(req)) };
    },
  );

  app.delete('/api/residents/:id', { ...admin, schema: { params: IdParams } }, async (req, reply) => {
    const { id } = req.params;
    ctx.registry.deleteResident(id, actorOf(req));
    return reply.code(204).send();
  });
}
