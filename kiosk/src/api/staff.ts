// Window staff routes (roles window and admin): windows, calling, ticket actions, issuing on a
// resident's behalf, appointments. Every action is audited by the engine.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actor, requireStaff } from './auth.ts';
import type { ApiContext } from './context.ts';
import { issuedBody } from './public.ts';
import { CLASS, DAY, HHMM, obj, oneOf, params, SERVICE_ID, str, TICKET_ID } from './schemas.ts';

export function staffRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { engine } = ctx;
  const guard = { onRequest: requireStaff() };

  app.get('/api/windows', guard, async () => ({ windows: engine.windows() }));

  const win = (path: string, fn: (id: number, req: FastifyRequest) => unknown) =>
    app.post(`/api/windows/:id/${path}`, { ...guard, schema: { params: params.window } }, async (req) =>
      fn(Number(req.params.id), req),
    );
  win('sign-in', (id, req) => ({ window: engine.signIn(id, actor(req)) }));
  win('sign-out', (id, req) => {
    engine.signOut(id, actor(req));
    return { ok: true };
  });
  win('call-next', (id, req) => ({ ticket: engine.callNext(id, actor(req)) }));
  app.post(
    '/api/windows/:id/call',
    { ...guard, schema: { params: params.window, body: obj({ ticketId: TICKET_ID }, ['ticketId']) } },
    async (req) => ({ ticket: engine.callTicket(Number(req.params.id), req.body.ticketId, actor(req)) }),
  );
  app.get('/api/windows/:id/queue', { ...guard, schema: { params: params.window } }, async (req) => ({
    tickets: engine.windowQueue(Number(req.params.id)),
  }));
  app.get('/api/windows/:id/current', { ...guard, schema: { params: params.window } }, async (req) => {
    const id = Number(req.params.id);
    const open = engine
      .listTickets({ windowId: id })
      .filter((t) => t.state === 'called' || t.state === 'serving');
    return { ticket: open[0] ?? null };
  });

  app.get(
    '/api/tickets',
    {
      ...guard,
      schema: {
        querystring: obj({
          day: DAY,
          state: oneOf([
            'waiting',
            'called',
            'serving',
            'done',
            'no-show',
            'cancelled',
            'transferred',
            'expired',
          ]),
          serviceId: SERVICE_ID,
          windowId: str(6, { pattern: '^[1-9][0-9]{0,5}$' }),
        }),
      },
    },
    async (req) => {
      const query = req.query;
      return {
        tickets: engine.listTickets({
          ...query,
          windowId: query.windowId === undefined ? undefined : Number(query.windowId),
        }),
      };
    },
  );
  app.get('/api/tickets/:id', { ...guard, schema: { params: params.ticket } }, async (req) => ({
    ticket: engine.staffView(engine.row(req.params.id)),
  }));

  const act = (path: string, fn: (id: string, req: FastifyRequest) => unknown) =>
    app.post(`/api/tickets/:id/${path}`, { ...guard, schema: { params: params.ticket } }, async (req) =>
      fn(req.params.id, req),
    );
  /** A ticket action with a body: `fn` gets the body as its schema types it. */
  const actWith = <Body extends TSchema>(
    path: string,
    body: Body,
    fn: (id: string, req: FastifyRequest, body: Static<Body>) => unknown,
  ) =>
    app.post(`/api/tickets/:id/${path}`, { ...guard, schema: { params: params.ticket, body } }, async (req) =>
      fn(req.params.id, req, req.body),
    );
  act('recall', (id, req) => ({ ticket: engine.recall(id, actor(req)) }));
  act('start', (id, req) => ({ ticket: engine.startServing(id, actor(req)) }));
  actWith(
    'finish',
    obj(
      {
        outcome: oneOf(['resolved', 'follow-up', 'referred']),
        note: Type.String({ maxLength: 500 }),
      },
      ['outcome'],
    ),
    (id, req, body) => ({ ticket: engine.finish(id, body.outcome, actor(req), body.note) }),
  );
  act('no-show', (id, req) => ({ ticket: engine.noShow(id, actor(req)) }));
  act('reactivate', (id, req) => ({ ticket: engine.reactivate(id, actor(req)) }));
  act('cancel', (id, req) => ({ ticket: engine.cancel(id, actor(req)) }));
  actWith(
    'transfer',
    obj({ serviceId: SERVICE_ID, note: Type.String({ maxLength: 500 }) }, ['serviceId']),
    (id, req, body) => ({ ticket: engine.transfer(id, body.serviceId, actor(req), body.note) }),
  );
  actWith('priority', obj({ priorityClass: CLASS }, ['priorityClass']), (id, req, body) => ({
    ticket: engine.setPriority(id, body.priorityClass, actor(req)),
  }));
  act('reprint', (id, req) => ({ print: engine.reprint(id, actor(req)) ?? null }));

  app.post(
    '/api/staff/tickets',
    {
      ...guard,
      schema: {
        body: obj({ serviceId: SERVICE_ID, priorityClass: CLASS, identityChecked: Type.Boolean() }, [
          'serviceId',
        ]),
      },
    },
    async (req, reply) => {
      const body = req.body;
      // identityChecked: for an ID-required service, the staff member checked the resident's
      // identity document (audited on the ticket).
      const res = engine.issue(
        {
          serviceId: body.serviceId,
          source: 'staff',
          priorityClass: body.priorityClass,
          identityCheckedByStaff: body.identityChecked === true,
        },
        actor(req),
      );
      return reply.status(201).send({ ...issuedBody(res), ticket: res.ticket });
    },
  );

  app.get('/api/appointments', { ...guard, schema: { querystring: obj({ day: DAY }) } }, async (req) => ({
    appointments: ctx.appointments.list(req.query.day ?? engine.today()),
  }));
  app.post(
    '/api/appointments',
    {
      ...guard,
      schema: {
        body: obj(
          {
            serviceId: SERVICE_ID,
            day: DAY,
            time: HHMM,
            name: str(40),
            idNumber: str(18, { pattern: '^[0-9]{17}[0-9Xx]$' }),
          },
          ['serviceId', 'day', 'time'],
        ),
      },
    },
    async (req, reply) => {
      const body = req.body;
      return reply.status(201).send({ appointment: ctx.appointments.book(body, actor(req)) });
    },
  );
  app.post(
    '/api/appointments/:id/cancel',
    { ...guard, schema: { params: params.appointment } },
    async (req) => ({
      appointment: ctx.appointments.cancel(req.params.id, actor(req)),
    }),
  );
}
