import { describe, expect, it } from 'vitest';
import { FrameError } from '../src/errors.ts';
import {
  encodeCommand,
  encodeFrame,
  encodeReadData,
  encodeReply,
  SamFrameParser,
} from '../src/idcard/index.ts';
import { hexBytes, randomBytes } from './helpers/bytes.ts';

async function parse(chunks: Buffer[]) {
  const parser = new SamFrameParser();
  const bad: unknown[] = [];
  parser.on('bad-frame', (e) => bad.push(e));
  const out = parser.toArray();
  for (const c of chunks) parser.write(c);
  parser.end();
  const frames = (await out) as Buffer[];
  return { frames, bad, parser };
}

const find = hexBytes('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97');
const select = hexBytes('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C');
const read = encodeReply(0x90, encodeReadData(randomBytes(256, 3), randomBytes(1024, 4)));
const readBody = read.subarray(7, read.length - 1);

describe('SamFrameParser', () => {
  it('emits the body of one whole frame', async () => {
    const { frames, parser } = await parse([find]);
    expect(frames).toEqual([hexBytes('00 00 9F 00 00 00 00')]);
    expect(parser.frames).toBe(1);
    expect(parser.badFrames).toBe(0);
    expect(parser.skippedBytes).toBe(0);
  });

  it('emits two frames merged in one chunk', async () => {
    const { frames } = await parse([Buffer.concat([find, select])]);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toEqual(hexBytes('00 00 90 00 00 00 00 00 00 00 00'));
  });

  it('reassembles a frame split at every possible point, and byte by byte', async () => {
    for (let cut = 1; cut < find.length; cut++) {
      const { frames } = await parse([find.subarray(0, cut), find.subarray(cut)]);
      expect(frames).toEqual([hexBytes('00 00 9F 00 00 00 00')]);
    }
    const bytes = [...read].map((b) => Buffer.from([b]));
    const { frames, parser } = await parse(bytes);
    expect(frames).toEqual([readBody]);
    expect(parser.skippedBytes).toBe(0);
  });

  it('waits for the rest of a split 1295-byte reply', () => {
    const parser = new SamFrameParser();
    const got: Buffer[] = [];
    parser.on('data', (b: Buffer) => got.push(b));
    parser.write(read.subarray(0, 700));
    expect(parser.pending).toBe(700);
    parser.write(read.subarray(700));
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        expect(got).toEqual([readBody]);
        expect(parser.pending).toBe(0);
        resolve();
      });
    });
  });

  it('skips garbage before, between and after frames, counting it', async () => {
    const { frames, parser, bad } = await parse([
      hexBytes('00 11 AA 96 69 AA AA'),
      find,
      hexBytes('FF FF AA AA'),
      select,
      hexBytes('01 02 03'),
    ]);
    expect(frames).toHaveLength(2);
    expect(parser.skippedBytes).toBe(7 + 4 + 3);
    expect(bad).toHaveLength(0);
  });

  it('keeps a partial preamble at the end of a chunk', async () => {
    for (let k = 1; k < 5; k++) {
      const { frames, parser } = await parse([
        Buffer.concat([hexBytes('01 02'), find.subarray(0, k)]),
        find.subarray(k),
      ]);
      expect(frames).toHaveLength(1);
      expect(parser.skippedBytes).toBe(2);
    }
  });

  it('counts and skips a frame with a bad checksum, then goes on', async () => {
    const broken = Buffer.from(find);
    broken[broken.length - 1] = 0x00;
    const { frames, parser, bad } = await parse([broken, select]);
    expect(frames).toEqual([hexBytes('00 00 90 00 00 00 00 00 00 00 00')]);
    expect(parser.badFrames).toBe(1);
    expect(parser.skippedBytes).toBe(broken.length);
    expect(bad[0]).toBeInstanceOf(FrameError);
    expect((bad[0] as FrameError).code).toBe('FRAME_CHECKSUM');
  });

  it('counts and skips an oversize or undersize length field', async () => {
    const { frames, parser, bad } = await parse([
      hexBytes('AA AA AA 96 69 FF FF 00 00 90'),
      find,
      hexBytes('AA AA AA 96 69 00 01 00'),
      select,
    ]);
    expect(frames).toHaveLength(2);
    expect(parser.badFrames).toBe(2);
    expect(bad.map((e) => (e as FrameError).code)).toEqual(['FRAME_LENGTH', 'FRAME_LENGTH']);
    expect(parser.skippedBytes).toBe(10 + 8);
  });

  it('finds a good frame hidden behind a truncated one', async () => {
    // A truncated read reply claims 1288 bytes; the find reply and more traffic arrive inside that window.
    const truncated = read.subarray(0, 100);
    const { frames, parser } = await parse([truncated, find, Buffer.alloc(1300, 0x00), select]);
    expect(frames).toEqual([hexBytes('00 00 9F 00 00 00 00'), hexBytes('00 00 90 00 00 00 00 00 00 00 00')]);
    expect(parser.badFrames).toBe(1);
  });

  it('drops a partial frame on reset() so the next one is not swallowed', () => {
    const parser = new SamFrameParser();
    const got: Buffer[] = [];
    parser.on('data', (b: Buffer) => got.push(b));
    parser.write(read.subarray(0, 100));
    expect(parser.reset()).toBe(100);
    expect(parser.skippedBytes).toBe(100);
    parser.write(find);
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        expect(got).toHaveLength(1);
        resolve();
      });
    });
  });

  it('reports a frame cut short by the end of the stream', async () => {
    const { frames, parser, bad } = await parse([find.subarray(0, 9)]);
    expect(frames).toHaveLength(0);
    expect(parser.badFrames).toBe(1);
    expect((bad[0] as FrameError).code).toBe('FRAME_TRUNCATED');
    expect(parser.skippedBytes).toBe(9);
    const tail = await parse([hexBytes('01 02 AA AA')]);
    expect(tail.parser.badFrames).toBe(0);
    expect(tail.parser.skippedBytes).toBe(4);
  });

  it('parses commands as well as replies', async () => {
    const { frames } = await parse([encodeCommand('findCard'), encodeCommand('readText')]);
    expect(frames).toEqual([hexBytes('20 01'), hexBytes('30 01')]);
  });

  it('survives random bytes and still finds the good frames mixed into them', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const junk = randomBytes(2000, seed);
      const frame = encodeFrame(randomBytes(20 + seed, seed + 1000));
      const stream = Buffer.concat([junk, frame, junk.subarray(0, 500), frame, frame]);
      // deliver in pseudo-random chunk sizes
      const sizes = randomBytes(stream.length, seed + 99);
      const chunks: Buffer[] = [];
      for (let i = 0, k = 0; i < stream.length; k++) {
        const n = 1 + (sizes[k]! % 97);
        chunks.push(stream.subarray(i, i + n));
        i += n;
      }
      const { frames, parser } = await parse(chunks);
      // random junk can (rarely) contain a preamble whose fake length swallows a real frame;
      // the parser resynchronises, so at least the last frames are always found
      expect(frames.length).toBeGreaterThanOrEqual(2);
      for (const f of frames.slice(-2)) expect(f).toEqual(frame.subarray(7, frame.length - 1));
      expect(parser.skippedBytes).toBeGreaterThanOrEqual(2500);
    }
  });

  it('never emits an error on pure random input', async () => {
    const parser = new SamFrameParser();
    const errors: unknown[] = [];
    parser.on('error', (e) => errors.push(e));
    const out = parser.toArray();
    for (let seed = 1; seed <= 20; seed++) parser.write(randomBytes(4096, seed));
    parser.end();
    await out;
    expect(errors).toEqual([]);
    expect(parser.skippedBytes).toBeGreaterThan(0);
  });
});
