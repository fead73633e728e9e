// Bulk import of devices (and the residents they serve) from CSV. Every row is checked by the
// same schemas as the API; bad rows are reported with their line, column and reason, and the
// good rows are committed together in one transaction.
import { ValidationError } from '@linli/shared';
import type { Actor } from '../auth/audit.ts';
import { CsvSyntaxError, parseCsv } from './csv.ts';
import { RegistryError } from './errors.ts';
import type { PreparedSecret, Registry } from './registry.ts';
import type { DeviceInput, ResidentInput } from './schemas.ts';

export const CSV_COLUMNS = [
  'id',
  'site',
  'kind',
  'building',
  'unit',
  'room',
  'grid',
  'heartbeat_s',
  'offline_timeout_s',
  'zigbee_name',
  'secret',
  'resident_id',
  'resident_name',
  'resident_address',
  'resident_phone',
  'resident_lives_alone',
  'resident_welfare_check_hours',
  'resident_emergency_contacts',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: Column[] = ['id', 'site', 'kind'];

/** Schema path → CSV column, to name the column of a validation error. */
const PATH_COLUMN: Record<string, Column> = {
  '/device/id': 'id',
  '/device/site': 'site',
  '/device/kind': 'kind',
  '/device/location/building': 'building',
  '/device/location/unit': 'unit',
  '/device/location/room': 'room',
  '/device/location/grid': 'grid',
  '/device/heartbeatIntervalS': 'heartbeat_s',
  '/device/offlineTimeoutS': 'offline_timeout_s',
  '/device/zigbeeName': 'zigbee_name',
  '/device/secret': 'secret',
  '/device/residentId': 'resident_id',
  '/resident/id': 'resident_id',
  '/resident/name': 'resident_name',
  '/resident/address': 'resident_address',
  '/resident/phone': 'resident_phone',
  '/resident/livesAlone': 'resident_lives_alone',
  '/resident/welfareCheckHours': 'resident_welfare_check_hours',
  '/resident/emergencyContacts': 'resident_emergency_contacts',
};
const CODE_COLUMN: Record<string, Column> = {
  DEVICE_EXISTS: 'id',
  RESIDENT_NOT_FOUND: 'resident_id',
  RESIDENT_EXISTS: 'resident_id',
  ZIGBEE_NAME_TAKEN: 'zigbee_name',
};

export interface ImportRowError {
  /** Line in the file (the header is line 1). */
  row: number;
  column?: string;
  reason: string;
}
export interface ImportResult {
  rows: number;
  imported: { row: number; id: string; secret?: string; residentId?: string }[];
  errors: ImportRowError[];
}

export const MAX_IMPORT_ROWS = 20_000;

class RowError extends Error {
  constructor(
    readonly column: Column,
    message: string,
  ) {
    super(message);
  }
}

function int(v: string, col: Column): number {
  if (!/^\d{1,9}$/.test(v)) throw new RowError(col, `must be a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}
function num(v: string, col: Column): number {
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(v)) throw new RowError(col, `must be a number, got ${JSON.stringify(v)}`);
  return Number(v);
}
const TRUE = new Set(['true', 'yes', 'y', '1', '是']);
const FALSE = new Set(['false', 'no', 'n', '0', '否']);
function bool(v: string, col: Column): boolean {
  const l = v.toLowerCase();
  if (TRUE.has(l)) return true;
  if (FALSE.has(l)) return false;
  throw new RowError(col, `must be true/false (yes/no, 1/0, 是/否), got ${JSON.stringify(v)}`);
}
/** `name|phone|relation; name|phone` */
function contacts(v: string): ResidentInput['emergencyContacts'] {
  return v
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((c) => {
      const [name, phone, relation, extra] = c.split('|').map((s) => s.trim());
      if (!name || !phone || extra !== undefined) {
        throw new RowError(
          'resident_emergency_contacts',
          `contact ${JSON.stringify(c)} is not name|phone[|relation]`,
        );
      }
      return relation ? { name, phone, relation } : { name, phone };
    });
}

function rowInputs(get: (c: Column) => string | undefined): {
  device: DeviceInput;
  resident?: ResidentInput;
} {
  const device: Record<string, unknown> = {
    id: get('id') ?? '',
    site: get('site') ?? '',
    kind: get('kind') ?? '',
  };
  const location: Record<string, string> = {};
  for (const c of ['building', 'unit', 'room', 'grid'] as const) {
    const v = get(c);
    if (v !== undefined) location[c] = v;
  }
  if (Object.keys(location).length) device.location = location;
  const hb = get('heartbeat_s');
  if (hb !== undefined) device.heartbeatIntervalS = int(hb, 'heartbeat_s');
  const off = get('offline_timeout_s');
  if (off !== undefined) device.offlineTimeoutS = int(off, 'offline_timeout_s');
  const zb = get('zigbee_name');
  if (zb !== undefined) device.zigbeeName = zb;
  const secret = get('secret');
  if (secret !== undefined) device.secret = secret;
  const residentId = get('resident_id');
  const name = get('resident_name');
  if (name === undefined) {
    for (const c of CSV_COLUMNS) {
      if (c.startsWith('resident_') && c !== 'resident_id' && get(c) !== undefined) {
        throw new RowError(c, 'needs resident_name (a new resident is created from the resident_* columns)');
      }
    }
    if (residentId !== undefined) device.residentId = residentId;
    return { device: device as DeviceInput };
  }
  const resident: Record<string, unknown> = { name };
  if (residentId !== undefined) resident.id = residentId;
  const addr = get('resident_address');
  if (addr !== undefined) resident.address = addr;
  const phone = get('resident_phone');
  if (phone !== undefined) resident.phone = phone;
  const alone = get('resident_lives_alone');
  if (alone !== undefined) resident.livesAlone = bool(alone, 'resident_lives_alone');
  const wf = get('resident_welfare_check_hours');
  if (wf !== undefined) resident.welfareCheckHours = num(wf, 'resident_welfare_check_hours');
  const ec = get('resident_emergency_contacts');
  if (ec !== undefined) resident.emergencyContacts = contacts(ec);
  return { device: device as DeviceInput, resident: resident as ResidentInput };
}

function describe(row: number, error: unknown, scope: 'device' | 'resident'): ImportRowError[] {
  if (error instanceof RowError) return [{ row, column: error.column, reason: error.message }];
  if (error instanceof ValidationError && error.details.length) {
    return error.details.map((d) => {
      const [path = '', ...rest] = d.split(': ');
      const column = PATH_COLUMN[`/${scope}${path}`];
      return { row, ...(column ? { column } : {}), reason: rest.join(': ') || d };
    });
  }
  if (error instanceof RegistryError) {
    const column =
      CODE_COLUMN[error.code] ??
      (/zigbee/i.test(error.message) ? 'zigbee_name' : /secret/.test(error.message) ? 'secret' : undefined);
    return [{ row, ...(column ? { column } : {}), reason: error.message }];
  }
  return [{ row, reason: error instanceof Error ? error.message : String(error) }];
}

/** Secrets are hashed this many at a time on the thread pool, so the event loop stays free. */
const HASH_BATCH = 32;

/** Import devices from CSV text (UTF-8). */
export async function importDevicesCsv(registry: Registry, text: string, by: Actor): Promise<ImportResult> {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError)
      return { rows: 0, imported: [], errors: [{ row: e.line, reason: e.message }] };
    throw e;
  }
  const [header, ...data] = records;
  if (!header)
    return { rows: 0, imported: [], errors: [{ row: 1, reason: 'empty file: expected a header line' }] };
  const errors: ImportRowError[] = [];
  const index = new Map<Column, number>();
  header.fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase() as Column;
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      errors.push({
        row: header.line,
        column: raw,
        reason: `unknown column (known: ${CSV_COLUMNS.join(', ')})`,
      });
    } else if (index.has(name)) {
      errors.push({ row: header.line, column: raw, reason: 'duplicate column' });
    } else index.set(name, i);
  });
  for (const c of REQUIRED) {
    if (!index.has(c)) errors.push({ row: header.line, column: c, reason: 'required column missing' });
  }
  if (data.length > MAX_IMPORT_ROWS) {
    errors.push({ row: header.line, reason: `too many rows: ${data.length} > ${MAX_IMPORT_ROWS}` });
  }
  if (errors.length) return { rows: data.length, imported: [], errors };

  const items: { row: number; device: DeviceInput; resident?: ResidentInput }[] = [];
  const seen = new Map<string, number>();
  for (const rec of data) {
    if (rec.fields.length !== header.fields.length) {
      errors.push({
        row: rec.line,
        reason: `has ${rec.fields.length} fields, the header has ${header.fields.length}`,
      });
      continue;
    }
    const get = (c: Column): string | undefined => {
      const i = index.get(c);
      const v = i === undefined ? undefined : rec.fields[i]?.trim();
      return v === '' ? undefined : v;
    };
    try {
      const inputs = rowInputs(get);
      const prev = seen.get(inputs.device.id);
      if (prev !== undefined) throw new RowError('id', `duplicate of line ${prev}`);
      seen.set(inputs.device.id, rec.line);
      items.push({ row: rec.line, ...inputs });
    } catch (e) {
      errors.push(...describe(rec.line, e, 'device'));
    }
  }
  const ready: ((typeof items)[number] & { prepared?: PreparedSecret })[] = [];
  for (let i = 0; i < items.length; i += HASH_BATCH) {
    const batch = items.slice(i, i + HASH_BATCH);
    const prepared = await Promise.allSettled(
      batch.map((it) => (it.device.kind === 'zigbee' ? undefined : registry.prepareSecret(it.device.secret))),
    );
    batch.forEach((it, j) => {
      const p = prepared[j]!;
      if (p.status === 'rejected') errors.push(...describe(it.row, p.reason, 'device'));
      else ready.push(p.value ? { ...it, prepared: p.value } : it);
    });
  }
  const results = registry.provisionEach(ready, by, 'import');
  const imported: ImportResult['imported'] = [];
  results.forEach((r, i) => {
    const item = ready[i]!;
    if (r.ok) {
      const d = r.result.device;
      imported.push({
        row: item.row,
        id: d.id,
        ...(r.result.secret ? { secret: r.result.secret } : {}),
        ...(d.residentId ? { residentId: d.residentId } : {}),
      });
    } else {
      const scope =
        r.error instanceof ValidationError && /^invalid resident/.test(r.error.message)
          ? 'resident'
          : 'device';
      errors.push(...describe(item.row, r.error, scope));
    }
  });
  errors.sort((a, b) => a.row - b.row);
  return { rows: data.length, imported, errors };
}
