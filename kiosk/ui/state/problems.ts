// Which resident-facing problem an API refusal or a device event is. Codes stay here; the
// resident sees only the words of the catalogue.
import { ApiError } from '../api.ts';
import type { ProblemKind } from './types.ts';

export function problemOfIssue(err: unknown): ProblemKind | 'needCard' {
  if (!(err instanceof ApiError) || err.network) return 'network';
  switch (err.code) {
    case 'SERVICE_CLOSED':
      return 'serviceClosed';
    case 'DAILY_CAP':
      return 'full';
    case 'CARD_EXPIRED':
      return 'cardExpired';
    case 'NO_CARD':
    case 'ID_REQUIRED':
      return 'needCard';
    case 'APPOINTMENT_UNKNOWN':
    case 'APPOINTMENT_USED':
    case 'APPOINTMENT_CANCELLED':
      return 'scanUnknown';
    case 'APPOINTMENT_OTHER_DAY':
    case 'APPOINTMENT_TOO_EARLY':
      return 'scanWrongDay';
    default:
      return err.status >= 500 ? 'network' : 'generic';
  }
}

export function problemOfCheckin(code: string): ProblemKind {
  return problemOfIssue(new ApiError(409, code)) as ProblemKind;
}

export function problemOfCardError(code: string): ProblemKind {
  return code === 'CARD_UNKNOWN' ? 'cardUnknown' : 'cardUnreadable';
}
