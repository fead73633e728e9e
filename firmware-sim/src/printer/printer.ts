// Thermal receipt printer behind any Duplex: decodes ESC/POS into tickets (split at cuts), answers
// DLE EOT real-time status queries from a state that can change while it runs.
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  decodeEscPos,
  type EscPosItem,
  encodeStatusByte,
  type PrinterStatus,
  renderEscPos,
} from '@linli/shared';
import { type Logger, silentLogger } from '../log.ts';

export interface PrintedTicket {
  seq: number;
  at: number;
  bytes: Buffer;
  /** Readable rendering: Chinese decoded, [QR:…] for QR codes, --- cut --- marks. */
  text: string;
  items: EscPosItem[];
  qr: string[];
  cut: 'full' | 'partial' | 'none';
  /** Files written for this ticket, when an output folder is set. */
  files?: { text: string; bin: string };
}

export interface PrinterOptions {
  /** Write each ticket as ticket-NNNN.txt and .bin into this folder. */
  outDir?: string;
  /** Paper for this many tickets, then near end (last 20 %), then out. Default: endless. */
  paperTickets?: number;
  status?: Partial<PrinterStatus>;
  log?: Logger;
}

interface PrinterEvents {
  ticket: [PrintedTicket];
  status: [PrinterStatus];
  /** Bytes thrown away because the printer was not ready (paper out, cover open, offline). */
  rejected: [{ bytes: number; reason: string }];
  query: [{ n: number; reply: number }];
}

const DLE = 0x10;
const EOT = 0x04;
const GS = 0x1d;

/** Where the next cut command ends in `buf` (index after it), with its mode; undefined if none complete. */
function findCut(buf: Buffer): { end: number; mode: 'full' | 'partial' } | undefined {
  for (let i = buf.indexOf(GS); i >= 0 && i < buf.length - 2; i = buf.indexOf(GS, i + 1)) {
    if (buf[i + 1] !== 0x56) continue;
    const m = buf[i + 2]!;
    if (m === 0 || m === 48) return { end: i + 3, mode: 'full' };
    if (m === 1 || m === 49) return { end: i + 3, mode: 'partial' };
    if (m === 65 || m === 66) {
      if (i + 3 >= buf.length) return undefined; // wait for the feed count
      return { end: i + 4, mode: m === 65 ? 'full' : 'partial' };
    }
  }
  return undefined;
}

/** Where GS r 1 (transmit paper sensor status, n = 1 or 49) starts in `buf`, or -1. */
function findPaperStatusQuery(buf: Buffer): number {
  for (let i = buf.indexOf(GS); i >= 0 && i < buf.length - 2; i = buf.indexOf(GS, i + 1)) {
    if (buf[i + 1] === 0x72 && (buf[i + 2] === 1 || buf[i + 2] === 49)) return i;
  }
  return -1;
}

/** The bytes without complete DLE EOT n sequences. */
function stripStatusQueries(buf: Buffer): Buffer {
  if (buf.indexOf(DLE) < 0) return buf;
  const out: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    const n = buf[i + 2];
    if (buf[i] === DLE && buf[i + 1] === EOT && (n === 1 || n === 2 || n === 4)) {
      i += 2;
      continue;
    }
    out.push(buf[i]!);
  }
  return Buffer.from(out);
}

export class PrinterSim extends EventEmitter<PrinterEvents> {
  readonly tickets: PrintedTicket[] = [];
  readonly counters = { bytes: 0, statusQueries: 0, rejectedBytes: 0, tickets: 0 };
  status: PrinterStatus;
  private pending: Buffer = Buffer.alloc(0);
  /** Last bytes of the previous chunk, to find a DLE EOT n split over chunks. */
  private tail: Buffer = Buffer.alloc(0);
  private paperLeft: number | undefined;
  private readonly log: Logger;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(
    private readonly port: Duplex,
    private readonly opts: PrinterOptions = {},
  ) {
    super();
    this.status = {
      offline: false,
      coverOpen: false,
      paperNearEnd: false,
      paperOut: false,
      error: false,
      ...opts.status,
    };
    this.paperLeft = opts.paperTickets;
    this.log = opts.log ?? silentLogger;
  }

  start(): void {
    if (this.opts.outDir) mkdirSync(this.opts.outDir, { recursive: true });
    this.port.on('data', this.onData);
  }

  stop(): void {
    this.port.off('data', this.onData);
  }

  get ready(): boolean {
    const s = this.status;
    return !s.offline && !s.coverOpen && !s.paperOut && !s.error;
  }

  /** Change the state (paper near end, paper out, cover open, offline, error). */
  setStatus(partial: Partial<PrinterStatus>): PrinterStatus {
    this.status = { ...this.status, ...partial };
    if (partial.paperOut === false && partial.paperNearEnd === undefined) this.status.paperNearEnd = false;
    if (partial.paperOut === false && this.opts.paperTickets !== undefined)
      this.paperLeft = this.opts.paperTickets;
    this.log.info({ status: this.status }, 'status');
    this.emit('status', { ...this.status });
    return { ...this.status };
  }

