// The center's rows → records, one mapping per table, used by both stores: SQLite (store.ts) and
// PostgreSQL (pg/store.ts). Both databases give the same column names and JS types (pg parses
// bigint columns to numbers, db/pg.ts).
import { withPresent } from '../db/rows.ts';
import type { CenterActionRecord } from '../types.ts';
import type { CenterAction, LinkPath } from './protocol.ts';

/** A row of center_action_requests. */
export interface ActionRow {
  id: string;
  site: string;
  alert_id: string;
  action: CenterAction;
  by: string;
  at: number;
  outcome: string | null;
  note: string | null;
  state: CenterActionRecord['state'];
  result_at: number | null;
  result_rev: number | null;
  reason: string | null;
}

export function toAction(r: ActionRow): CenterActionRecord {
  return withPresent<CenterActionRecord, ActionRow>(
    { id: r.id, site: r.site, alertId: r.alert_id, action: r.action, by: r.by, at: r.at, state: r.state },
    r,
    { outcome: 'outcome', note: 'note', result_at: 'resultAt', result_rev: 'resultRev', reason: 'reason' },
  );
}

/** A new action request's columns in the order of both stores' insert: id, site, alert_id,
 *  action, by, at, outcome, note. */
export function actionValues(
  a: CenterActionRecord,
): [string, string, string, CenterAction, string, number, string | null, string | null] {
  return [a.id, a.site, a.alertId, a.action, a.by, a.at, a.outcome ?? null, a.note ?? null];
}

/** A station's link on one path, as stored and as supervision reads it. */
export interface LinkRow {
  site: string;
  path: LinkPath;
  lastSeen: number;
  outboxDepth?: number;
  outboxOldestAgeS?: number;
  version?: string;
}

/** A row of center_station_links. */
export interface StationLinkRow {
  site: string;
  path: LinkPath;
  last_seen: number;
  outbox_depth: number | null;
  outbox_oldest_age_s: number | null;
  version: string | null;
}

export function toLink(r: StationLinkRow): LinkRow {
  return withPresent<LinkRow, StationLinkRow>({ site: r.site, path: r.path, lastSeen: r.last_seen }, r, {
    outbox_depth: 'outboxDepth',
    outbox_oldest_age_s: 'outboxOldestAgeS',
    version: 'version',
  });
}

/** A link's columns in the order of both stores' upsert: site, path, last_seen, outbox_depth,
 *  outbox_oldest_age_s, version. */
export function linkValues(
  l: LinkRow,
): [string, LinkPath, number, number | null, number | null, string | null] {
  return [l.site, l.path, l.lastSeen, l.outboxDepth ?? null, l.outboxOldestAgeS ?? null, l.version ?? null];
}
