import { describe, expect, it } from 'vitest';
import { FrameError } from '../src/errors.ts';
import {
  decodeFrame,
  decodeReadData,
  decodeReply,
  encodeReadData,
  encodeReply,
  SAM_STATUS,
  samStatus,
} from '../src/idcard/index.ts';
import { hexBytes, randomBytes } from './helpers/bytes.ts';

describe('SW3 status table', () => {
  it('knows every documented code, and only 90 and 9F are ok', () => {
    const codes = [
      0x90, 0x9f, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x37, 0x3f, 0x40, 0x41, 0x47, 0x60,
      0x66, 0x80, 0x81,
    ];
    expect([...SAM_STATUS.keys()].sort()).toEqual([...codes].sort());
    for (const c of codes) {
      const s = samStatus(c);
      expect(s.sw3).toBe(c);
      expect(s.name).toMatch(/^[A-Z_]+$/);
      expect(s.zh.length).toBeGreaterThan(0);
      expect(s.en.length).toBeGreaterThan(0);
      expect(s.ok).toBe(c === 0x90 || c === 0x9f);
    }
    expect(samStatus(0x90).name).toBe('SUCCESS');
    expect(samStatus(0x9f).name).toBe('CARD_FOUND');
    expect(samStatus(0x80).name).toBe('FIND_FAILED');
    expect(samStatus(0x81).name).toBe('SELECT_FAILED');
    expect(samStatus(0x41).name).toBe('READ_FAILED');
    expect(samStatus(0x10).name).toBe('CHECKSUM_ERROR');
  });

  it('never throws on unknown codes', () => {
    expect(samStatus(0x55)).toEqual({
      sw3: 0x55,
      name: 'UNKNOWN_55',
      zh: '未知状态 55',
      en: 'unknown status 0x55',
      ok: false,
    });
    expect(samStatus(0x0a).name).toBe('UNKNOWN_0A');
  });
});

describe('SAM replies', () => {
  it('decodes the published find-card and select-card replies', () => {
    const find = decodeReply(decodeFrame(hexBytes('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97')));
    expect(find).toMatchObject({ sw1: 0, sw2: 0, sw3: 0x9f, data: Buffer.alloc(4) });
    expect(find.status.ok).toBe(true);
    const select = decodeReply(
      decodeFrame(hexBytes('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C')),
    );
    expect(select.status.name).toBe('SUCCESS');
    expect(select.data).toEqual(Buffer.alloc(8));
  });

  it('encodes replies byte for byte like the published ones', () => {
    expect(encodeReply(0x9f, Buffer.alloc(4))).toEqual(
      hexBytes('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'),
    );
    expect(encodeReply(0x90, Buffer.alloc(8))).toEqual(
      hexBytes('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C'),
    );
    expect(encodeReply(0x80)).toEqual(hexBytes('AA AA AA 96 69 00 04 00 00 80 84'));
  });

  it('refuses a reply body shorter than SW1 SW2 SW3', () => {
    expect(() => decodeReply(hexBytes('00 00'))).toThrow(FrameError);
    expect(() => decodeReply(Buffer.alloc(0))).toThrow(/no SW1 SW2 SW3/);
  });

  it('builds the 1295-byte read reply that starts as published', () => {
    const text = randomBytes(256, 7);
    const photo = randomBytes(1024, 8);
    const frame = encodeReply(0x90, encodeReadData(text, photo));
    expect(frame.length).toBe(1295);
    expect(frame.subarray(0, 14)).toEqual(hexBytes('AA AA AA 96 69 05 08 00 00 90 01 00 04 00'));
    const reply = decodeReply(decodeFrame(frame));
    const read = decodeReadData(reply.data, false);
    expect(read.text).toEqual(text);
    expect(read.photoLength).toBe(1024);
    expect(read.fingerprint).toBeUndefined();
    expect(Object.keys(read)).not.toContain('photo');
  });

  it('builds and splits the fingerprint variant (09 0A, lengths before the text)', () => {
    const text = randomBytes(256, 9);
    const fp = randomBytes(1024, 10);
    const frame = encodeReply(0x90, encodeReadData(text, Buffer.alloc(1024), fp));
    expect(frame.subarray(0, 16)).toEqual(hexBytes('AA AA AA 96 69 09 0A 00 00 90 01 00 04 00 04 00'));
    const read = decodeReadData(decodeReply(decodeFrame(frame)).data, true);
    expect(read.text).toEqual(text);
    expect(read.fingerprint).toEqual(fp);
    const noFp = decodeReadData(encodeReadData(text, Buffer.alloc(1024), Buffer.alloc(0)), true);
    expect(noFp.fingerprint).toEqual(Buffer.alloc(0));
  });

  it('refuses inconsistent read data', () => {
    const text = Buffer.alloc(256);
    const data = encodeReadData(text, Buffer.alloc(1024));
    expect(() => decodeReadData(data.subarray(0, 3), false)).toThrow(/no length fields/);
    expect(() => decodeReadData(data.subarray(0, 5), true)).toThrow(/no length fields/);
    expect(() => decodeReadData(data.subarray(0, data.length - 1), false)).toThrow(/length fields say 1284/);
    expect(() => decodeReadData(Buffer.concat([data, Buffer.alloc(1)]), false)).toThrow(FrameError);
    expect(() => decodeReadData(encodeReadData(Buffer.alloc(200), Buffer.alloc(10)), false)).toThrow(
      /text length 200/,
    );
    expect(() => decodeReadData(data, true)).toThrow(/fingerprint/);
  });

  it('never throws anything but FrameError on random read data', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const junk = randomBytes(seed * 7, seed);
      for (const fp of [false, true]) {
        try {
          decodeReadData(junk, fp);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError);
        }
      }
    }
  });
});
