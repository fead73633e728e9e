import { FrameError } from '../errors.ts';
import { encodeFrame } from './frame.ts';
import { type SamStatusInfo, samStatus } from './status.ts';

/** A decoded reply body: SW1 SW2 SW3 [data]. */
export interface SamReply {
  sw1: number;
  sw2: number;
  sw3: number;
  status: SamStatusInfo;
  data: Buffer;
}

/** Decode a reply body (from decodeFrame or the parser). Throws FrameError if shorter than 3 bytes. */
export function decodeReply(body: Buffer): SamReply {
  if (body.length < 3) {
    throw new FrameError('REPLY_SHORT', `reply body of ${body.length} bytes has no SW1 SW2 SW3`);
  }
  const sw3 = body[2]!;
  return { sw1: body[0]!, sw2: body[1]!, sw3, status: samStatus(sw3), data: Buffer.from(body.subarray(3)) };
}

/** Build a whole reply frame: SW1=00 SW2=00, given SW3 and data. For simulators and tests. */
export function encodeReply(sw3: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return encodeFrame(Buffer.concat([Buffer.from([0, 0, sw3 & 0xff]), data]));
}

/** The data of a read reply (after SW3): lengths, 256-byte text, photo, optional fingerprint. */
export interface ReadReplyData {
  text: Buffer; // 256 bytes, UCS-2 LE
  photoLength: number; // the photo bytes are never kept
  fingerprint?: Buffer; // only for readTextFingerprint
}

/** Size of the card text block. */
export const CARD_TEXT_BYTES = 256;

/** Split the data of a successful read reply. Lengths are big-endian (`01 00` = 256, `04 00` = 1024, as in the published reply; PROTOCOLS.md calling them little-endian is a slip); throws FrameError if inconsistent. */
export function decodeReadData(data: Buffer, withFingerprint: boolean): ReadReplyData {
  const header = withFingerprint ? 6 : 4;
  if (data.length < header) {
    throw new FrameError('READ_DATA', `read reply data of ${data.length} bytes has no length fields`);
  }
  const textLength = data.readUInt16BE(0);
  const photoLength = data.readUInt16BE(2);
  const fpLength = withFingerprint ? data.readUInt16BE(4) : 0;
  if (textLength !== CARD_TEXT_BYTES) {
    throw new FrameError('READ_DATA', `text length ${textLength}, expected ${CARD_TEXT_BYTES}`);
  }
  const expected = header + textLength + photoLength + fpLength;
  if (data.length !== expected) {
    throw new FrameError(
      'READ_DATA',
      `read reply data is ${data.length} bytes, its length fields say ${expected} (text ${textLength}, photo ${photoLength}${withFingerprint ? `, fingerprint ${fpLength}` : ''})`,
    );
  }
  const text = Buffer.from(data.subarray(header, header + textLength));
  if (!withFingerprint) return { text, photoLength };
  const fpStart = header + textLength + photoLength;
  return { text, photoLength, fingerprint: Buffer.from(data.subarray(fpStart, fpStart + fpLength)) };
}

/** Build the data of a read reply (simulators): BE lengths + text + photo (+ fingerprint). */
export function encodeReadData(text: Buffer, photo: Buffer, fingerprint?: Buffer): Buffer {
  const header = Buffer.alloc(fingerprint ? 6 : 4);
  header.writeUInt16BE(text.length, 0);
  header.writeUInt16BE(photo.length, 2);
  if (fingerprint) header.writeUInt16BE(fingerprint.length, 4);
  return Buffer.concat(fingerprint ? [header, text, photo, fingerprint] : [header, text, photo]);
}
