// The SSE stream on a real listening socket (inject() cannot follow an endless response).
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alert, makeApi, type TestApi } from './helpers.ts';

interface SseEvent {
  event: string;
  data: unknown;
}

/** Open the stream; `next()` resolves with the next event (bounded by the test timeout). */
function openStream(port: number, cookie?: string) {
  return new Promise<{ res: IncomingMessage; next(): Promise<SseEvent>; close(): void }>(
    (resolve, reject) => {
      const req = get(
        { host: '127.0.0.1', port, path: '/api/stream', headers: cookie ? { cookie } : {} },
        (res) => {
          let buf = '';
          const queue: SseEvent[] = [];
          const waiting: ((e: SseEvent) => void)[] = [];
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const ev = /^event: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (!ev || data === undefined) continue;
              const e = { event: ev, data: JSON.parse(data) as unknown };
              const w = waiting.shift();
              if (w) w(e);
              else queue.push(e);
            }
          });
          resolve({
            res,
            next: () => new Promise<SseEvent>((r) => (queue.length ? r(queue.shift()!) : waiting.push(r))),
            close: () => req.destroy(),
          });
        },
      );
      req.on('error', reject);
    },
  );
}

describe('GET /api/stream (SSE)', () => {
  let api: TestApi;
  let port: number;
  let op: string;
  beforeAll(async () => {
    api = await makeApi();
    op = await api.login('op');
    api.registry.createResident({ id: 'res1', name: '张三明', livesAlone: true });
    api.registry.provision({
      id: 'p-1',
      site: 's1',
      kind: 'pendant',
      residentId: 'res1',
      location: { room: '402' },
    });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.server.address() as { port: number }).port;
  });
  afterAll(() => api.close());

  it('refuses without a session', async () => {
    const s = await openStream(port);
    expect(s.res.statusCode).toBe(401);
    s.close();
  });

  it('streams bus events, with the resident name masked, and unsubscribes on close', async () => {
    const s = await openStream(port, op);
    expect(s.res.statusCode).toBe(200);
    expect(s.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await s.next()).toMatchObject({ event: 'hello', data: { user: 'op', role: 'operator' } });
    expect(api.bus.listenerCount('alert.changed')).toBe(1);

    api.bus.emit('alert.changed', alert('a1'));
    const a = await s.next();
    expect(a.event).toBe('alert.changed');
    expect(a.data).toMatchObject({
      alert: { id: 'a1', state: 'raised' },
      device: { id: 'p-1', location: { room: '402' } },
      resident: { name: '张*明', livesAlone: true },
    });
    expect(JSON.stringify(a.data)).not.toContain('张三明');

    api.bus.emit('device.changed', { id: 'p-1', online: false, lastSeen: 5 });
    expect(await s.next()).toEqual({
      event: 'device.changed',
      data: { id: 'p-1', online: false, lastSeen: 5 },
    });
    api.bus.emit('event.stored', { deviceId: 'p-1', type: 'sos', at: 6 });
    expect(await s.next()).toEqual({ event: 'event.stored', data: { deviceId: 'p-1', type: 'sos', at: 6 } });

    const closed = new Promise<void>((r) => s.res.once('close', () => r()));
    s.close();
    await closed;
    await expect.poll(() => api.bus.listenerCount('alert.changed'), { timeout: 5000 }).toBe(0);
  });

  it('ends the stream at the next keep-alive once the session is gone', async () => {
    const quick = await makeApi({ config: { api: { sseKeepAliveS: 0.05 } } });
    try {
      const cookie = await quick.login('sup');
      await quick.app.listen({ port: 0, host: '127.0.0.1' });
      const s = await openStream((quick.app.server.address() as { port: number }).port, cookie);
      expect((await s.next()).event).toBe('hello');
      const ended = new Promise<void>((r) => s.res.once('end', () => r()));
      await quick.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
      expect(await s.next()).toEqual({ event: 'session.expired', data: {} });
      await ended;
    } finally {
      await quick.close();
    }
  });

  it('ends open streams when the app closes', async () => {
    const s = await openStream(port, op);
    await s.next();
    const ended = new Promise<void>((r) => s.res.once('end', () => r()));
    await api.app.close();
    await ended;
    expect(api.bus.listenerCount('device.changed')).toBe(0);
  });
});
