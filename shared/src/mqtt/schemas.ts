// Payload schemas (TypeBox), one definition for gateway, simulators and UIs.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

export const EVENT_TYPES = [
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
export type EventType = (typeof EVENT_TYPES)[number];
export const COMMAND_TYPES = [
  'alert.received',
  'alert.acknowledged',
  'alert.resolved',
  'test.request',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];
export const ALERT_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export const ALERT_STATES = ['raised', 'acknowledged', 'resolved', 'cancelled'] as const;
/** Largest accepted payload in bytes; larger payloads are refused before parsing. */
export const MAX_PAYLOAD_BYTES = 4096 as const;

const strict = { additionalProperties: false } as const;
const Ts = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'epoch ms' });
/** No control characters (NUL included): they have no place in an id, a name or a note and
 *  are cut or mangled by C strings, terminals and log viewers. */
export const NO_CONTROL_CHARS = '^[^\\u0000-\\u001F\\u007F]*$';
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: NO_CONTROL_CHARS });
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Percent = Type.Number({ minimum: 0, maximum: 100 });
const Severity = Type.Union(ALERT_SEVERITIES.map((s) => Type.Literal(s)));
const State = Type.Union(ALERT_STATES.map((s) => Type.Literal(s)));

// evt: {id, seq, ts, type, ...}; id 1..64 chars unique per device; seq integer ≥ 0; ts epoch ms.
// Optional: card (access.* card number), battery (0..100), note (≤ 200 chars). No other properties.
export const DeviceEventSchema = Type.Object(
  {
    id: Text(64),
    seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    ts: Ts,
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    card: Type.Optional(Text(64)),
    battery: Type.Optional(Percent),
    note: Type.Optional(Type.String({ maxLength: 200, pattern: NO_CONTROL_CHARS })),
  },
  strict,
);
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
export const HeartbeatSchema = Type.Object(
  {
    ts: Ts,
    battery: Type.Optional(Percent),
    rssi: Type.Optional(Type.Number({ minimum: -200, maximum: 50 })),
    fw: Type.Optional(Text(32)),
  },
  strict,
);
export interface Heartbeat {
  ts: number;
  battery?: number;
  rssi?: number;
  fw?: string;
}
// status (LWT, retained): {online}
export const DeviceStatusSchema = Type.Object({ online: Type.Boolean() }, strict);
export interface DeviceStatus {
  online: boolean;
}
// cmd (never retained): {type, alertId?, by?, ts}; by: who acknowledged (alert.acknowledged)
export const DeviceCommandSchema = Type.Object(
  {
    type: Type.Union(COMMAND_TYPES.map((t) => Type.Literal(t))),
    alertId: Type.Optional(Text(64)),
    by: Type.Optional(Text(64)),
    ts: Ts,
  },
  strict,
);
export interface DeviceCommand {
  type: CommandType;
  alertId?: string;
  /** alert.acknowledged: who acknowledged (a staff username, or responder:<id>) */
  by?: string;
  ts: number;
}
// gateway/status: {online, version}
export const GatewayStatusSchema = Type.Object({ online: Type.Boolean(), version: Text(32) }, strict);
export interface GatewayStatus {
  online: boolean;
  version: string;
}

