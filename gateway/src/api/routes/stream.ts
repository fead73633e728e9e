// GET /api/stream: the live change stream as Server-Sent Events (operator+), on the shared SSE
// helper (@linli/shared/service sse.ts: keep-alive, slow-client cut-off, close on disconnect). Alert changes carry
// the device's place and the resident's name masked (张*明), as on a shared screen.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { maskName } from '@linli/shared';
import { openSse, SseConnections } from '@linli/shared/service';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AlertRecord, GatewayEvents } from '../../types.ts';
import type { RouteContext } from '../context.ts';
import { requireRole, sessionToken } from '../session.ts';

/** ?site=: only that site's alerts, actions and link state (the center's console per station). */
const StreamQuery = Type.Object({
  site: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
});

export function streamRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const open = new SseConnections(app);

  /** At the center: from the station's context, with the actions still waiting for the station
   *  (read from the center's store, which may be a shared PostgreSQL: asynchronous). */
  const centerView = async (alert: AlertRecord) => {
    if (ctx.center) {
      const detail = await ctx.center.detail(alert.id);
      const dev = detail.device as { id?: string; site?: string; kind?: string; location?: unknown } | null;
      const res = detail.resident as { name?: string; livesAlone?: boolean } | null;
      return {
        alert,
        device: dev ? { id: dev.id, site: dev.site, kind: dev.kind, location: dev.location } : null,
        resident: res ? { name: maskName(res.name ?? ''), livesAlone: res.livesAlone ?? false } : null,
        pendingActions: detail.actions.filter((a) => a.state === 'pending'),
      };
    }
    return alertView(alert);
  };
  const alertView = (alert: AlertRecord) => {
    const device = alert.deviceId ? ctx.registry.get(alert.deviceId) : undefined;
    const resident = device?.residentId ? ctx.registry.resident(device.residentId) : undefined;
    return {
      alert,
      device: device
        ? { id: device.id, site: device.site, kind: device.kind, location: device.location }
        : null,
      resident: resident ? { name: maskName(resident.name), livesAlone: resident.livesAlone } : null,
    };
  };

  app.get(
    '/api/stream',
    { onRequest: requireRole('operator'), schema: { querystring: StreamQuery } },
    (req, reply) => {
      const staff = req.staff!;
      const { site } = req.query;
      const mine = (eventSite: string) => site === undefined || eventSite === site;
      const token = sessionToken(req);
      ctx.apiMetrics.streams++;
      const conn = openSse(reply, {
        keepAliveMs: ctx.config.sseKeepAliveS * 1000,
        // a logout, an expiry or a disabled account ends the stream at the next keep-alive
        beforeKeepAlive: (stream) => {
          if (ctx.sessions.lookup(token)) return true;
          stream.send('session.expired', {});
          return false;
        },
        onEnd: () => {
          ctx.apiMetrics.streams--;
          ctx.bus.off('alert.changed', onAlert);
          ctx.bus.off('device.changed', onDevice);
          ctx.bus.off('event.stored', onEvent);
          ctx.bus.off('center.action', onAction);
          ctx.bus.off('center.station', onStation);
          open.delete(conn);
        },
      });
      const send = (event: string, data: unknown) => conn.send(event, data);

      // at the center the view is read asynchronously: sent in the order the changes came
      let order: Promise<void> = Promise.resolve();
      const onAlert = (change: GatewayEvents['alert.changed']) => {
        if (!mine(change.site)) return;
        if (!ctx.center) return send('alert.changed', alertView(change));
        order = order
          .then(async () => send('alert.changed', await centerView(change)))
          .catch((err: Error) => req.log.warn({ err, alert: change.id }, 'stream: alert view not read'));
      };
      const onDevice = (change: GatewayEvents['device.changed']) => send('device.changed', change);
      const onEvent = (stored: GatewayEvents['event.stored']) => send('event.stored', stored);
      const onAction = (action: GatewayEvents['center.action']) => {
        if (mine(action.site)) send('center.action', action);
      };
      const onStation = (station: GatewayEvents['center.station']) => {
        if (mine(station.site)) send('center.station', station);
      };
      ctx.bus.on('alert.changed', onAlert);
      ctx.bus.on('device.changed', onDevice);
      ctx.bus.on('event.stored', onEvent);
      ctx.bus.on('center.action', onAction);
      ctx.bus.on('center.station', onStation);
      open.add(conn);
      send('hello', { user: staff.username, role: staff.role, at: Date.now() });
    },
  );
}
