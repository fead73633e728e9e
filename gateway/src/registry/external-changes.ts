// Registry changes made outside this process (the admin CLI, sqlite3, another tool) reach the
// running gateway here. SQLite's `PRAGMA data_version` changes only when another connection
// commits, so a poll costs one pragma while nothing happens; when it moves, the devices,
// credentials and residents are compared with the last snapshot and each difference is
// announced as the registry's own change would be (a retired or rotated device is kicked).
import type { Database, Statement } from 'better-sqlite3';

/** A committed registry change, as announced to the engine and the broker. */
export type RegistryChange =
  | { type: 'device.provisioned' | 'device.updated' | 'device.retired'; id: string }
  | { type: 'resident.created' | 'resident.updated' | 'resident.deleted'; id: string };

export const EXTERNAL_POLL_MS = 250;

type Snapshot = Map<string, string>;

export class ExternalChanges {
  private readonly stmt: { version: Statement; devices: Statement; device: Statement; residents: Statement };
  private version = -1;
  private devices: Snapshot = new Map();
  private residents: Snapshot = new Map();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    db: Database,
    private readonly announce: (change: RegistryChange) => void,
    private readonly onError: (err: Error) => void = () => {},
  ) {
    this.stmt = {
      version: db.prepare('PRAGMA data_version').pluck(),
      devices: db.prepare(
        `SELECT d.id, d.retired_at, d.updated_at, c.secret_hash FROM devices d
         LEFT JOIN device_credentials c ON c.device_id = d.id`,
      ),
      device: db.prepare(
        `SELECT d.id, d.retired_at, d.updated_at, c.secret_hash FROM devices d
         LEFT JOIN device_credentials c ON c.device_id = d.id WHERE d.id = ?`,
      ),
      residents: db.prepare('SELECT id, updated_at FROM residents'),
    };
  }

  start(intervalMs = EXTERNAL_POLL_MS): void {
    this.version = this.stmt.version.get() as number;
    this.devices = this.readDevices();
    this.residents = this.readResidents();
    this.timer = setInterval(() => {
      try {
        this.check();
      } catch (err) {
        this.onError(err as Error);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A change this process made and announced itself: take it into the snapshot so that it is
   *  not announced a second time when another connection next commits. */
  ownChange(change: RegistryChange): void {
    if (change.type.startsWith('device.')) {
      const row = this.stmt.device.get(change.id) as DeviceRow | undefined;
      if (row) this.devices.set(row.id, deviceKey(row));
      else this.devices.delete(change.id);
    } else this.residents = this.readResidents();
  }

  /** Compare with the last snapshot if another connection has committed; returns the changes announced. */
  check(): RegistryChange[] {
    const version = this.stmt.version.get() as number;
    if (version === this.version) return [];
    this.version = version;
    const changes: RegistryChange[] = [];
    const devices = this.readDevices();
    for (const [id, key] of devices) {
      const before = this.devices.get(id);
      if (before === key) continue;
      // several commits may fall between two polls: a device provisioned and retired since the
      // last one is announced retired (its session, if any, must end)
      if (key.startsWith('retired')) changes.push({ type: 'device.retired', id });
      else if (before === undefined) changes.push({ type: 'device.provisioned', id });
      else changes.push({ type: 'device.updated', id });
    }
    const residents = this.readResidents();
    for (const [id, key] of residents) {
      const before = this.residents.get(id);
      if (before !== key)
        changes.push({ type: before === undefined ? 'resident.created' : 'resident.updated', id });
    }
    for (const id of this.residents.keys())
      if (!residents.has(id)) changes.push({ type: 'resident.deleted', id });
    this.devices = devices;
    this.residents = residents;
    for (const c of changes) this.announce(c);
    return changes;
  }

  private readDevices(): Snapshot {
    const out: Snapshot = new Map();
    for (const row of this.stmt.devices.all() as DeviceRow[]) out.set(row.id, deviceKey(row));
    return out;
  }

  private readResidents(): Snapshot {
    const out: Snapshot = new Map();
    for (const row of this.stmt.residents.all() as { id: string; updated_at: number }[])
      out.set(row.id, String(row.updated_at));
    return out;
  }
}

interface DeviceRow {
  id: string;
  retired_at: number | null;
  updated_at: number;
  secret_hash: string | null;
}
const deviceKey = (r: DeviceRow) =>
  `${r.retired_at !== null ? 'retired' : 'active'}|${r.updated_at}|${r.secret_hash ?? ''}`;
