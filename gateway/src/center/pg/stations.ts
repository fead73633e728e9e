// Station accounts of a center on PostgreSQL (center.databaseUrl): the same accounts as the
// SQLite StationStore (center/stations.ts), in the shared database, so that a station added,
// rotated or removed on one instance (or by the CLI) is so on every instance.
//
// The hot path (has on every station message, webhookSecret on every webhook, authenticate on
// every MQTT CONNECT) reads an in-memory copy of the table, no round trip. The copy is kept
// current by LISTEN/NOTIFY: every change NOTIFYs (in its transaction, so at its commit) and each
// instance re-reads that station's row. While the LISTEN connection is down, and until the copy
// is reloaded after it came back, reads go to the database instead: a station rotated during an
// outage of the listener is not admitted with its old password. The copy is also reloaded every
// minute (a connection that hangs without closing).
import { verifySecret } from '@linli/shared/service';
import type { Db } from '../../db/open.ts';
import type { PgPool } from '../../db/pg.ts';
import type { Logger } from '../../ingest/refusals.ts';
import {
  type StationAccount,
  type StationAccounts,
  StationError,
  type StationRow,
  StationSealer,
  type StationSecrets,
  stationAccount,
  stationSecrets,
} from '../station-secrets.ts';
import { StationStore } from '../stations.ts';
import { type Listener, listenPg } from './listen.ts';

/** The channel a station account change is told on; the payload is the site. */
export const STATIONS_CHANNEL = 'linli_center_stations';
const RELOAD_MS = 60_000;

export interface PgStationOptions {
  pool: PgPool;
  gatewayKey: string | Buffer;
  log: Logger;
  /** The database URL for the LISTEN connection; without it (the CLI) every read goes to the
   *  database. */
  url?: string;
}

export class PgStationStore implements StationAccounts {
  private readonly sealer: StationSealer;
  private readonly pool: PgPool;
  private readonly log: Logger;
  private rows = new Map<string, StationRow>();
  private listener: Listener | undefined;
  /** Whether the copy is current: listening, and reloaded since the listener (re)connected */
  private current = false;
  /** Per site, the newest re-read issued: an older one answering later is ignored */
  private readonly reads = new Map<string, number>();
  /** The newest re-read of each site still in flight */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readSeq = 0;
  /** Sites told about during a full reload: re-read after it */
  private toldDuringReload: Set<string> | undefined;
  /** Sites re-read while a full reload was in flight: the reload's older snapshot must not undo them */
  private rereadDuringReload: Set<string> | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** Counts the listener's connects and losses: a reload spanning one proves nothing */
  private listenGen = 0;

  private constructor(o: PgStationOptions) {
    this.pool = o.pool;
    this.log = o.log;
    this.sealer = new StationSealer(o.gatewayKey);
  }

  /** Load the accounts; with a URL, follow the other instances' changes (LISTEN). */
  static async open(o: PgStationOptions): Promise<PgStationStore> {
    const s = new PgStationStore(o);
    if (!o.url) {
      await s.reload();
      return s;
    }
    s.listener = await listenPg({
      url: o.url,
      channel: STATIONS_CHANNEL,
      log: o.log,
      what: 'center station accounts',
      onNotice: (site) => {
        if (!site) return;
        s.toldDuringReload?.add(site);
        void s.reread(site);
      },
      onListening: async () => {
        s.listenGen++;
        await s.reload();
        s.current = true;
      },
      onLost: () => {
        s.listenGen++;
        s.current = false;
      },
    });
    s.reloadTimer = setInterval(() => {
      const gen = s.listenGen;
      s.reload().then(
        () => {
          // current again after a change that could not be read, if listening all along
          if (s.listener?.up && s.listenGen === gen) s.current = true;
        },
        (err: Error) => s.log.warn({ err }, 'center station accounts: reload failed'),
      );
    }, RELOAD_MS);
    s.reloadTimer.unref();
    return s;
  }

  /** Read the whole table again (after the listener reconnected, and every minute). */
  async reload(): Promise<void> {
    const told = new Set<string>();
    const reread = new Set<string>();
    this.toldDuringReload = told;
    this.rereadDuringReload = reread;
    try {
      const r = await this.pool.query<StationRow>('SELECT * FROM center_stations');
      const rows = new Map(r.rows.map((row) => [row.site, row]));
      // a site re-read after this snapshot was taken keeps what that read found
      for (const site of reread) {
        const current = this.rows.get(site);
        if (current) rows.set(site, current);
        else rows.delete(site);
      }
      this.rows = rows;
    } finally {
      if (this.toldDuringReload === told) this.toldDuringReload = undefined;
      if (this.rereadDuringReload === reread) this.rereadDuringReload = undefined;
    }
    // a change told while the table was read may be older or newer than what was read
    await Promise.all([...told].map((site) => this.reread(site)));
  }

  private reread(site: string): Promise<StationRow | undefined> {
    const read = this.readOnce(site);
    this.inFlight.set(site, read);
    const done = () => {
      if (this.inFlight.get(site) === read) this.inFlight.delete(site);
    };
    read.then(done, done);
    return read;
  }

  /** Until no re-read of `site` is in flight (a newer one may have superseded ours). */
  private async settled(site: string): Promise<void> {
    for (let read = this.inFlight.get(site); read; read = this.inFlight.get(site)) await read.catch(() => {});
  }

