// The alert engine (DESIGN.md "Alert model"): severities, raised → acknowledged → resolved |
// cancelled, folding of repeated presses, escalation along a configured chain, the sos.cancel
// policy, a history row for every change. Every change happens in the caller's transaction
// (the one that stores the event); bus events and device feedback follow the commit.
import { randomBytes } from 'node:crypto';
import { type AlertSeverity, type AlertState, type EventType, LinliError } from '@linli/shared';
import type { GatewayBus } from '../bus.ts';
import type { GatewayConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import { runTx, type TxScope } from '../db/tx.ts';
import { CONTACT_ID, severityOf } from '../ingest/protocol.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type {
  AlertHistoryEntry,
  AlertRecord,
  AlertService,
  SystemAlertType,
  TechnicalAlertType,
} from '../types.ts';
import type { Feedback } from './feedback.ts';
import { AlertRepo, publicAlert, type StoredAlert } from './repo.ts';

export class AlertError extends LinliError {}

export type AlertType = AlertRecord['type'];

const SYSTEM_SEVERITY: Record<SystemAlertType, AlertSeverity> = {
  'device.offline': 'minor',
  'welfare.check': 'major',
  'gateway.broker-link': 'major',
  'gateway.session-lost': 'major',
  'gateway.uplink-mqtt': 'minor',
  'gateway.uplink-webhook': 'minor',
  'gateway.outbox-pressure': 'major',
  'center.station-unreachable': 'major',
};

/** Event types whose alert the pressing device hears about. */
const FEEDBACK_TYPES = new Set<string>(['sos', 'fall']);

export function alertSeverity(type: AlertType): AlertSeverity | undefined {
  if (type in SYSTEM_SEVERITY) return SYSTEM_SEVERITY[type as SystemAlertType];
  return severityOf(type as EventType);
}

export function newAlertId(now: number): string {
  return `al-${now.toString(36)}-${randomBytes(5).toString('hex')}`;
}

export interface RaiseInput {
  type: AlertType;
  site: string;
  deviceId?: string;
  residentId?: string;
  at: number;
  note?: string;
  /** Send alert.received to deviceId (and alert.acknowledged when folding into an acknowledged alert) */
  feedback?: boolean;
}

/** Where every alert change is also written, in the same transaction (the outbox to the center). */
export interface AlertOutbox {
  record(tx: TxScope, a: StoredAlert, entry: AlertHistoryEntry): void;
}

