// The shapes of the responder API (issue #15): a responder of a resident and the resident's plan.
import { type Static, Type } from '@sinclair/typebox';

export const RESPONDER_KINDS = ['family', 'volunteer', 'grid-worker'] as const;
export type ResponderKind = (typeof RESPONDER_KINDS)[number];

/** 'HH:MM-HH:MM' in station time; may wrap midnight ('20:00-08:00'). */
export const HOURS_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-3]):[0-5]\\d$';

const Consent = Type.Object(
  {
    givenBy: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'who consented (the responder, a guardian)',
    }),
    at: Type.Integer({ minimum: 0, description: 'when consent was given, epoch ms' }),
  },
  { additionalProperties: false },
);

const fields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  kind: Type.Union(RESPONDER_KINDS.map((k) => Type.Literal(k))),
  phone: Type.String({ pattern: '^\\+?[0-9]{5,20}$' }),
  order: Type.Integer({ minimum: 0, maximum: 1000 }),
  hours: Type.Union([Type.String({ pattern: HOURS_PATTERN }), Type.Null()]),
  consent: Consent,
  active: Type.Boolean(),
};

export const ResponderInputSchema = Type.Object(
  {
    name: fields.name,
    kind: fields.kind,
    phone: fields.phone,
    order: fields.order,
    hours: Type.Optional(fields.hours),
    consent: fields.consent,
  },
  { additionalProperties: false },
);
export type ResponderInput = Static<typeof ResponderInputSchema>;

export const ResponderPatchSchema = Type.Partial(Type.Object(fields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type ResponderPatch = Static<typeof ResponderPatchSchema>;

export const PlanSchema = Type.Object(
  {
    immediate: Type.Boolean({ description: 'notify responders at once, without waiting for an operator' }),
    notes: Type.Optional(Type.String({ maxLength: 500, description: 'emergency notes shown to responders' })),
  },
  { additionalProperties: false },
);
export type PlanInput = Static<typeof PlanSchema>;

export interface Responder {
  id: string;
  residentId: string;
  name: string;
  kind: ResponderKind;
  phone: string;
  order: number;
  hours: string | null;
  consent: { givenBy: string; at: number; recordedBy: string; recordedAt: number };
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Plan {
  residentId: string;
  immediate: boolean;
  notes: string | null;
}
