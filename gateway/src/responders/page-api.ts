// The responder's page API (issue #15). The credential is the signed link's token, sent as
// `Authorization: Bearer <token>` (the page reads it from the URL fragment, so it is in no
// request line, log or Referer). One alert only, nothing to list: the routes take no id. Every
// use is audited (actor responder:<id>), and every refusal too (without the token). A link of an
// alert that has ended, past its expiry, or never issued is refused.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LinliError } from '@linli/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteContext } from '../api/context.ts';
import { writeAudit } from '../auth/audit.ts';
import { bearer, type LinkClaims, verifyLink } from './link.ts';
import { ResponderStore } from './store.ts';

export const RESPONDER_ACTIONS = ['going', 'there', 'ambulance', 'false-alarm'] as const;
export type ResponderAction = (typeof RESPONDER_ACTIONS)[number];

const ActionBody = Type.Object(
  { action: Type.Union(RESPONDER_ACTIONS.map((a) => Type.Literal(a))) },
  { additionalProperties: false },
);

/** What the timeline says for each action. */
const NOTE: Record<ResponderAction, string> = {
  going: "I'm going / 我这就去",
  there: "I'm there / 我已到达",
  ambulance: 'needs an ambulance / 需要救护车',
  'false-alarm': 'false alarm / 误报',
};

interface Attendance {
  going_at: number | null;
  there_at: number | null;
}

export function responderPageApi(
  root: FastifyInstance,
  ctx: RouteContext,
  linkKey: Buffer,
  now: () => number = Date.now,
): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const store = new ResponderStore(ctx.db);
  const s = {
    mine: ctx.db.prepare(
      'SELECT going_at, there_at FROM responder_notifications WHERE alert_id = ? AND responder_id = ?',
    ),
    others: ctx.db.prepare(
      'SELECT COUNT(*) AS n FROM responder_notifications WHERE alert_id = ? AND responder_id != ? AND (going_at IS NOT NULL OR there_at IS NOT NULL)',
    ),
    going: ctx.db.prepare(
      'UPDATE responder_notifications SET going_at = COALESCE(going_at, ?) WHERE alert_id = ? AND responder_id = ?',
    ),
    there: ctx.db.prepare(
      'UPDATE responder_notifications SET there_at = COALESCE(there_at, ?), going_at = COALESCE(going_at, ?) WHERE alert_id = ? AND responder_id = ?',
    ),
  };

  /** The link's claims, its alert and responder; refused (and audited) otherwise. */
  const open = async (req: FastifyRequest) => {
    try {
      const token = bearer(req.headers.authorization);
      if (!token) throw new LinliError('LINK_INVALID', 'this link is not valid');
      const c: LinkClaims = verifyLink(linkKey, token, now());
      const found = await ctx.alerts.get(c.alertId);
      const responder = store.get(c.responderId);
      const mine = s.mine.get(c.alertId, c.responderId) as Attendance | undefined;
      if (!found || !responder || !mine) throw new LinliError('LINK_INVALID', 'this link is not valid');
      if (found.alert.state === 'resolved' || found.alert.state === 'cancelled')
        throw new LinliError('LINK_EXPIRED', 'this call is over; thank you');
      return { c, alert: found.alert, responder, mine };
    } catch (err) {
      writeAudit(ctx.db, {
        actor: 'anonymous',
        action: 'responder.refused',
        ip: req.ip,
        detail: { code: (err as LinliError).code ?? 'INTERNAL' },
      });
      throw err;
    }
  };

  const view = async (opened: Awaited<ReturnType<typeof open>>) => {
    const device = opened.alert.deviceId ? ctx.registry.get(opened.alert.deviceId) : undefined;
    const resident = device?.residentId ? ctx.registry.resident(device.residentId) : undefined;
    const plan = resident ? store.plan(resident.id) : undefined;
    const mine = s.mine.get(opened.c.alertId, opened.c.responderId) as Attendance;
    const alert = (await ctx.alerts.get(opened.c.alertId))?.alert ?? opened.alert;
    const loc = device?.location ?? {};
    return {
      alert: { type: alert.type, state: alert.state, raisedAt: alert.raisedAt },
      resident: {
        name: resident?.name ?? '',
        building: loc.building ?? null,
        unit: loc.unit ?? null,
        room: loc.room ?? null,
      },
      notes: plan?.notes ?? null,
      you: { name: opened.responder.name, going: mine.going_at !== null, there: mine.there_at !== null },
      othersGoing: (s.others.get(opened.c.alertId, opened.c.responderId) as { n: number }).n,
      now: now(),
    };
  };

  app.get('/api/responder/alert', async (req) => {
    const opened = await open(req);
    writeAudit(ctx.db, {
      actor: `responder:${opened.responder.id}`,
      action: 'responder.view',
      target: `alert:${opened.alert.id}`,
      ip: req.ip,
    });
    return view(opened);
  });

  app.post('/api/responder/action', { schema: { body: ActionBody } }, async (req) => {
    const opened = await open(req);
    const { action } = req.body;
    const by = `responder:${opened.responder.id}`;
    const at = now();
    if (action === 'going') s.going.run(at, opened.alert.id, opened.responder.id);
    if (action === 'there') s.there.run(at, at, opened.alert.id, opened.responder.id);
    if ((action === 'going' || action === 'there') && opened.alert.state === 'raised') {
      try {
        await ctx.alerts.acknowledge(opened.alert.id, by);
      } catch (err) {
        // acknowledged meanwhile by an operator or another responder: the note still goes on
        if ((err as LinliError).code !== 'ALERT_STATE') throw err;
      }
    }
    await ctx.alerts.addNote(
      opened.alert.id,
      by,
      `${opened.responder.name} (${opened.responder.kind}): ${NOTE[action]}`,
    );
    writeAudit(ctx.db, {
      actor: by,
      action: `responder.${action}`,
      target: `alert:${opened.alert.id}`,
      ip: req.ip,
    });
    return view(opened);
  });
}
