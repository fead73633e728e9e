// Server-Sent Events carrying bus events to the UIs, on the shared SSE helper
// (@linli/shared/service sse.ts). Each event has an id; a client that
// reconnects with Last-Event-ID gets what it missed from a short replay buffer.
//   GET /api/stream         the kiosk's own screen and staff: ticket.*, queue.*, card.* masked,
//                           scan without its code, print.job, device.health
//   GET /api/stream/public  anyone (display board, a resident's phone): ticket moves and queue
//                           figures only, nothing personal (sanitize.ts publicEvent)
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  lastEventId,
  openSse,
  type SseConnection,
  SseConnections,
  SseReplay,
  sseEvent,
} from '@linli/shared/service';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { obj } from '../api/schemas.ts';
import type { KioskBus } from '../events.ts';
import { sanitize } from './sanitize.ts';

export type EventFilter = (type: string, payload: unknown) => Record<string, unknown> | null;

/** Which event types a client asked for (?types=ticket.,queue.); null: all. */
type Prefixes = string[] | null;

const wants = (prefixes: Prefixes) => (type: string) =>
  prefixes === null || prefixes.some((prefix) => type.startsWith(prefix));

export class LiveStream {
  private readonly clients = new SseConnections();
  private readonly prefixesOf = new Map<SseConnection, Prefixes>();
  private readonly replay: SseReplay;
  private off: (() => void) | undefined;
  /** Events that could not be serialised. */
  dropped = 0;

  constructor(
    private readonly bus: KioskBus,
    private readonly opts: { bufferSize?: number; keepAliveMs?: number; filter?: EventFilter } = {},
  ) {
    this.replay = new SseReplay(opts.bufferSize ?? 500);
  }

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
  }

  stop(): void {
    this.off?.();
    this.clients.endAll();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  private publish(type: string, data: unknown): void {
    const text = this.replay.record(type, data);
    this.clients.forEach((conn) => {
      if (wants(this.prefixesOf.get(conn) ?? null)(type)) conn.write(text);
    });
  }

  /** Opens the stream on the reply: missed events (Last-Event-ID), then the snapshot, then live. */
  attach(
    reply: FastifyReply,
    opts: { lastEventId?: number | undefined; prefixes: Prefixes; initial?: [string, unknown][] },
  ): void {
    const wanted = wants(opts.prefixes);
    const conn = openSse(reply, {
      keepAliveMs: this.opts.keepAliveMs ?? 15_000,
      onEnd: () => {
        this.clients.delete(conn);
        this.prefixesOf.delete(conn);
      },
    });
    if (opts.lastEventId !== undefined)
      for (const text of this.replay.since(opts.lastEventId, wanted)) conn.write(text);
    for (const [type, payload] of opts.initial ?? []) {
      const data = (this.opts.filter ?? sanitize)(type, payload);
      if (data && wanted(type)) conn.write(sseEvent(type, data));
    }
    this.prefixesOf.set(conn, opts.prefixes);
    this.clients.add(conn);
  }
}

const QUERY = obj({
  types: Type.String({ pattern: '^[a-z.\\-]+(,[a-z.\\-]+)*$', maxLength: 200 }),
  lastEventId: Type.String({ pattern: '^[0-9]{1,12}$' }),
});

export interface StreamRoutesOptions {
  /** The full stream (card reads, devices, printing). */
  live: LiveStream;
  /** Who may open the full stream (the kiosk's own addresses and staff); throws to refuse. */
  guard: (req: FastifyRequest) => Promise<void>;
  /** The identity-free stream for public screens. */
  publicLive: LiveStream;
  initial: () => [string, unknown][];
}

export function streamRoutes(root: FastifyInstance, options: StreamRoutesOptions): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const attach =
    (live: LiveStream) =>
    (req: FastifyRequest<{ Querystring: Static<typeof QUERY> }>, reply: FastifyReply) => {
      const query = req.query;
      live.attach(reply, {
        lastEventId: lastEventId(req.headers['last-event-id'], query.lastEventId),
        prefixes: query.types ? query.types.split(',') : null,
        initial: options.initial(),
      });
    };
  app.get('/api/stream', { onRequest: options.guard, schema: { querystring: QUERY } }, attach(options.live));
  app.get('/api/stream/public', { schema: { querystring: QUERY } }, attach(options.publicLive));
}