export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export type AlertState = (typeof ALERT_STATES)[number];
// center alert snapshot
export const CenterAlertSchema = Type.Object(
  {
    alertId: Text(64),
    rev: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    site: Id,
    dev: Type.Optional(Id),
    type: Text(64),
    severity: Severity,
    state: State,
    contactId: Type.Optional(Type.String({ pattern: '^[136][0-9]{3}$' })),
    raisedAt: Ts,
    updatedAt: Ts,
    count: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    // masked names only: a name without '*' is refused
    resident: Type.Optional(Type.String({ maxLength: 64, pattern: '\\*' })),
    by: Type.Optional(Text(64)),
    outcome: Type.Optional(Text(64)),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  strict,
);
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
export const CenterAckSchema = Type.Object(
  {
    alertId: Text(64),
    rev: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    state: State,
    by: Text(64),
    at: Ts,
  },
  strict,
);
export interface CenterAck {
  alertId: string;
  rev: number;
  state: AlertState;
  by: string;
  at: number;
}

/** Payload schema by topic kind (parseTopic(...).kind). */
export const TOPIC_SCHEMAS = {
  evt: DeviceEventSchema,
  hb: HeartbeatSchema,
  status: DeviceStatusSchema,
  cmd: DeviceCommandSchema,
  'gateway-status': GatewayStatusSchema,
  'center-alert': CenterAlertSchema,
  'center-ack': CenterAckSchema,
} as const;

/** Why a payload was refused: too big, not UTF-8, not JSON (or empty, or not bytes), or not
 *  matching its schema (control characters such as NUL in a string included). */
export type RefusalReason = 'oversize' | 'encoding' | 'json' | 'schema';
/**
 * The result of a check. `reason` is always set by parsePayload and validate; the messages start
 * with stable prefixes: 'payload is N bytes, the limit is 4096', 'payload is not JSON: …', '/path: …'.
 */
export type ValidationResult<T> =
  | { ok: true; value: T }
  | { ok: false; errors: string[]; reason?: RefusalReason };

const MAX_ERRORS = 10;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

/** Validate an already parsed value; never throws. */
export function validate<T>(schema: TSchema, value: unknown): ValidationResult<T> {
  const check = checkerFor(schema);
  if (check.Check(value)) return { ok: true, value: value as T };
  const errors: string[] = [];
  for (const e of check.Errors(value)) {
    errors.push(`${e.path || '/'}: ${e.message}`);
    if (errors.length >= MAX_ERRORS) break;
  }
  return { ok: false, errors, reason: 'schema' };
}

/** Parse a raw MQTT payload (Buffer) as JSON and validate; size, JSON and schema errors are reported, never thrown. */
export function parsePayload<T>(schema: TSchema, payload: Buffer | string): ValidationResult<T> {
  const raw = payload as unknown;
  let size: number;
  if (raw instanceof Uint8Array) size = raw.byteLength;
  else if (typeof raw === 'string') size = Buffer.byteLength(raw, 'utf8');
  else return { ok: false, errors: ['payload is not JSON: not a Buffer or a string'], reason: 'json' };
  if (size > MAX_PAYLOAD_BYTES) {
    return {
      ok: false,
      errors: [`payload is ${size} bytes, the limit is ${MAX_PAYLOAD_BYTES}`],
      reason: 'oversize',
    };
  }
  if (size === 0) return { ok: false, errors: ['payload is not JSON: it is empty'], reason: 'json' };
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw as Uint8Array);
  } catch {
    // a lossy decoding would store U+FFFD in place of the bytes sent (`bad��`)
    return { ok: false, errors: ['payload is not UTF-8'], reason: 'encoding' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`payload is not JSON: ${(err as Error).message}`], reason: 'json' };
  }
  return validate<T>(schema, value);
}

// ---- device time -------------------------------------------------------------------------

/** Earliest device time that can be right (2020-01-01): a clock reset to 0 or to its chip's
 *  epoch reports 1970 or 2000. */
export const EARLIEST_DEVICE_TS = Date.UTC(2020, 0, 1);
/** A device time more than this ahead of the receiver's cannot be right (8.64e15, ten years). */
export const LATEST_DEVICE_AHEAD_MS = 366 * 24 * 3600_000;
/** A device clock further than this from the receiver's is skewed. */
export const DEVICE_CLOCK_TOLERANCE_MS = 5 * 60_000;

/** What a device's timestamp is worth, judged at receipt:
 *  - `ok`: within the tolerance of the receiver's clock;
 *  - `skewed`: plausible, but off by `skewMs` (device − receiver): the device's clock is wrong;
 *  - `impossible`: before 2020 or more than a year ahead: not a time this device can have seen.
 *  In both last cases the receiver keeps the message, stamps it with its own receive time and
 *  flags the device's clock. */
export type DeviceTimeVerdict =
  | { verdict: 'ok'; skewMs: number }
  | { verdict: 'skewed'; skewMs: number }
  | { verdict: 'impossible'; reason: 'before-2020' | 'too-far-ahead' };

export function judgeDeviceTime(
  ts: number,
  receivedAt: number,
  toleranceMs = DEVICE_CLOCK_TOLERANCE_MS,
): DeviceTimeVerdict {
  if (!Number.isFinite(ts) || ts < EARLIEST_DEVICE_TS)
    return { verdict: 'impossible', reason: 'before-2020' };
  if (ts > receivedAt + LATEST_DEVICE_AHEAD_MS) return { verdict: 'impossible', reason: 'too-far-ahead' };
  const skewMs = ts - receivedAt;
  return Math.abs(skewMs) > toleranceMs ? { verdict: 'skewed', skewMs } : { verdict: 'ok', skewMs };
}

export type { Static };