export class AlertEngine implements AlertService {
  readonly repo: AlertRepo;
  private outbox: AlertOutbox | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: GatewayBus,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly config: GatewayConfig['alerts'],
    private readonly feedback: Feedback,
  ) {
    this.repo = new AlertRepo(db);
  }

  /** Write every change from now on to this outbox too (same transaction). */
  setOutbox(o: AlertOutbox | undefined): void {
    this.outbox = o;
  }

  private nextEscalation(a: StoredAlert): number | undefined {
    const chain = this.config.escalation[a.severity];
    const s = chain[a.escalationLevel];
    return s === undefined ? undefined : a.raisedAt + s * 1000;
  }

  private changed(
    tx: TxScope,
    a: StoredAlert,
    action: AlertHistoryEntry['action'],
    by: string,
    note?: string,
  ): void {
    const entry: AlertHistoryEntry = { alertId: a.id, rev: a.rev, at: this.clock.now(), by, action };
    if (note !== undefined) entry.note = note;
    this.repo.addHistory(entry);
    this.outbox?.record(tx, a, entry);
    const snapshot = publicAlert({ ...a });
    tx.after(() => {
      this.metrics.alertChanges.inc({ action });
      this.bus.emit('alert.changed', snapshot);
    });
  }

  /** Raise an alert, or fold into the open alert of the same device (or resident) and type. */
  raise(tx: TxScope, input: RaiseInput): { alert: AlertRecord; folded: boolean } {
    const severity = alertSeverity(input.type);
    if (!severity) throw new AlertError('ALERT_TYPE', `event type ${input.type} raises no alert`);
    const open =
      input.deviceId !== undefined
        ? this.repo.openFor(input.deviceId, input.type)
        : input.residentId !== undefined
          ? this.repo.openForResident(input.residentId, input.type)
          : this.repo.openTechnical(input.type, input.site);
    if (open) {
      open.count++;
      open.lastAt = Math.max(open.lastAt, input.at);
      open.rev++;
      this.repo.update(open);
      this.changed(tx, open, 'folded', 'system', input.note);
      if (input.feedback && input.deviceId) {
        this.feedback.queue(tx, input.site, input.deviceId, 'alert.received', open.id);
        if (open.state === 'acknowledged')
          this.feedback.queue(tx, input.site, input.deviceId, 'alert.acknowledged', open.id);
      }
      return { alert: publicAlert(open), folded: true };
    }
    const a: StoredAlert = {
      id: newAlertId(input.at),
      rev: 1,
      site: input.site,
      type: input.type,
      severity,
      state: 'raised',
      count: 1,
      raisedAt: input.at,
      lastAt: input.at,
      escalationLevel: 0,
    };
    if (input.deviceId !== undefined) a.deviceId = input.deviceId;
    if (input.residentId !== undefined) a.residentId = input.residentId;
    const cid = (CONTACT_ID as Record<string, string>)[input.type];
    if (cid !== undefined) a.contactId = cid;
    const next = this.nextEscalation(a);
    if (next !== undefined) a.nextEscalationAt = next;
    this.repo.insert(a);
    this.changed(tx, a, 'raised', 'system', input.note);
    if (input.feedback && input.deviceId)
      this.feedback.queue(tx, input.site, input.deviceId, 'alert.received', a.id);
    return { alert: publicAlert(a), folded: false };
  }

  /** Apply a stored device event: raise/fold, or sos.cancel. Returns the alert touched, if any. */
  onDeviceEvent(
    tx: TxScope,
    ev: { type: EventType; site: string; deviceId: string; residentId?: string; at: number },
  ): AlertRecord | undefined {
    if (ev.type === 'sos.cancel') return this.residentCancel(tx, ev.deviceId, ev.at);
    if (!alertSeverity(ev.type)) return undefined;
    const input: RaiseInput = {
      type: ev.type,
      site: ev.site,
      deviceId: ev.deviceId,
      at: ev.at,
      feedback: FEEDBACK_TYPES.has(ev.type),
    };
    if (ev.residentId !== undefined) input.residentId = ev.residentId;
    return this.raise(tx, input).alert;
  }

  private residentCancel(tx: TxScope, deviceId: string, at: number): AlertRecord | undefined {
    const open = this.repo.openFor(deviceId, 'sos');
    if (!open) return undefined;
    open.rev++;
    open.cancelledByResident = true;
    open.lastAt = Math.max(open.lastAt, at);
    if (this.config.sosCancel === 'cancel') {
      open.state = 'cancelled';
      open.resolvedAt = this.clock.now();
      open.resolvedBy = 'resident';
      delete open.nextEscalationAt;
      this.repo.update(open);
      this.changed(tx, open, 'cancelled', 'resident', 'cancelled by resident');
      this.feedback.queue(tx, open.site, deviceId, 'alert.resolved', open.id);
    } else {
      this.repo.update(open);
      this.changed(
        tx,
        open,
        'resident-cancel',
        'resident',
        'cancelled by resident; stays open for a staff check',
      );
    }
    return publicAlert(open);
  }

  private load(id: string): StoredAlert {
    const a = this.repo.get(id);
    if (!a) throw new AlertError('ALERT_NOT_FOUND', `no alert ${id}`);
    return a;
  }

  private stateError(a: StoredAlert, to: string): AlertError {
    return new AlertError('ALERT_STATE', `alert ${a.id} is ${a.state}; cannot become ${to}`);
  }

  /** Acknowledge inside a transaction (also used by the center link). */
  acknowledgeTx(tx: TxScope, id: string, by: string): AlertRecord {
    const a = this.load(id);
    if (a.state !== 'raised') throw this.stateError(a, 'acknowledged');
    a.state = 'acknowledged';
    a.acknowledgedAt = this.clock.now();
    a.acknowledgedBy = by;
    a.rev++;
    delete a.nextEscalationAt;
    this.repo.update(a);
    this.changed(tx, a, 'acknowledged', by);
    if (a.deviceId && FEEDBACK_TYPES.has(a.type))
      this.feedback.queue(tx, a.site, a.deviceId, 'alert.acknowledged', a.id);
    return publicAlert(a);
  }

  resolveTx(tx: TxScope, id: string, by: string, outcome: string, note?: string): AlertRecord {
    const a = this.load(id);
    if (a.state !== 'raised' && a.state !== 'acknowledged') throw this.stateError(a, 'resolved');
    const now = this.clock.now();
    if (a.acknowledgedAt === undefined) {
      a.acknowledgedAt = now;
      a.acknowledgedBy = by;
    }
    a.state = 'resolved';
    a.resolvedAt = now;
    a.resolvedBy = by;
    a.outcome = outcome;
    a.rev++;
    delete a.nextEscalationAt;
    this.repo.update(a);
    this.changed(tx, a, 'resolved', by, note);
    if (a.deviceId && FEEDBACK_TYPES.has(a.type))
      this.feedback.queue(tx, a.site, a.deviceId, 'alert.resolved', a.id);
    return publicAlert(a);
  }

  /** Raise (or fold into the open one) a technical alert about the gateway itself. */
  raiseTechnical(type: TechnicalAlertType, site: string, note: string): AlertRecord {
    return runTx(this.db, (tx) => this.raise(tx, { type, site, at: this.clock.now(), note }).alert);
  }

  /** Resolve the open technical alert of `type` (of `site` when given), if any (the condition is over). */
  restoreTechnical(type: TechnicalAlertType, note: string, site?: string): AlertRecord | undefined {
    return runTx(this.db, (tx) => {
      const open = this.repo.openTechnical(type, site);
      return open && this.resolveTx(tx, open.id, 'system', 'restored', note);
    });
  }

  // --- AlertService (HTTP API) ---

  list(filter: Parameters<AlertService['list']>[0]): AlertRecord[] {
    return this.repo.list(filter).map(publicAlert);
  }

  get(id: string): { alert: AlertRecord; history: AlertHistoryEntry[] } | undefined {
    const a = this.repo.get(id);
    return a && { alert: publicAlert(a), history: this.repo.history(id) };
  }

  acknowledge(id: string, by: string): AlertRecord {
    return runTx(this.db, (tx) => this.acknowledgeTx(tx, id, by));
  }

  resolve(id: string, by: string, outcome: string, note?: string): AlertRecord {
    return runTx(this.db, (tx) => this.resolveTx(tx, id, by, outcome, note));
  }

  addNote(id: string, by: string, note: string): AlertHistoryEntry {
    return runTx(this.db, (tx) => this.addNoteTx(tx, id, by, note));
  }

  addNoteTx(tx: TxScope, id: string, by: string, note: string): AlertHistoryEntry {
    const a = this.load(id);
    a.rev++;
    this.repo.update(a);
    this.changed(tx, a, 'note', by, note);
    const e: AlertHistoryEntry = {
      alertId: a.id,
      rev: a.rev,
      at: this.clock.now(),
      by,
      action: 'note',
      note,
    };
    return e;
  }

  /** Escalate every raised alert whose escalation time has come. Returns how many escalated. */
  tick(): number {
    const now = this.clock.now();
    if (this.repo.dueForEscalation(now).length === 0) return 0; // no write transaction (no fsync) when idle
    return runTx(this.db, (tx) => {
      const due = this.repo.dueForEscalation(now);
      for (const a of due) {
        a.escalationLevel++;
        a.rev++;
        const next = this.nextEscalation(a);
        if (next === undefined) delete a.nextEscalationAt;
        else a.nextEscalationAt = next;
        this.repo.update(a);
        this.changed(tx, a, 'escalated', 'system', `level ${a.escalationLevel}`);
      }
      return due.length;
    });
  }

  countByState(): Record<AlertState, number> {
    const c = this.repo.countByState();
    return {
      raised: c.raised ?? 0,
      acknowledged: c.acknowledged ?? 0,
      resolved: c.resolved ?? 0,
      cancelled: c.cancelled ?? 0,
    };
  }
}
