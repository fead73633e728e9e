// Input schemas of the registry, shared by the HTTP API (route schemas), the CLI and the CSV
// import, so that a device or resident is checked by the same rules whatever its way in.

import { ValidationError } from '@linli/shared';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Site and device ids: the MQTT topic segment rule of DESIGN.md. */
export const ID_PATTERN_SOURCE = '^[A-Za-z0-9_-]{1,64}$';
export const DEVICE_KINDS = ['pendant', 'wall-button', 'door-contact', 'access-reader', 'zigbee'] as const;
export const PHONE_PATTERN_SOURCE = '^\\+?[0-9][0-9 -]{2,19}$';

export const IdString = Type.String({ pattern: ID_PATTERN_SOURCE, description: '[A-Za-z0-9_-]{1,64}' });
export const DeviceKindSchema = Type.Union(DEVICE_KINDS.map((k) => Type.Literal(k)));

const Short = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const LocationSchema = Type.Object(
  {
    building: Type.Optional(Short(64)),
    unit: Type.Optional(Short(64)),
    room: Type.Optional(Short(64)),
    grid: Type.Optional(Short(64)),
  },
  { additionalProperties: false },
);

export const DeviceInputSchema = Type.Object(
  {
    id: IdString,
    site: IdString,
    kind: DeviceKindSchema,
    location: Type.Optional(LocationSchema),
    heartbeatIntervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    offlineTimeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    residentId: Type.Optional(IdString),
    zigbeeName: Type.Optional(Short(128)),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type DeviceInput = Static<typeof DeviceInputSchema>;

export const DevicePatchSchema = Type.Object(
  {
    site: Type.Optional(IdString),
    location: Type.Optional(LocationSchema),
    heartbeatIntervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    offlineTimeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    residentId: Type.Optional(Type.Union([IdString, Type.Null()])),
    zigbeeName: Type.Optional(Short(128)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type DevicePatch = Static<typeof DevicePatchSchema>;

export const EmergencyContactSchema = Type.Object(
  {
    name: Short(64),
    phone: Type.String({ pattern: PHONE_PATTERN_SOURCE }),
    relation: Type.Optional(Short(32)),
  },
  { additionalProperties: false },
);

const residentFields = {
  name: Short(64),
  address: Type.Optional(Type.String({ maxLength: 200 })),
  phone: Type.Optional(Type.String({ pattern: PHONE_PATTERN_SOURCE })),
  emergencyContacts: Type.Optional(Type.Array(EmergencyContactSchema, { maxItems: 10 })),
  livesAlone: Type.Optional(Type.Boolean()),
  welfareCheckHours: Type.Optional(Type.Number({ minimum: 1, maximum: 720 })),
  /** Only its masked form and a keyed HMAC are stored. */
  idNumber: Type.Optional(Type.String({ minLength: 18, maxLength: 18 })),
};

export const ResidentInputSchema = Type.Object(
  { id: Type.Optional(IdString), ...residentFields },
  { additionalProperties: false },
);
export type ResidentInput = Static<typeof ResidentInputSchema>;

export const ResidentPatchSchema = Type.Partial(Type.Object(residentFields), {
  additionalProperties: false,
  minProperties: 1,
});
export type ResidentPatch = Static<typeof ResidentPatchSchema>;

/** Check a value against a schema; throws ValidationError listing every problem as "path: message". */
export function check<T>(schema: Parameters<typeof Value.Check>[0], value: unknown, what: string): T {
  if (Value.Check(schema, value)) return value as T;
  const details = [...Value.Errors(schema, value)].slice(0, 20).map((e) => `${e.path || '/'}: ${e.message}`);
  throw new ValidationError(`invalid ${what}: ${details.join('; ')}`, details);
}
