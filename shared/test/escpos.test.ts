import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  canPrint,
  decodeEscPos,
  decodeGb18030,
  decodeStatusByte,
  EscPos,
  encodeGb18030,
  encodeStatusByte,
  isStatusByte,
  type PrinterStatus,
  renderEscPos,
  statusQuery,
  textColumns,
} from '../src/escpos/index.ts';
import { hexBytes, randomBytes } from './helpers/bytes.ts';

const gb = (s: string) => iconv.encode(s, 'gb18030');

describe('ESC/POS encoder', () => {
  it('emits the documented bytes for each command', () => {
    expect(new EscPos().init().build()).toEqual(hexBytes('1B 40'));
    expect(new EscPos().chinese(true).chinese(false).build()).toEqual(hexBytes('1C 26 1C 2E'));
    expect(new EscPos().align('left').align('center').align('right').build()).toEqual(
      hexBytes('1B 61 00 1B 61 01 1B 61 02'),
    );
    expect(new EscPos().bold(true).bold(false).build()).toEqual(hexBytes('1B 45 01 1B 45 00'));
    expect(new EscPos().size(2, 2).size(1, 1).size(8, 3).build()).toEqual(
      hexBytes('1D 21 11 1D 21 00 1D 21 72'),
    );
    expect(new EscPos().feed(3).feed(0).build()).toEqual(hexBytes('0A 0A 0A'));
    expect(new EscPos().cut('full').build()).toEqual(hexBytes('1D 56 00'));
    expect(new EscPos().cut().build()).toEqual(hexBytes('1D 56 01'));
    expect(new EscPos().cut('feed-full').cut('feed-partial').build()).toEqual(
      hexBytes('1D 56 41 03 1D 56 42 03'),
    );
    expect(
      new EscPos()
        .raw([1, 2])
        .raw(Buffer.from([3]))
        .build(),
    ).toEqual(hexBytes('01 02 03'));
    expect(statusQuery(1)).toEqual(hexBytes('10 04 01'));
    expect(statusQuery(2)).toEqual(hexBytes('10 04 02'));
    expect(statusQuery(4)).toEqual(hexBytes('10 04 04'));
    expect(() => statusQuery(3 as 1)).toThrow(RangeError);
  });

  it('writes Chinese as GB18030 and enters Chinese mode by itself, once', () => {
    const bytes = new EscPos().init().text('A').line('邻里').line('服务站').build();
    expect(bytes).toEqual(
      Buffer.concat([hexBytes('1B 40 41 1C 26'), gb('邻里'), hexBytes('0A'), gb('服务站'), hexBytes('0A')]),
    );
    expect(gb('邻里')).toEqual(hexBytes('C1 DA C0 EF'));
    expect(new EscPos().text('').line().build()).toEqual(hexBytes('0A'));
  });

  it('encodes the QR code through GS ( k: model, size, level, store, print', () => {
    const bytes = new EscPos().qr('A001', { size: 8, level: 'H', model: 2 }).build();
    expect(bytes).toEqual(
      hexBytes(
        '1D 28 6B 04 00 31 41 32 00' +
          '1D 28 6B 03 00 31 43 08' +
          '1D 28 6B 03 00 31 45 33' +
          '1D 28 6B 07 00 31 50 30 41 30 30 31' +
          '1D 28 6B 03 00 31 51 30',
      ),
    );
    const m1 = new EscPos().qr('x', { model: 1, level: 'L' }).build();
    expect(m1.subarray(0, 9)).toEqual(hexBytes('1D 28 6B 04 00 31 41 31 00'));
    expect(m1.subarray(9, 17)).toEqual(hexBytes('1D 28 6B 03 00 31 43 06'));
    expect(m1.subarray(17, 25)).toEqual(hexBytes('1D 28 6B 03 00 31 45 30'));
  });

  it('computes pL pH for long QR data', () => {
    const data = 'x'.repeat(300);
    const bytes = new EscPos().qr(data).build();
    const store = bytes.indexOf(hexBytes('31 50 30'));
    expect(bytes.readUInt16LE(store - 2)).toBe(303);
    expect(decodeEscPos(bytes)).toEqual([{ kind: 'qr', data }]);
  });

  it('refuses impossible arguments', () => {
    expect(() => new EscPos().qr('')).toThrow(/1..2953 bytes/);
    expect(() => new EscPos().qr('x'.repeat(2954))).toThrow(RangeError);
    expect(() => new EscPos().qr('x', { size: 17 })).toThrow(/module size/);
    expect(() => new EscPos().size(0, 1)).toThrow(/width/);
    expect(() => new EscPos().size(1, 9)).toThrow(/height/);
    expect(() => new EscPos().size(1.5, 1)).toThrow(RangeError);
    expect(() => new EscPos().feed(-1)).toThrow(RangeError);
  });

  it('cuts and prints QR codes only at the start of a line', () => {
    expect(new EscPos().text('abc').cut('full').build()).toEqual(hexBytes('61 62 63 0A 1D 56 00'));
    expect(new EscPos().line('abc').cut('full').build()).toEqual(hexBytes('61 62 63 0A 1D 56 00'));
    expect(new EscPos().text('a\n').cut('full').build()).toEqual(hexBytes('61 0A 1D 56 00'));
    expect(new EscPos().text('a').qr('q').build().subarray(0, 2)).toEqual(hexBytes('61 0A'));
  });

  it('keeps printer commands out of text, and replaces what a printer cannot print', () => {
    expect(new EscPos().text('a\x1b@b\x1d\tc').build()).toEqual(hexBytes('61 40 62 09 63'));
    expect(encodeGb18030('𠀀€')).toEqual(Buffer.concat([hexBytes('3F'), gb('€')]));
    expect(encodeGb18030('\u20ac'.repeat(2)).length).toBe(4);
    expect(encodeGb18030('ḿ')).toEqual(hexBytes('A8 BC'));
    expect(encodeGb18030('\u0080')).toEqual(hexBytes('3F'));
    expect(decodeGb18030(gb('请到3号窗口'))).toBe('请到3号窗口');
  });
});

