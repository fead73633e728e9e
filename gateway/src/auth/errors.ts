import { LinliError } from '@linli/shared';

/** Staff authentication and authorisation. code: 'AUTH' (401) | 'FORBIDDEN' (403) |
 *  'RATE_LIMITED' (429) | 'STAFF_EXISTS' (409) | 'STAFF_NOT_FOUND' (404) */
export class AuthError extends LinliError {
  constructor(
    code: 'AUTH' | 'FORBIDDEN' | 'RATE_LIMITED' | 'STAFF_EXISTS' | 'STAFF_NOT_FOUND',
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(code, message);
  }
}
