import { describe, expect, it } from 'vitest';
import { ChecksumError, FrameError } from '../src/errors.ts';
import {
  decodeFrame,
  encodeCommand,
  encodeFrame,
  hex,
  identifyCommand,
  MAX_FRAME_LENGTH,
  SAM_COMMANDS,
  samChecksum,
} from '../src/idcard/index.ts';
import { hexBytes, randomBytes } from './helpers/bytes.ts';

describe('SAM frame codec', () => {
  it('encodes every command as published (checksums computed, not hard-coded)', () => {
    expect(encodeCommand('samStatus')).toEqual(hexBytes('AA AA AA 96 69 00 03 11 FF ED'));
    expect(encodeCommand('samReset')).toEqual(hexBytes('AA AA AA 96 69 00 03 10 FF EC'));
    expect(encodeCommand('readSamId')).toEqual(hexBytes('AA AA AA 96 69 00 03 12 FF EE'));
    expect(encodeCommand('findCard')).toEqual(hexBytes('AA AA AA 96 69 00 03 20 01 22'));
    expect(encodeCommand('selectCard')).toEqual(hexBytes('AA AA AA 96 69 00 03 20 02 21'));
    expect(encodeCommand('readText')).toEqual(hexBytes('AA AA AA 96 69 00 03 30 01 32'));
    expect(encodeCommand('readTextFingerprint')).toEqual(hexBytes('AA AA AA 96 69 00 03 30 10 23'));
    expect(encodeCommand('maxRfBytes')).toEqual(hexBytes('AA AA AA 96 69 00 04 61 FF 50 CA'));
  });

  it('rejects an unknown command name', () => {
    expect(() => encodeCommand('nope' as never)).toThrow(TypeError);
  });

  it('identifies command bodies, and nothing else', () => {
    for (const [name, body] of Object.entries(SAM_COMMANDS)) expect(identifyCommand(body)).toBe(name);
    expect(identifyCommand(hexBytes('20 03'))).toBeUndefined();
    expect(identifyCommand(Buffer.alloc(0))).toBeUndefined();
    expect(identifyCommand(hexBytes('20 01 00'))).toBeUndefined();
  });

  it('computes the XOR checksum over length and body', () => {
    expect(samChecksum(hexBytes('00 03 20 01'))).toBe(0x22);
    expect(samChecksum(Buffer.alloc(0))).toBe(0);
  });

  it('decodes the published replies', () => {
    expect(decodeFrame(hexBytes('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'))).toEqual(
      hexBytes('00 00 9F 00 00 00 00'),
    );
    expect(decodeFrame(hexBytes('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C'))).toEqual(
      hexBytes('00 00 90 00 00 00 00 00 00 00 00'),
    );
  });

  it('round-trips bodies of every size from 2 to the maximum', () => {
    for (const n of [2, 3, 7, 255, 256, 1287, MAX_FRAME_LENGTH - 1]) {
      const body = randomBytes(n, n);
      const frame = encodeFrame(body);
      expect(frame.length).toBe(n + 8);
      expect(frame.readUInt16BE(5)).toBe(n + 1);
      expect(decodeFrame(frame)).toEqual(body);
    }
  });

  it('refuses to encode bodies that do not fit', () => {
    expect(() => encodeFrame(Buffer.alloc(1))).toThrow(FrameError);
    expect(() => encodeFrame(Buffer.alloc(MAX_FRAME_LENGTH))).toThrow(/does not fit/);
  });

  const good = hexBytes('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97');
  const codeOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(FrameError);
      return (e as FrameError).code;
    }
    throw new Error('did not throw');
  };

  it('says precisely what is wrong with a bad frame', () => {
    expect(codeOf(() => decodeFrame(Buffer.alloc(0)))).toBe('FRAME_PREAMBLE');
    expect(codeOf(() => decodeFrame(hexBytes('AA AA AA 96 68 00 03 20 01 22')))).toBe('FRAME_PREAMBLE');
    expect(codeOf(() => decodeFrame(hexBytes('AA AA AA 96 69 00')))).toBe('FRAME_TRUNCATED');
    expect(codeOf(() => decodeFrame(good.subarray(0, good.length - 1)))).toBe('FRAME_TRUNCATED');
    expect(codeOf(() => decodeFrame(Buffer.concat([good, hexBytes('00')])))).toBe('FRAME_TRAILING');
    expect(codeOf(() => decodeFrame(hexBytes('AA AA AA 96 69 FF FF 00')))).toBe('FRAME_LENGTH');
    expect(codeOf(() => decodeFrame(hexBytes('AA AA AA 96 69 00 00')))).toBe('FRAME_LENGTH');
    expect(codeOf(() => decodeFrame(hexBytes('AA AA AA 96 69 00 02 20 22')))).toBe('FRAME_LENGTH');
    const badChk = Buffer.from(good);
    badChk[badChk.length - 1] = 0x98;
    expect(() => decodeFrame(badChk)).toThrow(ChecksumError);
    expect(() => decodeFrame(badChk)).toThrow(/frame has 0x98, computed 0x97/);
    expect(codeOf(() => decodeFrame(badChk))).toBe('FRAME_CHECKSUM');
    const flipped = Buffer.from(good);
    flipped[9] = 0x90;
    expect(codeOf(() => decodeFrame(flipped))).toBe('FRAME_CHECKSUM');
  });

  it('never throws anything but FrameError on random bytes', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const junk = randomBytes(1 + (seed % 40), seed);
      const withPreamble = Buffer.concat([hexBytes('AA AA AA 96 69'), junk]);
      for (const b of [junk, withPreamble]) {
        try {
          decodeFrame(b);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError);
        }
      }
    }
  });

  it('formats hex dumps, shortened when long', () => {
    expect(hex(hexBytes('AA 01 ff'))).toBe('AA 01 FF');
    expect(hex(Buffer.alloc(0))).toBe('');
    expect(hex(Buffer.alloc(10), 2)).toBe('00 00 … (10 bytes)');
  });
});