describe('ESC/POS decoder', () => {
  const ticket = () =>
    new EscPos()
      .init()
      .align('center')
      .bold(true)
      .size(2, 2)
      .line('邻里服务站')
      .size(1, 1)
      .bold(false)
      .line('A012')
      .align('left')
      .line('请到 3 号窗口')
      .qr('https://linli.example/t/A012')
      .feed(2)
      .cut('partial')
      .build();

  it('turns a ticket back into items', () => {
    expect(decodeEscPos(ticket())).toEqual([
      { kind: 'init' },
      { kind: 'text', text: '邻里服务站', bold: true, align: 'center', width: 2, height: 2 },
      { kind: 'newline' },
      { kind: 'text', text: 'A012', bold: false, align: 'center', width: 1, height: 1 },
      { kind: 'newline' },
      { kind: 'text', text: '请到 3 号窗口', bold: false, align: 'left', width: 1, height: 1 },
      { kind: 'newline' },
      { kind: 'qr', data: 'https://linli.example/t/A012' },
      { kind: 'newline' },
      { kind: 'newline' },
      { kind: 'cut', mode: 'partial' },
    ]);
  });

  it('renders a ticket for humans', () => {
    expect(renderEscPos(ticket())).toBe(
      [
        '      邻里服务站',
        '              A012',
        '请到 3 号窗口',
        '[QR:https://linli.example/t/A012]',
        '',
        '',
        '--- cut ---',
      ].join('\n'),
    );
    expect(renderEscPos(new EscPos().align('right').line('右').build(), { width: 10 })).toBe('        右');
    expect(renderEscPos(Buffer.alloc(0))).toBe('');
  });

  it('decodes the other common commands', () => {
    const items = decodeEscPos(
      hexBytes(
        '1B 21 38 41 0A' + // ESC ! bold + double height + double width
          '1B 64 02' + // ESC d 2
          '1C 2E E9 0A' + // FS . : bytes are not GB18030 any more
          '1C 26 10 04 04 10 04 01' + // status queries
          '1D 56 30 1D 56 31 1D 56 41 05 1B 69 1B 6D' + // cuts
          '0D 1B 61 31 42', // CR ignored, ESC a '1'
      ),
    );
    expect(items).toEqual([
      { kind: 'text', text: 'A', bold: true, align: 'left', width: 2, height: 2 },
      { kind: 'newline' },
      { kind: 'newline' },
      { kind: 'newline' },
      { kind: 'text', text: 'é', bold: true, align: 'left', width: 2, height: 2 },
      { kind: 'newline' },
      { kind: 'status-query', n: 4 },
      { kind: 'status-query', n: 1 },
      { kind: 'cut', mode: 'full' },
      { kind: 'cut', mode: 'partial' },
      { kind: 'cut', mode: 'full' },
      { kind: 'cut', mode: 'full' },
      { kind: 'cut', mode: 'partial' },
      { kind: 'text', text: 'B', bold: true, align: 'center', width: 2, height: 2 },
    ]);
  });

  it('skips commands it knows but does not render, without losing the text after them', () => {
    const skipped =
      '1B 20 00 1B 2D 01 1B 32 1B 33 18 1B 47 01 1B 4A 10 1B 4D 00 1B 52 0F 1B 55 00 1B 56 00 1B 72 00 1B 74 00' +
      '1B 7B 00 1B 24 00 00 1B 70 00 19 FA 1C 21 00 1C 2D 00 1C 43 00 1C 57 00 1C 53 00 00' +
      '1D 42 00 1D 48 00 1D 49 01 1D 61 00 1D 62 00 1D 66 00 1D 68 50 1D 72 01 1D 77 02 1D 4C 00 00 1D 57 00 02' +
      '1D 24 00 00 10 05 01 10 14 01 00 01 1D 28 4C 02 00 30 32';
    expect(decodeEscPos(Buffer.concat([hexBytes(skipped), Buffer.from('ok')]))).toEqual([
      { kind: 'text', text: 'ok', bold: false, align: 'left', width: 1, height: 1 },
    ]);
  });

  it('turns images, barcodes and unknown commands into unknown items', () => {
    const items = decodeEscPos(
      hexBytes(
        '1B 2A 00 02 00 FF FF' + // bit image, 2 columns
          '1B 2A 21 01 00 01 02 03' + // 24-dot bit image, 1 column
          '1D 6B 04 31 32 33 00' + // barcode, NUL-terminated
          '1D 6B 49 03 31 32 33' + // barcode with length
          '1D 76 30 00 01 00 02 00 AA BB' + // raster image 1×2
          '1B 7A 1C 99 1D 99 10 99 01 1D 56 07 1D 28 6B 03 00 31 51 30',
      ),
    );
    expect(items.map((x) => x.kind)).toEqual(Array(12).fill('unknown'));
    expect(items.map((x) => (x.kind === 'unknown' ? x.bytes.length : 0))).toEqual([
      7, 8, 7, 7, 10, 2, 2, 2, 2, 1, 3, 8,
    ]);
    expect(renderEscPos(hexBytes('1B 7A 41'))).toBe('[? 1B 7A]A');
    expect(renderEscPos(hexBytes('1D 76 30 00 10 00 01 00').subarray(0, 8))).toMatch(
      /^\[\? 1D 76 30 00 10 00 01 00\]$/,
    );
    expect(renderEscPos(Buffer.concat([hexBytes('1D 76 30 00 10 00 01 00'), Buffer.alloc(16)]))).toBe(
      '[? 1D 76 30 00 10 00 01 00 … 24 bytes]',
    );
  });

  it('keeps a truncated command at the end as one unknown item', () => {
    for (const tail of [
      '1B',
      '1B 61',
      '1C',
      '1C 53 00',
      '1D',
      '1D 21',
      '1D 56',
      '1D 56 41',
      '1D 28',
      '1D 28 6B 05 00 31',
      '1D 6B',
      '1D 6B 49',
      '1D 76 30',
      '10',
      '10 04',
      '10 14 01',
      '1B 2A 00',
      '1B 70 00',
    ]) {
      const bytes = Buffer.concat([Buffer.from('x'), hexBytes(tail)]);
      const items = decodeEscPos(bytes);
      expect(items).toHaveLength(2);
      expect(items[1]).toEqual({ kind: 'unknown', bytes: hexBytes(tail) });
    }
    expect(decodeEscPos(hexBytes('1D 6B 04 31 32'))).toEqual([
      { kind: 'unknown', bytes: hexBytes('1D 6B 04 31 32') },
    ]);
  });

  it('never throws on random bytes, and accounts for every byte', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const junk = randomBytes(1 + seed * 5, seed);
      const items = decodeEscPos(junk);
      expect(Array.isArray(items)).toBe(true);
      expect(typeof renderEscPos(junk)).toBe('string');
    }
  });
});

