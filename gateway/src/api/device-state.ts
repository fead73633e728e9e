// Where the API reads a device's online state, battery and last-seen time: the engine's live
// state when it is given, else the engine's device_state table, else nothing known.
import type { Database } from 'better-sqlite3';
import type { DeviceStateSource, LiveDeviceState } from './context.ts';

export function deviceStateSource(
  db: Database,
  given?: DeviceStateSource,
  engine?: { states: DeviceStateSource },
): DeviceStateSource {
  if (given) return given;
  if (engine) return engine.states;
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'device_state'")
    .get();
  if (!table) return { peek: () => undefined };
  const stmt = db.prepare(
    'SELECT online, last_seen, battery, connected, tamper, battery_low FROM device_state WHERE device_id = ?',
  );
  return {
    peek(id) {
      const row = stmt.get(id) as
        | {
            online: number;
            last_seen: number | null;
            battery: number | null;
            connected: number | null;
            tamper: number;
            battery_low: number;
          }
        | undefined;
      if (!row) return undefined;
      const state: LiveDeviceState = {
        online: row.online === 1,
        tamper: row.tamper === 1,
        batteryLow: row.battery_low === 1,
      };
      if (row.last_seen !== null) state.lastSeen = row.last_seen;
      if (row.battery !== null) state.battery = row.battery;
      if (row.connected !== null) state.connected = row.connected === 1;
      return state;
    },
  };
}
