// SAM command bodies (CMD PARA) and their whole frames.
import { encodeFrame } from './frame.ts';

export type SamCommandName =
  | 'samStatus' // 11 FF
  | 'samReset' // 10 FF
  | 'readSamId' // 12 FF
  | 'findCard' // 20 01
  | 'selectCard' // 20 02
  | 'readText' // 30 01  (text + photo)
  | 'readTextFingerprint' // 30 10 (text + photo + fingerprint)
  | 'maxRfBytes'; // 61 FF 50

/** Command bodies by name, e.g. SAM_COMMANDS.findCard = <20 01>. */
export const SAM_COMMANDS: Readonly<Record<SamCommandName, Buffer>> = Object.freeze({
  samStatus: Buffer.from([0x11, 0xff]),
  samReset: Buffer.from([0x10, 0xff]),
  readSamId: Buffer.from([0x12, 0xff]),
  findCard: Buffer.from([0x20, 0x01]),
  selectCard: Buffer.from([0x20, 0x02]),
  readText: Buffer.from([0x30, 0x01]),
  readTextFingerprint: Buffer.from([0x30, 0x10]),
  maxRfBytes: Buffer.from([0x61, 0xff, 0x50]),
});

const NAMES = Object.keys(SAM_COMMANDS) as SamCommandName[];

/** Whole frame for a command, e.g. encodeCommand('findCard') = AA AA AA 96 69 00 03 20 01 22. */
export function encodeCommand(name: SamCommandName): Buffer {
  const body = SAM_COMMANDS[name];
  if (!body) throw new TypeError(`unknown SAM command ${String(name)}`);
  return encodeFrame(body);
}

/** Which command a received body is (for the simulator); undefined if unknown. */
export function identifyCommand(body: Buffer): SamCommandName | undefined {
  return NAMES.find((n) => SAM_COMMANDS[n].equals(body));
}
