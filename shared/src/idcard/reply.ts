import type { SamStatusInfo } from './status.ts';

/** A decoded reply body: SW1 SW2 SW3 [data]. */
export interface SamReply {
  sw1: number;
  sw2: number;
  sw3: number;
  status: SamStatusInfo;
  data: Buffer;
}
/** Decode a reply body (from decodeFrame or the parser). Throws FrameError if shorter than 3 bytes. */
export declare function decodeReply(body: Buffer): SamReply;
/** Build a whole reply frame: SW1=00 SW2=00, given SW3 and data. For simulators and tests. */
export declare function encodeReply(sw3: number, data?: Buffer): Buffer;

/** The data of a read reply (after SW3): lengths, 256-byte text, photo, optional fingerprint. */
export interface ReadReplyData {
  text: Buffer; // 256 bytes, UCS-2 LE
  photoLength: number; // the photo bytes are never kept
  fingerprint?: Buffer; // only for readTextFingerprint
}
/** Split the data of a successful read reply. Lengths are little-endian; throws FrameError if inconsistent. */
export declare function decodeReadData(data: Buffer, withFingerprint: boolean): ReadReplyData;
/** Build the data of a read reply (simulators): LE lengths + text + photo (+ fingerprint). */
export declare function encodeReadData(text: Buffer, photo: Buffer, fingerprint?: Buffer): Buffer;
