// Staff accounts (admin): list, create, change role / disable / reset password.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../auth/roles.ts';
import type { RouteContext } from '../context.ts';
import { actorOf, requireRole } from '../session.ts';

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const CreateBody = Type.Object(
  {
    username: Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' }),
    password: Type.String({ minLength: 10, maxLength: 256 }),
    role: RoleSchema,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    password: Type.Optional(Type.String({ minLength: 10, maxLength: 256 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Params = Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' }) });

export function staffRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const admin = { onRequest: requireRole('admin') };

  app.get('/api/staff', admin, async () => ({ staff: await ctx.staff.list() }));

  app.post('/api/staff', { ...admin, schema: { body: CreateBody } }, async (req, reply) => {
    return reply.code(201).send({ staff: await ctx.staff.create(req.body, actorOf(req)) });
  });

  app.patch(
    '/api/staff/:username',
    { ...admin, schema: { params: Params, body: PatchBody } },
    async (req) => {
      const { username } = req.params;
      const { password, ...patch } = req.body;
      if (password) await ctx.staff.setPassword(username, password, actorOf(req));
      const staff = Object.keys(patch).length
        ? await ctx.staff.update(username, patch, actorOf(req))
        : await ctx.staff.get(username);
      return { staff };
    },
  );
}
