// Event type → Ademco Contact ID (qualifier + 3-digit code) and alert severity.
import type { AlertSeverity, EventType } from './schemas.ts';

/** e.g. CONTACT_ID.sos = '1101', 'sos.cancel' = '3101', 'door.forced' = '1423', 'tamper' = '1137', 'tamper.restore' = '3137', 'battery.low' = '1302'… */
export declare const CONTACT_ID: Readonly<Record<EventType, string>>;
/** Severity an event raises (undefined: the event is logged, raises no alert). sos/fall critical; door.forced/tamper major; door.held minor; battery.low warning. */
export declare function severityOf(type: EventType): AlertSeverity | undefined;
