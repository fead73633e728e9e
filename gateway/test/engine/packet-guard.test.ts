// PacketSizeGuard at the byte level: packet boundaries through fixed headers, across chunks.
import { describe, expect, it } from 'vitest';
import { PacketSizeGuard } from '../../src/broker/packet-guard.ts';

/** A fixed header: one type byte and the remaining length as MQTT encodes it. */
function fixedHeader(length: number, type = 0x30): Buffer {
  const len: number[] = [];
  let x = length;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    len.push(b);
  } while (x > 0);
  return Buffer.from([type, ...len]);
}
const packet = (length: number, type = 0x30) =>
  Buffer.concat([fixedHeader(length, type), Buffer.alloc(length, 0x61)]);

describe('PacketSizeGuard', () => {
  it('passes packets up to the limit, whole, merged or split byte by byte', () => {
    const stream = Buffer.concat([packet(0, 0xc0), packet(100), packet(1000), packet(127), packet(128)]);
    expect(new PacketSizeGuard(1000).observe(stream)).toEqual({ ok: true });
    const g = new PacketSizeGuard(1000);
    for (const byte of stream) expect(g.observe(Buffer.from([byte])).ok).toBe(true);
  });

  it('refuses the first packet declared over the limit, before its body arrives', () => {
    const g = new PacketSizeGuard(1000);
    expect(g.observe(packet(10)).ok).toBe(true);
    const big = fixedHeader(268_435_455); // the largest length MQTT can declare, no body
    const v = g.observe(big);
    expect(v).toMatchObject({ ok: false, detail: expect.stringContaining('limit 1000') });
    expect(g.observe(packet(1)).ok).toBe(false); // the connection stays refused
  });

  it('refuses a remaining length declared over the limit when it is split across chunks', () => {
    const g = new PacketSizeGuard(16_384);
    const head = fixedHeader(20_000); // 0x30 and 3 length bytes
    expect(g.observe(head.subarray(0, 2)).ok).toBe(true);
    expect(g.observe(head.subarray(2)).ok).toBe(false);
  });

  it('refuses a malformed remaining length of more than 4 bytes', () => {
    const g = new PacketSizeGuard(Number.MAX_SAFE_INTEGER);
    expect(g.observe(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('more than 4 bytes'),
    });
  });
});
