// SAM frame codec: AA AA AA 96 69 · LEN(2, BE, bytes after it incl. CHK) · body · CHK (XOR of LEN bytes and body).
import { ChecksumError, FrameError } from '../errors.ts';

export const PREAMBLE = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]);
/** Largest length field accepted (text+photo+fingerprint reply is 0x090A). */
export const MAX_FRAME_LENGTH = 0x1000;
/** Smallest length field accepted: a 2-byte body (CMD PARA) and the checksum. */
export const MIN_FRAME_LENGTH = 3;
/** Bytes before the body: preamble and length field. */
export const FRAME_HEADER_BYTES = PREAMBLE.length + 2;

/** XOR checksum over the two length bytes and the body. */
export function samChecksum(lengthAndBody: Buffer): number {
  let x = 0;
  for (const b of lengthAndBody) x ^= b;
  return x;
}

/** Wrap a body (command or reply) into a whole frame. */
export function encodeFrame(body: Buffer): Buffer {
  const len = body.length + 1;
  if (len < MIN_FRAME_LENGTH || len > MAX_FRAME_LENGTH) {
    throw new FrameError('FRAME_LENGTH', `body of ${body.length} bytes does not fit a SAM frame`);
  }
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + len);
  PREAMBLE.copy(frame, 0);
  frame.writeUInt16BE(len, PREAMBLE.length);
  body.copy(frame, FRAME_HEADER_BYTES);
  frame[frame.length - 1] = samChecksum(frame.subarray(PREAMBLE.length, frame.length - 1));
  return frame;
}

/** Hex dump like `AA AA 96` (for error messages, logs and the CLI). */
export function hex(bytes: Buffer, max = 64): string {
  const shown = bytes
    .subarray(0, max)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > max ? `${shown} … (${bytes.length} bytes)` : shown;
}

/**
 * Check the length field at the start of a frame (preamble already matched).
 * Returns the length, or throws FrameError('FRAME_LENGTH').
 */
export function checkLengthField(len: number): number {
  if (len < MIN_FRAME_LENGTH || len > MAX_FRAME_LENGTH) {
    throw new FrameError(
      'FRAME_LENGTH',
      `length field ${len} (0x${len.toString(16).padStart(4, '0')}) outside ${MIN_FRAME_LENGTH}..${MAX_FRAME_LENGTH}`,
    );
  }
  return len;
}

/** Decode one whole frame; returns the body (without length and checksum). Throws FrameError/ChecksumError. */
export function decodeFrame(frame: Buffer): Buffer {
  if (frame.length < PREAMBLE.length || !frame.subarray(0, PREAMBLE.length).equals(PREAMBLE)) {
    throw new FrameError('FRAME_PREAMBLE', `frame does not start with AA AA AA 96 69: ${hex(frame, 8)}`);
  }
  if (frame.length < FRAME_HEADER_BYTES) {
    throw new FrameError('FRAME_TRUNCATED', `frame of ${frame.length} bytes has no length field`);
  }
  const len = checkLengthField(frame.readUInt16BE(PREAMBLE.length));
  const expected = FRAME_HEADER_BYTES + len;
  if (frame.length < expected) {
    throw new FrameError(
      'FRAME_TRUNCATED',
      `frame truncated: length field says ${expected} bytes in all, got ${frame.length}`,
    );
  }
  if (frame.length > expected) {
    throw new FrameError(
      'FRAME_TRAILING',
      `frame has ${frame.length - expected} bytes after its checksum (length field says ${expected} bytes)`,
    );
  }
  const chk = frame[expected - 1]!;
  const computed = samChecksum(frame.subarray(PREAMBLE.length, expected - 1));
  if (chk !== computed) {
    throw new ChecksumError(
      `bad checksum: frame has 0x${chk.toString(16).padStart(2, '0')}, computed 0x${computed.toString(16).padStart(2, '0')}`,
    );
  }
  return Buffer.from(frame.subarray(FRAME_HEADER_BYTES, expected - 1));
}
