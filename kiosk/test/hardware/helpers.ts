// Test helpers: MockBinding serial lines, a scripted SAM reader and ESC/POS printer answering on
// them, a fake HID device, and event collection with bounded waits.
import { EventEmitter } from 'node:events';
import {
  type CardRecord,
  encodeCardText,
  encodeReadData,
  encodeReply,
  encodeStatusByte,
  type HidLike,
  identifyCommand,
  type PrinterStatus,
  type SamCommandName,
  SamFrameParser,
} from '@linli/shared';
import { SerialPortMock } from 'serialport';
import type { KioskBus, KioskEvents } from '../../src/events.ts';
import { silentLogger } from '../../src/hardware/log.ts';
import { type ByteTransport, duplexTransport } from '../../src/hardware/transport/byte-transport.ts';

export const log = silentLogger;

export function residentCard(overrides: Partial<CardRecord> = {}): CardRecord {
  return {
    type: 'resident',
    name: '张三明',
    sex: 'female',
    sexCode: '2',
    nationCode: '01',
    nation: '汉',
    birthDate: '1949-12-31',
    address: '北京市东城区某街道1号',
    idNumber: '11010519491231002X',
    issuer: '北京市公安局东城分局',
    validFrom: '2015-01-01',
    validTo: '2035-01-01',
    ...overrides,
  } as CardRecord;
}

let portSeq = 0;
/** A MockBinding serial port, open; `onWrite` sees every write; `emitData` answers. */
export interface MockLine {
  path: string;
  port: SerialPortMock;
  transport: ByteTransport;
  onWrite(cb: (bytes: Buffer) => void): void;
  emitData(bytes: Buffer): void;
}

export function createMockPath(): string {
  const path = `/dev/mock-${process.pid}-${++portSeq}`;
  SerialPortMock.binding.createPort(path, { echo: false, record: false });
  return path;
}

