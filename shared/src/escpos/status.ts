// Decoders for the one-byte replies to DLE EOT n, and the reverse for simulators.
export interface PrinterStatus {
  offline: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
  error: boolean;
}

/** Bits that are fixed in every DLE EOT reply: bit 1 and bit 4 set, bits 0 and 7 clear. */
const FIXED_MASK = 0x93;
const FIXED_BITS = 0x12;

function checkN(n: number): void {
  if (n !== 1 && n !== 2 && n !== 4) throw new RangeError(`DLE EOT n must be 1, 2 or 4, got ${n}`);
}

/** True when the byte has the fixed bits of a DLE EOT reply (a strict driver can refuse other bytes). */
export function isStatusByte(byte: number): boolean {
  return Number.isInteger(byte) && byte >= 0 && byte <= 0xff && (byte & FIXED_MASK) === FIXED_BITS;
}

/**
 * Merge one reply byte to DLE EOT n into a status (fields that n does not report are left as given).
 * n=1: bit 3 offline. n=2: bit 2 cover open, bit 5 stopped by paper end (sets paperOut, never clears it),
 * bit 6 error. n=4: bits 2–3 paper near end, bits 5–6 paper out.
 */
export function decodeStatusByte(
  n: 1 | 2 | 4,
  byte: number,
  into: Partial<PrinterStatus> = {},
): Partial<PrinterStatus> {
  checkN(n);
  if (!Number.isInteger(byte) || byte < 0 || byte > 0xff)
    throw new RangeError(`status byte out of range: ${byte}`);
  const out = { ...into };
  if (n === 1) {
    out.offline = (byte & 0x08) !== 0;
  } else if (n === 2) {
    out.coverOpen = (byte & 0x04) !== 0;
    out.error = (byte & 0x40) !== 0;
    if (byte & 0x20) out.paperOut = true;
  } else {
    out.paperNearEnd = (byte & 0x0c) !== 0;
    out.paperOut = (byte & 0x60) !== 0;
  }
  return out;
}

/** The reply byte a printer in `status` sends to DLE EOT n (fixed bits 1 and 4 set, as real printers do). */
export function encodeStatusByte(n: 1 | 2 | 4, status: PrinterStatus): number {
  checkN(n);
  let b = FIXED_BITS;
  if (n === 1) {
    if (status.offline) b |= 0x08;
  } else if (n === 2) {
    if (status.coverOpen) b |= 0x04;
    if (status.paperOut) b |= 0x20;
    if (status.error) b |= 0x40;
  } else {
    if (status.paperNearEnd) b |= 0x0c;
    if (status.paperOut) b |= 0x60;
  }
  return b;
}

/** Whether a printer in this status can print now. */
export function canPrint(status: Partial<PrinterStatus>): boolean {
  return !status.offline && !status.coverOpen && !status.paperOut && !status.error;
}
