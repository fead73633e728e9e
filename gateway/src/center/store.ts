// The center's SQL: each station revision stored once, the current state of each alert upserted
// into the engine's `alerts` / `alert_history` only when the revision is newer (out of order
// tolerant), each alert's context, action requests and the stations' link state.
import { LinliError } from '@linli/shared';
import { alertParams } from '../alerts/repo.ts';
import type { Db } from '../db/open.ts';
import type { AlertHistoryEntry, AlertRecord, CenterActionRecord } from '../types.ts';
import type { ActionRequest, AlertContext, AlertMessage, CenterAction, LinkPath } from './protocol.ts';
import * as rows from './rows.ts';

export type LinkRow = rows.LinkRow;

/** A message the center will not apply (another site's alert): counted and refused. */
export class CenterRefusal extends LinliError {}

export interface StoredRevision {
  duplicate: boolean;
  /** The revision became the alert's current state (newest so far). */
  applied: boolean;
  alert?: AlertRecord;
}

export type ActionRecord = CenterActionRecord;
export type ActionState = CenterActionRecord['state'];
export function actionRequest(a: ActionRecord): ActionRequest {
  return {
    v: 1,
    kind: 'action',
    actionId: a.id,
    alertId: a.alertId,
    action: a.action,
    by: a.by,
    at: a.at,
    ...(a.outcome !== undefined ? { outcome: a.outcome } : {}),
    ...(a.note !== undefined ? { note: a.note } : {}),
  };
}