export async function openMockLine(
  path: string,
  writes: (bytes: Buffer, line: MockLine) => void,
): Promise<MockLine> {
  const port = new SerialPortMock({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const binding = port.port!;
  const listeners: ((b: Buffer) => void)[] = [];
  const line: MockLine = {
    path,
    port,
    transport: duplexTransport(port, `mock ${path}`),
    onWrite: (cb) => listeners.push(cb),
    emitData: (b) => {
      if (binding.isOpen) binding.emitData(b);
    },
  };
  const write = binding.write.bind(binding);
  binding.write = async (buf: Buffer) => {
    await write(buf);
    const copy = Buffer.from(buf);
    setImmediate(() => {
      writes(copy, line);
      for (const l of listeners) l(copy);
    });
  };
  return line;
}

export interface Override {
  sw3?: number;
  corrupt?: boolean; // flip the checksum
  silent?: boolean; // no answer
  noise?: Buffer; // bytes before the reply
  delayMs?: number;
}

/** A SAM reader in a few lines: a card, halting or re-finding, and per-command overrides. */
export class ScriptedReader {
  card: CardRecord | undefined;
  /** Re-finding reader: find answers 9F after a read while the card lies there. */
  refind = true;
  silent = false;
  readonly commands: SamCommandName[] = [];
  private readonly overrides = new Map<SamCommandName, Override[]>();
  private state: 'present' | 'selected' | 'halted' = 'present';
  private readonly parser = new SamFrameParser();
  private send: ((b: Buffer) => void) | undefined;

  constructor() {
    this.parser.on('data', (body: Buffer) => this.onCommand(body));
  }

  /** Feed bytes written by the driver; `send` delivers the answer. */
  feed(bytes: Buffer, send: (b: Buffer) => void): void {
    this.send = send;
    this.parser.write(bytes);
  }

  /** The 8 bytes select answers: the card's serial, or zeros (readers that report none). */
  serial: Buffer = Buffer.alloc(8);

  place(card: CardRecord, serial: Buffer = Buffer.alloc(8)): void {
    this.card = card;
    this.serial = serial;
    this.state = 'present';
  }
  remove(): void {
    this.card = undefined;
  }
  next(cmd: SamCommandName, o: Override): void {
    const list = this.overrides.get(cmd) ?? [];
    list.push(o);
    this.overrides.set(cmd, list);
  }
  count(cmd: SamCommandName): number {
    return this.commands.filter((c) => c === cmd).length;
  }

  private onCommand(body: Buffer): void {
    const cmd = identifyCommand(body);
    if (!cmd) return;
    this.commands.push(cmd);
    if (this.silent) return;
    const o = this.overrides.get(cmd)?.shift() ?? {};
    if (o.silent) return;
    let frame = this.answer(cmd, o);
    if (o.corrupt) {
      frame = Buffer.from(frame);
      frame[frame.length - 1] = frame[frame.length - 1]! ^ 0xff;
    }
    if (o.noise) frame = Buffer.concat([o.noise, frame]);
    const send = this.send!;
    if (o.delayMs) setTimeout(() => send(frame), o.delayMs);
    else send(frame);
  }

  private answer(cmd: SamCommandName, o: Override): Buffer {
    const c = this.card;
    if (o.sw3 !== undefined) {
      if (o.sw3 === 0x41 && c) this.state = 'halted';
      return encodeReply(o.sw3);
    }
    switch (cmd) {
      case 'findCard':
        if (!c || (this.state === 'halted' && !this.refind)) return encodeReply(0x80);
        return encodeReply(0x9f, Buffer.alloc(4));
      case 'selectCard':
        if (!c) return encodeReply(0x81);
        this.state = 'selected';
        return encodeReply(0x90, this.serial);
      case 'readText':
        if (!c || this.state !== 'selected') return encodeReply(0x41);
        this.state = 'halted';
        return encodeReply(0x90, encodeReadData(encodeCardText(c), Buffer.alloc(1024, 0x5a)));
      default:
        return encodeReply(0x90);
    }
  }
}

/** An ESC/POS printer in a few lines: answers DLE EOT n from `status`, keeps the job bytes. */
export class ScriptedPrinter {
  status: PrinterStatus = {
    offline: false,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    error: false,
  };
  silent = false;
  /** Everything written that was not a status query. */
  received = Buffer.alloc(0);
  queries = 0;

  feed(bytes: Buffer, send: (b: Buffer) => void): void {
    let rest = bytes;
    for (;;) {
      const at = rest.indexOf(Buffer.from([0x10, 0x04]));
      if (at < 0 || at + 2 >= rest.length) break;
      this.received = Buffer.concat([this.received, rest.subarray(0, at)]);
      const n = rest[at + 2]!;
      this.queries++;
      if (!this.silent && (n === 1 || n === 2 || n === 4))
        send(Buffer.from([encodeStatusByte(n, this.status)]));
      rest = rest.subarray(at + 3);
    }
    this.received = Buffer.concat([this.received, rest]);
  }

  /** How many times `needle` was received. */
  occurrences(needle: Buffer): number {
    let n = 0;
    for (let at = this.received.indexOf(needle); at >= 0; at = this.received.indexOf(needle, at + 1)) n++;
    return n;
  }
}

/** A fake HID device: `input()` delivers a report to the driver; writes are recorded. */
export class FakeHidDevice extends EventEmitter implements HidLike {
  readonly written: Buffer[] = [];
  closed = false;
  onWrite: ((report: Buffer) => void) | undefined;
  override on(event: 'data', listener: (report: Buffer) => void): this;
  override on(event: 'error', listener: (err: Error) => void): this;
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  write(data: number[] | Buffer): number {
    const b = Buffer.from(data);
    this.written.push(b);
    setImmediate(() => this.onWrite?.(b));
    return b.length;
  }
  close(): void {
    this.closed = true;
  }
  input(report: Buffer): void {
    this.emit('data', report);
  }
  unplug(): void {
    this.emit('error', new Error('could not read from HID device'));
  }
}

/** Collects bus events; `next(type)` waits (bounded) for the next one not yet taken. */
export class Events {
  readonly all: { type: string; payload: unknown }[] = [];
  /** Indexes in `all` of the events next() has returned: each event is returned once. */
  private readonly taken = new Set<number>();
  private readonly emitter = new EventEmitter();
  private readonly off: () => void;

  constructor(bus: KioskBus) {
    this.off = bus.onAny((type, payload) => {
      this.all.push({ type, payload });
      this.emitter.emit('event');
    });
  }

  of<K extends keyof KioskEvents>(type: K): KioskEvents[K][] {
    return this.all.filter((e) => e.type === type).map((e) => e.payload as KioskEvents[K]);
  }

  /** Wait for an event of `type` matching `pred` (default any) that next() has not returned yet. */
  async next<K extends keyof KioskEvents>(
    type: K,
    pred: (p: KioskEvents[K]) => boolean = () => true,
    timeoutMs = 8000,
  ): Promise<KioskEvents[K]> {
    const key = String(type);
    // The earliest matching event not yet returned. Events skipped because they did not match
    // stay available to a later next() (a high-water mark per type would lose them).
    const find = (): KioskEvents[K] | undefined => {
      for (let i = 0; i < this.all.length; i++) {
        const e = this.all[i]!;
        if (e.type !== type || this.taken.has(i)) continue;
        const p = e.payload as KioskEvents[K];
        if (pred(p)) {
          this.taken.add(i);
          return p;
        }
      }
      return undefined;
    };
    const found = find();
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.emitter.off('event', check);
        reject(
          new Error(`no ${key} event within ${timeoutMs} ms; saw: ${this.all.map((e) => e.type).join(', ')}`),
        );
      }, timeoutMs);
      const check = (): void => {
        const p = find();
        if (p) {
          clearTimeout(timer);
          this.emitter.off('event', check);
          resolve(p);
        }
      };
      this.emitter.on('event', check);
    });
  }

  stop(): void {
    this.off();
  }
}

/** Wait until `cond()` is true (polled), bounded. */
export async function until(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
