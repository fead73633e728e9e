/** Every Linli error carries a stable machine-readable `code` (see the table in docs/errors.md). */
export class LinliError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A byte frame that cannot be decoded: bad preamble, length, checksum, truncated. */
export class FrameError extends LinliError {}
/** A frame whose checksum does not match. code: 'FRAME_CHECKSUM' */
export class ChecksumError extends FrameError {
  constructor(message: string) {
    super('FRAME_CHECKSUM', message);
  }
}
/** A SAM reply whose SW3 is not a success. `sw3` is the status byte. */
export class SamStatusError extends LinliError {
  constructor(
    readonly sw3: number,
    message: string,
  ) {
    super('SAM_STATUS', message);
  }
}
/** Card text that cannot be decoded (unknown card type, bad field). code: 'CARD_TYPE' | 'CARD_TEXT' */
export class CardTextError extends LinliError {}
/** An invalid ID number. code: 'ID_LENGTH' | 'ID_CHARS' | 'ID_REGION' | 'ID_BIRTHDATE' | 'ID_CHECKSUM' */
export class IdNumberError extends LinliError {}
/** A payload that does not match its schema. code: 'VALIDATION' */
export class ValidationError extends LinliError {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super('VALIDATION', message);
  }
}
/** A request that got no answer in time. code: 'TIMEOUT' */
export class TimeoutError extends LinliError {
  constructor(message: string) {
    super('TIMEOUT', message);
  }
}
