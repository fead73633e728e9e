// Where the API reads a device's online state, battery and last-seen time: the engine's live
// state when it is given, else the engine's device_state table, else nothing known.
import type { Database } from 'better-sqlite3';
import type { DeviceStateSource, LiveDeviceState } from './context.ts';

function hasPeek(x: unknown): x is DeviceStateSource {
  return !!x && typeof (x as DeviceStateSource).peek === 'function';
}

export function deviceStateSource(db: Database, given?: unknown, engine?: unknown): DeviceStateSource {
  if (hasPeek(given)) return given;
  const states = engine && typeof engine === 'object' ? (engine as { states?: unknown }).states : undefined;
  if (hasPeek(states)) return states;
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'device_state'")
    .get();
  if (!table) return { peek: () => undefined };
  const stmt = db.prepare(
    'SELECT online, last_seen, battery, connected, tamper, battery_low FROM device_state WHERE device_id = ?',
  );
  return {
    peek(id) {
      const r = stmt.get(id) as
        | {
            online: number;
            last_seen: number | null;
            battery: number | null;
            connected: number | null;
            tamper: number;
            battery_low: number;
          }
        | undefined;
      if (!r) return undefined;
      const s: LiveDeviceState = {
        online: r.online === 1,
        tamper: r.tamper === 1,
        batteryLow: r.battery_low === 1,
      };
      if (r.last_seen !== null) s.lastSeen = r.last_seen;
      if (r.battery !== null) s.battery = r.battery;
      if (r.connected !== null) s.connected = r.connected === 1;
      return s;
    },
  };
}
