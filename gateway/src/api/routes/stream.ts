// GET /api/stream: the live change stream as Server-Sent Events (operator+). Alert changes carry
// the device's place and the resident's name masked (张*明), as on a shared screen.
import { LinliError, maskName } from '@linli/shared';
import type { FastifyInstance } from 'fastify';
import type { AlertRecord, GatewayEvents } from '../../types.ts';
import type { RouteContext } from '../context.ts';
import { requireRole, sessionToken } from '../session.ts';

/** A client that does not read is cut off past this many buffered bytes; it reconnects. */
const MAX_BUFFERED = 1024 * 1024;

export function streamRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  const alertView = (alert: AlertRecord) => {
    if (ctx.center) {
      // at the center: from the station's context, with the actions still waiting for the station
      const d = ctx.center.detail(alert.id);
      const dev = d.device as { id?: string; site?: string; kind?: string; location?: unknown } | null;
      const res = d.resident as { name?: string; livesAlone?: boolean } | null;
      return {
        alert,
        device: dev ? { id: dev.id, site: dev.site, kind: dev.kind, location: dev.location } : null,
        resident: res ? { name: maskName(res.name ?? ''), livesAlone: res.livesAlone ?? false } : null,
        pendingActions: d.actions.filter((a) => a.state === 'pending'),
      };
    }
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

  app.get('/api/stream', { onRequest: requireRole('operator') }, (req, reply) => {
    const staff = req.staff!;
    // ?site=: only that site's alerts, actions and link state (the center's console per station)
    const siteQuery = (req.query as { site?: unknown } | undefined)?.site;
    const site =
      typeof siteQuery === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(siteQuery) ? siteQuery : undefined;
    if (siteQuery !== undefined && site === undefined)
      throw new LinliError('VALIDATION', 'site must match [A-Za-z0-9_-]{1,64}');
    const mine = (s: string) => site === undefined || s === site;
    const token = sessionToken(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let ended = false;
    ctx.apiMetrics.streams++;
    const write = (chunk: string) => {
      if (ended) return;
      res.write(chunk);
      if (res.writableLength > MAX_BUFFERED) end();
    };
    const send = (event: string, data: unknown) =>
      write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

    const onAlert = (a: GatewayEvents['alert.changed']) => {
      if (mine(a.site)) send('alert.changed', alertView(a));
    };
    const onDevice = (d: GatewayEvents['device.changed']) => send('device.changed', d);
    const onEvent = (e: GatewayEvents['event.stored']) => send('event.stored', e);
    const onAction = (a: GatewayEvents['center.action']) => {
      if (mine(a.site)) send('center.action', a);
    };
    const onStation = (st: GatewayEvents['center.station']) => {
      if (mine(st.site)) send('center.station', st);
    };
    ctx.bus.on('alert.changed', onAlert);
    ctx.bus.on('device.changed', onDevice);
    ctx.bus.on('event.stored', onEvent);
    ctx.bus.on('center.action', onAction);
    ctx.bus.on('center.station', onStation);

    // a logout, an expiry or a disabled account ends the stream at the next keep-alive
    const keepAlive = setInterval(() => {
      if (!ctx.sessions.lookup(token)) {
        send('session.expired', {});
        end();
      } else write(': keep-alive\n\n');
    }, ctx.config.sseKeepAliveS * 1000);
    keepAlive.unref();

    function end() {
      if (ended) return;
      ended = true;
      ctx.apiMetrics.streams--;
      clearInterval(keepAlive);
      ctx.bus.off('alert.changed', onAlert);
      ctx.bus.off('device.changed', onDevice);
      ctx.bus.off('event.stored', onEvent);
      ctx.bus.off('center.action', onAction);
      ctx.bus.off('center.station', onStation);
      open.delete(end);
      res.end();
    }
    open.add(end);
    req.raw.on('close', end);
    res.on('error', end);
    write('retry: 3000\n\n');
    send('hello', { user: staff.username, role: staff.role, at: Date.now() });
  });
}
