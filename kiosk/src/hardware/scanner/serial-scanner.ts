// Serial-mode (or USB-CDC) barcode/QR scanners: each code arrives as text ended by CR, LF or
// CR LF; one 'scan' event per code. Empty lines are ignored; a line longer than `maxCodeLength`
// is refused (counted, logged) and dropped up to its terminator.
import type { KioskBus } from '../../events.ts';
import type { HwLogger } from '../log.ts';
import type { ByteTransport } from '../transport/byte-transport.ts';

export const MAX_CODE_LENGTH = 4096;

/** Splits a byte stream into codes. Pure apart from its buffer; used by the serial scanner. */
export class CodeSplitter {
  private buf: number[] = [];
  private overflowing = false;
  refused = 0;

  constructor(private readonly maxLength = MAX_CODE_LENGTH) {}

  /** Feed bytes; returns the codes completed by them. */
  push(chunk: Buffer): string[] {
    const codes: string[] = [];
    for (const b of chunk) {
      if (b === 0x0d || b === 0x0a) {
        if (this.overflowing) this.overflowing = false;
        else if (this.buf.length > 0) codes.push(Buffer.from(this.buf).toString('utf8'));
        this.buf = [];
        continue;
      }
      if (this.overflowing) continue;
      if (this.buf.length >= this.maxLength) {
        this.overflowing = true;
        this.refused++;
        this.buf = [];
        continue;
      }
      this.buf.push(b);
    }
    return codes;
  }
}

export class SerialScanner {
  private splitter = new CodeSplitter();
  private generation = 0;
  scans = 0;
  refused = 0;

  constructor(
    private readonly bus: KioskBus,
    private readonly log: HwLogger,
  ) {}

  attach(line: ByteTransport): void {
    const gen = ++this.generation;
    this.splitter = new CodeSplitter();
    const splitter = this.splitter;
    line.onData((chunk) => {
      if (gen !== this.generation) return;
      const before = splitter.refused;
      for (const code of splitter.push(chunk)) {
        this.scans++;
        this.bus.emit('scan', { source: 'serial', code, at: Date.now() });
      }
      if (splitter.refused > before) {
        this.refused += splitter.refused - before;
        this.log.warn({ maxLength: MAX_CODE_LENGTH }, 'scanner code too long: refused');
      }
    });
  }

  detach(): void {
    this.generation++;
  }
}
