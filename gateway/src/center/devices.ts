// The stations' registries at the center (docs/center-link.md "registry"): one row per station
// device, newest station time wins; a complete snapshot removes what the station no longer has.
// Read by the center's device API (GET /api/devices at the center) for the console's Devices page.
import type { Db } from '../db/open.ts';
import type { DeviceSummary, RegistryMessage } from './protocol.ts';

/** A station device in the shape of the station's device API (plus its site). */
export interface CenterDevice {
  id: string;
  site: string;
  kind: string;
  location: { building?: string; unit?: string; room?: string; grid?: string };
  residentId?: string;
  online: boolean | null;
  battery: number | null;
  lastSeen: number | null;
  batteryLow?: boolean;
  tamper?: boolean;
  retired: false;
  resident: { id: string; name: string; phone?: string; livesAlone: boolean } | null;
  /** Station time of the summary shown */
  updatedAt: number;
}

export interface CenterDeviceFilter {
  site?: string;
  kind?: string;
  building?: string;
  grid?: string;
  resident?: string;
  online?: boolean;
}

/** Snapshots being received, per site: their parts seen so far (bounded: one per site). */
interface Assembly {
  id: string;
  at: number;
  parts: number;
  seen: Set<number>;
}

export function toDevice(site: string, s: DeviceSummary, updatedAt: number): CenterDevice {
  const location: CenterDevice['location'] = {};
  if (s.building !== undefined) location.building = s.building;
  if (s.unit !== undefined) location.unit = s.unit;
  if (s.room !== undefined) location.room = s.room;
  if (s.gridCell !== undefined) location.grid = s.gridCell;
  const d: CenterDevice = {
    id: s.id,
    site,
    kind: s.kind,
    location,
    online: s.online ?? null,
    battery: s.battery ?? null,
    lastSeen: s.lastSeen ?? null,
    retired: false,
    resident: s.resident
      ? {
          id: s.resident.id,
          name: s.resident.name,
          ...(s.resident.phone !== undefined ? { phone: s.resident.phone } : {}),
          livesAlone: s.resident.livesAlone ?? false,
        }
      : null,
    updatedAt,
  };
  if (s.resident) d.residentId = s.resident.id;
  if (s.batteryLow !== undefined) d.batteryLow = s.batteryLow;
  if (s.tamper !== undefined) d.tamper = s.tamper;
  return d;
}

/** The parts of each site's snapshot seen so far (kept in memory: one per site). */
export class SnapshotParts {
  private readonly assembling = new Map<string, Assembly>();

  /** A part came in: the snapshot's time once every part of it is in (rows older than that are
   *  gone from the station), else undefined. */
  complete(site: string, at: number, p: { id: string; part: number; parts: number }): number | undefined {
    let a = this.assembling.get(site);
    if (!a || a.id !== p.id) {
      if (a && a.at > at) return undefined; // a part of an older snapshot than the one being received
      a = { id: p.id, at, parts: p.parts, seen: new Set() };
      this.assembling.set(site, a);
    }
    a.seen.add(p.part);
    if (a.seen.size < a.parts) return undefined;
    this.assembling.delete(site);
    return a.at;
  }
}

export class CenterDevices {
  private readonly s;
  private readonly parts = new SnapshotParts();

  constructor(private readonly db: Db) {
    this.s = {
      upsert: db.prepare(`INSERT INTO center_devices (site, device_id, kind, building, grid, resident_id,
          resident_name, online, summary, updated_at)
        VALUES (@site, @id, @kind, @building, @grid, @residentId, @residentName, @online, @summary, @at)
        ON CONFLICT (site, device_id) DO UPDATE SET kind = excluded.kind, building = excluded.building,
          grid = excluded.grid, resident_id = excluded.resident_id, resident_name = excluded.resident_name,
          online = excluded.online, summary = excluded.summary, updated_at = excluded.updated_at
        WHERE excluded.updated_at >= center_devices.updated_at`),
      remove: db.prepare('DELETE FROM center_devices WHERE site = ? AND device_id = ? AND updated_at <= ?'),
      prune: db.prepare('DELETE FROM center_devices WHERE site = ? AND updated_at < ?'),
      get: db.prepare('SELECT site, summary, updated_at FROM center_devices WHERE device_id = ? LIMIT 1'),
      count: db.prepare('SELECT site, COUNT(*) AS n FROM center_devices GROUP BY site'),
    };
  }

  /** Apply one registry message (inside the caller's transaction); returns the devices changed. */
  apply(site: string, m: RegistryMessage): number {
    let changed = 0;
    for (const d of m.devices)
      changed += this.s.upsert.run({
        site,
        id: d.id,
        kind: d.kind,
        building: d.building ?? null,
        grid: d.gridCell ?? null,
        residentId: d.resident?.id ?? null,
        residentName: d.resident?.name ?? null,
        online: d.online === undefined || d.online === null ? null : d.online ? 1 : 0,
        summary: JSON.stringify(d),
        at: m.at,
      }).changes;
    for (const id of m.removed ?? []) changed += this.s.remove.run(site, id, m.at).changes;
    if (m.snapshot) changed += this.snapshotPart(site, m.at, m.snapshot);
    return changed;
  }

  /** A snapshot's part; once every part of it is in, rows older than the snapshot are gone. */
  private snapshotPart(site: string, at: number, p: { id: string; part: number; parts: number }): number {
    const complete = this.parts.complete(site, at, p);
    return complete === undefined ? 0 : this.s.prune.run(site, complete).changes;
  }

  list(f: CenterDeviceFilter = {}): CenterDevice[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.site) where.push('site = ?') && params.push(f.site);
    if (f.kind) where.push('kind = ?') && params.push(f.kind);
    if (f.building) where.push('building = ?') && params.push(f.building);
    if (f.grid) where.push('grid = ?') && params.push(f.grid);
    if (f.resident) where.push('resident_id = ?') && params.push(f.resident);
    if (f.online !== undefined) where.push('online = ?') && params.push(f.online ? 1 : 0);
    const rows = this.db
      .prepare(
        `SELECT site, summary, updated_at FROM center_devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY site, device_id`,
      )
      .all(...params) as { site: string; summary: string; updated_at: number }[];
    return rows.map((r) => toDevice(r.site, JSON.parse(r.summary) as DeviceSummary, r.updated_at));
  }

  get(id: string, site?: string): CenterDevice | undefined {
    const r = (
      site === undefined
        ? this.s.get.get(id)
        : this.db
            .prepare('SELECT site, summary, updated_at FROM center_devices WHERE device_id = ? AND site = ?')
            .get(id, site)
    ) as { site: string; summary: string; updated_at: number } | undefined;
    return r && toDevice(r.site, JSON.parse(r.summary) as DeviceSummary, r.updated_at);
  }

  /** Devices known per site (the stations overview). */
  countBySite(): Map<string, number> {
    return new Map((this.s.count.all() as { site: string; n: number }[]).map((r) => [r.site, r.n]));
  }
}
