// Payload schemas (TypeBox), one definition for gateway, simulators and UIs.
import type { Static, TSchema } from '@sinclair/typebox';

export declare const EVENT_TYPES: readonly [
  'sos',
  'sos.cancel',
  'fall',
  'door.open',
  'door.close',
  'door.forced',
  'door.held',
  'tamper',
  'tamper.restore',
  'access.granted',
  'access.denied',
  'battery.low',
  'test',
];
export type EventType = (typeof EVENT_TYPES)[number];
export declare const COMMAND_TYPES: readonly [
  'alert.received',
  'alert.acknowledged',
  'alert.resolved',
  'test.request',
];
export type CommandType = (typeof COMMAND_TYPES)[number];
/** Largest accepted payload in bytes; larger payloads are refused before parsing. */
export declare const MAX_PAYLOAD_BYTES: 4096;

// evt: {id, seq, ts, type, ...}; id 1..64 chars unique per device; seq integer ≥ 0; ts epoch ms.
// Optional: card (access.* card number), battery (0..100), note (≤ 200 chars). No other properties.
export declare const DeviceEventSchema: TSchema;
export interface DeviceEvent {
  id: string;
  seq: number;
  ts: number;
  type: EventType;
  card?: string;
  battery?: number;
  note?: string;
}
// hb: {ts, battery?, rssi?, fw?}
export declare const HeartbeatSchema: TSchema;
export interface Heartbeat {
  ts: number;
  battery?: number;
  rssi?: number;
  fw?: string;
}
// status (LWT, retained): {online}
export declare const DeviceStatusSchema: TSchema;
export interface DeviceStatus {
  online: boolean;
}
// cmd (never retained): {type, alertId?, ts}
export declare const DeviceCommandSchema: TSchema;
export interface DeviceCommand {
  type: CommandType;
  alertId?: string;
  ts: number;
}
// gateway/status: {online, version}
export declare const GatewayStatusSchema: TSchema;
export interface GatewayStatus {
  online: boolean;
  version: string;
}

export type AlertSeverity = 'critical' | 'major' | 'minor' | 'warning';
export type AlertState = 'raised' | 'acknowledged' | 'resolved' | 'cancelled';
// center alert snapshot
export declare const CenterAlertSchema: TSchema;
export interface CenterAlert {
  alertId: string;
  rev: number;
  site: string;
  dev?: string;
  type: string;
  severity: AlertSeverity;
  state: AlertState;
  contactId?: string;
  raisedAt: number;
  updatedAt: number;
  count: number;
  location?: string;
  resident?: string; // resident: masked name only
  by?: string;
  outcome?: string;
  note?: string;
}
// center → station ack
export declare const CenterAckSchema: TSchema;
export interface CenterAck {
  alertId: string;
  rev: number;
  state: AlertState;
  by: string;
  at: number;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };
/** Parse a raw MQTT payload (Buffer) as JSON and validate; size, JSON and schema errors are reported, never thrown. */
export declare function parsePayload<T>(schema: TSchema, payload: Buffer | string): ValidationResult<T>;
export type { Static };
