// The device registry: devices, their credentials and the residents they serve, in SQLite.
// Implements DeviceDirectory for the broker and the engine; every change is audited in the
// same transaction. The parts: device rows (devices.ts), credentials (credentials.ts: the one,
// non-blocking, way a device password is checked), residents (residents.ts), the Mosquitto
// export (mosquitto.ts); this file is the audited changes and their announcements.
import type { Database } from 'better-sqlite3';
import { type Actor, SYSTEM, writeAudit } from '../auth/audit.ts';
import { gatewayKeys } from '../keys.ts';
import type { DeviceDirectory, DeviceRecord } from '../types.ts';
import { DeviceCredentials, type PreparedSecret } from './credentials.ts';
import {
  BATTERY_OFFLINE_S,
  DEFAULT_HEARTBEAT_S,
  type DeviceFilter,
  DeviceRows,
  fromRow,
  MAINS_KINDS,
  MAINS_OFFLINE_S,
  type RegistryDevice,
} from './devices.ts';
import { RegistryError } from './errors.ts';
import { ExternalChanges, type RegistryChange } from './external-changes.ts';
import { listMosquittoDevices, type MosquittoDevice } from './mosquitto.ts';
import { type RegistryResident, type ResidentFilter, ResidentStore } from './residents.ts';
import {
  check,
  type DeviceInput,
  DeviceInputSchema,
  type DevicePatch,
  DevicePatchSchema,
  type ResidentInput,
  ResidentInputSchema,
  type ResidentPatch,
  ResidentPatchSchema,
} from './schemas.ts';
import { checkZigbeeName } from './zigbee.ts';

export type { PreparedSecret } from './credentials.ts';
export {
  BATTERY_OFFLINE_S,
  DEFAULT_HEARTBEAT_S,
  type DeviceFilter,
  MAINS_OFFLINE_S,
  type RegistryDevice,
} from './devices.ts';
export type { RegistryChange } from './external-changes.ts';

export interface ProvisionResult {
  device: RegistryDevice;
  /** The device's MQTT password, returned once; absent for Zigbee devices (they use their bridge). */
  secret?: string;
}

export interface RegistryOptions {
  /** Key for the in-memory credential cache and for ID-number HMACs (≥ 16 bytes). */
  secretKey: string | Buffer;
}

export class Registry implements DeviceDirectory {
  readonly residents: ResidentStore;
  private readonly devices: DeviceRows;
  private readonly credentials: DeviceCredentials;
  private readonly listeners = new Set<(c: RegistryChange) => void>();
  private external: ExternalChanges | undefined;

  constructor(
    private readonly db: Database,
    opts: RegistryOptions,
  ) {
    const key = Buffer.isBuffer(opts.secretKey) ? opts.secretKey : Buffer.from(opts.secretKey, 'utf8');
    if (key.length < 16) throw new RegistryError('CONFIG', 'registry secretKey must be at least 16 bytes');
    const keys = gatewayKeys(key);
    this.residents = new ResidentStore(db, keys.idNumber, keys.legacy);
    this.devices = new DeviceRows(db);
    this.credentials = new DeviceCredentials(db, keys.deviceAuthCache);
  }

  // ---- DeviceDirectory -------------------------------------------------------------------

  /** The device whose credential this is; undefined when unknown, retired or wrong. Hashing
   *  runs on the thread pool: thousands of devices reconnecting at once do not block the loop. */
  async authenticate(username: string, password: Buffer | string): Promise<DeviceRecord | undefined> {
    // the credential and the device row in one read (a storm is 10,000 of these)
    const row = await this.credentials.verifyRow(username, password);
    return row && row.id === username && row.retired_at === null ? fromRow(row) : undefined;
  }

  /** Hash a device secret (given, or generated) off the event loop, for provision/rotate. */
  prepareSecret(given?: string): Promise<PreparedSecret> {
    return this.credentials.prepare(given);
  }

  /** A device by id; for Zigbee devices the friendly name is accepted too. */
  get(id: string): RegistryDevice | undefined {
    return this.devices.get(id);
  }

  byZigbeeName(name: string): RegistryDevice | undefined {
    return this.devices.byZigbee(name);
  }

