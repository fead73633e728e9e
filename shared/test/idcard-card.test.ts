import { describe, expect, it } from 'vitest';
import { CardTextError } from '../src/errors.ts';
import {
  type CardRecord,
  decodeCardText,
  decodeFrame,
  decodeReadData,
  decodeReply,
  encodeCardText,
  encodeReadData,
  encodeReply,
  isCardExpired,
  NATIONS,
} from '../src/idcard/index.ts';
import { randomBytes } from './helpers/bytes.ts';
import { foreigner, permit, resident } from './helpers/cards.ts';

const ucs2 = (s: string) => Buffer.from(s, 'utf16le');

describe('card text', () => {
  it('lays out the resident card as the SAM does (UCS-2 LE, space padded)', () => {
    const text = encodeCardText(resident);
    expect(text.length).toBe(256);
    expect(text.subarray(0, 6)).toEqual(ucs2('王秀英'));
    expect(text.subarray(6, 30)).toEqual(ucs2(' '.repeat(12)));
    expect(text.subarray(30, 32)).toEqual(ucs2('2'));
    expect(text.subarray(32, 36)).toEqual(ucs2('01'));
    expect(text.subarray(36, 52)).toEqual(ucs2('19491231'));
    expect(text.subarray(122, 158)).toEqual(ucs2('11010519491231002X'));
    expect(text.subarray(188, 204)).toEqual(ucs2('20100101'));
    expect(text.subarray(204, 208)).toEqual(ucs2('长期'));
    expect(text.readUInt16LE(248)).toBe(0x20);
  });

  it('round-trips the three card kinds', () => {
    for (const card of [resident, permit, foreigner] as CardRecord[]) {
      expect(decodeCardText(encodeCardText(card))).toEqual(card);
    }
  });

  it('tells the kinds apart by the type letter at offset 248', () => {
    const p = encodeCardText(permit);
    expect(p.subarray(248, 250)).toEqual(ucs2('J'));
    expect(p.subarray(220, 238)).toEqual(ucs2('H12345678'));
    expect(p.subarray(238, 242)).toEqual(ucs2('01'));
    const f = encodeCardText(foreigner);
    expect(f.subarray(248, 250)).toEqual(ucs2('I'));
    expect(f.subarray(0, 22)).toEqual(ucs2('SMITH, JOHN'));
    expect(f.subarray(122, 152)).toEqual(ucs2('USA110079010105'));
    expect(f.subarray(152, 158)).toEqual(ucs2('USA'));
    expect(f.subarray(158, 164)).toEqual(ucs2('史密斯'));
    expect(f.subarray(220, 236)).toEqual(ucs2('19790101'));
  });

  it('reads the 2023 foreign permanent card (Y) with the same positions', () => {
    const y = encodeCardText({ ...foreigner, typeLetter: 'Y' });
    expect(y.subarray(248, 250)).toEqual(ucs2('Y'));
    expect(decodeCardText(y)).toMatchObject({
      type: 'foreign-permanent',
      typeLetter: 'Y',
      chineseName: '史密斯',
    });
    const noLetter: CardRecord = { ...foreigner };
    delete noLetter.typeLetter;
    expect(decodeCardText(encodeCardText(noLetter))).toMatchObject({ typeLetter: 'I' });
  });

  it('accepts a resident card whose type byte is 0, and NUL padding', () => {
    const text = encodeCardText(resident);
    text.writeUInt16LE(0, 248);
    text.fill(0, 6, 30);
    expect(decodeCardText(text)).toEqual(resident);
  });

  it('refuses an unknown card type clearly', () => {
    const text = encodeCardText(resident);
    text.write('Q', 248, 'utf16le');
    expect(() => decodeCardText(text)).toThrow(CardTextError);
    expect(() => decodeCardText(text)).toThrow("unknown card type 'Q' at offset 248");
    text.writeUInt16LE(0x4e2d, 248);
    try {
      decodeCardText(text);
      expect.unreachable();
    } catch (e) {
      expect((e as CardTextError).code).toBe('CARD_TYPE');
      expect((e as Error).message).toContain('U+4e2d');
    }
  });

  it('refuses bad fields with CARD_TEXT', () => {
    const bad = (mutate: (t: Buffer) => void, msg: RegExp, card: CardRecord = resident) => {
      const t = encodeCardText(card);
      mutate(t);
      expect(() => decodeCardText(t)).toThrow(msg);
      try {
        decodeCardText(t);
      } catch (e) {
        expect((e as CardTextError).code).toBe('CARD_TEXT');
      }
    };
    bad((t) => t.write('3', 30, 'utf16le'), /sex code "3"/);
    bad((t) => t.write('77', 32, 'utf16le'), /nation code "77"/);
    bad((t) => t.write('19490231', 36, 'utf16le'), /birth date "19490231"/);
    bad((t) => t.write('2010-1-1', 188, 'utf16le'), /valid-from date/);
    bad((t) => t.write('2030130X', 204, 'utf16le'), /valid-to date/);
    bad((t) => t.write('xx', 238, 'utf16le'), /issue count "xx"/, permit);
    expect(() => decodeCardText(Buffer.alloc(255))).toThrow(/255 bytes, expected 256/);
  });

  it('refuses to encode what does not fit', () => {
    expect(() => encodeCardText({ ...resident, name: '张'.repeat(16) })).toThrow(
      /needs 32 bytes, the field has 30/,
    );
    expect(() => encodeCardText({ ...resident, birthDate: '1949/12/31' })).toThrow(/not YYYY-MM-DD/);
    expect(() => encodeCardText({ ...resident, validTo: 'soon' })).toThrow(CardTextError);
  });

  it('derives the sex code from sex when it is missing', () => {
    const card = { ...resident, sexCode: '' };
    expect(decodeCardText(encodeCardText(card)).sexCode).toBe('2');
  });

  it('never throws anything but CardTextError on random text blocks', () => {
    let decoded = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const text = randomBytes(256, seed);
      if (seed % 3 === 0) text.writeUInt16LE(0x20, 248);
      if (seed % 3 === 1) text.write('J', 248, 'utf16le');
      try {
        decodeCardText(text);
        decoded++;
      } catch (e) {
        expect(e).toBeInstanceOf(CardTextError);
      }
    }
    expect(decoded).toBe(0);
  });

  it('goes through a whole 1295-byte read reply', () => {
    const frame = encodeReply(0x90, encodeReadData(encodeCardText(resident), randomBytes(1024)));
    expect(frame.length).toBe(1295);
    const { text } = decodeReadData(decodeReply(decodeFrame(frame)).data, false);
    expect(decodeCardText(text)).toEqual(resident);
  });
});

describe('nations and expiry', () => {
  it('has the 56 nationalities, 97 and 98', () => {
    expect(Object.keys(NATIONS)).toHaveLength(58);
    expect(NATIONS['01']).toBe('汉');
    expect(NATIONS['02']).toBe('蒙古');
    expect(NATIONS['05']).toBe('维吾尔');
    expect(NATIONS['11']).toBe('满');
    expect(NATIONS['56']).toBe('基诺');
    expect(NATIONS['97']).toBe('其他');
    expect(NATIONS['98']).toBe('外国血统中国籍人士');
    expect(NATIONS['57']).toBeUndefined();
    expect(new Set(Object.values(NATIONS)).size).toBe(58);
  });

  it('says whether a card has expired (the last day is still valid; long-term never expires)', () => {
    expect(isCardExpired(resident, new Date(2999, 0, 1))).toBe(false);
    expect(isCardExpired(permit, new Date(2024, 0, 1, 23, 59))).toBe(false);
    expect(isCardExpired(permit, new Date(2024, 0, 2))).toBe(true);
    expect(isCardExpired(permit, new Date(2023, 11, 31))).toBe(false);
  });
});