describe('printer status bytes', () => {
  const none: PrinterStatus = {
    offline: false,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    error: false,
  };

  it('decodes each reply as documented', () => {
    expect(decodeStatusByte(1, 0x12)).toEqual({ offline: false });
    expect(decodeStatusByte(1, 0x1a)).toEqual({ offline: true });
    expect(decodeStatusByte(2, 0x16)).toEqual({ coverOpen: true, error: false });
    expect(decodeStatusByte(2, 0x32)).toEqual({ coverOpen: false, error: false, paperOut: true });
    expect(decodeStatusByte(2, 0x52)).toEqual({ coverOpen: false, error: true });
    expect(decodeStatusByte(4, 0x1e)).toEqual({ paperNearEnd: true, paperOut: false });
    expect(decodeStatusByte(4, 0x72)).toEqual({ paperNearEnd: false, paperOut: true });
    expect(decodeStatusByte(4, 0x16)).toEqual({ paperNearEnd: true, paperOut: false });
  });

  it('merges replies into a status, leaving what n does not report', () => {
    let s = decodeStatusByte(1, 0x1a);
    s = decodeStatusByte(2, 0x12, s);
    s = decodeStatusByte(4, 0x72, s);
    expect(s).toEqual({ offline: true, coverOpen: false, error: false, paperNearEnd: false, paperOut: true });
    expect(canPrint(s)).toBe(false);
    expect(canPrint({ ...none, paperNearEnd: true })).toBe(true);
    const into = { paperOut: true };
    decodeStatusByte(4, 0x12, into);
    expect(into.paperOut).toBe(true);
  });

  it('round-trips every status through the bytes a printer sends', () => {
    const keys = Object.keys(none) as (keyof PrinterStatus)[];
    for (let mask = 0; mask < 32; mask++) {
      const status = Object.fromEntries(
        keys.map((k, i) => [k, (mask & (1 << i)) !== 0]),
      ) as unknown as PrinterStatus;
      let got: Partial<PrinterStatus> = {};
      for (const n of [1, 2, 4] as const) {
        const byte = encodeStatusByte(n, status);
        expect(isStatusByte(byte)).toBe(true);
        got = decodeStatusByte(n, byte, got);
      }
      expect(got).toEqual(status);
    }
    expect(encodeStatusByte(1, none)).toBe(0x12);
    expect(encodeStatusByte(4, { ...none, paperOut: true })).toBe(0x72);
  });

  it('refuses impossible input', () => {
    expect(() => decodeStatusByte(3 as 1, 0x12)).toThrow(RangeError);
    expect(() => decodeStatusByte(1, 256)).toThrow(/out of range/);
    expect(() => decodeStatusByte(1, -1)).toThrow(RangeError);
    expect(() => encodeStatusByte(8 as 1, none)).toThrow(RangeError);
    expect(isStatusByte(0x00)).toBe(false);
    expect(isStatusByte(0x92)).toBe(false);
    expect(isStatusByte(1.5)).toBe(false);
    for (let b = 0; b < 256; b++) expect(() => decodeStatusByte(4, b)).not.toThrow();
  });

  it('measures columns, wide characters counting two', () => {
    expect(textColumns('A012')).toBe(4);
    expect(textColumns('邻里')).toBe(4);
    expect(textColumns('ｱ가𠀀')).toBe(5);
  });
});