  private async readOnce(site: string): Promise<StationRow | undefined> {
    const seq = ++this.readSeq;
    this.reads.set(site, seq);
    try {
      const r = (await this.pool.query<StationRow>('SELECT * FROM center_stations WHERE site = $1', [site]))
        .rows[0];
      if (this.reads.get(site) === seq) {
        this.reads.delete(site);
        if (r) this.rows.set(site, r);
        else this.rows.delete(site);
        this.rereadDuringReload?.add(site);
      }
      return r;
    } catch (err) {
      // the copy may now be stale for this site: read it from the database until the next reload
      this.current = false;
      this.log.warn({ err, site }, 'center station accounts: change not read; reading through');
      const gen = this.listenGen;
      if (this.listener?.up)
        void this.reload().then(
          () => {
            if (this.listener?.up && this.listenGen === gen) this.current = true;
          },
          () => {},
        );
      throw err;
    }
  }

  /** The row from the copy when it is current, else from the database. */
  private row(site: string): StationRow | undefined | Promise<StationRow | undefined> {
    if (this.current) return this.rows.get(site);
    return this.pool
      .query<StationRow>('SELECT * FROM center_stations WHERE site = $1', [site])
      .then((r) => r.rows[0]);
  }

  has(site: string): boolean | Promise<boolean> {
    const r = this.row(site);
    return r instanceof Promise ? r.then((x) => x !== undefined) : r !== undefined;
  }

  list(): StationAccount[] {
    return [...this.rows.values()].sort((a, b) => (a.site < b.site ? -1 : 1)).map(stationAccount);
  }

  async authenticate(site: string, password: Buffer | string): Promise<boolean> {
    const r = await this.row(site);
    if (!r) return false;
    return verifySecret(password, r.password_hash);
  }

  webhookSecret(site: string): Buffer | undefined | Promise<Buffer | undefined> {
    const r = this.row(site);
    const open = (x: StationRow | undefined) => x && this.sealer.open(site, x.webhook_secret);
    return r instanceof Promise ? r.then(open) : open(r);
  }

  /** A change, committed with its NOTIFY; this instance's copy is updated before it resolves. */
  private async change(site: string, sql: string, params: unknown[]): Promise<number> {
    const c = await this.pool.connect();
    let n: number;
    try {
      await c.query('BEGIN');
      n = (await c.query(sql, params)).rowCount ?? 0;
      if (n > 0) await c.query('SELECT pg_notify($1, $2)', [STATIONS_CHANNEL, site]);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
    if (n > 0) {
      await this.reread(site).catch(() => {});
      // a re-read started meanwhile (a NOTIFY) supersedes ours: the copy is current once it lands
      await this.settled(site);
    }
    return n;
  }

  async add(site: string, given: Partial<StationSecrets> = {}, now = Date.now()): Promise<StationSecrets> {
    const s = stationSecrets(site, given);
    const x = this.sealer.stored(site, s);
    const n = await this.change(
      site,
      `INSERT INTO center_stations (site, password_hash, webhook_secret, created_at, mosquitto_hash)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (site) DO NOTHING`,
      [site, x.passwordHash, x.sealed, now, x.mosquittoHash],
    );
    if (n === 0) throw new StationError('STATION_EXISTS', `station ${site} exists (rotate it instead)`);
    return s;
  }

  async rotate(site: string, given: Partial<StationSecrets> = {}, now = Date.now()): Promise<StationSecrets> {
    const s = stationSecrets(site, given);
    const x = this.sealer.stored(site, s);
    const n = await this.change(
      site,
      `UPDATE center_stations SET password_hash = $1, webhook_secret = $2, rotated_at = $3,
         mosquitto_hash = $4 WHERE site = $5`,
      [x.passwordHash, x.sealed, now, x.mosquittoHash, site],
    );
    if (n === 0) throw new StationError('STATION_NOT_FOUND', `no station ${site}`);
    return s;
  }

  async remove(site: string): Promise<boolean> {
    return (await this.change(site, 'DELETE FROM center_stations WHERE site = $1', [site])) > 0;
  }

  async mosquittoAccounts(): Promise<{ site: string; hash: string | null }[]> {
    const r = await this.pool.query<{ site: string; mosquitto_hash: string | null }>(
      'SELECT site, mosquitto_hash FROM center_stations ORDER BY site',
    );
    return r.rows.map((x) => ({ site: x.site, hash: x.mosquitto_hash }));
  }

  /** Copy station rows (an instance's SQLite accounts) into the shared table as they are: the
   *  sealed secrets open with the same gateway key. A site already there is left alone. The
   *  sites copied. */
  async copyIn(rows: StationRow[]): Promise<string[]> {
    const copied: string[] = [];
    for (const r of rows) {
      this.sealer.open(r.site, r.webhook_secret); // refuses rows sealed under another key
      const n = await this.change(
        r.site,
        `INSERT INTO center_stations (site, password_hash, webhook_secret, mosquitto_hash, created_at, rotated_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (site) DO NOTHING`,
        [r.site, r.password_hash, r.webhook_secret, r.mosquitto_hash, r.created_at, r.rotated_at],
      );
      if (n > 0) copied.push(r.site);
    }
    return copied;
  }

  async close(): Promise<void> {
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    this.current = false;
    await this.listener?.stop();
  }
}

/** At start on PostgreSQL: stations this instance's SQLite file has and the shared database has
 *  not (a center moved to PostgreSQL, or accounts added before) do not authenticate here any
 *  more. Said loudly, with the command that copies them. */
export function warnLocalStations(
  db: Db,
  gatewayKey: string | Buffer,
  shared: PgStationStore,
  log: Logger,
): void {
  const local = new StationStore(db, gatewayKey).list().map((s) => s.site);
  const known = new Set(shared.list().map((s) => s.site));
  const missing = local.filter((s) => !known.has(s));
  if (missing.length === 0) return;
  log.warn(
    { sites: missing.slice(0, 20), count: missing.length },
    'center: station accounts in this SQLite file but not in the shared PostgreSQL database are not used; copy them with `linli-gw center station copy-to-database`',
  );
}
