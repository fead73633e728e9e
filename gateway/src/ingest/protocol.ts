// The MQTT protocol pieces the engine uses, from @linli/shared (one definition for gateway,
// simulators and UIs). TEMPORARY: while shared/src/mqtt is still being implemented, a minimal
// local stand-in is used for any member shared does not provide at run time yet.

import type { AlertSeverity, DeviceCommand, EventType, ParsedTopic, ValidationResult } from '@linli/shared';
import * as shared from '@linli/shared';

const s = shared as Partial<typeof shared>;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const ROOT = 'linli/v1';

const localTopics: typeof shared.topics = {
  evt: (site, dev) => `${ROOT}/${site}/dev/${dev}/evt`,
  hb: (site, dev) => `${ROOT}/${site}/dev/${dev}/hb`,
  status: (site, dev) => `${ROOT}/${site}/dev/${dev}/status`,
  cmd: (site, dev) => `${ROOT}/${site}/dev/${dev}/cmd`,
  gatewayStatus: (site) => `${ROOT}/${site}/gateway/status`,
  centerAlert: (site) => `${ROOT}/center/${site}/alert`,
  centerAck: (site) => `${ROOT}/center/${site}/ack`,
};

function localParseTopic(topic: string): ParsedTopic | undefined {
  const p = topic.split('/');
  if (p[0] !== 'linli' || p[1] !== 'v1') return undefined;
  if (p.length === 6 && p[3] === 'dev' && ID.test(p[2]!) && ID.test(p[4]!)) {
    const k = p[5];
    if (k === 'evt' || k === 'hb' || k === 'status' || k === 'cmd')
      return { kind: k, site: p[2]!, dev: p[4]! };
  }
  if (p.length === 5 && p[3] === 'gateway' && p[4] === 'status' && ID.test(p[2]!))
    return { kind: 'gateway-status', site: p[2]! };
  if (p.length === 5 && p[2] === 'center' && ID.test(p[3]!)) {
    if (p[4] === 'alert') return { kind: 'center-alert', site: p[3]! };
    if (p[4] === 'ack') return { kind: 'center-ack', site: p[3]! };
  }
  return undefined;
}

const LOCAL_EVENT_TYPES = [
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
] as const;

const LOCAL_CONTACT_ID: Record<EventType, string> = {
  sos: '1101',
  'sos.cancel': '3101',
  fall: '1100',
  'door.open': '1422',
  'door.close': '3422',
  'door.forced': '1423',
  'door.held': '1426',
  tamper: '1137',
  'tamper.restore': '3137',
  'access.granted': '1422',
  'access.denied': '1421',
  'battery.low': '1302',
  test: '1601',
};

function localSeverityOf(type: EventType): AlertSeverity | undefined {
  switch (type) {
    case 'sos':
    case 'fall':
      return 'critical';
    case 'door.forced':
    case 'tamper':
      return 'major';
    case 'door.held':
      return 'minor';
    case 'battery.low':
      return 'warning';
    default:
      return undefined;
  }
}

type Kind = 'evt' | 'hb' | 'status';
const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const LOCAL_SCHEMAS: Record<Kind, (v: Record<string, unknown>) => string | undefined> = {
  evt: (v) => {
    const allowed = new Set(['id', 'seq', 'ts', 'type', 'card', 'battery', 'note']);
    for (const k of Object.keys(v)) if (!allowed.has(k)) return `unknown property ${k}`;
    if (typeof v.id !== 'string' || v.id.length < 1 || v.id.length > 64)
      return '/id must be a string of 1..64';
    if (!isInt(v.seq) || (v.seq as number) < 0) return '/seq must be an integer ≥ 0';
    if (!isInt(v.ts) || (v.ts as number) < 0) return '/ts must be epoch ms';
    if (!(LOCAL_EVENT_TYPES as readonly unknown[]).includes(v.type)) return '/type is not a known event type';
    if (v.card !== undefined && (typeof v.card !== 'string' || v.card.length > 64))
      return '/card must be a string';
    if (
      v.battery !== undefined &&
      (!isInt(v.battery) || (v.battery as number) < 0 || (v.battery as number) > 100)
    )
      return '/battery must be 0..100';
    if (v.note !== undefined && (typeof v.note !== 'string' || v.note.length > 200))
      return '/note must be ≤ 200 chars';
    return undefined;
  },
  hb: (v) => {
    const allowed = new Set(['ts', 'battery', 'rssi', 'fw']);
    for (const k of Object.keys(v)) if (!allowed.has(k)) return `unknown property ${k}`;
    if (!isInt(v.ts)) return '/ts must be epoch ms';
    if (
      v.battery !== undefined &&
      (!isInt(v.battery) || (v.battery as number) < 0 || (v.battery as number) > 100)
    )
      return '/battery must be 0..100';
    if (v.rssi !== undefined && typeof v.rssi !== 'number') return '/rssi must be a number';
    if (v.fw !== undefined && typeof v.fw !== 'string') return '/fw must be a string';
    return undefined;
  },
  status: (v) => {
    for (const k of Object.keys(v)) if (k !== 'online') return `unknown property ${k}`;
    return typeof v.online === 'boolean' ? undefined : '/online must be a boolean';
  },
};

export const MAX_PAYLOAD_BYTES: number = s.MAX_PAYLOAD_BYTES ?? 4096;
export const topics: typeof shared.topics = s.topics ?? localTopics;
export const parseTopic: typeof shared.parseTopic = s.parseTopic ?? localParseTopic;
export const severityOf: typeof shared.severityOf = s.severityOf ?? localSeverityOf;
export const CONTACT_ID: Readonly<Record<EventType, string>> = s.CONTACT_ID ?? LOCAL_CONTACT_ID;

/** Parse and validate a payload of one of the device → gateway kinds. */
export function parseDevicePayload<T>(kind: Kind, payload: Buffer): ValidationResult<T> {
  if (s.parsePayload && s.DeviceEventSchema && s.HeartbeatSchema && s.DeviceStatusSchema) {
    const schema =
      kind === 'evt' ? s.DeviceEventSchema : kind === 'hb' ? s.HeartbeatSchema : s.DeviceStatusSchema;
    return s.parsePayload<T>(schema, payload);
  }
  if (payload.length > MAX_PAYLOAD_BYTES)
    return { ok: false, errors: [`payload too large: ${payload.length} bytes`] };
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, errors: [`invalid JSON: ${(err as Error).message}`] };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, errors: ['payload must be an object'] };
  const err = LOCAL_SCHEMAS[kind](v as Record<string, unknown>);
  return err ? { ok: false, errors: [err] } : { ok: true, value: v as T };
}

export type { DeviceCommand };
