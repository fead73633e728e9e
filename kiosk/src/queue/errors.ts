// The queue's error codes. Each maps to one HTTP status and carries a Chinese and an English
// sentence the kiosk can show as is.
import { LinliError } from '@linli/shared';

const TABLE = {
  NOT_FOUND: 404,
  SERVICE_INACTIVE: 409,
  SERVICE_CLOSED: 409,
  DAILY_CAP: 409,
  ID_REQUIRED: 422,
  ID_INVALID: 422,
  ID_MISMATCH: 409,
  APPOINTMENT_PAST: 422,
  NO_CARD: 422,
  CARD_EXPIRED: 422,
  WINDOW_INACTIVE: 409,
  WINDOW_BUSY: 409,
  WINDOW_NOT_SIGNED_IN: 403,
  NOT_AT_WINDOW: 403,
  QUEUE_EMPTY: 409,
  BAD_STATE: 409,
  RECALLS_NEEDED: 409,
  NOT_SERVED_HERE: 409,
  ALREADY_RATED: 409,
  REASON_REQUIRED: 422,
  BAD_CLASS: 422,
  BAD_HOURS: 422,
  CONFLICT: 409,
  APPOINTMENT_UNKNOWN: 404,
  APPOINTMENT_USED: 409,
  APPOINTMENT_CANCELLED: 409,
  APPOINTMENT_TOO_EARLY: 409,
  APPOINTMENT_OTHER_DAY: 409,
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
} as const;
export type QueueErrorCode = keyof typeof TABLE;

export class QueueError extends LinliError {
  readonly status: number;
  constructor(
    code: QueueErrorCode,
    readonly zh: string,
    readonly en: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(code, en);
    this.status = TABLE[code];
  }
}
