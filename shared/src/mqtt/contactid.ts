// Event type → Ademco Contact ID (qualifier + 3-digit code) and alert severity.
import type { AlertSeverity, EventType } from './schemas.ts';

/**
 * e.g. CONTACT_ID.sos = '1101', 'sos.cancel' = '3101', 'door.forced' = '1423', 'tamper' = '1137',
 * 'tamper.restore' = '3137', 'battery.low' = '1302'. Contact ID has no plain "door opened"
 * event: door.open/door.close use the door status monitor code 427 with qualifier 1 (opening)
 * and 3 (closing), the nearest fit.
 */
export const CONTACT_ID: Readonly<Record<EventType, string>> = Object.freeze({
  sos: '1101', // personal emergency
  'sos.cancel': '3101', // personal emergency restore
  fall: '1100', // medical
  'door.open': '1427', // door status monitor: opening
  'door.close': '3427', // door status monitor: closing
  'door.forced': '1423', // forced access
  'door.held': '1426', // door propped open
  tamper: '1137', // tamper
  'tamper.restore': '3137', // tamper restore
  'access.granted': '1422', // access granted by user
  'access.denied': '1421', // access denied
  'battery.low': '1302', // low battery
  test: '1601', // manual test report
});

/** Contact ID event codes Linli uses or may receive, with their meaning. */
export const CONTACT_ID_CODES: Readonly<Record<string, string>> = Object.freeze({
  '100': 'medical',
  '101': 'personal emergency',
  '110': 'fire',
  '111': 'smoke',
  '120': 'panic',
  '121': 'duress',
  '130': 'burglary',
  '137': 'tamper',
  '147': 'sensor supervision failure',
  '151': 'gas',
  '162': 'carbon monoxide',
  '302': 'low system battery',
  '381': 'loss of RF supervision',
  '384': 'RF low battery',
  '421': 'access denied',
  '422': 'access granted by user',
  '423': 'forced access',
  '426': 'door propped open',
  '427': 'door status monitor',
  '601': 'manual test report',
});

const QUALIFIERS: Readonly<Record<string, string>> = {
  '1': 'new event',
  '3': 'restore',
  '6': 'still present',
};

/** '1101' → 'new event: personal emergency'; undefined for a malformed code. */
export function describeContactId(code: string): string | undefined {
  const m = /^([136])(\d{3})$/.exec(code);
  if (!m) return undefined;
  return `${QUALIFIERS[m[1]!]}: ${CONTACT_ID_CODES[m[2]!] ?? `event ${m[2]}`}`;
}

const SEVERITY: Partial<Record<EventType, AlertSeverity>> = {
  sos: 'critical',
  fall: 'critical',
  'door.forced': 'major',
  tamper: 'major',
  'door.held': 'minor',
  'battery.low': 'warning',
};

/** Severity an event raises (undefined: the event is logged, raises no alert). sos/fall critical; door.forced/tamper major; door.held minor; battery.low warning. */
export function severityOf(type: EventType): AlertSeverity | undefined {
  return Object.hasOwn(SEVERITY, type) ? SEVERITY[type] : undefined;
}
