// Error codes of the hardware service (one table, CONVENTIONS 7).
import { LinliError } from '@linli/shared';

export type HardwareErrorCode =
  | 'HW_CONFIG' // a device spec that cannot be understood (names the env var)
  | 'HW_CLOSED' // the line to the device closed while a request was waiting
  | 'HW_WRITE_TIMEOUT' // bytes not drained to the device in time
  | 'HW_UNSUPPORTED' // e.g. a HID printer
  | 'PRINT_JOB_INVALID' // empty, not a Buffer, or too large
  | 'PRINT_JOB_NOT_FOUND'
  | 'PRINT_JOB_STATE'; // retry of a job that is not failed or held

export class HardwareError extends LinliError {
  declare readonly code: HardwareErrorCode;
  constructor(code: HardwareErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
