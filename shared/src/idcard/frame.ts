// SAM frame codec: AA AA AA 96 69 · LEN(2, BE, bytes after it incl. CHK) · body · CHK (XOR of LEN bytes and body).
export const PREAMBLE = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]);
/** Largest length field accepted (text+photo+fingerprint reply is 0x090A). */
export const MAX_FRAME_LENGTH = 0x1000;

/** XOR checksum over the two length bytes and the body. */
export declare function samChecksum(lengthAndBody: Buffer): number;
/** Wrap a body (command or reply) into a whole frame. */
export declare function encodeFrame(body: Buffer): Buffer;
/** Decode one whole frame; returns the body (without length and checksum). Throws FrameError/ChecksumError. */
export declare function decodeFrame(frame: Buffer): Buffer;