  /** Every active device (list() without a filter): read once and kept until the next change,
   *  own or external. The supervision pass reads it every few seconds; with 10,000 devices a
   *  read is some 10,000 rows mapped on the event loop, which stalls ingest. */
  private activeDevices: RegistryDevice[] | undefined;

  list(f: DeviceFilter = {}): RegistryDevice[] {
    for (const _ in f) return this.devices.list(f);
    this.activeDevices ??= this.devices.list();
    return [...this.activeDevices];
  }

  resident(id: string): RegistryResident | undefined {
    return this.residents.get(id);
  }

  // ---- changes ---------------------------------------------------------------------------

  /** Called after each committed change (for the engine's supervision); returns unsubscribe. */
  onChange(fn: (c: RegistryChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  /** Announce changes that other processes (the CLI) commit to this database, polled with
   *  `PRAGMA data_version` (see external-changes.ts); returns stop. */
  watchExternalChanges(intervalMs?: number, onError?: (err: Error) => void): () => void {
    this.external?.stop();
    const watcher = new ExternalChanges(
      this.db,
      (c) => {
        if (c.type.startsWith('device.')) this.credentials.forget(c.id);
        this.announce(c);
      },
      onError,
    );
    watcher.start(intervalMs);
    this.external = watcher;
    return () => {
      watcher.stop();
      if (this.external === watcher) this.external = undefined;
    };
  }

  private emit(c: RegistryChange): void {
    this.external?.ownChange(c);
    this.announce(c);
  }

  private announce(c: RegistryChange): void {
    this.activeDevices = undefined;
    for (const fn of this.listeners) {
      try {
        fn(c);
      } catch {
        // a listener's failure is its own; the change is committed
      }
    }
  }

  /** Provision one device; the secret (given or generated) is returned once and only hashed at rest. */
  provision(input: DeviceInput, by: Actor = SYSTEM, prepared?: PreparedSecret): ProvisionResult {
    const res = this.db.transaction(() => this.insertDevice(input, by, undefined, prepared))();
    this.emit({ type: 'device.provisioned', id: res.device.id });
    return res;
  }

  /** As provision, with the secret hashed off the event loop (the HTTP API uses this). */
  async provisionAsync(input: DeviceInput, by: Actor = SYSTEM): Promise<ProvisionResult> {
    const needsSecret = input && typeof input === 'object' && input.kind !== 'zigbee';
    const prepared = needsSecret ? await this.prepareSecret(input.secret) : undefined;
    return this.provision(input, by, prepared);
  }

  /** Several devices in one transaction, each in its own savepoint: a row that fails is
   *  reported and skipped, the others are committed together (used by the CSV import). */
  provisionEach(
    items: { device: DeviceInput; resident?: ResidentInput; prepared?: PreparedSecret }[],
    by: Actor = SYSTEM,
    via = 'import',
  ): ({ ok: true; result: ProvisionResult } | { ok: false; error: unknown })[] {
    const out = this.db.transaction(() =>
      items.map(({ device, resident, prepared }) => {
        try {
          return {
            ok: true as const,
            result: this.db.transaction(() => {
              let d = device;
              if (resident) {
                const r = this.residents.insert(
                  check<ResidentInput>(ResidentInputSchema, resident, 'resident'),
                );
                writeAudit(this.db, {
                  ...by,
                  action: 'resident.create',
                  target: `resident:${r.id}`,
                  detail: { via },
                });
                d = { ...device, residentId: r.id };
              }
              return this.insertDevice(d, by, via, prepared);
            })(),
          };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    )();
    for (const r of out) if (r.ok) this.emit({ type: 'device.provisioned', id: r.result.device.id });
    return out;
  }

  private insertDevice(
    raw: DeviceInput,
    by: Actor,
    via?: string,
    prepared?: PreparedSecret,
  ): ProvisionResult {
    const input = check<DeviceInput>(DeviceInputSchema, raw, 'device');
    const existing = this.devices.raw(input.id);
    if (existing) {
      throw new RegistryError(
        'DEVICE_EXISTS',
        `device ${input.id} already exists${existing.retired_at !== null ? ' (retired; ids are not reused)' : ''}`,
      );
    }
    if (input.residentId && !this.residents.get(input.residentId)) {
      throw new RegistryError('RESIDENT_NOT_FOUND', `resident ${input.residentId} not found`);
    }
    let zigbeeName: string | null = null;
    if (input.kind === 'zigbee') {
      zigbeeName = input.zigbeeName ?? input.id;
      checkZigbeeName(zigbeeName);
      if (this.devices.byZigbee(zigbeeName)) {
        throw new RegistryError(
          'ZIGBEE_NAME_TAKEN',
          `zigbee friendly name ${JSON.stringify(zigbeeName)} is taken`,
        );
      }
      if (input.secret)
        throw new RegistryError('VALIDATION', 'zigbee devices have no secret: they use their bridge');
    } else if (input.zigbeeName !== undefined) {
      throw new RegistryError('VALIDATION', `zigbeeName is only for kind zigbee, not ${input.kind}`);
    }
    const now = Date.now();
    const loc = input.location ?? {};
    this.db
      .prepare(
        `INSERT INTO devices (id, site, kind, building, unit, room, grid, heartbeat_interval_s, offline_timeout_s,
           resident_id, zigbee_name, retired_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
      )
      .run(
        input.id,
        input.site,
        input.kind,
        loc.building ?? null,
        loc.unit ?? null,
        loc.room ?? null,
        loc.grid ?? null,
        input.heartbeatIntervalS ?? DEFAULT_HEARTBEAT_S,
        input.offlineTimeoutS ?? (MAINS_KINDS.has(input.kind) ? MAINS_OFFLINE_S : BATTERY_OFFLINE_S),
        input.residentId ?? null,
        zigbeeName,
        now,
        now,
      );
    let secret: PreparedSecret | undefined;
    if (input.kind !== 'zigbee') {
      secret = prepared ?? this.credentials.prepareSync(input.secret);
      this.credentials.store(input.id, secret, now);
    }
    writeAudit(this.db, {
      ...by,
      action: 'device.provision',
      target: `device:${input.id}`,
      detail: {
        site: input.site,
        kind: input.kind,
        ...(via ? { via } : {}),
        ...(input.residentId ? { residentId: input.residentId } : {}),
        ...(secret ? { secret: secret.given ? 'given' : 'generated' } : {}),
      },
      at: now,
    });
    const device = this.get(input.id)!;
    return secret ? { device, secret: secret.secret } : { device };
  }

  private active(id: string): RegistryDevice {
    const d = this.get(id);
    if (!d || d.id !== id) throw new RegistryError('DEVICE_NOT_FOUND', `device ${id} not found`);
    if (d.retired) throw new RegistryError('DEVICE_RETIRED', `device ${id} is retired`);
    return d;
  }

  /** Replace a device's secret (given or generated); the old one stops working at once. */
  rotateSecret(id: string, secret?: string, by: Actor = SYSTEM, prepared?: PreparedSecret): string {
    const p = prepared ?? this.credentials.prepareSync(secret);
    this.db.transaction(() => {
      const d = this.active(id);
      if (d.kind === 'zigbee') throw new RegistryError('VALIDATION', 'zigbee devices have no secret');
      this.credentials.store(id, p, Date.now());
      writeAudit(this.db, { ...by, action: 'device.rotate-secret', target: `device:${id}` });
    })();
    this.emit({ type: 'device.updated', id });
    return p.secret;
  }

  async rotateSecretAsync(id: string, secret?: string, by: Actor = SYSTEM): Promise<string> {
    this.active(id);
    return this.rotateSecret(id, secret, by, await this.prepareSecret(secret));
  }

  update(id: string, raw: DevicePatch, by: Actor = SYSTEM): RegistryDevice {
    const patch = check<DevicePatch>(DevicePatchSchema, raw, 'device patch');
    const after = this.db.transaction(() => {
      const before = this.active(id);
      const sets: string[] = [];
      const args: (string | number | null)[] = [];
      const set = (col: string, v: string | number | null) => {
        sets.push(`${col} = ?`);
        args.push(v);
      };
      if (patch.site !== undefined) set('site', patch.site);
      if (patch.location !== undefined) {
        set('building', patch.location.building ?? null);
        set('unit', patch.location.unit ?? null);
        set('room', patch.location.room ?? null);
        set('grid', patch.location.grid ?? null);
      }
      if (patch.heartbeatIntervalS !== undefined) set('heartbeat_interval_s', patch.heartbeatIntervalS);
      if (patch.offlineTimeoutS !== undefined) set('offline_timeout_s', patch.offlineTimeoutS);
      if (patch.residentId !== undefined) {
        if (patch.residentId !== null && !this.residents.get(patch.residentId)) {
          throw new RegistryError('RESIDENT_NOT_FOUND', `resident ${patch.residentId} not found`);
        }
        set('resident_id', patch.residentId);
      }
      if (patch.zigbeeName !== undefined) {
        if (before.kind !== 'zigbee')
          throw new RegistryError('VALIDATION', 'zigbeeName is only for kind zigbee');
        checkZigbeeName(patch.zigbeeName);
        const other = this.byZigbeeName(patch.zigbeeName);
        if (other && other.id !== id) {
          throw new RegistryError(
            'ZIGBEE_NAME_TAKEN',
            `zigbee friendly name ${JSON.stringify(patch.zigbeeName)} is taken`,
          );
        }
        set('zigbee_name', patch.zigbeeName);
      }
      set('updated_at', Date.now());
      this.db.prepare(`UPDATE devices SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
      writeAudit(this.db, { ...by, action: 'device.update', target: `device:${id}`, detail: { ...patch } });
      return this.get(id)!;
    })();
    this.emit({ type: 'device.updated', id });
    return after;
  }

  /** Retire: the credential is deleted, the device can no longer connect; its history stays. */
  retire(id: string, by: Actor = SYSTEM, reason?: string): RegistryDevice {
    const d = this.db.transaction(() => {
      this.active(id);
      const now = Date.now();
      this.db.prepare('UPDATE devices SET retired_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
      this.db.prepare('DELETE FROM device_credentials WHERE device_id = ?').run(id);
      writeAudit(this.db, {
        ...by,
        action: 'device.retire',
        target: `device:${id}`,
        ...(reason ? { detail: { reason } } : {}),
        at: now,
      });
      return this.get(id)!;
    })();
    this.credentials.forget(id);
    this.emit({ type: 'device.retired', id });
    return d;
  }

  // ---- residents, audited ------------------------------------------------------------------

  listResidents(f?: ResidentFilter): RegistryResident[] {
    return this.residents.list(f);
  }

  createResident(raw: ResidentInput, by: Actor = SYSTEM): RegistryResident {
    const input = check<ResidentInput>(ResidentInputSchema, raw, 'resident');
    const r = this.db.transaction(() => {
      const r = this.residents.insert(input);
      writeAudit(this.db, { ...by, action: 'resident.create', target: `resident:${r.id}` });
      return r;
    })();
    this.emit({ type: 'resident.created', id: r.id });
    return r;
  }

  updateResident(id: string, raw: ResidentPatch, by: Actor = SYSTEM): RegistryResident {
    const patch = check<ResidentPatch>(ResidentPatchSchema, raw, 'resident patch');
    const r = this.db.transaction(() => {
      const { after } = this.residents.update(id, patch);
      // field names only: personal data stays out of the audit log
      const fields = Object.keys(patch);
      writeAudit(this.db, { ...by, action: 'resident.update', target: `resident:${id}`, detail: { fields } });
      return after;
    })();
    this.emit({ type: 'resident.updated', id });
    return r;
  }

  deleteResident(id: string, by: Actor = SYSTEM): RegistryResident {
    const r = this.db.transaction(() => {
      const r = this.residents.delete(id);
      writeAudit(this.db, { ...by, action: 'resident.delete', target: `resident:${id}` });
      return r;
    })();
    this.emit({ type: 'resident.deleted', id });
    return r;
  }

  // ---- external broker ---------------------------------------------------------------------

  /** Active MQTT devices with their Mosquitto hashes, for password_file / acl_file. */
  mosquittoDevices(): MosquittoDevice[] {
    return listMosquittoDevices(this.db);
  }
}

export function openRegistry(db: Database, opts: RegistryOptions): Registry {
  return new Registry(db, opts);
}
