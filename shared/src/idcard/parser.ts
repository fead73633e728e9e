import { Transform, type TransformCallback } from 'node:stream';
import { FrameError } from '../errors.ts';
import { checkLengthField, decodeFrame, FRAME_HEADER_BYTES, PREAMBLE } from './frame.ts';

/** Length of the longest suffix of `buf` that is a proper prefix of the preamble. */
function partialPreambleAtEnd(buf: Buffer): number {
  for (let k = Math.min(PREAMBLE.length - 1, buf.length); k > 0; k--) {
    if (buf.subarray(buf.length - k).equals(PREAMBLE.subarray(0, k))) return k;
  }
  return 0;
}

/**
 * Stream parser for SAM frames (either direction). Writable side takes raw bytes; readable side
 * (object mode) emits each good frame's body as a Buffer. Skips bytes until the next preamble,
 * survives split and merged frames; a bad checksum or impossible length is counted
 * (`badFrames`, `skippedBytes`), emitted as a 'bad-frame' event with the error, and skipped.
 *
 * After a bad frame the parser resumes the search one byte after the bad preamble, so a good
 * frame hidden behind a truncated one is still found. `skippedBytes` counts every byte that was
 * not part of a good frame.
 */
export class SamFrameParser extends Transform {
  badFrames = 0;
  skippedBytes = 0;
  /** Good frames emitted so far. */
  frames = 0;
  private buf: Buffer = Buffer.alloc(0);

  constructor() {
    super({ readableObjectMode: true });
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * Drop a partial frame (e.g. after a reply time-out, so a truncated frame cannot swallow the
   * next one). Returns the number of bytes dropped; they count as skipped.
   */
  reset(): number {
    const n = this.buf.length;
    this.skippedBytes += n;
    this.buf = Buffer.alloc(0);
    return n;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buf = Buffer.concat([this.buf, chunk]); // a copy: the writer may reuse its chunk
    this.drain();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.buf.length > 0) {
      if (this.buf.subarray(0, PREAMBLE.length).equals(PREAMBLE)) {
        this.bad(new FrameError('FRAME_TRUNCATED', `stream ended inside a frame (${this.buf.length} bytes)`));
      }
      this.reset();
    }
    done();
  }

  private skip(n: number): void {
    this.skippedBytes += n;
    this.buf = this.buf.subarray(n);
  }

  private bad(err: unknown): void {
    this.badFrames++;
    this.emit('bad-frame', err);
  }

  private drain(): void {
    for (;;) {
      const at = this.buf.indexOf(PREAMBLE);
      if (at < 0) {
        this.skip(this.buf.length - partialPreambleAtEnd(this.buf));
        return;
      }
      if (at > 0) this.skip(at);
      if (this.buf.length < FRAME_HEADER_BYTES) return;
      let len: number;
      try {
        len = checkLengthField(this.buf.readUInt16BE(PREAMBLE.length));
      } catch (err) {
        this.bad(err);
        this.skip(1);
        continue;
      }
      const total = FRAME_HEADER_BYTES + len;
      if (this.buf.length < total) return;
      let body: Buffer;
      try {
        body = decodeFrame(this.buf.subarray(0, total));
      } catch (err) {
        this.bad(err);
        this.skip(1);
        continue;
      }
      this.buf = this.buf.subarray(total);
      this.frames++;
      this.push(body);
    }
  }
}
