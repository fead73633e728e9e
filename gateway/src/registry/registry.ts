// The device registry: devices, their credentials and the residents they serve, in SQLite.
// Implements DeviceDirectory for the broker and the engine; every change is audited in the
// same transaction.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DEVICE_COST,
  generateSecret,
  hashSecret,
  hashSecretSync,
  verifySecret,
  verifySecretSync,
} from '@linli/shared/service';
import type { Database, Statement } from 'better-sqlite3';
import { type Actor, SYSTEM, writeAudit } from '../auth/audit.ts';
import { gatewayKeys } from '../keys.ts';
import type { DeviceDirectory, DeviceKind, DeviceRecord } from '../types.ts';
import { RegistryError } from './errors.ts';
import { ExternalChanges, type RegistryChange } from './external-changes.ts';
import { type MosquittoDevice, mosquittoHash, mosquittoHashAsync } from './mosquitto.ts';
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
export type { RegistryChange } from './external-changes.ts';

/** A device secret with its two hashes, computed before the transaction that stores it. */
export interface PreparedSecret {
  secret: string;
  given: boolean;
  secretHash: string;
  mosquittoHash: string;
}

function checkGivenSecret(secret: string | undefined): void {
  if (secret !== undefined && (secret.length < 16 || secret.length > 128)) {
    throw new RegistryError('VALIDATION', 'secret must be 16 to 128 characters');
  }
}

export interface ProvisionResult {
  device: RegistryDevice;
  /** The device's MQTT password, returned once; absent for Zigbee devices (they use their bridge). */
  secret?: string;
}

/** Default supervision by power source (Zigbee2MQTT's availability defaults). */
export const MAINS_OFFLINE_S = 600;
export const BATTERY_OFFLINE_S = 90_000;
export const DEFAULT_HEARTBEAT_S = 60;
const MAINS_KINDS: ReadonlySet<DeviceKind> = new Set(['access-reader']);

