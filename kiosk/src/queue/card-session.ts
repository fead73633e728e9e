// The card of the resident standing at the kiosk, kept in memory only for a short while so the
// resident UI can ask for a ticket after the read. Only the masked forms, the keyed hash of the
// ID number and the birth date are kept — never the full number or the card record.
import { hmacIdNumber, maskIdNumber } from '@linli/shared';
import type { KioskBus } from '../events.ts';
import { QueueError } from './errors.ts';
import type { Clock } from './time.ts';
import type { ResidentIdentity } from './types.ts';

export interface CardSession extends ResidentIdentity {
  birthDate: string;
  expired: boolean;
  readAt: number;
  until: number; // usable until: read + session time, or lift + REMOVED_GRACE_MS if sooner
}

/** After the card is lifted, the next resident may already be at the screen: keep it briefly only. */
export const REMOVED_GRACE_MS = 20_000;

export class CardSessions {
  private current: CardSession | null = null;
  private off: (() => void) | undefined;

  constructor(
    private readonly bus: KioskBus,
    private readonly idKey: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  start(): void {
    this.off = this.bus.on('card.read', (ev) => {
      // A listener must never throw into the reader's emit: a malformed record is dropped.
      try {
        this.current = {
          idHash: hmacIdNumber(this.idKey, ev.card.idNumber),
          idMasked: ev.maskedId || maskIdNumber(ev.card.idNumber),
          nameMasked: ev.maskedName,
          birthDate: ev.card.birthDate,
          expired: ev.expired,
          readAt: this.clock.now(),
          until: this.clock.now() + this.ttlMs,
        };
      } catch {
        this.current = null;
        this.dropped++;
      }
    });
    this.offRemoved = this.bus.on('card.removed', () => {
      if (this.current)
        this.current.until = Math.min(this.current.until, this.clock.now() + REMOVED_GRACE_MS);
    });
  }

  private offRemoved: (() => void) | undefined;

  /** Card reads that could not be used (malformed record). */
  dropped = 0;

  stop(): void {
    this.off?.();
    this.offRemoved?.();
    this.current = null;
  }

  /** The card read within the session time, or null. */
  peek(): CardSession | null {
    if (this.current && this.clock.now() > this.current.until) this.current = null;
    return this.current;
  }

  /** The identity to issue a ticket with; refuses when there is no recent card or it has expired. */
  require(): CardSession {
    const c = this.peek();
    if (!c)
      throw new QueueError('NO_CARD', '请先在读卡区放置身份证', 'place your ID card on the reader first');
    if (c.expired)
      throw new QueueError(
        'CARD_EXPIRED',
        '身份证已过有效期，请到人工窗口办理',
        'this ID card has expired; please go to a staffed window',
      );
    return c;
  }

  clear(): void {
    this.current = null;
  }
}
