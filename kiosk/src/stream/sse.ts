// Server-Sent Events carrying bus events to the UIs. Each event has an id; a client that
// reconnects with Last-Event-ID gets what it missed from a short replay buffer.
//   GET /api/stream         the kiosk's own screen and staff: ticket.*, queue.*, card.* masked,
//                           scan without its code, print.job, device.health
//   GET /api/stream/public  anyone (display board, a resident's phone): ticket moves and queue
//                           figures only, nothing personal (sanitize.ts publicEvent)
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KioskBus } from '../events.ts';
import { sanitize } from './sanitize.ts';

export type EventFilter = (type: string, payload: unknown) => Record<string, unknown> | null;

interface Client {
  res: ServerResponse;
  prefixes: string[] | null;
}
interface Sent {
  id: number;
  type: string;
  text: string;
}

export class LiveStream {
  private readonly clients = new Set<Client>();
  private readonly buffer: Sent[] = [];
  private nextId = 1;
  private off: (() => void) | undefined;
  private ping: NodeJS.Timeout | undefined;
  /** Events that could not be serialised. */
  dropped = 0;

  constructor(
    private readonly bus: KioskBus,
    private readonly opts: { bufferSize?: number; pingMs?: number; filter?: EventFilter } = {},
  ) {}

  start(): void {
    this.off = this.bus.onAny((type, payload) => {
      // Never throw back into the publisher (the queue has committed already).
      try {
        const data = (this.opts.filter ?? sanitize)(type, payload);
        if (data) this.publish(type, data);
      } catch {
        this.dropped++;
      }
    });
    this.ping = setInterval(() => {
      for (const c of this.clients) c.res.write(': ping\n\n');
    }, this.opts.pingMs ?? 15_000);
    this.ping.unref();
  }

  stop(): void {
    this.off?.();
    if (this.ping) clearInterval(this.ping);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  private publish(type: string, data: unknown): void {
    const id = this.nextId++;
    const text = `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    this.buffer.push({ id, type, text });
    if (this.buffer.length > (this.opts.bufferSize ?? 500)) this.buffer.shift();
    for (const c of this.clients) if (wants(c, type)) c.res.write(text);
  }

  attach(
    res: ServerResponse,
    opts: { lastEventId?: number; prefixes: string[] | null; initial?: [string, unknown][] },
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const client: Client = { res, prefixes: opts.prefixes };
    if (opts.lastEventId !== undefined) {
      for (const s of this.buffer)
        if (s.id > (opts.lastEventId as number) && wants(client, s.type)) res.write(s.text);
    }
    for (const [type, payload] of opts.initial ?? []) {
      const data = (this.opts.filter ?? sanitize)(type, payload);
      if (data && wants(client, type)) res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    res.on('error', () => this.clients.delete(client));
  }
}

function wants(c: Client, type: string): boolean {
  return c.prefixes === null || c.prefixes.some((p) => type.startsWith(p));
}

const QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    types: { type: 'string', pattern: '^[a-z.\\-]+(,[a-z.\\-]+)*$', maxLength: 200 },
    lastEventId: { type: 'string', pattern: '^[0-9]{1,12}$' },
  },
} as const;

export interface StreamRoutesOptions {
  /** The full stream (card reads, devices, printing). */
  live: LiveStream;
  /** Who may open the full stream (the kiosk's own addresses and staff); throws to refuse. */
  guard: (req: FastifyRequest) => Promise<void>;
  /** The identity-free stream for public screens. */
  publicLive: LiveStream;
  initial: () => [string, unknown][];
}

export function streamRoutes(app: FastifyInstance, o: StreamRoutesOptions): void {
  const attach = (live: LiveStream) => (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as { types?: string; lastEventId?: string };
    const header = req.headers['last-event-id'];
    const last = typeof header === 'string' && /^\d{1,12}$/.test(header) ? Number(header) : q.lastEventId;
    reply.hijack();
    live.attach(reply.raw, {
      lastEventId: last === undefined ? undefined : Number(last),
      prefixes: q.types ? q.types.split(',') : null,
      initial: o.initial(),
    });
  };
  app.get('/api/stream', { onRequest: o.guard, schema: { querystring: QUERY } }, attach(o.live));
  app.get('/api/stream/public', { schema: { querystring: QUERY } }, attach(o.publicLive));
}
