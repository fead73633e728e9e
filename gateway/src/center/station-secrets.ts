// What both station stores share (the SQLite file's, stations.ts; the shared PostgreSQL
// database's, pg/stations.ts): the StationAccounts seam, the site and secret checks, and the
// stored form of the secrets. The MQTT password is kept as scrypt (and `$7$` for Mosquitto); the
// webhook secret must be usable to verify signatures, so it is kept encrypted (AES-256-GCM under
// an HKDF subkey of the gateway key, bound to the site) rather than hashed. Never logged.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LinliError } from '@linli/shared';
import { DEVICE_COST, deriveSubkey, generateSecret, hashSecretSync } from '@linli/shared/service';
import { mosquittoHash } from '../registry/mosquitto.ts';
import { SITE_PATTERN } from './protocol.ts';

export interface StationAccount {
  site: string;
  createdAt: number;
  rotatedAt?: number;
}

export interface StationSecrets {
  password: string;
  webhookSecret: string;
}

export class StationError extends LinliError {}

export type Awaitable<T> = T | Promise<T>;

/** The center's station accounts, wherever they are kept: this instance's SQLite file
 *  (StationStore, the default) or the PostgreSQL database several center instances share
 *  (PgStationStore). The reads on the hot path (has on every station message, webhookSecret on
 *  every webhook, authenticate on every CONNECT) need no database round trip on either. */
export interface StationAccounts {
  has(site: string): Awaitable<boolean>;
  /** Every station (on PostgreSQL: as this instance last heard of them). */
  list(): StationAccount[];
  /** A new station; throws STATION_EXISTS. Returns the secrets (shown once). */
  add(site: string, given?: Partial<StationSecrets>, now?: number): Awaitable<StationSecrets>;
  /** New secrets for a station; the old ones stop working. */
  rotate(site: string, given?: Partial<StationSecrets>, now?: number): Awaitable<StationSecrets>;
  remove(site: string): Awaitable<boolean>;
  /** Each station's Mosquitto password hash (`$7$`), null for an account made before it was kept. */
  mosquittoAccounts(): Awaitable<{ site: string; hash: string | null }[]>;
  /** Whether `password` is the station's MQTT password. */
  authenticate(site: string, password: Buffer | string): Promise<boolean>;
  /** The station's webhook secret (to verify a signature), or undefined for an unknown site. */
  webhookSecret(site: string): Awaitable<Buffer | undefined>;
  close?(): Promise<void>;
}

const SITE_RE = new RegExp(SITE_PATTERN);
const MIN_SECRET = 16;

/** A station's row, in either database. */
export interface StationRow {
  site: string;
  password_hash: string;
  webhook_secret: string;
  created_at: number;
  rotated_at: number | null;
  mosquitto_hash: string | null;
}

export function stationAccount(r: StationRow): StationAccount {
  return {
    site: r.site,
    createdAt: r.created_at,
    ...(r.rotated_at !== null ? { rotatedAt: r.rotated_at } : {}),
  };
}

/** The site checked and the secrets given or generated; throws StationError. */
export function stationSecrets(site: string, given: Partial<StationSecrets>): StationSecrets {
  if (!SITE_RE.test(site)) throw new StationError('STATION_SITE', `site must match ${SITE_PATTERN}`);
  for (const [k, v] of Object.entries(given))
    if (v !== undefined && v.length < MIN_SECRET)
      throw new StationError('STATION_SECRET', `${k} must have at least ${MIN_SECRET} characters`);
  return {
    password: given.password ?? generateSecret(24),
    webhookSecret: given.webhookSecret ?? generateSecret(32),
  };
}

/** The stored form of a station's secrets. Center instances sharing one database must share the
 *  gateway key to open the webhook secrets. */
export class StationSealer {
  private readonly key: Buffer;

  constructor(gatewayKey: string | Buffer) {
    this.key = deriveSubkey(gatewayKey, 'center-webhook-secret');
  }

  stored(site: string, s: StationSecrets): { passwordHash: string; sealed: string; mosquittoHash: string } {
    return {
      passwordHash: hashSecretSync(s.password, DEVICE_COST),
      sealed: this.seal(site, s.webhookSecret),
      mosquittoHash: mosquittoHash(s.password),
    };
  }

  seal(site: string, secret: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(`station:${site}`));
    const ct = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    return ['v1', iv, c.getAuthTag(), ct]
      .map((x) => (typeof x === 'string' ? x : x.toString('base64url')))
      .join(':');
  }

  open(site: string, sealed: string): Buffer {
    const [v, iv, tag, ct] = sealed.split(':');
    if (v !== 'v1' || !iv || !tag || ct === undefined)
      throw new StationError('STATION_SECRET', `station ${site}: webhook secret unreadable`);
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(`station:${site}`));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]);
    } catch {
      throw new StationError('STATION_SECRET', `station ${site}: webhook secret does not open with this key`);
    }
  }
}

/** Provision a station idempotently on any store (scripts/start.ts, tests): created with the
 *  given secrets when missing, rotated to them when they differ, left alone when they match. */
export async function provisionStationIn(
  store: StationAccounts,
  site: string,
  secrets: StationSecrets,
): Promise<'created' | 'updated' | 'unchanged'> {
  if (!(await store.has(site))) {
    try {
      await store.add(site, secrets);
      return 'created';
    } catch (err) {
      // another instance provisioning the same station at once made it first: compare below
      if (!(err instanceof StationError && err.code === 'STATION_EXISTS')) throw err;
    }
  }
  let same = false;
  try {
    same =
      (await store.authenticate(site, secrets.password)) &&
      (await store.webhookSecret(site))?.toString('utf8') === secrets.webhookSecret;
  } catch {
    same = false; // sealed under another key: replace
  }
  if (same) return 'unchanged';
  await store.rotate(site, secrets);
  return 'updated';
}
