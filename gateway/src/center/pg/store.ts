// The center's data in a shared PostgreSQL database (center.databaseUrl), for several center
// instances at once. Each (site, alert, rev) is inserted once (primary key + ON CONFLICT DO
// NOTHING: a revision redelivered to another instance is a duplicate, never applied twice); the
// alert's current state moves only forward (upsert WHERE the revision is newer); a revision's
// promise resolves after COMMIT, so the station's receipt follows the commit.
import { randomBytes } from 'node:crypto';
import { alertParams, publicAlert, type StoredAlert } from '../../alerts/repo.ts';
import { migratePg, openPg, type PgPool, pgTx, redactUrl } from '../../db/pg.ts';
import type { Logger } from '../../ingest/refusals.ts';
import type { AlertHistoryEntry, AlertRecord, TechnicalAlertType } from '../../types.ts';
import type { CenterData } from '../data.ts';
import { type CenterDevice, type CenterDeviceFilter, SnapshotParts, toDevice } from '../devices.ts';
import type {
  AlertContext,
  AlertMessage,
  CenterAction,
  DeviceSummary,
  LinkPath,
  RegistryMessage,
} from '../protocol.ts';
import {
  type ActionRow,
  actionValues,
  type LinkRow,
  linkValues,
  type StationLinkRow,
  toAction,
  toLink,
} from '../rows.ts';
import { type ActionRecord, CenterRefusal, type StoredRevision } from '../store.ts';
import { UNREACHABLE } from '../supervision.ts';
import { addHistory, type OnAlertChange, PgCenterAlerts } from './alerts.ts';

/** The channel center instances sharing the database tell each other their changes on. */
export const NOTIFY_CHANNEL = 'linli_center';
export interface CenterNotice {
  from: string;
  kind: 'alert' | 'action';
  id: string;
}

const ALERT_COLUMNS = [
  'id',
  'rev',
  'site',
  'device_id',
  'resident_id',
  'type',
  'severity',
  'state',
  'contact_id',
  'count',
  'raised_at',
  'last_at',
  'acknowledged_at',
  'acknowledged_by',
  'resolved_at',
  'resolved_by',
  'outcome',
  'cancelled_by_resident',
  'escalation_level',
] as const;
const PARAM_OF: Record<(typeof ALERT_COLUMNS)[number], string> = {
  id: 'id',
  rev: 'rev',
  site: 'site',
  device_id: 'deviceId',
  resident_id: 'residentId',
  type: 'type',
  severity: 'severity',
  state: 'state',
  contact_id: 'contactId',
  count: 'count',
  raised_at: 'raisedAt',
  last_at: 'lastAt',
  acknowledged_at: 'acknowledgedAt',
  acknowledged_by: 'acknowledgedBy',
  resolved_at: 'resolvedAt',
  resolved_by: 'resolvedBy',
  outcome: 'outcome',
  cancelled_by_resident: 'cancelledByResident',
  escalation_level: 'escalationLevel',
};
const UPSERT_ALERT = `INSERT INTO alerts (${ALERT_COLUMNS.join(', ')})
  VALUES (${ALERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${ALERT_COLUMNS.filter((c) => c !== 'id' && c !== 'site')
    .map((c) =>
      c === 'resident_id' ? `${c} = COALESCE(excluded.${c}, alerts.${c})` : `${c} = excluded.${c}`,
    )
    .join(', ')}
  WHERE excluded.rev > alerts.rev AND excluded.site = alerts.site
  RETURNING rev`;
/** An instance's own alert (origin: the instance), changed only by that instance. */
const MIRROR_ALERT = `INSERT INTO alerts (${ALERT_COLUMNS.join(', ')}, origin)
  VALUES (${ALERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, $${ALERT_COLUMNS.length + 1})
  ON CONFLICT (id) DO UPDATE SET ${ALERT_COLUMNS.filter((c) => c !== 'id' && c !== 'site')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}
  WHERE excluded.rev > alerts.rev AND excluded.origin = alerts.origin`;

export interface PgCenterOptions {
  url: string;
  now: () => number;
  /** Each alert change this instance committed (its own live stream) */
  onAlertChange: OnAlertChange;
  poolMax?: number;
}

export class PgCenterData implements CenterData {
  readonly kind = 'postgres' as const;
  readonly alerts: PgCenterAlerts;
  private readonly parts = new SnapshotParts();
  private probe: { reachable: boolean; error?: string } = { reachable: true };
  private probeTimer: NodeJS.Timeout | undefined;

