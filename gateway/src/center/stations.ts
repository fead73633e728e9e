// The center's station accounts: site id, MQTT password (scrypt hash) and webhook secret. The
// webhook secret must be usable to verify signatures, so it is kept encrypted (AES-256-GCM under
// an HKDF subkey of the gateway key, bound to the site) rather than hashed. Never logged.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LinliError } from '@linli/shared';
import {
  DEVICE_COST,
  deriveSubkey,
  generateSecret,
  hashSecretSync,
  verifySecret,
} from '@linli/shared/service';
import type { Db } from '../db/open.ts';
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

const SITE_RE = new RegExp(SITE_PATTERN);
const MIN_SECRET = 16;

interface Row {
  site: string;
  password_hash: string;
  webhook_secret: string;
  created_at: number;
  rotated_at: number | null;
}

export class StationStore {
  private readonly key: Buffer;

  constructor(
    private readonly db: Db,
    gatewayKey: string | Buffer,
  ) {
    this.key = deriveSubkey(gatewayKey, 'center-webhook-secret');
  }

  private seal(site: string, secret: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(`station:${site}`));
    const ct = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    return ['v1', iv, c.getAuthTag(), ct]
      .map((x) => (typeof x === 'string' ? x : x.toString('base64url')))
      .join(':');
  }

  private open(site: string, sealed: string): Buffer {
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

  /** Prepared once: read on every message a station sends (has) and every webhook (secret). */
  private rowStmt: ReturnType<Db['prepare']> | undefined;

  private row(site: string): Row | undefined {
    this.rowStmt ??= this.db.prepare('SELECT * FROM center_stations WHERE site = ?');
    return this.rowStmt.get(site) as Row | undefined;
  }

  has(site: string): boolean {
    return this.row(site) !== undefined;
  }

  list(): StationAccount[] {
    return (this.db.prepare('SELECT * FROM center_stations ORDER BY site').all() as Row[]).map((r) => ({
      site: r.site,
      createdAt: r.created_at,
      ...(r.rotated_at !== null ? { rotatedAt: r.rotated_at } : {}),
    }));
  }

  private check(site: string, given: Partial<StationSecrets>): StationSecrets {
    if (!SITE_RE.test(site)) throw new StationError('STATION_SITE', `site must match ${SITE_PATTERN}`);
    for (const [k, v] of Object.entries(given))
      if (v !== undefined && v.length < MIN_SECRET)
        throw new StationError('STATION_SECRET', `${k} must have at least ${MIN_SECRET} characters`);
    return {
      password: given.password ?? generateSecret(24),
      webhookSecret: given.webhookSecret ?? generateSecret(32),
    };
  }

  /** A new station; throws STATION_EXISTS. Returns the secrets (shown once). */
  add(site: string, given: Partial<StationSecrets> = {}, now = Date.now()): StationSecrets {
    const s = this.check(site, given);
    if (this.has(site))
      throw new StationError('STATION_EXISTS', `station ${site} exists (rotate it instead)`);
    this.db
      .prepare(
        'INSERT INTO center_stations (site, password_hash, webhook_secret, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(site, hashSecretSync(s.password, DEVICE_COST), this.seal(site, s.webhookSecret), now);
    return s;
  }

  /** New secrets for a station; the old ones stop working. */
  rotate(site: string, given: Partial<StationSecrets> = {}, now = Date.now()): StationSecrets {
    const s = this.check(site, given);
    const r = this.db
      .prepare(
        'UPDATE center_stations SET password_hash = ?, webhook_secret = ?, rotated_at = ? WHERE site = ?',
      )
      .run(hashSecretSync(s.password, DEVICE_COST), this.seal(site, s.webhookSecret), now, site);
    if (r.changes === 0) throw new StationError('STATION_NOT_FOUND', `no station ${site}`);
    return s;
  }

  remove(site: string): boolean {
    return this.db.prepare('DELETE FROM center_stations WHERE site = ?').run(site).changes > 0;
  }

  /** Whether `password` is the station's MQTT password. */
  async authenticate(site: string, password: Buffer | string): Promise<boolean> {
    const r = this.row(site);
    if (!r) return false;
    return verifySecret(password, r.password_hash);
  }

  /** The station's webhook secret (to verify a signature), or undefined for an unknown site.
   *  Read each time (no cache): a rotation by the CLI in another process takes effect at once. */
  webhookSecret(site: string): Buffer | undefined {
    const r = this.row(site);
    return r && this.open(site, r.webhook_secret);
  }
}

/** Provision a station idempotently (scripts/start.ts): created with the given secrets when
 *  missing, rotated to them when they differ, left alone when they match. */
export async function provisionStation(
  db: Db,
  gatewayKey: string | Buffer,
  site: string,
  secrets: StationSecrets,
): Promise<'created' | 'updated' | 'unchanged'> {
  const store = new StationStore(db, gatewayKey);
  if (!store.has(site)) {
    store.add(site, secrets);
    return 'created';
  }
  let same = false;
  try {
    same =
      (await store.authenticate(site, secrets.password)) &&
      store.webhookSecret(site)?.toString('utf8') === secrets.webhookSecret;
  } catch {
    same = false; // sealed under another key: replace
  }
  if (same) return 'unchanged';
  store.rotate(site, secrets);
  return 'updated';
}
