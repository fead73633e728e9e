// Request schemas shared by the routes, built with TypeBox so the routes get their types from
// them (TypeBoxTypeProvider): the JSON Schema they produce is what the app's Ajv checks. Bodies
// are strict: unknown keys and wrong types are refused (Ajv neither removes extra properties nor
// coerces types).
import {
  type ObjectOptions,
  type StringOptions,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  Type,
} from '@sinclair/typebox';

/** Properties named in `required` stay required; the others become optional. */
type WithRequired<P extends TProperties, R extends keyof P> = {
  [K in keyof P]: K extends R ? P[K] : TOptional<P[K]>;
};

export const obj = <P extends TProperties, R extends keyof P & string = never>(
  properties: P,
  required: readonly R[] = [],
  options: ObjectOptions = {},
): TObject<WithRequired<P, R>> => {
  const shaped: TProperties = {};
  for (const [name, schema] of Object.entries(properties) as [string, TSchema][])
    shaped[name] = (required as readonly string[]).includes(name) ? schema : Type.Optional(schema);
  return Type.Object(shaped, { additionalProperties: false, ...options }) as TObject<WithRequired<P, R>>;
};
export const str = (maxLength: number, extra: StringOptions = {}) =>
  Type.String({ minLength: 1, maxLength, ...extra });
/** One of these strings (JSON Schema `enum`, as Ajv reports it). */
export const oneOf = <const T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
export const SERVICE_ID = str(40, { pattern: '^[a-z][a-z0-9-]{0,39}$' });
export const TICKET_ID = str(36, { pattern: '^[0-9a-f-]{36}$' });
export const TOKEN = str(64, { pattern: '^[A-Za-z0-9_-]{16,64}$' });
export const DAY = str(10, { pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
export const HHMM = str(5, { pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });
export const CLASS = str(32, { pattern: '^[a-z][a-z0-9-]{0,31}$' });
export const NUM_PARAM = str(6, { pattern: '^[1-9][0-9]{0,5}$' });
const DAY_HOURS = Type.Array(Type.String({ pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}$' }), { maxItems: 6 });
/** Opening hours per weekday ('0' Sunday … '6'); a weekday left out has none (HoursInput). */
export const HOURS = obj({
  '0': DAY_HOURS,
  '1': DAY_HOURS,
  '2': DAY_HOURS,
  '3': DAY_HOURS,
  '4': DAY_HOURS,
  '5': DAY_HOURS,
  '6': DAY_HOURS,
});
/** Static files under a wildcard route. */
export const WILDCARD = Type.Object({ '*': Type.String() });

export const params = {
  ticket: obj({ id: TICKET_ID }, ['id']),
  window: obj({ id: NUM_PARAM }, ['id']),
  token: obj({ token: TOKEN }, ['token']),
  service: obj({ id: SERVICE_ID }, ['id']),
  staff: obj({ id: NUM_PARAM }, ['id']),
  appointment: obj({ id: TICKET_ID }, ['id']),
};

// ---- response schemas of the public routes: whatever the engine returns, only these fields
// leave (fast-json-stringify drops the rest), so no identity can slip into a resident's answer.
const nullable = (type: string) => ({ type: [type, 'null'] });
export const PUBLIC_TICKET = {
  type: 'object',
  required: ['id', 'number', 'serviceId', 'state'],
  properties: {
    id: { type: 'string' },
    number: { type: 'string' },
    serviceId: { type: 'string' },
    serviceZh: { type: 'string' },
    serviceEn: { type: 'string' },
    priority: { type: 'boolean' },
    appointment: { type: 'boolean' },
    state: { type: 'string' },
    windowId: nullable('integer'),
    day: { type: 'string' },
    arrivedAt: { type: 'number' },
    calledAt: nullable('number'),
    finishedAt: nullable('number'),
    recalls: { type: 'integer' },
    outcome: nullable('string'),
    rating: nullable('integer'),
  },
};
export const ISSUED = {
  type: 'object',
  properties: {
    ticket: PUBLIC_TICKET,
    token: { type: 'string' },
    followUrl: { type: 'string' },
    peopleAhead: { type: 'integer' },
    estimatedWaitMin: { type: 'integer' },
    reused: { type: 'boolean' },
    late: { type: 'boolean' },
    print: {
      type: ['object', 'null'],
      properties: { state: { type: 'string' }, jobId: { type: 'string' }, reason: { type: 'string' } },
    },
  },
};
export const FOLLOW = {
  type: 'object',
  properties: {
    ticket: PUBLIC_TICKET,
    peopleAhead: { type: 'integer' },
    estimatedWaitMin: { type: 'integer' },
    canRate: { type: 'boolean' },
    callText: nullable('string'),
    callTextEn: nullable('string'),
  },
};
export const CARD = {
  type: 'object',
  properties: {
    present: { type: 'boolean' },
    nameMasked: { type: 'string' },
    idMasked: { type: 'string' },
    expired: { type: 'boolean' },
    priority: { type: 'boolean' },
    readAt: { type: 'number' },
  },
};
