// Server-Sent Events for both services, one way: the response head, a reconnect hint, numbered
// events, a keep-alive comment per connection (with an optional check that may end the stream,
// e.g. a session gone), a client that does not read cut off past a buffer limit (it reconnects
// and, where the stream numbers its events, asks for what it missed with Last-Event-ID), and the
// connection ended once on disconnect, on a write error, or when the server closes.
//
// Not @fastify/sse (0.x when this was written): it awaits 'drain' per message, which suits one
// producer per client, not one bus event written to many clients from a synchronous listener;
// its Accept negotiation would refuse today's clients that send Accept: application/json; and the
// replay buffer, per-client type filter and session check around it would be ours anyway.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** A client holding more than this many unsent bytes is cut off (it reconnects). */
export const SSE_MAX_BUFFERED = 1024 * 1024;
/** Reconnect delay the browser is told to use. */
export const SSE_RETRY_MS = 3000;

/** One event in the wire format (`id:` only when the stream numbers its events). */
export function sseEvent(event: string, data: unknown, id?: number): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface SseOptions {
  /** Interval of the keep-alive comment, ms. */
  keepAliveMs: number;
  /** Run before each keep-alive; false ends the stream (after anything it sent). */
  beforeKeepAlive?: (conn: SseConnection) => boolean;
  /** Default SSE_MAX_BUFFERED. */
  maxBufferedBytes?: number;
  /** Called once when the connection ends, whatever ended it. */
  onEnd?: () => void;
}

export class SseConnection {
  private ended = false;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly maxBuffered: number;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: SseOptions,
  ) {
    this.maxBuffered = opts.maxBufferedBytes ?? SSE_MAX_BUFFERED;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.keepAlive = setInterval(() => {
      if (opts.beforeKeepAlive && !opts.beforeKeepAlive(this)) this.end();
      else this.write(': keep-alive\n\n');
    }, opts.keepAliveMs);
    this.keepAlive.unref();
    const end = () => this.end();
    res.on('close', end);
    res.on('error', end);
    this.write(`retry: ${SSE_RETRY_MS}\n\n`);
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Writes text already in the wire format; a client too far behind is cut off. */
  write(text: string): void {
    if (this.ended) return;
    this.res.write(text);
    if (this.res.writableLength > this.maxBuffered) this.end();
  }

  send(event: string, data: unknown, id?: number): void {
    this.write(sseEvent(event, data, id));
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.keepAlive);
    this.opts.onEnd?.();
    this.res.end();
  }
}

/** Takes the reply over from fastify (hijack) and opens the event stream on it. */
export function openSse(reply: FastifyReply, opts: SseOptions): SseConnection {
  reply.hijack();
  return new SseConnection(reply.raw, opts);
}

/** The open streams of one app; all ended when the app closes (before fastify waits for them). */
export class SseConnections {
  private readonly open = new Set<SseConnection>();

  constructor(app?: FastifyInstance) {
    app?.addHook('preClose', async () => this.endAll());
  }

  get size(): number {
    return this.open.size;
  }

  add(conn: SseConnection): void {
    if (conn.closed) return;
    this.open.add(conn);
  }

  delete(conn: SseConnection): void {
    this.open.delete(conn);
  }

  /** For each open stream (a snapshot: `fn` may end them). */
  forEach(fn: (conn: SseConnection) => void): void {
    for (const conn of [...this.open]) fn(conn);
  }

  endAll(): void {
    this.forEach((conn) => {
      conn.end();
    });
    this.open.clear();
  }
}

/** The last events of a numbered stream, for a client reconnecting with Last-Event-ID. */
export class SseReplay {
  private readonly sent: { id: number; event: string; text: string }[] = [];
  private nextId = 1;

  constructor(private readonly size = 500) {}

  /** Numbers the event, keeps it, returns its wire text. */
  record(event: string, data: unknown): string {
    const id = this.nextId++;
    const text = sseEvent(event, data, id);
    this.sent.push({ id, event, text });
    if (this.sent.length > this.size) this.sent.shift();
    return text;
  }

  /** Wire texts of the kept events after `lastId` that `wants` accepts, oldest first. */
  since(lastId: number, wants: (event: string) => boolean = () => true): string[] {
    return this.sent.filter((sent) => sent.id > lastId && wants(sent.event)).map((sent) => sent.text);
  }
}

/** Last-Event-ID from the header (a reconnecting browser) or a query value (a first connect). */
export function lastEventId(header: string | string[] | undefined, query?: string): number | undefined {
  if (typeof header === 'string' && /^\d{1,12}$/.test(header)) return Number(header);
  if (query !== undefined && /^\d{1,12}$/.test(query)) return Number(query);
  return undefined;
}
