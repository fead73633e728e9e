// Per-device supervision state: kept in memory, written to device_state on every transition
// (inside the transaction of the change) and every few seconds for last-seen times.
import type { Db } from '../db/open.ts';

export interface DeviceState {
  deviceId: string;
  online: boolean;
  connected?: boolean;
  lastSeen: number;
  battery?: number;
  rssi?: number;
  fw?: string;
  lastDoorOpenAt?: number;
  tamper: boolean;
  batteryLow: boolean;
  contact?: boolean;
}

interface Row {
  device_id: string;
  online: number;
  connected: number | null;
  last_seen: number | null;
  battery: number | null;
  rssi: number | null;
  fw: string | null;
  last_door_open_at: number | null;
  tamper: number;
  battery_low: number;
  contact: number | null;
}

export class DeviceStates {
  private readonly map = new Map<string, DeviceState>();
  private readonly dirty = new Set<string>();
  private readonly upsert;

  constructor(
    private readonly db: Db,
    /** lastSeen given to a device never seen before: supervision starts counting from here */
    private readonly startedAt: number,
  ) {
    this.upsert =
      db.prepare(`INSERT INTO device_state (device_id, online, connected, last_seen, battery, rssi, fw,
      last_door_open_at, tamper, battery_low, contact)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(device_id) DO UPDATE SET online = excluded.online, connected = excluded.connected,
      last_seen = excluded.last_seen, battery = excluded.battery, rssi = excluded.rssi, fw = excluded.fw,
      last_door_open_at = excluded.last_door_open_at, tamper = excluded.tamper, battery_low = excluded.battery_low,
      contact = excluded.contact`);
    for (const r of db.prepare('SELECT * FROM device_state').all() as Row[]) {
      const s: DeviceState = {
        deviceId: r.device_id,
        online: r.online === 1,
        // after a restart, a device gets a full timeout from the restart before it is judged
        lastSeen: Math.max(r.last_seen ?? 0, startedAt),
        tamper: r.tamper === 1,
        batteryLow: r.battery_low === 1,
      };
      if (r.connected !== null) s.connected = r.connected === 1;
      if (r.battery !== null) s.battery = r.battery;
      if (r.rssi !== null) s.rssi = r.rssi;
      if (r.fw !== null) s.fw = r.fw;
      if (r.last_door_open_at !== null) s.lastDoorOpenAt = r.last_door_open_at;
      if (r.contact !== null) s.contact = r.contact === 1;
      this.map.set(r.device_id, s);
    }
  }

  get(id: string): DeviceState {
    let s = this.map.get(id);
    if (!s) {
      s = { deviceId: id, online: true, lastSeen: this.startedAt, tamper: false, batteryLow: false };
      this.map.set(id, s);
    }
    return s;
  }

  peek(id: string): DeviceState | undefined {
    return this.map.get(id);
  }

  all(): IterableIterator<DeviceState> {
    return this.map.values();
  }

  markDirty(id: string): void {
    this.dirty.add(id);
  }

  /** Write one device's state now (call inside the transaction of a transition). */
  write(id: string): void {
    const s = this.get(id);
    this.dirty.delete(id);
    // positional parameters: binding named ones costs a property lookup each (last-seen flushes
    // write thousands of rows)
    this.upsert.run(
      s.deviceId,
      s.online ? 1 : 0,
      s.connected === undefined ? null : s.connected ? 1 : 0,
      s.lastSeen,
      s.battery ?? null,
      s.rssi ?? null,
      s.fw ?? null,
      s.lastDoorOpenAt ?? null,
      s.tamper ? 1 : 0,
      s.batteryLow ? 1 : 0,
      s.contact === undefined ? null : s.contact ? 1 : 0,
    );
  }

  /** Write devices whose last-seen time changed since the last flush, at most `limit` in one
   *  transaction (so a big fleet never blocks the event loop for long); returns how many remain. */
  flushDirty(limit = Number.POSITIVE_INFINITY): number {
    if (this.dirty.size === 0) return 0;
    const ids: string[] = [];
    for (const id of this.dirty) {
      if (ids.length >= limit) break;
      ids.push(id);
    }
    this.db.transaction(() => {
      for (const id of ids) this.write(id);
    })();
    return this.dirty.size;
  }
}