  /** This instance, in the notifications it sends (its own are not followed back) */
  readonly instance = randomBytes(6).toString('hex');

  private constructor(
    readonly pool: PgPool,
    readonly url: string,
    o: PgCenterOptions,
  ) {
    this.alerts = new PgCenterAlerts(pool, o.now, (a) => {
      o.onAlertChange(a);
      this.notify('alert', a.id);
    });
  }

  /** The payload other instances follow (notify.ts). */
  notice(kind: CenterNotice['kind'], id: string): string {
    return JSON.stringify({ from: this.instance, kind, id } satisfies CenterNotice);
  }

  /** Tell the other instances after a commit (best effort: their consoles reload on reconnect). */
  private notify(kind: CenterNotice['kind'], id: string): void {
    this.pool.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, this.notice(kind, id)]).catch(() => {});
  }

  /** Connect and migrate; throws DATABASE_UNREACHABLE / MIGRATION with the reason (fail closed). */
  static async open(o: PgCenterOptions): Promise<PgCenterData> {
    const pool = await openPg(o.url, { max: o.poolMax ?? 10 });
    try {
      await migratePg(pool);
    } catch (err) {
      await pool.end().catch(() => {});
      throw err;
    }
    const d = new PgCenterData(pool, o.url, o);
    d.probeTimer = setInterval(() => void d.runProbe(), 5000);
    d.probeTimer.unref();
    return d;
  }

  private async runProbe(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
      this.probe = { reachable: true };
    } catch (err) {
      this.probe = { reachable: false, error: (err as Error).message };
    }
  }

  health() {
    return { database: 'postgres' as const, ...this.probe };
  }

  async storeRevision(
    site: string,
    path: LinkPath,
    m: AlertMessage,
    raw: string,
    now: number,
  ): Promise<StoredRevision> {
    const a = m.alert as AlertRecord;
    return pgTx(this.pool, async (c) => {
      const inserted = await c.query(
        `INSERT INTO center_revisions (site, alert_id, rev, path, received_at, applied, message)
          VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT DO NOTHING`,
        [site, m.alertId, m.rev, path, now, raw],
      );
      if (inserted.rowCount === 0) return { duplicate: true, applied: false };
      const params = alertParams({
        ...a,
        ...(m.context?.resident?.id ? { residentId: m.context.resident.id } : {}),
      });
      const up = await c.query(
        UPSERT_ALERT,
        ALERT_COLUMNS.map((col) => params[PARAM_OF[col]]),
      );
      const applied = (up.rowCount ?? 0) > 0;
      if (!applied) {
        const head = (await c.query<{ site: string }>('SELECT site FROM alerts WHERE id = $1', [m.alertId]))
          .rows[0];
        if (head && head.site !== site)
          throw new CenterRefusal('ALERT_OF_ANOTHER_SITE', `alert ${m.alertId} belongs to another site`);
      } else
        await c.query(
          'UPDATE center_revisions SET applied = 1 WHERE site = $1 AND alert_id = $2 AND rev = $3',
          [site, m.alertId, m.rev],
        );
      for (const h of m.history) await addHistory(c, h);
      if (m.context)
        await c.query(
          `INSERT INTO center_alert_context (alert_id, site, rev, context) VALUES ($1, $2, $3, $4)
            ON CONFLICT (alert_id) DO UPDATE SET rev = excluded.rev, context = excluded.context
            WHERE excluded.rev >= center_alert_context.rev AND excluded.site = center_alert_context.site`,
          [m.alertId, site, m.rev, JSON.stringify(m.context)],
        );
      if (applied) {
        // other center instances put it on their live streams (notify.ts); sent at COMMIT
        await c.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, this.notice('alert', m.alertId)]);
        return { duplicate: false, applied, alert: publicAlert(a) };
      }
      return { duplicate: false, applied };
    });
  }

  /** Mirror one change of this instance's own SQLite engine (its technical alerts: broker link,
   *  notifier) into the shared table, in order, so every instance's console lists it. Retried
   *  (1 s apart, 30 times) when the database does not answer; then logged and dropped. */
  mirror(a: StoredAlert, entry: AlertHistoryEntry, origin: string, log: Logger): void {
    const params = alertParams(a);
    const write = () =>
      pgTx(this.pool, async (c) => {
        await c.query(MIRROR_ALERT, [...ALERT_COLUMNS.map((col) => params[PARAM_OF[col]]), origin]);
        await addHistory(c, entry);
        await c.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, this.notice('alert', a.id)]);
      });
    this.mirrors = this.mirrors.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await write();
          return;
        } catch (err) {
          if (attempt >= 30 || this.closed) {
            log.error(
              { err, alert: a.id, rev: a.rev },
              'center: own alert change not mirrored to PostgreSQL',
            );
            return;
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    });
  }
  private mirrors: Promise<void> = Promise.resolve();
  private closed = false;

  async owns(alertId: string) {
    return (
      (await this.pool.query('SELECT 1 FROM center_revisions WHERE alert_id = $1 LIMIT 1', [alertId]))
        .rowCount! > 0
    );
  }

  async context(alertId: string): Promise<AlertContext | undefined> {
    const r = (
      await this.pool.query<{ context: string }>(
        'SELECT context FROM center_alert_context WHERE alert_id = $1',
        [alertId],
      )
    ).rows[0];
    return r && (JSON.parse(r.context) as AlertContext);
  }

  async insertAction(a: ActionRecord) {
    await this.pool.query(
      `INSERT INTO center_action_requests (id, site, alert_id, action, "by", at, outcome, note, state)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')`,
      actionValues(a),
    );
    this.notify('action', a.id);
  }

  async actionResult(site: string, id: string, applied: boolean, now: number, rev?: number, reason?: string) {
    const r = (
      await this.pool.query<ActionRow>(
        `UPDATE center_action_requests SET state = $1, result_at = $2, result_rev = $3, reason = $4
          WHERE id = $5 AND site = $6 AND state = 'pending' RETURNING *`,
        [applied ? 'applied' : 'refused', now, rev ?? null, reason ?? null, id, site],
      )
    ).rows[0];
    if (r) this.notify('action', r.id);
    return r && toAction(r);
  }

  async action(id: string) {
    const r = (await this.pool.query<ActionRow>('SELECT * FROM center_action_requests WHERE id = $1', [id]))
      .rows[0];
    return r && toAction(r);
  }

  async pendingAction(alertId: string, action: CenterAction) {
    const r = (
      await this.pool.query<ActionRow>(
        `SELECT * FROM center_action_requests WHERE alert_id = $1 AND action = $2 AND state = 'pending'
          ORDER BY at LIMIT 1`,
        [alertId, action],
      )
    ).rows[0];
    return r && toAction(r);
  }

  async pendingActions(site?: string) {
    const { rows } =
      site === undefined
        ? await this.pool.query<ActionRow>(
            "SELECT * FROM center_action_requests WHERE state = 'pending' ORDER BY at, id",
          )
        : await this.pool.query<ActionRow>(
            "SELECT * FROM center_action_requests WHERE site = $1 AND state = 'pending' ORDER BY at, id",
            [site],
          );
    return rows.map(toAction);
  }

  async actionsOf(alertId: string) {
    const { rows } = await this.pool.query<ActionRow>(
      'SELECT * FROM center_action_requests WHERE alert_id = $1 ORDER BY at, id',
      [alertId],
    );
    return rows.map(toAction);
  }

  async markSent(id: string, at: number) {
    await this.pool.query('UPDATE center_action_requests SET sent_at = $1 WHERE id = $2', [at, id]);
  }

  async saveLink(l: LinkRow) {
    await this.pool.query(
      `INSERT INTO center_station_links (site, path, last_seen, outbox_depth, outbox_oldest_age_s, version)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (site, path) DO UPDATE SET
          last_seen = GREATEST(center_station_links.last_seen, excluded.last_seen),
          outbox_depth = COALESCE(excluded.outbox_depth, center_station_links.outbox_depth),
          outbox_oldest_age_s = COALESCE(excluded.outbox_oldest_age_s, center_station_links.outbox_oldest_age_s),
          version = COALESCE(excluded.version, center_station_links.version)`,
      linkValues(l),
    );
  }

  async links(): Promise<LinkRow[]> {
    const { rows } = await this.pool.query<StationLinkRow>(
      'SELECT * FROM center_station_links ORDER BY site, path',
    );
    return rows.map(toLink);
  }

  async openAlertsBySite() {
    const { rows } = await this.pool.query<{ site: string; n: number }>(
      "SELECT site, COUNT(*) AS n FROM alerts WHERE state IN ('raised', 'acknowledged') GROUP BY site",
    );
    return new Map(rows.map((r) => [r.site, r.n] as [string, number]));
  }

  async unreachableSites() {
    const { rows } = await this.pool.query<{ site: string }>(
      `SELECT DISTINCT site FROM alerts WHERE type = $1 AND device_id IS NULL
        AND state IN ('raised', 'acknowledged')`,
      [UNREACHABLE],
    );
    return rows.map((r) => r.site);
  }

  raiseTechnical(type: TechnicalAlertType, site: string, note: string) {
    return this.alerts.raiseTechnical(type, site, note);
  }
  restoreTechnical(type: TechnicalAlertType, note: string, site?: string) {
    return this.alerts.restoreTechnical(type, note, site);
  }

  async applyRegistry(site: string, m: RegistryMessage): Promise<number> {
    return pgTx(this.pool, async (c) => {
      let changed = 0;
      for (const d of m.devices)
        changed +=
          (
            await c.query(
              `INSERT INTO center_devices (site, device_id, kind, building, grid, resident_id, resident_name,
                online, summary, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
              ON CONFLICT (site, device_id) DO UPDATE SET kind = excluded.kind, building = excluded.building,
                grid = excluded.grid, resident_id = excluded.resident_id, resident_name = excluded.resident_name,
                online = excluded.online, summary = excluded.summary, updated_at = excluded.updated_at
              WHERE excluded.updated_at >= center_devices.updated_at`,
              [
                site,
                d.id,
                d.kind,
                d.building ?? null,
                d.gridCell ?? null,
                d.resident?.id ?? null,
                d.resident?.name ?? null,
                d.online === undefined || d.online === null ? null : d.online ? 1 : 0,
                JSON.stringify(d),
                m.at,
              ],
            )
          ).rowCount ?? 0;
      for (const id of m.removed ?? [])
        changed +=
          (
            await c.query(
              'DELETE FROM center_devices WHERE site = $1 AND device_id = $2 AND updated_at <= $3',
              [site, id, m.at],
            )
          ).rowCount ?? 0;
      if (m.snapshot) {
        const complete = this.parts.complete(site, m.at, m.snapshot);
        if (complete !== undefined)
          changed +=
            (
              await c.query('DELETE FROM center_devices WHERE site = $1 AND updated_at < $2', [
                site,
                complete,
              ])
            ).rowCount ?? 0;
      }
      return changed;
    });
  }

  readonly devices = {
    list: async (f: CenterDeviceFilter = {}): Promise<CenterDevice[]> => {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (col: string, v: unknown) => {
        params.push(v);
        where.push(`${col} = $${params.length}`);
      };
      if (f.site) add('site', f.site);
      if (f.kind) add('kind', f.kind);
      if (f.building) add('building', f.building);
      if (f.grid) add('grid', f.grid);
      if (f.resident) add('resident_id', f.resident);
      if (f.online !== undefined) add('online', f.online ? 1 : 0);
      const { rows } = await this.pool.query<{ site: string; summary: string; updated_at: number }>(
        `SELECT site, summary, updated_at FROM center_devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY site, device_id`,
        params,
      );
      return rows.map((r) => toDevice(r.site, JSON.parse(r.summary) as DeviceSummary, r.updated_at));
    },
    get: async (id: string, site?: string): Promise<CenterDevice | undefined> => {
      const { rows } = await this.pool.query<{ site: string; summary: string; updated_at: number }>(
        `SELECT site, summary, updated_at FROM center_devices WHERE device_id = $1
          ${site === undefined ? '' : 'AND site = $2'} ORDER BY site LIMIT 1`,
        site === undefined ? [id] : [id, site],
      );
      const r = rows[0];
      return r && toDevice(r.site, JSON.parse(r.summary) as DeviceSummary, r.updated_at);
    },
    countBySite: async () => {
      const { rows } = await this.pool.query<{ site: string; n: number }>(
        'SELECT site, COUNT(*) AS n FROM center_devices GROUP BY site',
      );
      return new Map(rows.map((r) => [r.site, r.n] as [string, number]));
    },
  };

  async close() {
    this.closed = true;
    await this.mirrors;
    if (this.probeTimer) clearInterval(this.probeTimer);
    await this.pool.end();
  }

  toString() {
    return `PgCenterData(${redactUrl(this.url)})`;
  }
}
