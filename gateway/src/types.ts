// Seams inside the gateway between the engine (broker, ingest, alerts, supervision) and the
// registry + HTTP API. Both sides build against these types.
import type { AlertSeverity, AlertState, EventType } from '@linli/shared';

export type DeviceKind = 'pendant' | 'wall-button' | 'door-contact' | 'access-reader' | 'zigbee';

export interface DeviceRecord {
  id: string; // device id = MQTT username; for zigbee devices the friendly name
  site: string;
  kind: DeviceKind;
  location: { building?: string; unit?: string; room?: string; grid?: string };
  heartbeatIntervalS: number;
  offlineTimeoutS: number; // mains 600, battery 90000 (Zigbee2MQTT defaults) unless set
  residentId?: string;
  retired: boolean;
  createdAt: number;
}

export interface ResidentRecord {
  id: string;
  name: string; // stored as given by staff; shown masked on shared screens
  address?: string;
  phone?: string;
  emergencyContacts: { name: string; phone: string; relation?: string }[];
  livesAlone: boolean;
  welfareCheckHours?: number; // default 24
}

/** The registry (devices, residents, credentials), as the broker and engine need it. */
export interface DeviceDirectory {
  /** Verify a device credential (hashed at rest) without blocking the event loop; undefined
   *  when unknown, retired or wrong. */
  authenticate(username: string, password: Buffer | string): Promise<DeviceRecord | undefined>;
  get(id: string): DeviceRecord | undefined;
  list(): DeviceRecord[];
  resident(id: string): ResidentRecord | undefined;
}

/** Alerts the gateway raises itself: supervision, and technical alerts about its own links
 *  (`gateway.broker-link`: broker link down past its supervision time; `gateway.session-lost`:
 *  its session at the external broker taken over or gone; `center.station-unreachable`: at the
 *  center, a station silent on every path, one per site). Technical alerts have no device. */
export type SystemAlertType = 'device.offline' | 'welfare.check' | TechnicalAlertType;
export type TechnicalAlertType =
  | 'gateway.broker-link'
  | 'gateway.session-lost'
  /** the uplink's MQTT / webhook path to the center silent past its supervision time */
  | 'gateway.uplink-mqtt'
  | 'gateway.uplink-webhook'
  /** the outbox to the center over its depth or age limit (nothing is dropped) */
  | 'gateway.outbox-pressure'
  /** the responders' SMS / voice gateway keeps failing */
  | 'gateway.notifier'
  | 'center.station-unreachable';

export interface AlertRecord {
  id: string;
  rev: number;
  site: string;
  deviceId?: string;
  type: EventType | SystemAlertType;
  severity: AlertSeverity;
  state: AlertState;
  contactId?: string;
  count: number; // folded repeated presses
  raisedAt: number;
  lastAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  outcome?: string;
  cancelledByResident?: boolean;
  escalationLevel: number;
}
export interface AlertHistoryEntry {
  alertId: string;
  rev: number;
  at: number;
  by: string; // 'system' or a staff username
  action:
    | 'raised'
    | 'folded'
    | 'acknowledged'
    | 'resolved'
    | 'cancelled'
    | 'escalated'
    | 'note'
    | 'resident-cancel';
  note?: string;
}

/** What the HTTP API calls on the engine. State changes throw LinliError codes
 *  'ALERT_NOT_FOUND' (404) or 'ALERT_STATE' (409) for an impossible transition. */
export interface AlertFilter {
  state?: AlertState;
  severity?: AlertSeverity;
  site?: string;
  deviceId?: string;
  limit?: number;
  before?: number;
}

export interface AlertService {
  list(filter: AlertFilter): AlertRecord[];
  get(id: string): { alert: AlertRecord; history: AlertHistoryEntry[] } | undefined;
  acknowledge(id: string, by: string): AlertRecord;
  resolve(id: string, by: string, outcome: string, note?: string): AlertRecord;
  addNote(id: string, by: string, note: string): AlertHistoryEntry;
}

export type Awaitable<T> = T | Promise<T>;

/** An AlertService that may answer asynchronously: what the alarm API awaits (the center's
 *  alerts can live in a shared PostgreSQL database, center/pg/). */
export type AlertReader = {
  [K in keyof AlertService]: (...args: Parameters<AlertService[K]>) => Awaitable<ReturnType<AlertService[K]>>;
};

/** Center role: an operator's action request sent down to the station that owns the alert
 *  (docs/center-link.md); pending until the station's action-result. */
export interface CenterActionRecord {
  id: string;
  site: string;
  alertId: string;
  action: 'acknowledge' | 'resolve' | 'note';
  by: string;
  at: number;
  outcome?: string;
  note?: string;
  state: 'pending' | 'applied' | 'refused';
  resultAt?: number;
  resultRev?: number;
  reason?: string;
}

/** Center role: a station's link state changed (a path seen again or gone silent). */
export interface CenterStationEvent {
  site: string;
  reachable: boolean;
  paths: Partial<Record<'mqtt' | 'webhook', { lastSeen: number; up: boolean }>>;
}

/** Live change stream, for SSE. */
export interface GatewayEvents {
  'alert.changed': AlertRecord;
  'center.action': CenterActionRecord;
  'center.station': CenterStationEvent;
  'device.changed': { id: string; online: boolean; battery?: number; lastSeen: number };
  'event.stored': { deviceId: string; type: string; at: number };
}
