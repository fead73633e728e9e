import { Transform } from 'node:stream';

/**
 * Stream parser for SAM frames (either direction). Writable side takes raw bytes; readable side
 * (object mode) emits each good frame's body as a Buffer. Skips bytes until the next preamble,
 * survives split and merged frames; a bad checksum or impossible length is counted
 * (`badFrames`, `skippedBytes`), emitted as a 'bad-frame' event with the error, and skipped.
 */
export declare class SamFrameParser extends Transform {
  badFrames: number;
  skippedBytes: number;
  constructor();
}
