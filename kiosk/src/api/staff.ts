// Window staff routes (roles window and admin): windows, calling, ticket actions, issuing on a
// resident's behalf, appointments. Every action is audited by the engine.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actor, requireStaff } from './auth.ts';
import type { ApiContext } from './context.ts';
import { issuedBody } from './public.ts';
import { CLASS, DAY, HHMM, obj, params, SERVICE_ID, str, TICKET_ID } from './schemas.ts';

type IdParam = { id: string };

export function staffRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { engine } = ctx;
  const guard = { onRequest: requireStaff() };

  app.get('/api/windows', guard, async () => ({ windows: engine.windows() }));

  const win = (path: string, fn: (id: number, req: FastifyRequest) => unknown, body?: object) =>
    app.post(
      `/api/windows/:id/${path}`,
      { ...guard, schema: { params: params.window, ...(body ? { body } : {}) } },
      async (req) => fn(Number((req.params as IdParam).id), req),
    );
  win('sign-in', (id, req) => ({ window: engine.signIn(id, actor(req)) }));
  win('sign-out', (id, req) => {
    engine.signOut(id, actor(req));
    return { ok: true };
  });
  win('call-next', (id, req) => ({ ticket: engine.callNext(id, actor(req)) }));
  win(
    'call',
    (id, req) => ({ ticket: engine.callTicket(id, (req.body as { ticketId: string }).ticketId, actor(req)) }),
    obj({ ticketId: TICKET_ID }, ['ticketId']),
  );
  app.get('/api/windows/:id/queue', { ...guard, schema: { params: params.window } }, async (req) => ({
    tickets: engine.windowQueue(Number((req.params as IdParam).id)),
  }));
  app.get('/api/windows/:id/current', { ...guard, schema: { params: params.window } }, async (req) => {
    const id = Number((req.params as IdParam).id);
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
          state: {
            type: 'string',
            enum: ['waiting', 'called', 'serving', 'done', 'no-show', 'cancelled', 'transferred', 'expired'],
          },
          serviceId: SERVICE_ID,
          windowId: str(6, { pattern: '^[1-9][0-9]{0,5}$' }),
        }),
      },
    },
    async (req) => {
      const q = req.query as { day?: string; state?: string; serviceId?: string; windowId?: string };
      return {
        tickets: engine.listTickets({
          ...q,
          windowId: q.windowId === undefined ? undefined : Number(q.windowId),
        }),
      };
    },
  );
  app.get('/api/tickets/:id', { ...guard, schema: { params: params.ticket } }, async (req) => ({
    ticket: engine.staffView(engine.row((req.params as IdParam).id)),
  }));

  const act = (path: string, fn: (id: string, req: FastifyRequest) => unknown, body?: object) =>
    app.post(
      `/api/tickets/:id/${path}`,
      { ...guard, schema: { params: params.ticket, ...(body ? { body } : {}) } },
      async (req) => fn((req.params as IdParam).id, req),
    );
  act('recall', (id, req) => ({ ticket: engine.recall(id, actor(req)) }));
  act('start', (id, req) => ({ ticket: engine.startServing(id, actor(req)) }));
  act(
    'finish',
    (id, req) => {
      const b = req.body as { outcome: 'resolved' | 'follow-up' | 'referred'; note?: string };
      return { ticket: engine.finish(id, b.outcome, actor(req), b.note) };
    },
    obj(
      {
        outcome: { type: 'string', enum: ['resolved', 'follow-up', 'referred'] },
        note: { type: 'string', maxLength: 500 },
      },
      ['outcome'],
    ),
  );
  act('no-show', (id, req) => ({ ticket: engine.noShow(id, actor(req)) }));
  act('reactivate', (id, req) => ({ ticket: engine.reactivate(id, actor(req)) }));
  act('cancel', (id, req) => ({ ticket: engine.cancel(id, actor(req)) }));
  act(
    'transfer',
    (id, req) => {
      const b = req.body as { serviceId: string; note?: string };
      return { ticket: engine.transfer(id, b.serviceId, actor(req), b.note) };
    },
    obj({ serviceId: SERVICE_ID, note: { type: 'string', maxLength: 500 } }, ['serviceId']),
  );
  act(
    'priority',
    (id, req) => ({
      ticket: engine.setPriority(id, (req.body as { priorityClass: string }).priorityClass, actor(req)),
    }),
    obj({ priorityClass: CLASS }, ['priorityClass']),
  );
  act('reprint', (id, req) => ({ print: engine.reprint(id, actor(req)) ?? null }));

  app.post(
    '/api/staff/tickets',
    {
      ...guard,
      schema: {
        body: obj({ serviceId: SERVICE_ID, priorityClass: CLASS, identityChecked: { type: 'boolean' } }, [
          'serviceId',
        ]),
      },
    },
    async (req, reply) => {
      const b = req.body as { serviceId: string; priorityClass?: string; identityChecked?: boolean };
      // identityChecked: for an ID-required service, the staff member checked the resident's
      // identity document (audited on the ticket).
      const res = engine.issue(
        {
          serviceId: b.serviceId,
          source: 'staff',
          priorityClass: b.priorityClass,
          identityCheckedByStaff: b.identityChecked === true,
        },
        actor(req),
      );
      return reply.status(201).send({ ...issuedBody(res), ticket: res.ticket });
    },
  );

  app.get('/api/appointments', { ...guard, schema: { querystring: obj({ day: DAY }) } }, async (req) => ({
    appointments: ctx.appointments.list((req.query as { day?: string }).day ?? engine.today()),
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
      const b = req.body as {
        serviceId: string;
        day: string;
        time: string;
        name?: string;
        idNumber?: string;
      };
      return reply.status(201).send({ appointment: ctx.appointments.book(b, actor(req)) });
    },
  );
  app.post(
    '/api/appointments/:id/cancel',
    { ...guard, schema: { params: params.appointment } },
    async (req) => ({
      appointment: ctx.appointments.cancel((req.params as IdParam).id, actor(req)),
    }),
  );
}
