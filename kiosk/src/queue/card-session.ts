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
  until: number; // usable until: read + session time
}

/**
 * The session belongs to one placement of one card. Anything else the reader reports — a new
 * card found, a failed read, the card lifted — means the resident it names may no longer be the
 * one at the screen, so the session ends at once (issue #10, defect 14): a ticket is never issued
 * in the name of whoever stood there before.
 */
const ENDS_SESSION = ['card.placed', 'card.error', 'card.removed'] as const;

export class CardSessions {
  private current: CardSession | null = null;
  private offs: (() => void)[] = [];

  constructor(
    private readonly bus: KioskBus,
    private readonly idKey: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  start(): void {
    this.offs.push(
      this.bus.on('card.read', (ev) => {
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
      }),
    );
    for (const type of ENDS_SESSION) this.offs.push(this.bus.on(type, () => this.clear()));
  }

  /** Card reads that could not be used (malformed record). */
  dropped = 0;

  stop(): void {
    for (const off of this.offs.splice(0)) off();
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
