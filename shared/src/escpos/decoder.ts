// ESC/POS byte stream → structured items (for the printer simulator and `linli escpos render`).
import { CR, DLE, EOT, ESC, FS, GS, HT, LF, QR } from './commands.ts';
import { decodeGb18030 } from './gb18030.ts';

export type EscPosItem =
  | {
      kind: 'text';
      text: string;
      bold: boolean;
      align: 'left' | 'center' | 'right';
      width: number;
      height: number;
    }
  | { kind: 'newline' }
  | { kind: 'qr'; data: string }
  | { kind: 'cut'; mode: 'full' | 'partial' }
  | { kind: 'status-query'; n: number }
  | { kind: 'init' }
  | { kind: 'unknown'; bytes: Buffer };

type TextItem = Extract<EscPosItem, { kind: 'text' }>;
type Style = Omit<TextItem, 'kind' | 'text'>;
const ALIGNS = ['left', 'center', 'right'] as const;
const plain = (): Style => ({ bold: false, align: 'left', width: 1, height: 1 });

// Commands with a fixed total length that change nothing this decoder renders.
const ESC_SKIP: Readonly<Record<number, number>> = {
  32: 3, // ESC SP n  character spacing
  45: 3, // ESC - n   underline
  50: 2, // ESC 2     default line spacing
  51: 3, // ESC 3 n   line spacing
  71: 3, // ESC G n   double strike
  74: 3, // ESC J n   feed n dots
  77: 3, // ESC M n   font
  82: 3, // ESC R n   international character set
  85: 3, // ESC U n   unidirectional
  86: 3, // ESC V n   rotate
  114: 3, // ESC r n   colour
  116: 3, // ESC t n   code page
  123: 3, // ESC { n   upside down
  36: 4, // ESC $ nL nH absolute position
  112: 5, // ESC p m t1 t2  cash drawer
};
const FS_SKIP: Readonly<Record<number, number>> = {
  33: 3, // FS ! n  Chinese character mode
  45: 3, // FS - n  Chinese underline
  67: 3, // FS C n  Chinese code system
  87: 3, // FS W n  Chinese quadruple size
  83: 4, // FS S n1 n2  Chinese character spacing
};
const GS_SKIP: Readonly<Record<number, number>> = {
  66: 3, // GS B n  reverse
  72: 3, // GS H n  HRI position
  73: 3, // GS I n  printer id
  97: 3, // GS a n  automatic status back
  98: 3, // GS b n  smoothing
  102: 3, // GS f n  HRI font
  104: 3, // GS h n  barcode height
  114: 3, // GS r n  transmit status
  119: 3, // GS w n  barcode width
  76: 4, // GS L nL nH  left margin
  87: 4, // GS W nL nH  print area width
  36: 4, // GS $ nL nH  vertical position
};

