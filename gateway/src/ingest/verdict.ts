import type { RefusalReason } from '../bus.ts';

/** What the broker does with an incoming publish. */
export type Verdict =
  | { ok: true; outcome: 'stored' | 'duplicate' | 'accepted' | 'ignored' }
  /** disconnect: close the client without PUBACK (ACL, rate, store failure); otherwise the
   *  message is acknowledged and dropped (a malformed message never becomes valid by retrying). */
  | { ok: false; reason: RefusalReason; detail: string; disconnect: boolean };

export const accepted: Verdict = { ok: true, outcome: 'accepted' };
export const ignored: Verdict = { ok: true, outcome: 'ignored' };
export function refused(reason: RefusalReason, detail: string, disconnect = false): Verdict {
  return { ok: false, reason, detail, disconnect };
}
