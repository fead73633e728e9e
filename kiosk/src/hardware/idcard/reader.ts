// ID-card reader driver (SAM protocol). Polls find → select → read, at most once every
// `pollIntervalMs` (≥ 300 ms), and turns what it sees into bus events:
//
//   card found (new placement) → 'card.placed' (before select/read: ends the previous card session)
//   card placed and read      → one 'card.read' per placement (the full record stays in memory)
//   card lifted               → 'card.removed'
//   read failure (SW3 41 …)   → 'card.error' "请重新放置身份证 / please place the card again";
//                               the card must be lifted and placed again before the next try
//   corrupt or missing reply  → retried on the next poll; after `maxAttempts` in one placement
//                               the same 'card.error'
//   reader silent             → health 'error' until it answers again
//
// Placements and removal. Most SAM modules halt a card once it has been read (or failed to
// read): find answers 80 from then on although the card still lies there, and 9F again only
// after it was lifted and placed again. Other readers (and the simulator with
// refindAfterRead) keep answering 9F after a read until the card is lifted. The driver
// handles both; `refindsAfterRead` (default false: halting, like most modules) says which:
//   9F, no placement               → a new placement: select, read, one 'card.read'
//   9F after the read              → re-finding reader: the same card, still there, no
//                                    re-read — unless select now answers another card's
//                                    serial (a card swapped within one poll: 'card.removed',
//                                    then a new placement; readers answering zeros cannot
//                                    tell); halting reader: a new placement
//   80 after the read              → re-finding reader: 'card.removed'; halting reader: the
//                                    card is halted or gone (it cannot say which), no event
//   9F after a failed read         → read again, no sooner than `failedRetryMs` after the failure
//   80 while reading               → 'card.removed' (lifted mid-read)
// The line itself (open, reconnect) belongs to the Reconnector.
import {
  type CardRecord,
  CardTextError,
  decodeCardText,
  decodeReadData,
  FrameError,
  isCardExpired,
  maskIdNumber,
  maskName,
  samStatus,
  TimeoutError,
} from '@linli/shared';
import type { KioskBus } from '../../events.ts';
import type { HealthRegistry } from '../health.ts';
import { errMessage, type HwLogger } from '../log.ts';
import type { ByteTransport } from '../transport/byte-transport.ts';
import { SamChannel } from './sam-channel.ts';

export const MIN_POLL_INTERVAL_MS = 300;

export interface SamTimeouts {
  find: number;
  select: number;
  read: number;
}

export interface IdCardReaderOptions {
  pollIntervalMs: number;
  /** Explicit reply time-outs per command (ms). The read reply is 1295 bytes: ~113 ms at 115200. */
  timeouts: SamTimeouts;
  /** Corrupt/missing replies tolerated within one placement before telling the resident. */
  maxAttempts: number;
  /** Consecutive time-outs before the reader is reported as not responding. */
  silentAfter: number;
  /** After a failed read, a card still (or again) found is read again this much later. */
  failedRetryMs: number;
  /** Does the reader find a card again after reading it, until it is lifted? */
  refindsAfterRead: boolean;
  now: () => Date;
}

export const DEFAULT_READER_OPTIONS: IdCardReaderOptions = {
  pollIntervalMs: MIN_POLL_INTERVAL_MS,
  timeouts: { find: 1000, select: 1000, read: 2500 },
  maxAttempts: 3,
  silentAfter: 3,
  failedRetryMs: 1000,
  refindsAfterRead: false,
  now: () => new Date(),
};

const PLACE_AGAIN = { zh: '请重新放置身份证', en: 'please place the card again' } as const;

type Placement =
  // `serial`: the 8 bytes select answered (the card's serial on readers that report one)
  | { state: 'reading'; attempts: number; serial?: Buffer }
  // one card.read (or card.error) emitted; `seenAgain`: find answered 9F since then
  | { state: 'read' | 'failed'; seenAgain: boolean; at: number; serial?: Buffer };

/** A serial worth comparing: readers that report none answer select with zeros. */
const reported = (serial: Buffer | undefined): serial is Buffer =>
  serial !== undefined && serial.length > 0 && serial.some((b) => b !== 0);

export type ReaderStats = {
  polls: number;
  reads: number;
  errors: number;
  removals: number;
  badFrames: number;
  timeouts: number;
  strayReplies: number;
};

/** The name shown on shared screens, masked. */
export function maskedCardName(card: CardRecord): string {
  if (card.type === 'foreign-permanent') return maskName(card.chineseName || card.englishName);
  return maskName(card.name);
}