interface Raw {
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

function fromRow(r: Raw): RegistryDevice {
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

export interface RegistryOptions {
  /** Key for the in-memory credential cache and for ID-number HMACs (≥ 16 bytes). */
  secretKey: string | Buffer;
}

export class Registry implements DeviceDirectory {
  readonly residents: ResidentStore;
  private readonly key: Buffer;
  /** HMAC key of the in-memory credential cache (a subkey: never stored). */
  private readonly cacheKey: Buffer;
  /** username → keyed hash of the password that last verified, and the stored hash it matched. */
  private readonly authCache = new Map<string, { mac: Buffer; hash: string }>();
  private readonly listeners = new Set<(c: RegistryChange) => void>();
  private external: ExternalChanges | undefined;
  private readonly stmt: { get: Statement; byZigbee: Statement; credential: Statement };

  constructor(
    private readonly db: Database,
    opts: RegistryOptions,
  ) {
    this.key = Buffer.isBuffer(opts.secretKey) ? opts.secretKey : Buffer.from(opts.secretKey, 'utf8');
    if (this.key.length < 16)
      throw new RegistryError('CONFIG', 'registry secretKey must be at least 16 bytes');
    const keys = gatewayKeys(this.key);
    this.cacheKey = keys.deviceAuthCache;
    this.residents = new ResidentStore(db, keys.idNumber, keys.legacy);
    this.stmt = {
      get: db.prepare('SELECT * FROM devices WHERE id = ?'),
      byZigbee: db.prepare('SELECT * FROM devices WHERE zigbee_name = ?'),
      credential: db.prepare(
        'SELECT c.secret_hash FROM device_credentials c JOIN devices d ON d.id = c.device_id WHERE c.device_id = ? AND d.retired_at IS NULL',
      ),
    };
  }

  // ---- DeviceDirectory -------------------------------------------------------------------

  authenticate(username: string, password: Buffer | string): DeviceRecord | undefined {
    if (typeof username !== 'string' || username.length === 0 || username.length > 64) return undefined;
    // one indexed read: a credential rotated or a device retired elsewhere (the CLI, another
    // process) is seen at once, whatever the cache holds
    const row = this.stmt.credential.get(username) as { secret_hash: string } | undefined;
    if (!row) {
      this.authCache.delete(username);
      return undefined;
    }
    const mac = createHmac('sha256', this.cacheKey).update(username).update('\0').update(password).digest();
    const cached = this.authCache.get(username);
    const hit = cached && cached.hash === row.secret_hash && timingSafeEqual(cached.mac, mac);
    if (!hit) {
      if (!verifySecretSync(password, row.secret_hash)) return undefined;
      this.authCache.set(username, { mac, hash: row.secret_hash });
    }
    return this.get(username);
  }

  /** As authenticate, with a cache miss hashed on the thread pool instead of the event loop:
   *  for a broker's async authenticate hook, when thousands of devices reconnect at once. */
  async authenticateAsync(username: string, password: Buffer | string): Promise<DeviceRecord | undefined> {
    if (typeof username !== 'string' || username.length === 0 || username.length > 64) return undefined;
    const row = this.stmt.credential.get(username) as { secret_hash: string } | undefined;
    if (!row) return undefined;
    const mac = createHmac('sha256', this.cacheKey).update(username).update('\0').update(password).digest();
    const cached = this.authCache.get(username);
    if (!(cached && cached.hash === row.secret_hash && timingSafeEqual(cached.mac, mac))) {
      if (!(await verifySecret(password, row.secret_hash))) return undefined;
      // the credential may have changed while hashing: cache only what is still stored
      const now = this.stmt.credential.get(username) as { secret_hash: string } | undefined;
      if (now?.secret_hash !== row.secret_hash) return undefined;
      this.authCache.set(username, { mac, hash: row.secret_hash });
    }
    return this.get(username);
  }

  /** Hash a device secret (given, or generated) off the event loop, for provision/rotate. */
  async prepareSecret(given?: string): Promise<PreparedSecret> {
    checkGivenSecret(given);
    const secret = given ?? generateSecret();
    const [secretHash, mosq] = await Promise.all([
      hashSecret(secret, DEVICE_COST),
      mosquittoHashAsync(secret),
    ]);
    return { secret, given: given !== undefined, secretHash, mosquittoHash: mosq };
  }

  prepareSecretSync(given?: string): PreparedSecret {
    checkGivenSecret(given);
    const secret = given ?? generateSecret();
    return {
      secret,
      given: given !== undefined,
      secretHash: hashSecretSync(secret, DEVICE_COST),
      mosquittoHash: mosquittoHash(secret),
    };
  }

  /** A device by id; for Zigbee devices the friendly name is accepted too. */
  get(id: string): RegistryDevice | undefined {
    const r = (this.stmt.get.get(id) ?? this.stmt.byZigbee.get(id)) as Raw | undefined;
    return r && fromRow(r);
  }

  byZigbeeName(name: string): RegistryDevice | undefined {
    const r = this.stmt.byZigbee.get(name) as Raw | undefined;
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
        if (c.type.startsWith('device.')) this.authCache.delete(c.id);
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
    const existing = this.stmt.get.get(input.id) as Raw | undefined;
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
      if (this.stmt.byZigbee.get(zigbeeName)) {
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
      secret = prepared ?? this.prepareSecretSync(input.secret);
      this.storeSecret(input.id, secret, now);
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

  private storeSecret(id: string, p: PreparedSecret, now: number): void {
    this.db
      .prepare(
        `INSERT INTO device_credentials (device_id, secret_hash, mosquitto_hash, rotated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET secret_hash = excluded.secret_hash,
           mosquitto_hash = excluded.mosquitto_hash, rotated_at = excluded.rotated_at`,
      )
      .run(id, p.secretHash, p.mosquittoHash, now);
    this.authCache.delete(id);
  }

  private active(id: string): RegistryDevice {
    const d = this.get(id);
    if (!d || d.id !== id) throw new RegistryError('DEVICE_NOT_FOUND', `device ${id} not found`);
    if (d.retired) throw new RegistryError('DEVICE_RETIRED', `device ${id} is retired`);
    return d;
  }

  /** Replace a device's secret (given or generated); the old one stops working at once. */
  rotateSecret(id: string, secret?: string, by: Actor = SYSTEM, prepared?: PreparedSecret): string {
    const p = prepared ?? this.prepareSecretSync(secret);
    this.db.transaction(() => {
      const d = this.active(id);
      if (d.kind === 'zigbee') throw new RegistryError('VALIDATION', 'zigbee devices have no secret');
      this.storeSecret(id, p, Date.now());
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
    this.authCache.delete(id);
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
    return (
      this.db
        .prepare(
          `SELECT d.id, d.site, c.mosquitto_hash FROM devices d JOIN device_credentials c ON c.device_id = d.id
           WHERE d.retired_at IS NULL ORDER BY d.site, d.id`,
        )
        .all() as { id: string; site: string; mosquitto_hash: string }[]
    ).map((r) => ({ id: r.id, site: r.site, mosquittoHash: r.mosquitto_hash }));
  }
}

export function openRegistry(db: Database, opts: RegistryOptions): Registry {
  return new Registry(db, opts);
}