  /** Resolve with the next ticket (or reject after timeoutMs). */
  nextTicket(timeoutMs = 5000): Promise<PrintedTicket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('ticket', on);
        reject(new Error(`no ticket within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (t: PrintedTicket): void => {
        clearTimeout(timer);
        resolve(t);
      };
      this.once('ticket', on);
    });
  }

  private receive(raw: Buffer): void {
    this.counters.bytes += raw.length;
    this.answerStatusQueries(raw);
    const chunk = stripStatusQueries(raw); // real-time commands are executed, never printed
    if (chunk.length === 0) return;
    if (!this.ready) {
      this.counters.rejectedBytes += chunk.length;
      const reason = this.status.paperOut
        ? 'paper out'
        : this.status.coverOpen
          ? 'cover open'
          : this.status.offline
            ? 'offline'
            : 'error';
      this.log.warn({ bytes: chunk.length, reason }, 'not printing');
      this.emit('rejected', { bytes: chunk.length, reason });
      return;
    }
    // GS r 1 (transmit paper sensor status) is not real-time: it is answered in sequence, once
    // everything before it has printed — so a reply after a ticket says it came out complete.
    let rest = chunk;
    for (let at = findPaperStatusQuery(rest); at >= 0; at = findPaperStatusQuery(rest)) {
      this.accept(rest.subarray(0, at));
      rest = rest.subarray(at + 3);
      if (!this.ready && this.status.offline) continue; // offline: not processed
      const reply = (this.status.paperNearEnd ? 0x03 : 0) | (this.status.paperOut ? 0x0c : 0);
      this.port.write(Buffer.from([reply]));
    }
    this.accept(rest);
  }

  private accept(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending = Buffer.concat([this.pending, chunk]);
    for (let cut = findCut(this.pending); cut; cut = findCut(this.pending)) {
      const bytes = this.pending.subarray(0, cut.end);
      this.pending = this.pending.subarray(cut.end);
      this.emitTicket(Buffer.from(bytes), cut.mode);
    }
  }

  /** Real-time commands are answered by byte pattern, wherever they appear (as real printers do). */
  private answerStatusQueries(chunk: Buffer): void {
    const scan = Buffer.concat([this.tail, chunk]);
    const skip = this.tail.length; // patterns ending inside the old tail were answered already
    for (let i = scan.indexOf(DLE); i >= 0 && i < scan.length - 2; i = scan.indexOf(DLE, i + 1)) {
      if (scan[i + 1] !== EOT || i + 2 < skip) continue;
      const n = scan[i + 2]!;
      if (n !== 1 && n !== 2 && n !== 4) continue;
      const reply = encodeStatusByte(n, this.status);
      this.counters.statusQueries++;
      this.port.write(Buffer.from([reply]));
      this.emit('query', { n, reply });
    }
    this.tail = Buffer.from(scan.subarray(Math.max(0, scan.length - 2)));
  }

  /** Print whatever is pending without a cut (e.g. at stop); returns the ticket or undefined. */
  flush(): PrintedTicket | undefined {
    if (this.pending.length === 0) return undefined;
    const bytes = this.pending;
    this.pending = Buffer.alloc(0);
    return this.emitTicket(Buffer.from(bytes), 'none');
  }

  private emitTicket(bytes: Buffer, cut: PrintedTicket['cut']): PrintedTicket {
    const items = decodeEscPos(bytes);
    const seq = ++this.counters.tickets;
    const ticket: PrintedTicket = {
      seq,
      at: Date.now(),
      bytes,
      text: renderEscPos(bytes),
      items,
      qr: items.flatMap((i) => (i.kind === 'qr' ? [i.data] : [])),
      cut,
    };
    if (this.opts.outDir) {
      const base = join(this.opts.outDir, `ticket-${String(seq).padStart(4, '0')}`);
      writeFileSync(`${base}.txt`, ticket.text);
      writeFileSync(`${base}.bin`, bytes);
      ticket.files = { text: `${base}.txt`, bin: `${base}.bin` };
    }
    this.tickets.push(ticket);
    if (this.tickets.length > 1000) this.tickets.splice(0, 500);
    this.log.info({ seq, bytes: bytes.length, qr: ticket.qr }, `ticket ${seq} printed`);
    this.emit('ticket', ticket);
    if (this.paperLeft !== undefined) {
      this.paperLeft--;
      const total = this.opts.paperTickets ?? 1;
      if (this.paperLeft <= 0) this.setStatus({ paperOut: true, paperNearEnd: true });
      else if (this.paperLeft <= Math.ceil(total * 0.2) && !this.status.paperNearEnd)
        this.setStatus({ paperNearEnd: true });
    }
    return ticket;
  }
}
