// The shared SSE helper on a real socket: head and reconnect hint, keep-alive with its check,
// a client that does not read cut off, replay after Last-Event-ID, close on disconnect.
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lastEventId, SseConnection, SseConnections, SseReplay, sseEvent } from '../service/sse.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

/** A server whose every request becomes an SseConnection made by `open`. */
async function serve(open: (res: import('node:http').ServerResponse) => SseConnection): Promise<number> {
  server = createServer((_req, res) => {
    open(res);
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

function connect(port: number): Promise<{ res: IncomingMessage; text: () => string; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      resolve({ res, text: () => body, destroy: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

describe('shared SSE helper', () => {
  it('formats events, numbered or not', () => {
    expect(sseEvent('a.b', { n: 1 })).toBe('event: a.b\ndata: {"n":1}\n\n');
    expect(sseEvent('a.b', { n: 1 }, 7)).toBe('id: 7\nevent: a.b\ndata: {"n":1}\n\n');
  });

  it('sends the head and the retry hint, keep-alives, and ends when the check fails', async () => {
    let alive = true;
    let ended = 0;
    const port = await serve(
      (res) =>
        new SseConnection(res, {
          keepAliveMs: 20,
          beforeKeepAlive: (conn) => {
            if (alive) return true;
            conn.send('session.expired', {});
            return false;
          },
          onEnd: () => ended++,
        }),
    );
    const client = await connect(port);
    expect(client.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await expect.poll(() => client.text(), { timeout: 5000 }).toContain(': keep-alive\n\n');
    expect(client.text().startsWith('retry: 3000\n\n')).toBe(true);
    const finished = new Promise<void>((done) => client.res.once('end', () => done()));
    alive = false;
    await finished;
    expect(client.text()).toContain('event: session.expired\ndata: {}\n\n');
    expect(ended).toBe(1);
  });

  it('cuts off a client that does not read, and ends on disconnect', async () => {
    const open = new SseConnections();
    let ended = 0;
    const port = await serve((res) => {
      const conn = new SseConnection(res, {
        keepAliveMs: 60_000,
        maxBufferedBytes: 64 * 1024,
        onEnd: () => ended++,
      });
      open.add(conn);
      return conn;
    });
    const slow = await connect(port);
    slow.res.pause();
    await expect.poll(() => open.size, { timeout: 5000 }).toBe(1);
    const big = 'x'.repeat(16 * 1024);
    // write until the socket and the response buffer fill; the helper ends the stream itself
    await expect
      .poll(
        () => {
          open.forEach((conn) => {
            for (let i = 0; i < 64; i++) conn.send('big', big);
          });
          return ended;
        },
        { timeout: 10_000 },
      )
      .toBe(1);

    const other = await connect(port);
    await expect.poll(() => ended, { timeout: 100 }).toBe(1);
    other.destroy();
    await expect.poll(() => ended, { timeout: 5000 }).toBe(2);
    slow.destroy();
  });

  it('replays what a reconnecting client missed, filtered, from a bounded buffer', () => {
    const replay = new SseReplay(3);
    for (const event of ['a.1', 'b.2', 'a.3', 'a.4']) replay.record(event, {});
    expect(replay.since(0)).toHaveLength(3); // the first fell out
    expect(replay.since(2, (event) => event.startsWith('a.'))).toEqual([
      'id: 3\nevent: a.3\ndata: {}\n\n',
      'id: 4\nevent: a.4\ndata: {}\n\n',
    ]);
    expect(lastEventId('12', '3')).toBe(12);
    expect(lastEventId(undefined, '3')).toBe(3);
    expect(lastEventId('x', undefined)).toBeUndefined();
  });
});
