// The ID-card reader (SAM module) behind any Duplex: answers the SAM protocol as a real reader does,
// with a card that can be placed and removed, and fault injection.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  type CardRecord,
  ChecksumError,
  encodeCardText,
  encodeReadData,
  encodeReply,
  FrameError,
  identifyCommand,
  maskIdNumber,
  type SamCommandName,
  SamFrameParser,
} from '@linli/shared';
import { SimError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { pacedWrite } from '../serial/pacer.ts';
import { sleep } from '../util.ts';
import type { SimResident } from './residents.ts';

export const READER_FAULTS = [
  'bad-checksum',
  'read-failure',
  'partial-frame',
  'noise',
  'slow',
  'silent',
] as const;
export type ReaderFaultName = (typeof READER_FAULTS)[number];
export interface ReaderFault {
  name: ReaderFaultName;
  /** Apply to this many replies, then clear (default: until cleared). */
  count?: number;
  /** For 'slow': extra delay in ms (default 2000). */
  delayMs?: number;
}

export const SW = {
  SUCCESS: 0x90,
  CARD_FOUND: 0x9f,
  CHECKSUM_ERROR: 0x10,
  LENGTH_ERROR: 0x11,
  COMMAND_ERROR: 0x21,
  READ_FAILED: 0x41,
  FIND_FAILED: 0x80,
  SELECT_FAILED: 0x81,
} as const;

export interface ReceivedSamCommand {
  at: number;
  /** The command, 'unknown' for an unknown body, 'bad-frame' for a frame that did not decode. */
  name: SamCommandName | 'unknown' | 'bad-frame';
  /** SW3 answered; undefined when the reader did not answer (silent, partial frame). */
  sw3?: number;
}

export interface ReaderOptions {
  /** Pace replies as on a serial line at this baud (default 115200; 0 = no pacing). */
  baud?: number;
  /** Processing delay before every reply, ms (default 5). */
  processingDelayMs?: number;
  /** Extra delay of the read commands (the RF transfer from the card), ms (default 100). */
  readDelayMs?: number;
  /** After a successful read, does find-card succeed again without lifting the card? (default false, as real readers) */
  refindAfterRead?: boolean;
  /** Does select answer the card's serial (per card key) rather than 8 zero bytes? (default false) */
  serialInSelect?: boolean;
  /** SAM id, 16 bytes of data after SW3 of read-SAM-id. */
  samId?: Buffer;
  log?: Logger;
}

type CardState = 'present' | 'found' | 'selected' | 'read' | 'stale';

interface PlacedCard {
  key: string;
  card: CardRecord;
  text: Buffer;
  photo: Buffer;
  fingerprint: Buffer;
  state: CardState;
}

export interface PlaceOptions {
  /** Fingerprint bytes on the card: 1024 (default), 512 or 0. */
  fingerprintBytes?: 0 | 512 | 1024;
}

interface ReaderEvents {
  command: [ReceivedSamCommand];
  card: [{ placed: boolean; key?: string }];
}

function pseudoBytes(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < n; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** The SAM protocol engine. Constructor only assigns; start() attaches to the stream. */
export class IdCardReaderSim extends EventEmitter<ReaderEvents> {
  readonly received: ReceivedSamCommand[] = [];
  readonly counters = { commands: 0, replies: 0, badFrames: 0, unknown: 0, reads: 0 };
  private fault: (ReaderFault & { left?: number }) | undefined;
  private placed: PlacedCard | undefined;
  private readonly parser = new SamFrameParser();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly port: Duplex,
    private readonly opts: ReaderOptions = {},
  ) {
    super();
    this.log = opts.log ?? silentLogger;
  }

  start(): void {
    this.parser.on('data', (body: Buffer) => this.enqueue(() => this.onCommand(body)));
    this.parser.on('bad-frame', (err: unknown) => this.enqueue(() => this.onBadFrame(err)));
    this.port.pipe(this.parser);
  }

  stop(): void {
    this.stopped = true;
    this.port.unpipe(this.parser);
    this.parser.removeAllListeners();
  }

  /** The card on the reader (key and masked number only: never log the full number). */
  get card(): { key: string; type: CardRecord['type']; idNumber: string; state: CardState } | undefined {
    const p = this.placed;
    return p && { key: p.key, type: p.card.type, idNumber: maskIdNumber(p.card.idNumber), state: p.state };
  }

  get currentFault(): ReaderFault | undefined {
    return this.fault && { name: this.fault.name, count: this.fault.left, delayMs: this.fault.delayMs };
  }

  /** Put a card on the reader (replaces any card there). */
  place(resident: SimResident | { key?: string; card: CardRecord }, opts: PlaceOptions = {}): void {
    const key = resident.key ?? 'card';
    const text = encodeCardText(resident.card);
    this.placed = {
      key,
      card: resident.card,
      text,
      photo: pseudoBytes(`photo:${key}`, 1024),
      fingerprint: pseudoBytes(`fp:${key}`, opts.fingerprintBytes ?? 1024),
      state: 'present',
    };
    this.log.info(`card placed: ${key} (${resident.card.type}, ${maskIdNumber(resident.card.idNumber)})`);
    this.emit('card', { placed: true, key });
  }

  /** Lift the card. */
  remove(): void {
    const key = this.placed?.key;
    this.placed = undefined;
    this.log.info(`card removed${key ? `: ${key}` : ''}`);
    this.emit('card', { placed: false, ...(key ? { key } : {}) });
  }

  /** Inject a fault (null or 'none' clears). */
  setFault(fault: ReaderFault | ReaderFaultName | 'none' | null): void {
    if (fault === null || fault === 'none') {
      this.fault = undefined;
      this.log.info('fault cleared');
      return;
    }
    const f = typeof fault === 'string' ? { name: fault } : fault;
    if (!READER_FAULTS.includes(f.name)) {
      throw new SimError(
        'SIM_FAULT',
        `unknown reader fault ${JSON.stringify(f.name)}; known: ${READER_FAULTS.join(', ')}`,
      );
    }
    this.fault = { ...f, left: f.count };
    this.log.warn({ fault: f.name, ...(f.count ? { count: f.count } : {}) }, 'fault injected');
  }

  /** Resolves once every command received so far has been answered. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((err: unknown) => {
      this.log.error({ err }, 'reader task failed');
    });
  }

  /** Take the active fault for one reply (counting down a limited one). */
  private takeFault(): ReaderFault | undefined {
    const f = this.fault;
    if (!f) return undefined;
    if (f.left !== undefined) {
      f.left--;
      if (f.left <= 0) this.fault = undefined;
    }
    return f;
  }

  private record(name: ReceivedSamCommand['name'], sw3?: number): ReceivedSamCommand {
    const entry: ReceivedSamCommand = { at: Date.now(), name, ...(sw3 === undefined ? {} : { sw3 }) };
    this.received.push(entry);
    if (this.received.length > 10_000) this.received.splice(0, 5_000);
    this.emit('command', entry);
    return entry;
  }

  private async onBadFrame(err: unknown): Promise<void> {
    this.counters.badFrames++;
    const sw3 =
      err instanceof ChecksumError
        ? SW.CHECKSUM_ERROR
        : err instanceof FrameError && err.code === 'FRAME_LENGTH'
          ? SW.LENGTH_ERROR
          : SW.COMMAND_ERROR;
    this.log.warn({ err }, 'bad frame from the host');
    await this.reply('bad-frame', sw3);
  }

  private async onCommand(body: Buffer): Promise<void> {
    this.counters.commands++;
    const name = identifyCommand(body);
    if (!name) {
      this.counters.unknown++;
      this.log.warn(`unknown command body ${body.toString('hex')}`);
      await this.reply('unknown', SW.COMMAND_ERROR);
      return;
    }
    const card = this.placed;
    switch (name) {
      case 'samStatus':
      case 'samReset':
      case 'maxRfBytes':
        return this.reply(name, SW.SUCCESS);
      case 'readSamId':
        return this.reply(name, SW.SUCCESS, this.opts.samId ?? pseudoBytes('sam-id', 16));
      case 'findCard': {
        const found =
          card &&
          (card.state === 'present' ||
            card.state === 'found' ||
            card.state === 'selected' ||
            (card.state === 'read' && this.opts.refindAfterRead));
        if (!card || !found) return this.reply(name, SW.FIND_FAILED);
        card.state = 'found';
        return this.reply(name, SW.CARD_FOUND, Buffer.alloc(4));
      }
      case 'selectCard': {
        if (!card || (card.state !== 'found' && card.state !== 'selected'))
          return this.reply(name, SW.SELECT_FAILED);
        card.state = 'selected';
        // 8 bytes after the status: zeros as in the published frames, or the card's serial on
        // readers that report one (serialInSelect).
        const serial = this.opts.serialInSelect ? pseudoBytes(`serial:${card.key}`, 8) : Buffer.alloc(8);
        return this.reply(name, SW.SUCCESS, serial);
      }
      case 'readText':
      case 'readTextFingerprint': {
        if (card?.state !== 'selected') return this.reply(name, SW.READ_FAILED);
        await sleep(this.opts.readDelayMs ?? 100);
        if (this.fault?.name === 'read-failure') {
          this.takeFault();
          card.state = 'stale'; // the card must be lifted and placed again
          return this.reply(name, SW.READ_FAILED, undefined, true);
        }
        card.state = 'read';
        this.counters.reads++;
        const data =
          name === 'readText'
            ? encodeReadData(card.text, card.photo)
            : encodeReadData(card.text, card.photo, card.fingerprint);
        return this.reply(name, SW.SUCCESS, data);
      }
    }
  }

  private async reply(
    name: ReceivedSamCommand['name'],
    sw3: number,
    data?: Buffer,
    faultTaken = false,
  ): Promise<void> {
    const fault = faultTaken ? undefined : this.fault?.name === 'read-failure' ? undefined : this.takeFault();
    await sleep(this.opts.processingDelayMs ?? 5);
    if (this.stopped) return;
    if (fault?.name === 'silent') {
      this.fault = { name: 'silent' }; // a reader that stops answering stays silent until cleared
      this.record(name);
      return;
    }
    let frame = encodeReply(sw3, data);
    if (fault?.name === 'slow') await sleep(fault.delayMs ?? 2000);
    if (fault?.name === 'bad-checksum') {
      frame = Buffer.from(frame);
      frame[frame.length - 1] = frame[frame.length - 1]! ^ 0xff;
    }
    if (fault?.name === 'noise') {
      // line noise, including a false start of a preamble
      frame = Buffer.concat([Buffer.from([0x00, 0xff, 0x13, 0xaa, 0xaa, 0x55, 0xaa, 0x96]), frame]);
    }
    if (fault?.name === 'partial-frame') frame = frame.subarray(0, Math.max(6, Math.floor(frame.length / 2)));
    await pacedWrite(this.port, frame, this.opts.baud ?? 115200, () => this.stopped);
    this.counters.replies++;
    this.record(name, fault?.name === 'partial-frame' ? undefined : sw3);
  }
}