/** Decode a whole byte buffer. Never throws on unknown commands: they become 'unknown' items. */
export function decodeEscPos(bytes: Buffer): EscPosItem[] {
  const items: EscPosItem[] = [];
  let style = plain();
  let chinese = true; // Chinese-firmware printers start in Chinese mode
  let qrData: Buffer | undefined;
  let i = 0;
  let textStart = -1;

  const flushText = (end: number) => {
    if (textStart < 0) return;
    const run = bytes.subarray(textStart, end);
    textStart = -1;
    const text = chinese ? decodeGb18030(run) : run.toString('latin1');
    const last = items[items.length - 1];
    if (
      last?.kind === 'text' &&
      last.bold === style.bold &&
      last.align === style.align &&
      last.width === style.width &&
      last.height === style.height
    ) {
      last.text += text;
    } else {
      items.push({ kind: 'text', text, ...style });
    }
  };
  const unknown = (len: number) => {
    const end = Math.min(bytes.length, i + len);
    items.push({ kind: 'unknown', bytes: Buffer.from(bytes.subarray(i, end)) });
    i = end;
  };
  /** True when `len` bytes are there; otherwise the rest becomes one 'unknown' item. */
  const has = (len: number): boolean => {
    if (i + len <= bytes.length) return true;
    unknown(bytes.length - i);
    return false;
  };
  const at = (k: number): number => bytes[i + k] ?? 0;

  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b >= 0x20 || b === HT) {
      if (textStart < 0) textStart = i;
      i++;
      continue;
    }
    flushText(i);
    if (b === LF) {
      items.push({ kind: 'newline' });
      i++;
    } else if (b === CR) {
      i++;
    } else if (b === ESC) {
      if (!has(2)) break;
      const c = at(1);
      const skip = ESC_SKIP[c];
      if (c === 0x40) {
        items.push({ kind: 'init' });
        style = plain();
        chinese = true;
        i += 2;
      } else if (c === 0x69 || c === 0x6d) {
        items.push({ kind: 'cut', mode: c === 0x69 ? 'full' : 'partial' });
        i += 2;
      } else if (c === 0x61 || c === 0x45 || c === 0x21 || c === 0x64) {
        if (!has(3)) break;
        const n = at(2);
        if (c === 0x61) style = { ...style, align: ALIGNS[n % 48] ?? 'left' };
        else if (c === 0x45) style = { ...style, bold: (n & 1) === 1 };
        else if (c === 0x21) {
          style = { ...style, bold: (n & 0x08) !== 0, height: n & 0x10 ? 2 : 1, width: n & 0x20 ? 2 : 1 };
        } else for (let k = 0; k < n; k++) items.push({ kind: 'newline' });
        i += 3;
      } else if (c === 0x2a) {
        // ESC * m nL nH d…: bit image, 1 or 3 bytes per column
        if (!has(5)) break;
        const cols = at(3) + at(4) * 256;
        unknown(5 + cols * (at(2) >= 32 ? 3 : 1));
      } else if (skip !== undefined) {
        if (!has(skip)) break;
        i += skip;
      } else {
        unknown(2);
      }
    } else if (b === FS) {
      if (!has(2)) break;
      const c = at(1);
      const skip = FS_SKIP[c];
      if (c === 0x26 || c === 0x2e) {
        chinese = c === 0x26;
        i += 2;
      } else if (skip !== undefined) {
        if (!has(skip)) break;
        i += skip;
      } else {
        unknown(2);
      }
    } else if (b === GS) {
      if (!has(2)) break;
      const c = at(1);
      const skip = GS_SKIP[c];
      if (c === 0x21) {
        if (!has(3)) break;
        style = { ...style, width: (at(2) >> 4) + 1, height: (at(2) & 0x0f) + 1 };
        i += 3;
      } else if (c === 0x56) {
        if (!has(3)) break;
        const m = at(2);
        if (m === 0 || m === 48 || m === 1 || m === 49) {
          items.push({ kind: 'cut', mode: m === 0 || m === 48 ? 'full' : 'partial' });
          i += 3;
        } else if (m === 65 || m === 66) {
          if (!has(4)) break;
          items.push({ kind: 'cut', mode: m === 65 ? 'full' : 'partial' });
          i += 4;
        } else {
          unknown(3);
        }
      } else if (c === 0x28) {
        // GS ( fn pL pH data…
        if (!has(5)) break;
        const len = at(3) + at(4) * 256;
        if (!has(5 + len)) break;
        const data = bytes.subarray(i + 5, i + 5 + len);
        if (at(2) === 0x6b && data[0] === QR.cn && data[1] === QR.store && data[2] === 0x30) {
          qrData = Buffer.from(data.subarray(3));
        } else if (at(2) === 0x6b && data[0] === QR.cn && data[1] === QR.print) {
          if (qrData) items.push({ kind: 'qr', data: qrData.toString('utf8') });
          else items.push({ kind: 'unknown', bytes: Buffer.from(bytes.subarray(i, i + 5 + len)) });
        }
        i += 5 + len;
      } else if (c === 0x6b) {
        // GS k m …: barcode, NUL-terminated (m 0–6) or with a length byte (m 65–73)
        if (!has(3)) break;
        if (at(2) <= 6) {
          const nul = bytes.indexOf(0, i + 3);
          unknown(nul < 0 ? bytes.length - i : nul + 1 - i);
        } else {
          if (!has(4)) break;
          unknown(4 + at(3));
        }
      } else if (c === 0x76) {
        // GS v 0 m xL xH yL yH d…: raster image
        if (!has(8)) break;
        unknown(8 + (at(4) + at(5) * 256) * (at(6) + at(7) * 256));
      } else if (skip !== undefined) {
        if (!has(skip)) break;
        i += skip;
      } else {
        unknown(2);
      }
    } else if (b === DLE) {
      if (!has(2)) break;
      const c = at(1);
      if (c === EOT || c === 0x05) {
        if (!has(3)) break;
        if (c === EOT) items.push({ kind: 'status-query', n: at(2) });
        i += 3;
      } else if (c === 0x14) {
        if (!has(5)) break;
        i += 5;
      } else {
        unknown(2);
      }
    } else {
      unknown(1);
    }
  }
  flushText(i);
  return items;
}

/** Columns a string takes on a receipt: East Asian wide characters take two. */
export function textColumns(s: string): number {
  let cols = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp >= 0x20000;
    cols += wide ? 2 : 1;
  }
  return cols;
}

function hexShort(bytes: Buffer): string {
  const shown = [...bytes.subarray(0, 8)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  return bytes.length > 8 ? `${shown} … ${bytes.length} bytes` : shown;
}

/**
 * Readable text: GB18030 decoded, `[QR:…]` for QR codes, `--- cut ---` for cuts, `[? 1B 7A]` for
 * commands it does not know. Centred and right-aligned lines are padded to `width` columns
 * (32: a 58 mm printer; 48 for 80 mm).
 */
export function renderEscPos(bytes: Buffer, opts: { width?: number } = {}): string {
  const width = opts.width ?? 32;
  const lines: string[] = [];
  let text = '';
  let cols = 0;
  let align: TextItem['align'] = 'left';
  let started = false;

  const pad = (s: string, c: number, a: TextItem['align']) => {
    const room = Math.max(0, width - c);
    const left = a === 'center' ? Math.floor(room / 2) : a === 'right' ? room : 0;
    return (' '.repeat(left) + s).trimEnd();
  };
  const endLine = () => {
    lines.push(pad(text, cols, align));
    text = '';
    cols = 0;
    started = false;
  };
  const ownLine = (s: string, a: TextItem['align'] = 'left') => {
    if (started) endLine();
    lines.push(pad(s, textColumns(s), a));
  };

  for (const item of decodeEscPos(bytes)) {
    switch (item.kind) {
      case 'text':
        if (!started) align = item.align;
        started = true;
        text += item.text;
        cols += textColumns(item.text) * Math.max(1, item.width);
        break;
      case 'newline':
        endLine();
        break;
      case 'qr':
        ownLine(`[QR:${item.data}]`, align);
        break;
      case 'cut':
        ownLine('--- cut ---');
        break;
      case 'unknown':
        started = true;
        text += `[? ${hexShort(item.bytes)}]`;
        break;
      default:
        // init and status queries print nothing
        break;
    }
  }
  if (started) endLine();
  return lines.join('\n');
}
