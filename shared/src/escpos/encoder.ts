// ESC/POS encoder for Chinese receipt printers. Text is GB18030 inside Chinese mode (FS & / FS .).
import { DLE, EOT, ESC, FS, GS, LF, MAX_QR_BYTES, QR } from './commands.ts';
import { encodeGb18030 } from './gb18030.ts';

export type Align = 'left' | 'center' | 'right';
export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';
export type CutMode = 'full' | 'partial' | 'feed-full' | 'feed-partial';

const ALIGN: Record<Align, number> = { left: 0, center: 1, right: 2 };
const LEVEL: Record<QrErrorLevel, number> = { L: 48, M: 49, Q: 50, H: 51 };
const CUT: Record<CutMode, number[]> = {
  full: [GS, 0x56, 0x00],
  partial: [GS, 0x56, 0x01],
  'feed-full': [GS, 0x56, 65, 3],
  'feed-partial': [GS, 0x56, 66, 3],
};

function gsK(fn: number, params: number[] | Buffer): Buffer {
  const len = params.length + 2;
  return Buffer.concat([Buffer.from([GS, 0x28, 0x6b, len & 0xff, len >> 8, QR.cn, fn]), Buffer.from(params)]);
}

function intIn(v: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new RangeError(`${what} must be an integer ${lo}..${hi}, got ${v}`);
  return v;
}

/**
 * Builder for a ticket: `new EscPos().init().align('center').line('邻里服务站').qr(url).cut().build()`.
 * Text enters Chinese mode by itself when it needs it; cut() starts a new line first if needed.
 */
export class EscPos {
  private chunks: Buffer[] = [];
  private chineseMode = false;
  private atLineStart = true;

  private push(bytes: Buffer | number[]): this {
    this.chunks.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
    return this;
  }

  /** ESC @: reset the printer (Chinese mode off, styles off). */
  init(): this {
    this.chineseMode = false;
    this.atLineStart = true;
    return this.push([ESC, 0x40]);
  }

  /** FS & / FS . */
  chinese(on: boolean): this {
    this.chineseMode = on;
    return this.push([FS, on ? 0x26 : 0x2e]);
  }

  /** GB18030 bytes (enters Chinese mode by itself if needed). */
  text(s: string): this {
    if (s.length === 0) return this;
    if (!this.chineseMode && [...s].some((ch) => ch.codePointAt(0)! > 0x7f)) this.chinese(true);
    const bytes = encodeGb18030(s);
    if (bytes.length > 0) this.atLineStart = bytes[bytes.length - 1] === LF;
    return this.push(bytes);
  }

  /** Text and LF. */
  line(s = ''): this {
    this.text(s);
    this.atLineStart = true;
    return this.push([LF]);
  }

  /** Line feeds. */
  feed(lines = 1): this {
    intIn(lines, 0, 255, 'feed lines');
    if (lines > 0) this.atLineStart = true;
    return this.push(Buffer.alloc(lines, LF));
  }

  /** ESC a n */
  align(a: Align): this {
    return this.push([ESC, 0x61, ALIGN[a]]);
  }

  /** ESC E n */
  bold(on: boolean): this {
    return this.push([ESC, 0x45, on ? 1 : 0]);
  }

  /** GS ! n: width and height multipliers 1..8 each. */
  size(width: number, height: number): this {
    intIn(width, 1, 8, 'width');
    intIn(height, 1, 8, 'height');
    return this.push([GS, 0x21, ((width - 1) << 4) | (height - 1)]);
  }

  /** QR code through GS ( k: model, module size, error correction, store, print. Data is UTF-8. */
  qr(data: string, opts: { size?: number; level?: QrErrorLevel; model?: 1 | 2 } = {}): this {
    const { size = 6, level = 'M', model = 2 } = opts;
    intIn(size, 1, 16, 'QR module size');
    const bytes = Buffer.from(data, 'utf8');
    if (bytes.length === 0 || bytes.length > MAX_QR_BYTES) {
      throw new RangeError(`QR data must be 1..${MAX_QR_BYTES} bytes, got ${bytes.length}`);
    }
    if (!this.atLineStart) this.push([LF]);
    this.push(gsK(QR.model, [model === 1 ? 49 : 50, 0]));
    this.push(gsK(QR.size, [size]));
    this.push(gsK(QR.level, [LEVEL[level]]));
    this.push(gsK(QR.store, Buffer.concat([Buffer.from([0x30]), bytes])));
    this.push(gsK(QR.print, [0x30]));
    this.atLineStart = true;
    return this;
  }

  /** GS V: cuts only at the start of a line, so a line in progress is ended first. */
  cut(mode: CutMode = 'partial'): this {
    if (!this.atLineStart) this.push([LF]);
    this.atLineStart = true;
    return this.push(CUT[mode]);
  }

  raw(bytes: Buffer | number[]): this {
    return this.push(Buffer.from(bytes));
  }

  build(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** DLE EOT n: n = 1 printer, 2 offline cause, 4 paper. */
export function statusQuery(n: 1 | 2 | 4): Buffer {
  if (n !== 1 && n !== 2 && n !== 4) throw new RangeError(`DLE EOT n: n must be 1, 2 or 4, got ${n}`);
  return Buffer.from([DLE, EOT, n]);
}
