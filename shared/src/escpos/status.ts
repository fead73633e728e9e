// Decoders for the one-byte replies to DLE EOT n, and the reverse for simulators.
export interface PrinterStatus {
  offline: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
  error: boolean;
}
/** Merge one reply byte to DLE EOT n into a status (fields that n does not report are left as given). */
export declare function decodeStatusByte(
  n: 1 | 2 | 4,
  byte: number,
  into?: Partial<PrinterStatus>,
): Partial<PrinterStatus>;
/** The reply byte a printer in `status` sends to DLE EOT n (fixed bits 1 and 4 set, as real printers do). */
export declare function encodeStatusByte(n: 1 | 2 | 4, status: PrinterStatus): number;