export class CenterStore {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      revision: db.prepare('SELECT 1 FROM center_revisions WHERE site = ? AND alert_id = ? AND rev = ?'),
      insertRevision: db.prepare(
        'INSERT INTO center_revisions (site, alert_id, rev, path, received_at, applied, message) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      alertHead: db.prepare('SELECT site, rev FROM alerts WHERE id = ?'),
      upsertAlert:
        db.prepare(`INSERT INTO alerts (id, rev, site, device_id, resident_id, type, severity, state,
          contact_id, count, raised_at, last_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, outcome,
          cancelled_by_resident, escalation_level, next_escalation_at)
        VALUES (@id, @rev, @site, @deviceId, @residentId, @type, @severity, @state, @contactId, @count, @raisedAt,
          @lastAt, @acknowledgedAt, @acknowledgedBy, @resolvedAt, @resolvedBy, @outcome, @cancelledByResident,
          @escalationLevel, NULL)
        ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, device_id = excluded.device_id,
          resident_id = COALESCE(excluded.resident_id, alerts.resident_id), type = excluded.type,
          severity = excluded.severity, state = excluded.state, contact_id = excluded.contact_id,
          count = excluded.count, raised_at = excluded.raised_at, last_at = excluded.last_at,
          acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by,
          resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by, outcome = excluded.outcome,
          cancelled_by_resident = excluded.cancelled_by_resident, escalation_level = excluded.escalation_level
        WHERE excluded.rev > alerts.rev AND excluded.site = alerts.site`),
      history: db.prepare(
        'INSERT INTO alert_history (alert_id, rev, at, by, action, note) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      context: db.prepare(`INSERT INTO center_alert_context (alert_id, site, rev, context) VALUES (?, ?, ?, ?)
        ON CONFLICT (alert_id) DO UPDATE SET rev = excluded.rev, context = excluded.context
        WHERE excluded.rev >= center_alert_context.rev AND excluded.site = center_alert_context.site`),
      contextOf: db.prepare('SELECT context FROM center_alert_context WHERE alert_id = ?'),
      insertAction:
        db.prepare(`INSERT INTO center_action_requests (id, site, alert_id, action, by, at, outcome, note, state)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`),
      action: db.prepare('SELECT * FROM center_action_requests WHERE id = ?'),
      pendingOf: db.prepare(
        "SELECT * FROM center_action_requests WHERE site = ? AND state = 'pending' ORDER BY at, id",
      ),
      pendingFor: db.prepare(
        "SELECT * FROM center_action_requests WHERE alert_id = ? AND action = ? AND state = 'pending' ORDER BY at LIMIT 1",
      ),
      actionsOf: db.prepare('SELECT * FROM center_action_requests WHERE alert_id = ? ORDER BY at, id'),
      allPending: db.prepare("SELECT * FROM center_action_requests WHERE state = 'pending' ORDER BY at, id"),
      result:
        db.prepare(`UPDATE center_action_requests SET state = ?, result_at = ?, result_rev = ?, reason = ?
        WHERE id = ? AND site = ? AND state = 'pending'`),
      sent: db.prepare('UPDATE center_action_requests SET sent_at = ? WHERE id = ?'),
      link: db.prepare(`INSERT INTO center_station_links (site, path, last_seen, outbox_depth, outbox_oldest_age_s, version)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (site, path) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen),
          outbox_depth = COALESCE(excluded.outbox_depth, outbox_depth),
          outbox_oldest_age_s = COALESCE(excluded.outbox_oldest_age_s, outbox_oldest_age_s),
          version = COALESCE(excluded.version, version)`),
      links: db.prepare('SELECT * FROM center_station_links ORDER BY site, path'),
      openBySite: db.prepare(
        "SELECT site, COUNT(*) AS n FROM alerts WHERE state IN ('raised', 'acknowledged') GROUP BY site",
      ),
    };
  }

  /** Store one revision (inside the caller's transaction). */
  storeRevision(site: string, path: LinkPath, m: AlertMessage, raw: string, now: number): StoredRevision {
    if (this.s.revision.get(site, m.alertId, m.rev)) return { duplicate: true, applied: false };
    const head = this.s.alertHead.get(m.alertId) as { site: string; rev: number } | undefined;
    if (head && head.site !== site)
      throw new CenterRefusal('ALERT_OF_ANOTHER_SITE', `alert ${m.alertId} belongs to another site`);
    const applied = !head || m.rev > head.rev;
    this.s.insertRevision.run(site, m.alertId, m.rev, path, now, applied ? 1 : 0, raw);
    const a = m.alert;
    if (applied)
      this.s.upsertAlert.run(
        alertParams({
          ...(a as AlertRecord),
          ...(m.context?.resident?.id ? { residentId: m.context.resident.id } : {}),
        }),
      );
    // the alert row must exist for the history's foreign key: an older revision arriving first
    // inserts it (applied), so history can always be written
    for (const h of m.history) this.s.history.run(h.alertId, h.rev, h.at, h.by, h.action, h.note ?? null);
    if (m.context) this.s.context.run(m.alertId, site, m.rev, JSON.stringify(m.context));
    return { duplicate: false, applied, ...(applied ? { alert: a as AlertRecord } : {}) };
  }

  context(alertId: string): AlertContext | undefined {
    const r = this.s.contextOf.get(alertId) as { context: string } | undefined;
    return r && (JSON.parse(r.context) as AlertContext);
  }

  insertAction(a: ActionRecord): void {
    this.s.insertAction.run(...rows.actionValues(a));
  }
  action(id: string): ActionRecord | undefined {
    const r = this.s.action.get(id) as rows.ActionRow | undefined;
    return r && rows.toAction(r);
  }
  pendingAction(alertId: string, action: CenterAction): ActionRecord | undefined {
    const r = this.s.pendingFor.get(alertId, action) as rows.ActionRow | undefined;
    return r && rows.toAction(r);
  }
  pendingActions(site?: string): ActionRecord[] {
    const found = site === undefined ? this.s.allPending.all() : this.s.pendingOf.all(site);
    return (found as rows.ActionRow[]).map(rows.toAction);
  }
  actionsOf(alertId: string): ActionRecord[] {
    return (this.s.actionsOf.all(alertId) as rows.ActionRow[]).map(rows.toAction);
  }
  /** Record a station's answer; false when the action is unknown or already answered. */
  actionResult(
    site: string,
    id: string,
    applied: boolean,
    now: number,
    rev?: number,
    reason?: string,
  ): boolean {
    return (
      this.s.result.run(applied ? 'applied' : 'refused', now, rev ?? null, reason ?? null, id, site).changes >
      0
    );
  }
  markSent(id: string, at: number): void {
    this.s.sent.run(at, id);
  }

  saveLink(l: LinkRow): void {
    this.s.link.run(...rows.linkValues(l));
  }
  links(): LinkRow[] {
    return (this.s.links.all() as rows.StationLinkRow[]).map(rows.toLink);
  }
  openAlertsBySite(): Map<string, number> {
    return new Map(
      (this.s.openBySite.all() as { site: string; n: number }[]).map(
        (r) => [r.site, r.n] as [string, number],
      ),
    );
  }
}

export type { AlertHistoryEntry };
