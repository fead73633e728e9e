// Rating at the kiosk: the resident holds the ticket's QR code (the follow URL) to the scanner.
// The live stream never carries scanned codes, so the kiosk screen, told that something was
// scanned, asks here for the ticket's follow token — once, within a minute of the scan, and only
// from the kiosk's own address.
import type { FastifyInstance } from 'fastify';
import type { KioskConfig } from '../config.ts';
import type { KioskBus } from '../events.ts';
import { kioskAddressGuard } from './kiosk-address.ts';

const FOLLOW = /\/follow\/([A-Za-z0-9_-]{16,64})\/?$/;
const KEEP_MS = 60_000;

/** The follow token in a scanned code, if it is a ticket's QR code. */
export function followTokenOf(code: string): string | undefined {
  return FOLLOW.exec(code.trim())?.[1];
}

export class ScannedTickets {
  private last: { token: string; at: number } | undefined;
  private off: (() => void) | undefined;

  constructor(
    private readonly bus: KioskBus,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.off = this.bus.on('scan', (ev) => {
      const token = followTokenOf(ev.code);
      if (token) this.last = { token, at: this.now() };
    });
  }

  stop(): void {
    this.off?.();
    this.last = undefined;
  }

  /** The token of the ticket scanned in the last minute, handed out once. */
  take(): string | null {
    const l = this.last;
    this.last = undefined;
    return l && this.now() - l.at <= KEEP_MS ? l.token : null;
  }
}

export function scannedTicketRoutes(
  app: FastifyInstance,
  tickets: ScannedTickets,
  config: KioskConfig,
): void {
  const guard = kioskAddressGuard(config, {
    zh: '请在自助终端上评价',
    en: 'rating by scan is at the kiosk itself',
  });
  app.get('/api/kiosk/scanned-ticket', { onRequest: guard }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { token: tickets.take() };
  });
}
