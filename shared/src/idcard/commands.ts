// SAM command bodies (CMD PARA) and their whole frames.
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
export declare const SAM_COMMANDS: Readonly<Record<SamCommandName, Buffer>>;
/** Whole frame for a command, e.g. encodeCommand('findCard') = AA AA AA 96 69 00 03 20 01 22. */
export declare function encodeCommand(name: SamCommandName): Buffer;
/** Which command a received body is (for the simulator); undefined if unknown. */
export declare function identifyCommand(body: Buffer): SamCommandName | undefined;
