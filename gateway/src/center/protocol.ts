// The station ↔ center wire contract (docs/center-link.md, v1): message schemas, topics, the
// webhook signature and idempotency keys. Both ends build against this file.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const SITE_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const Site = Type.String({ pattern: SITE_PATTERN });
const Id = Type.String({ minLength: 1, maxLength: 128 });
const Ms = Type.Integer({ minimum: 0 });
const Text = (max: number) => Type.String({ maxLength: max });
const Opt = Type.Optional;

export const centerTopics = {
  alert: (site: string) => `linli/v1/center/${site}/alert`,
  ack: (site: string) => `linli/v1/center/${site}/ack`,
};

const AlertSchema = Type.Object({
  id: Id,
  rev: Type.Integer({ minimum: 1 }),
  site: Site,
  deviceId: Opt(Id),
  type: Type.String({ minLength: 1, maxLength: 64 }),
  severity: Type.Union(['critical', 'major', 'minor', 'warning'].map((s) => Type.Literal(s))),
  state: Type.Union(['raised', 'acknowledged', 'resolved', 'cancelled'].map((s) => Type.Literal(s))),
  contactId: Opt(Text(16)),
  count: Type.Integer({ minimum: 1 }),
  raisedAt: Ms,
  lastAt: Ms,
  acknowledgedAt: Opt(Ms),
  acknowledgedBy: Opt(Text(128)),
  resolvedAt: Opt(Ms),
  resolvedBy: Opt(Text(128)),
  outcome: Opt(Text(64)),
  cancelledByResident: Opt(Type.Boolean()),
  escalationLevel: Type.Integer({ minimum: 0 }),
});

const HistorySchema = Type.Object({
  alertId: Id,
  rev: Type.Integer({ minimum: 1 }),
  at: Ms,
  by: Text(128),
  action: Type.String({ minLength: 1, maxLength: 32 }),
  note: Opt(Text(2000)),
});

const Contact = Type.Object({ name: Text(128), phone: Text(64), relation: Opt(Text(64)) });
export const ContextSchema = Type.Object({
  resident: Opt(
    Type.Object({
      id: Opt(Id),
      name: Opt(Text(128)),
      phone: Opt(Text(64)),
      building: Opt(Text(64)),
      unit: Opt(Text(64)),
      room: Opt(Text(64)),
      gridCell: Opt(Text(64)),
      address: Opt(Text(256)),
      livesAlone: Opt(Type.Boolean()),
      emergencyContacts: Opt(Type.Array(Contact, { maxItems: 10 })),
      notes: Opt(Text(2000)),
    }),
  ),
  device: Opt(
    Type.Object({
      id: Opt(Id),
      kind: Opt(Text(32)),
      location: Opt(Type.Union([Text(256), Type.Record(Type.String(), Text(64))])),
      battery: Opt(Type.Number()),
    }),
  ),
});

/** One station device as the center console shows it (docs/center-link.md "registry"). */
export const DeviceSummarySchema = Type.Object({
  id: Id,
  kind: Text(32),
  building: Opt(Text(64)),
  unit: Opt(Text(64)),
  room: Opt(Text(64)),
  gridCell: Opt(Text(64)),
  resident: Opt(
    Type.Object({
      id: Id,
      name: Text(128),
      phone: Opt(Text(64)),
      livesAlone: Opt(Type.Boolean()),
    }),
  ),
  online: Opt(Type.Union([Type.Boolean(), Type.Null()])),
  battery: Opt(Type.Number()),
  batteryLow: Opt(Type.Boolean()),
  tamper: Opt(Type.Boolean()),
  lastSeen: Opt(Ms),
});

/** Most devices in one registry message (a snapshot is cut into parts). */
export const REGISTRY_MAX_DEVICES = 200;

export const RegistryMessageSchema = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('registry'),
  site: Site,
  at: Ms,
  mode: Type.Union([Type.Literal('changes'), Type.Literal('snapshot')]),
  snapshot: Opt(
    Type.Object({
      id: Type.String({ minLength: 1, maxLength: 64 }),
      part: Type.Integer({ minimum: 0 }),
      parts: Type.Integer({ minimum: 1, maximum: 100_000 }),
    }),
  ),
  devices: Type.Array(DeviceSummarySchema, { maxItems: REGISTRY_MAX_DEVICES }),
  removed: Opt(Type.Array(Id, { maxItems: REGISTRY_MAX_DEVICES })),
});

export const AlertMessageSchema = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('alert'),
  site: Site,
  alertId: Id,
  rev: Type.Integer({ minimum: 1 }),
  sentAt: Opt(Ms),
  alert: AlertSchema,
  history: Type.Array(HistorySchema, { maxItems: 50 }),
  context: Opt(ContextSchema),
});

export const ActionResultSchema = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('action-result'),
  site: Site,
  actionId: Id,
  alertId: Id,
  applied: Type.Boolean(),
  rev: Opt(Type.Integer({ minimum: 1 })),
  reason: Opt(Text(256)),
});

