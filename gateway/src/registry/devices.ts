// Device rows: the devices table, read and mapped (the registry writes them, audited).
import type { Database, Statement } from 'better-sqlite3';
import type { DeviceKind, DeviceRecord } from '../types.ts';

export interface RegistryDevice extends DeviceRecord {
  zigbeeName?: string;
  retiredAt?: number;
  updatedAt: number;
}
export interface DeviceFilter {
  site?: string;
  kind?: DeviceKind;
  residentId?: string;
  grid?: string;
  building?: string;
  /** false (default): active devices only; true: retired only; 'all': both. */
  retired?: boolean | 'all';
  limit?: number;
  offset?: number;
}
/** Default supervision by power source (Zigbee2MQTT's availability defaults). */
export const MAINS_OFFLINE_S = 600;
export const BATTERY_OFFLINE_S = 90_000;
export const DEFAULT_HEARTBEAT_S = 60;
export const MAINS_KINDS: ReadonlySet<DeviceKind> = new Set(['access-reader']);

export interface Raw {
  id: string;
  site: string;
  kind: DeviceKind;
  building: string | null;
  unit: string | null;
  room: string | null;
  grid: string | null;
  heartbeat_interval_s: number;
  offline_timeout_s: number;
  resident_id: string | null;
  zigbee_name: string | null;
  retired_at: number | null;
  created_at: number;
  updated_at: number;
}

export function fromRow(r: Raw): RegistryDevice {
  const location: DeviceRecord['location'] = {};
  if (r.building !== null) location.building = r.building;
  if (r.unit !== null) location.unit = r.unit;
  if (r.room !== null) location.room = r.room;
  if (r.grid !== null) location.grid = r.grid;
  return {
    id: r.id,
    site: r.site,
    kind: r.kind,
    location,
    heartbeatIntervalS: r.heartbeat_interval_s,
    offlineTimeoutS: r.offline_timeout_s,
    ...(r.resident_id !== null ? { residentId: r.resident_id } : {}),
    ...(r.zigbee_name !== null ? { zigbeeName: r.zigbee_name } : {}),
    retired: r.retired_at !== null,
    ...(r.retired_at !== null ? { retiredAt: r.retired_at } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class DeviceRows {
  readonly byId: Statement;
  readonly byZigbeeName: Statement;

  constructor(private readonly db: Database) {
    this.byId = db.prepare('SELECT * FROM devices WHERE id = ?');
    this.byZigbeeName = db.prepare('SELECT * FROM devices WHERE zigbee_name = ?');
  }

  /** A device by id; for Zigbee devices the friendly name is accepted too. */
  get(id: string): RegistryDevice | undefined {
    const r = (this.byId.get(id) ?? this.byZigbeeName.get(id)) as Raw | undefined;
    return r && fromRow(r);
  }

  raw(id: string): Raw | undefined {
    return this.byId.get(id) as Raw | undefined;
  }

  byZigbee(name: string): RegistryDevice | undefined {
    const r = this.byZigbeeName.get(name) as Raw | undefined;
    return r && fromRow(r);
  }

  list(f: DeviceFilter = {}): RegistryDevice[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const eq = (col: string, v: string | undefined) => {
      if (v === undefined) return;
      where.push(`${col} = ?`);
      args.push(v);
    };
    eq('site', f.site);
    eq('kind', f.kind);
    eq('resident_id', f.residentId);
    eq('grid', f.grid);
    eq('building', f.building);
    const retired = f.retired ?? false;
    if (retired !== 'all') where.push(retired ? 'retired_at IS NOT NULL' : 'retired_at IS NULL');
    const limit = f.limit !== undefined ? Math.min(Math.max(f.limit, 1), 100_000) : -1;
    const offset = Math.max(f.offset ?? 0, 0);
    const sql = `SELECT * FROM devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY site, id LIMIT ${limit} OFFSET ${offset}`;
    return (this.db.prepare(sql).all(...args) as Raw[]).map(fromRow);
  }
}