export class IdCardReader {
  private readonly o: IdCardReaderOptions;
  private channel: SamChannel | undefined;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private cycling = false;
  private placement: Placement | undefined;
  private consecutiveTimeouts = 0;
  private readonly totals = { polls: 0, reads: 0, errors: 0, removals: 0 };
  private readonly old = { badFrames: 0, timeouts: 0, strayReplies: 0 };

  constructor(
    private readonly bus: KioskBus,
    private readonly health: HealthRegistry,
    private readonly log: HwLogger,
    opts: Partial<IdCardReaderOptions> = {},
  ) {
    this.o = {
      ...DEFAULT_READER_OPTIONS,
      ...opts,
      timeouts: { ...DEFAULT_READER_OPTIONS.timeouts, ...opts.timeouts },
    };
    if (this.o.pollIntervalMs < MIN_POLL_INTERVAL_MS) this.o.pollIntervalMs = MIN_POLL_INTERVAL_MS;
  }

  get stats(): ReaderStats {
    const c = this.channel;
    return {
      ...this.totals,
      badFrames: this.old.badFrames + (c?.badFrames ?? 0),
      timeouts: this.old.timeouts + (c?.timeouts ?? 0),
      strayReplies: this.old.strayReplies + (c?.strayReplies ?? 0),
    };
  }

  /** A (re)opened line: start polling on it. */
  attach(line: ByteTransport): void {
    this.detach();
    this.channel = new SamChannel(line, this.log);
    this.consecutiveTimeouts = 0;
    const gen = ++this.generation;
    this.schedule(gen, 0);
  }

