// The center's station accounts in this gateway's SQLite file (the default; a center on a shared
// PostgreSQL keeps them there instead: pg/stations.ts). Site id, MQTT password (scrypt and `$7$`
// hashes) and webhook secret (sealed, station-secrets.ts). Never logged.
import { verifySecret } from '@linli/shared/service';
import type { Db } from '../db/open.ts';
import {
  provisionStationIn,
  type StationAccount,
  type StationAccounts,
  StationError,
  type StationRow,
  StationSealer,
  type StationSecrets,
  stationAccount,
  stationSecrets,
} from './station-secrets.ts';

export {
  provisionStationIn,
  type StationAccount,
  type StationAccounts,
  StationError,
  type StationSecrets,
} from './station-secrets.ts';

export class StationStore implements StationAccounts {
  private readonly sealer: StationSealer;

  constructor(
    private readonly db: Db,
    gatewayKey: string | Buffer,
  ) {
    this.sealer = new StationSealer(gatewayKey);
  }

  /** Prepared once: read on every message a station sends (has) and every webhook (secret). */
  private rowStmt: ReturnType<Db['prepare']> | undefined;

  private row(site: string): StationRow | undefined {
    this.rowStmt ??= this.db.prepare('SELECT * FROM center_stations WHERE site = ?');
    return this.rowStmt.get(site) as StationRow | undefined;
  }

  has(site: string): boolean {
    return this.row(site) !== undefined;
  }

  list(): StationAccount[] {
    return (this.db.prepare('SELECT * FROM center_stations ORDER BY site').all() as StationRow[]).map(
      stationAccount,
    );
  }

  /** A new station; throws STATION_EXISTS. Returns the secrets (shown once). */
  add(site: string, given: Partial<StationSecrets> = {}, now = Date.now()): StationSecrets {
    const s = stationSecrets(site, given);
    if (this.has(site))
      throw new StationError('STATION_EXISTS', `station ${site} exists (rotate it instead)`);
    const x = this.sealer.stored(site, s);
    this.db
      .prepare(
        'INSERT INTO center_stations (site, password_hash, webhook_secret, created_at, mosquitto_hash) VALUES (?, ?, ?, ?, ?)',
      )
      .run(site, x.passwordHash, x.sealed, now, x.mosquittoHash);
    return s;
  }

  /** New secrets for a station; the old ones stop working. */
  rotate(site: string, given: Partial<StationSecrets> = {}, now = Date.now()): StationSecrets {
    const s = stationSecrets(site, given);
    const x = this.sealer.stored(site, s);
    const r = this.db
      .prepare(
        'UPDATE center_stations SET password_hash = ?, webhook_secret = ?, rotated_at = ?, mosquitto_hash = ? WHERE site = ?',
      )
      .run(x.passwordHash, x.sealed, now, x.mosquittoHash, site);
    if (r.changes === 0) throw new StationError('STATION_NOT_FOUND', `no station ${site}`);
    return s;
  }

  /** Each station's Mosquitto password hash (`$7$`), for a center behind Mosquitto; null for an
   *  account made before it was kept (rotate that station to get one). */
  mosquittoAccounts(): { site: string; hash: string | null }[] {
    return (
      this.db.prepare('SELECT site, mosquitto_hash FROM center_stations ORDER BY site').all() as {
        site: string;
        mosquitto_hash: string | null;
      }[]
    ).map((r) => ({ site: r.site, hash: r.mosquitto_hash }));
  }

  /** Every row as stored (to copy the accounts into a shared database: pg/stations.ts). */
  rows(): StationRow[] {
    return this.db.prepare('SELECT * FROM center_stations ORDER BY site').all() as StationRow[];
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
    return r && this.sealer.open(site, r.webhook_secret);
  }
}

/** Provision a station idempotently in this SQLite file (scripts/start.ts): created with the
 *  given secrets when missing, rotated to them when they differ, left alone when they match. */
export async function provisionStation(
  db: Db,
  gatewayKey: string | Buffer,
  site: string,
  secrets: StationSecrets,
): Promise<'created' | 'updated' | 'unchanged'> {
  return provisionStationIn(new StationStore(db, gatewayKey), site, secrets);
}
