// Request schemas shared by the routes. Bodies are strict: unknown keys and wrong types are
// refused (the app's Ajv neither removes extra properties nor coerces types).
export const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
export const str = (maxLength: number, extra: Record<string, unknown> = {}) => ({
  type: 'string',
  minLength: 1,
  maxLength,
  ...extra,
});
export const SERVICE_ID = str(40, { pattern: '^[a-z][a-z0-9-]{0,39}$' });
export const TICKET_ID = str(36, { pattern: '^[0-9a-f-]{36}$' });
export const TOKEN = str(64, { pattern: '^[A-Za-z0-9_-]{16,64}$' });
export const DAY = str(10, { pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
export const HHMM = str(5, { pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });
export const CLASS = str(32, { pattern: '^[a-z][a-z0-9-]{0,31}$' });
export const NUM_PARAM = str(6, { pattern: '^[1-9][0-9]{0,5}$' });
export const HOURS = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    ['0', '1', '2', '3', '4', '5', '6'].map((d) => [
      d,
      { type: 'array', maxItems: 6, items: { type: 'string', pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}$' } },
    ]),
  ),
};

export const params = {
  ticket: obj({ id: TICKET_ID }, ['id']),
  window: obj({ id: NUM_PARAM }, ['id']),
  token: obj({ token: TOKEN }, ['token']),
  service: obj({ id: SERVICE_ID }, ['id']),
  staff: obj({ id: NUM_PARAM }, ['id']),
  appointment: obj({ id: TICKET_ID }, ['id']),
};
