// Priority classes (优先): automatic 'elderly' from the age on the ID card, or a class staff give
// from the configured list.
import type { KioskConfig } from '../config.ts';
import { QueueError } from './errors.ts';
import { localParts } from './time.ts';
import type { ResidentIdentity } from './types.ts';

/** The class of a resident's ticket when staff give none: 'elderly' from the configured age. */
export function autoClass(config: KioskConfig, identity: ResidentIdentity | undefined, now: number): string {
  if (!identity?.birthDate) return 'normal';
  const age = ageAt(identity.birthDate, localParts(now, config.timeZone).day);
  return age !== null && age >= config.queue.priorityAge ? 'elderly' : 'normal';
}

/** Refuses a class that is neither 'normal' nor configured. */
export function checkClass(config: KioskConfig, cls: string): void {
  if (cls !== 'normal' && !config.queue.priorityClasses.includes(cls))
    throw new QueueError('BAD_CLASS', `未知的优先类别：${cls}`, `unknown priority class: ${cls}`, {
      allowed: ['normal', ...config.queue.priorityClasses],
    });
}

/** Full years between a birth date (YYYY-MM-DD or YYYYMMDD) and a local day YYYY-MM-DD, or null if unreadable. */
export function ageAt(birthDate: string, day: string): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(birthDate);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m || !d) return null;
  let age = Number(d[1]) - Number(m[1]);
  if (`${d[2]}${d[3]}` < `${m[2]}${m[3]}`) age--;
  return age;
}
