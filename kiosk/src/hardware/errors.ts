// Error codes of the hardware service (one table, CONVENTIONS 7).
import { LinliError } from '@linli/shared';

export type HardwareErrorCode =
  | 'HW_CONFIG' // a device spec that cannot be understood (names the env var)
  | 'HW_CLOSED' // the line to the device closed while a request was waiting
  | 'HW_WRITE_TIMEOUT' // bytes not drained to the device in time
  | 'HW_UNSUPPORTED' // e.g. a HID printer, or hardware that cannot retry print jobs
  | 'PRINT_JOB_INVALID' // empty, not a Buffer, or too large
  | 'PRINT_JOB_NOT_FOUND'
  | 'PRINT_JOB_STATE'; // retry of a job that is not failed or held

export class HardwareError extends LinliError {
  declare readonly code: HardwareErrorCode;
  constructor(code: HardwareErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** How each code answers over HTTP (kiosk/src/api/errors.ts): status and the sentence staff see. */
export const HARDWARE_ERROR_HTTP: Readonly<Record<HardwareErrorCode, { status: number; zh: string }>> = {
  HW_CONFIG: { status: 500, zh: '硬件配置有误' },
  HW_CLOSED: { status: 503, zh: '设备未连接' },
  HW_WRITE_TIMEOUT: { status: 503, zh: '设备无响应' },
  HW_UNSUPPORTED: { status: 501, zh: '此设备不支持该操作' },
  PRINT_JOB_INVALID: { status: 422, zh: '打印内容无效' },
  PRINT_JOB_NOT_FOUND: { status: 404, zh: '没有这个打印任务' },
  PRINT_JOB_STATE: { status: 409, zh: '该打印任务当前不能重试' },
};