  /** The line is gone (unplugged) or the service stops. */
  detach(_err?: Error): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    const c = this.channel;
    if (c) {
      this.old.badFrames += c.badFrames;
      this.old.timeouts += c.timeouts;
      this.old.strayReplies += c.strayReplies;
    }
    this.channel = undefined;
    if (this.placement) this.removed();
  }

  private schedule(gen: number, delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(gen), delay);
  }

  private async tick(gen: number): Promise<void> {
    if (gen !== this.generation) return;
    if (this.cycling) {
      this.schedule(gen, 50); // the old line's cycle is still unwinding
      return;
    }
    const started = performance.now();
    this.cycling = true;
    try {
      await this.cycle(gen);
    } catch (err) {
      // Never let one bad cycle stop the polling.
      this.log.error({ err }, 'ID-card poll cycle failed');
    } finally {
      this.cycling = false;
    }
    if (gen === this.generation)
      this.schedule(gen, Math.max(0, Math.ceil(started + this.o.pollIntervalMs - performance.now())));
  }

  private async cycle(gen: number): Promise<void> {
    const ch = this.channel;
    if (!ch) return;
    this.totals.polls++;
    const t = this.o.timeouts;
    try {
      const find = await ch.request('findCard', t.find);
      if (gen !== this.generation) return;
      this.answered();
      const p = this.placement;
      if (find.sw3 !== 0x9f) {
        if (find.sw3 !== 0x80) this.samTrouble(find.sw3);
        if (!p) return;
        const refinds = p.state === 'read' && this.o.refindsAfterRead;
        if (p.state === 'reading' || p.seenAgain || refinds) this.removed();
        else this.placement = undefined; // halted or lifted: cannot tell; the next 9F is a new card
        return;
      }
      if (p?.state === 'read' && this.o.refindsAfterRead) {
        // The same card still there — unless select reports another card's serial: a card
        // swapped within one poll on a re-finding reader (a halting reader sees the swap anyway).
        if (reported(p.serial)) {
          const again = await ch.request('selectCard', t.select);
          if (gen !== this.generation) return;
          if (again.sw3 === 0x90 && reported(again.data) && !again.data.equals(p.serial)) {
            this.removed();
            this.bus.emit('card.placed', { at: Date.now() });
            this.placement = { state: 'reading', attempts: 0, serial: again.data };
            await this.readPlaced(ch, gen, this.placement);
            return;
          }
        }
        p.seenAgain = true;
        return;
      }
      if (p?.state === 'failed') {
        p.seenAgain = true;
        if (Date.now() - p.at < this.o.failedRetryMs) return;
      }
      // A halting reader finding a card after a read: it was lifted and placed again.
      const placement: Placement = p?.state === 'reading' ? p : { state: 'reading', attempts: 0 };
      // A retry after a failed read is the same placement (its failure already said so).
      if (p === undefined || p.state === 'read') this.bus.emit('card.placed', { at: Date.now() });
      this.placement = placement;
      await this.readPlaced(ch, gen, placement);
    } catch (err) {
      if (gen !== this.generation) return;
      this.lineTrouble(err);
    }
  }

  /** Select and read the placed card. */
  private async readPlaced(
    ch: SamChannel,
    gen: number,
    placement: Placement & { state: 'reading' },
  ): Promise<void> {
    const t = this.o.timeouts;
    const select = await ch.request('selectCard', t.select);
    if (gen !== this.generation) return;
    if (select.sw3 !== 0x90) {
      this.retryOrFail(
        placement,
        `select answered ${samStatus(select.sw3).name}`,
        'SELECT_FAILED',
        select.sw3,
      );
      return;
    }
    placement.serial = select.data;
    const read = await ch.request('readText', t.read);
    if (gen !== this.generation) return;
    if (read.sw3 !== 0x90) {
      this.fail('READ_FAILED', `read answered ${samStatus(read.sw3).name}`, read.sw3);
      return;
    }
    this.decodeAndEmit(read.data);
    if (this.placement?.state === 'read') this.placement.serial = select.data;
  }

  private decodeAndEmit(data: Buffer): void {
    let card: CardRecord;
    try {
      const { text } = decodeReadData(data, false); // the photo bytes are dropped here
      card = decodeCardText(text);
    } catch (err) {
      if (err instanceof FrameError) {
        this.fail('READ_DATA', `read reply unusable: ${err.message}`);
        return;
      }
      // Card text errors may quote field values (dates, codes): log the code only.
      this.totals.errors++;
      this.placement = { state: 'failed', seenAgain: false, at: Date.now() };
      const code = err instanceof CardTextError ? err.code : err instanceof Error ? err.name : 'unknown';
      this.log.warn({ code }, 'card text not recognised');
      this.bus.emit('card.error', {
        code: 'CARD_UNKNOWN',
        zh: '无法识别的证件，请使用身份证或居住证',
        en: 'card not recognised; please use an ID card or residence permit',
        at: Date.now(),
      });
      return;
    }
    const expired = isCardExpired(card, this.o.now());
    const maskedId = maskIdNumber(card.idNumber);
    const maskedName = maskedCardName(card);
    this.placement = { state: 'read', seenAgain: false, at: Date.now() };
    this.totals.reads++;
    this.log.info({ maskedId, maskedName, type: card.type, expired }, 'card read');
    this.bus.emit('card.read', { card, maskedName, maskedId, expired, at: Date.now() });
  }

  /** A corrupt or missing reply: retry on the next poll, up to maxAttempts per placement. */
  private lineTrouble(err: unknown): void {
    const timedOut = err instanceof TimeoutError;
    this.log.debug({ err }, 'SAM request failed');
    if (timedOut) {
      this.consecutiveTimeouts++;
      if (this.consecutiveTimeouts === this.o.silentAfter) {
        this.log.warn({ timeouts: this.consecutiveTimeouts }, 'ID-card reader not responding');
        this.health.set('idcard', {
          state: 'error',
          detail: '读卡器无响应 / reader not responding',
          lastError: errMessage(err),
        });
      }
    } else {
      this.health.set('idcard', { lastError: errMessage(err) });
    }
    if (this.placement?.state === 'reading') {
      this.retryOrFail(this.placement, errMessage(err), 'READ_UNRELIABLE');
    }
  }

  private retryOrFail(
    p: { state: 'reading'; attempts: number },
    why: string,
    code: string,
    sw3?: number,
  ): void {
    p.attempts++;
    if (p.attempts < this.o.maxAttempts) {
      this.log.debug({ attempt: p.attempts, why }, 'card read retried');
      return;
    }
    this.fail(code, why, sw3);
  }

  private fail(code: string, why: string, sw3?: number): void {
    this.totals.errors++;
    this.placement = { state: 'failed', seenAgain: false, at: Date.now() };
    this.log.warn({ code, why, sw3 }, 'card read failed; asking to place the card again');
    this.bus.emit('card.error', {
      code,
      ...PLACE_AGAIN,
      ...(sw3 === undefined ? {} : { sw3 }),
      at: Date.now(),
    });
  }

  private removed(): void {
    this.placement = undefined;
    this.totals.removals++;
    this.bus.emit('card.removed', { at: Date.now() });
  }

  private answered(): void {
    if (this.consecutiveTimeouts >= this.o.silentAfter) {
      this.log.info({}, 'ID-card reader answers again');
      this.health.set('idcard', { state: 'ok', detail: undefined });
    }
    this.consecutiveTimeouts = 0;
  }

  private samTrouble(sw3: number): void {
    const s = samStatus(sw3);
    this.log.warn({ sw3, status: s.name }, 'unexpected answer to find card');
    this.health.set('idcard', { lastError: `find card: ${s.name} (${s.en})` });
  }

  stop(): void {
    this.detach();
  }
}
