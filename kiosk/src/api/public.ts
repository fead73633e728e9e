// Resident-facing and board routes: no login. A resident can only issue a ticket (with the card
// just read, or anonymously where the service allows it, or with an appointment code), read their
// own ticket by its unguessable token, and rate it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ageAt, type IssueResult } from '../queue/engine.ts';
import { hoursToday, isOpen } from '../queue/hours.ts';
import { RATING_REASON_TEXT, RATING_REASONS, RATING_TEXT } from '../queue/ratings.ts';
import { localParts } from '../queue/time.ts';
import { OUTCOMES } from '../queue/types.ts';
import type { ApiContext } from './context.ts';
import { kioskAddressGuard } from './kiosk-address.ts';
import { CARD, FOLLOW, ISSUED, obj, oneOf, PUBLIC_TICKET, params, SERVICE_ID, str } from './schemas.ts';

export function issuedBody(r: IssueResult) {
  return {
    ticket: r.publicTicket,
    token: r.token,
    followUrl: r.followUrl,
    peopleAhead: r.peopleAhead,
    estimatedWaitMin: r.estimatedWaitMin,
    reused: r.reused,
    print: r.print
      ? {
          state: r.print.state,
          jobId: 'jobId' in r.print ? r.print.jobId : undefined,
          reason: r.print.reason,
        }
      : null,
  };
}

export function publicRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { engine, cards } = ctx;
  // Issuing and the card at the kiosk are for the kiosk's own screen (by address); following and
  // rating a ticket are open to the resident's phone.
  const kioskOnly = {
    onRequest: kioskAddressGuard(ctx.config, {
      zh: '请在自助终端上取号',
      en: 'tickets are issued at the kiosk itself',
    }),
  };

  // Health tells the truth: a device that is not configured, disconnected or in error makes the
  // kiosk not ok (the resident could not be served as promised); warnings (paper near end) do not.
  app.get('/api/health', async () => {
    const devices = ctx.hardware?.health().map((h) => ({
      device: h.device,
      state: h.state,
      connected: h.connected,
      ...(h.detail ? { detail: h.detail } : {}),
    }));
    const ok = (devices ?? []).every((d) => d.state === 'ok' || d.state === 'warning');
    return { ok, day: engine.today(), time: engine.clock.now(), ...(devices ? { devices } : {}) };
  });

  app.get('/api/services', async () => {
    const snap = engine.snapshot();
    const at = localParts(engine.clock.now(), ctx.config.timeZone);
    const closedDay = (id: string) => engine.settings.closedOn(at.day, id);
    return {
      services: engine.services().map((s) => {
        const q = snap.services.find((x) => x.serviceId === s.id);
        return {
          id: s.id,
          nameZh: s.nameZh,
          nameEn: s.nameEn,
          prefix: s.prefix,
          idRequired: s.idRequired,
          open: !ctx.config.queue.enforceHours || (!closedDay(s.id) && isOpen(s.hours, at)),
          // false when the station takes tickets at any hour (the demo of `npm start`): the screen says so
          hoursEnforced: ctx.config.queue.enforceHours,
          hoursToday: closedDay(s.id) ? [] : hoursToday(s.hours, at),
          closedToday: closedDay(s.id) !== undefined,
          hours: s.hours,
          waiting: q?.waiting ?? 0,
          estimatedWaitMin: q?.estimatedWaitMin ?? 0,
        };
      }),
    };
  });

  app.get('/api/queue', async () => engine.snapshot());

  // What the UIs need to draw their choices: rating levels and reasons, priority classes, outcomes.
  app.get('/api/meta', async () => ({
    timeZone: ctx.config.timeZone,
    policy: ctx.config.queue.policy,
    ratingLevels: [5, 4, 3, 2, 1].map((rating) => ({
      rating,
      zh: RATING_TEXT[rating],
      reasonRequired: rating <= 2,
    })),
    ratingReasons: RATING_REASONS.map((code) => ({ code, zh: RATING_REASON_TEXT[code] })),
    priorityClasses: ctx.config.queue.priorityClasses,
    outcomes: OUTCOMES,
  }));

  app.get('/api/kiosk/card', { ...kioskOnly, schema: { response: { 200: CARD } } }, async () => {
    const c = cards.peek();
    if (!c) return { present: false };
    const age = ageAt(c.birthDate, engine.today());
    return {
      present: true,
      nameMasked: c.nameMasked,
      idMasked: c.idMasked,
      expired: c.expired,
      priority: age !== null && age >= ctx.config.queue.priorityAge,
      readAt: c.readAt,
    };
  });

  // The resident leaves (the resident screen calls this on its idle reset): the card session ends
  // at once. POST …/clear is the older spelling of the same thing.
  const endCard = async () => {
    cards.clear();
    return { ok: true };
  };
  app.delete('/api/kiosk/card', kioskOnly, endCard);
  app.post('/api/kiosk/card/clear', kioskOnly, endCard);

  app.post(
    '/api/tickets',
    {
      ...kioskOnly,
      schema: {
        body: obj({ serviceId: SERVICE_ID, identity: oneOf(['card', 'anonymous']) }, [
          'serviceId',
          'identity',
        ]),
        response: { 200: ISSUED, 201: ISSUED },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const identity = body.identity === 'card' ? cards.require() : undefined;
      const res = engine.issue({ serviceId: body.serviceId, source: body.identity, identity });
      if (identity) cards.clear();
      return reply.status(res.reused ? 200 : 201).send(issuedBody(res));
    },
  );

  app.post(
    '/api/appointments/check-in',
    {
      ...kioskOnly,
      schema: { body: obj({ code: str(64) }, ['code']), response: { 200: ISSUED, 201: ISSUED } },
    },
    async (req, reply) => {
      const res = ctx.appointments.checkIn(req.body.code, ctx.cards.peek() ?? undefined);
      return reply.status(res.reused ? 200 : 201).send({ ...issuedBody(res), late: res.late });
    },
  );

  app.get(
    '/api/follow/:token',
    { schema: { params: params.token, response: { 200: FOLLOW } } },
    async (req) => {
      return engine.followView(req.params.token);
    },
  );

  app.post(
    '/api/follow/:token/rating',
    {
      schema: {
        params: params.token,
        body: obj(
          {
            rating: Type.Integer({ minimum: 1, maximum: 5 }),
            reason: str(32),
            comment: Type.String({ maxLength: 200 }),
          },
          ['rating'],
        ),
        response: { 200: { type: 'object', properties: { ticket: PUBLIC_TICKET } } },
      },
    },
    async (req) => {
      const body = req.body;
      return { ticket: engine.rate(req.params.token, body.rating, body.reason, body.comment) };
    },
  );
}