export const SupervisionSchema = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('supervision'),
  site: Site,
  path: Type.Union([Type.Literal('mqtt'), Type.Literal('webhook')]),
  at: Ms,
  outbox: Opt(Type.Object({ depth: Type.Integer({ minimum: 0 }), oldestAgeS: Type.Number({ minimum: 0 }) })),
  version: Opt(Text(32)),
});

export type AlertMessage = Static<typeof AlertMessageSchema>;
export type ActionResult = Static<typeof ActionResultSchema>;
export type Supervision = Static<typeof SupervisionSchema>;
export type AlertContext = Static<typeof ContextSchema>;
export type DeviceSummary = Static<typeof DeviceSummarySchema>;
export type RegistryMessage = Static<typeof RegistryMessageSchema>;
export type StationMessage = AlertMessage | ActionResult | Supervision | RegistryMessage;
export type LinkPath = 'mqtt' | 'webhook';

export type CenterAction = 'acknowledge' | 'resolve' | 'note';
/** Center → station: an operator's action request. */
export interface ActionRequest {
  v: 1;
  kind: 'action';
  actionId: string;
  alertId: string;
  action: CenterAction;
  by: string;
  at: number;
  outcome?: string;
  note?: string;
}

export class MessageError extends Error {
  constructor(
    readonly code: 'JSON' | 'SCHEMA',
    message: string,
  ) {
    super(message);
  }
}

/** Parse and check one station → center message; throws MessageError. */
export function parseStationMessage(raw: Buffer | string): StationMessage {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    throw new MessageError('JSON', `not JSON: ${(err as Error).message}`);
  }
  const kind = (value as { kind?: unknown } | null)?.kind;
  const schema =
    kind === 'alert'
      ? AlertMessageSchema
      : kind === 'action-result'
        ? ActionResultSchema
        : kind === 'supervision'
          ? SupervisionSchema
          : kind === 'registry'
            ? RegistryMessageSchema
            : undefined;
  if (!schema) throw new MessageError('SCHEMA', `unknown kind ${JSON.stringify(kind)?.slice(0, 40)}`);
  if (!Value.Check(schema, value)) {
    const first = Value.Errors(schema, value).First();
    throw new MessageError('SCHEMA', `${kind}: ${first?.path || '/'} ${first?.message ?? 'invalid'}`);
  }
  const m = value as StationMessage;
  if (m.kind === 'alert') {
    if (m.alert.id !== m.alertId || m.alert.rev !== m.rev || m.alert.site !== m.site)
      throw new MessageError('SCHEMA', 'alert: alert.id / alert.rev / alert.site differ from the message');
    if (m.history.some((h) => h.alertId !== m.alertId))
      throw new MessageError('SCHEMA', 'alert: a history entry of another alert');
  }
  if (m.kind === 'registry' && (m.mode === 'snapshot') !== (m.snapshot !== undefined))
    throw new MessageError('SCHEMA', 'registry: a snapshot (and only a snapshot) has its part numbers');
  if (m.kind === 'registry' && m.snapshot && m.snapshot.part >= m.snapshot.parts)
    throw new MessageError('SCHEMA', 'registry: snapshot part out of range');
  return m;
}

/** The idempotency key of a station → center message (webhook header Idempotency-Key). */
export function idempotencyKey(m: StationMessage): string {
  if (m.kind === 'alert') return `${m.site}:${m.alertId}:${m.rev}`;
  if (m.kind === 'action-result') return `${m.site}:action:${m.actionId}`;
  if (m.kind === 'registry') return `${m.site}:registry:${m.at}:${m.snapshot?.part ?? 0}`;
  return `${m.site}:supervision:${m.at}`;
}

export const SIGNATURE_HEADER = 'x-linli-signature';
export const TIMESTAMP_HEADER = 'x-linli-timestamp';
export const SITE_HEADER = 'x-linli-site';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex HMAC-SHA256(key, timestamp + "." + rawBody)>` */
export function signBody(key: string | Buffer, timestamp: number | string, body: Buffer | string): string {
  const h = createHmac('sha256', key);
  h.update(`${timestamp}.`);
  h.update(body);
  return `sha256=${h.digest('hex')}`;
}

export function signatureMatches(
  key: string | Buffer,
  timestamp: string,
  body: Buffer,
  signature: string,
): boolean {
  const want = Buffer.from(signBody(key, timestamp, body));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The headers a station sends with one message (used by the station side and the tests). */
export function webhookHeaders(
  site: string,
  key: string | Buffer,
  body: string,
  m: StationMessage,
  now = Date.now(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    [SITE_HEADER]: site,
    [TIMESTAMP_HEADER]: String(now),
    [SIGNATURE_HEADER]: signBody(key, now, body),
    [IDEMPOTENCY_HEADER]: idempotencyKey(m),
  };
}
