// The center role (docs/center-link.md): takes station messages from both paths (the embedded
// broker and the webhook), stores each alert revision once and the current state in the engine's
// tables, turns the operators' actions on station alerts into action requests sent down to the
// station, and supervises every station.
import { randomBytes } from 'node:crypto';
import { LinliError } from '@linli/shared';
import type { AlertEngine } from '../alerts/engine.ts';
import type { GatewayBus, RefusalReason } from '../bus.ts';
import type { GatewayConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { GroupCommitter } from '../ingest/group-commit.ts';
import type { Logger, Refusals } from '../ingest/refusals.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import { CenterDevices } from './devices.ts';
import {
  type ActionRequest,
  type CenterAction,
  type LinkPath,
  type MessageError,
  parseStationMessage,
  type StationMessage,
} from './protocol.ts';
import type { StationStore } from './stations.ts';
import { type ActionRecord, actionRequest, CenterRefusal, CenterStore } from './store.ts';
import { StationWatch, UNREACHABLE } from './supervision.ts';

/** What the center uses of the engine (the Engine of gateway.ts). */
export interface CenterEngine {
  clock: Clock;
  log: Logger;
  bus: GatewayBus;
  metrics: Metrics;
  refusals: Refusals;
  committer: GroupCommitter;
  alerts: AlertEngine;
}

/** A station message the center refuses: HTTP status and code for the webhook. */
export class CenterInputError extends LinliError {}

export interface Receipt {
  message: StationMessage;
  duplicate: boolean;
}

/** Sends a center → station message on the station's MQTT ack topic (at least once, QoS 1). */
export type StationSender = (site: string, body: object) => void;

export class Center {
  readonly store: CenterStore;
  /** The stations' registries, summarised (docs/center-link.md "registry") */
  readonly devices: CenterDevices;
  readonly watch: StationWatch;
  private sender: StationSender | undefined;
  private resendTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly engine: CenterEngine,
    readonly stations: StationStore,
    private readonly config: GatewayConfig['center'],
  ) {
    this.store = new CenterStore(db);
    this.devices = new CenterDevices(db);
    this.watch = new StationWatch({
      timeoutS: config.stationTimeoutS,
      checkIntervalS: config.checkIntervalS,
      clock: engine.clock,
      alerts: engine.alerts,
      bus: engine.bus,
      log: engine.log,
      sites: () => this.stations.list().map((s) => s.site),
    });
    const unreachable = engine.alerts
      .list({ state: 'raised', limit: 1000 })
      .concat(engine.alerts.list({ state: 'acknowledged', limit: 1000 }))
      .filter((a) => a.type === UNREACHABLE && a.deviceId === undefined)
      .map((a) => a.site);
    this.watch.load(this.store.links(), unreachable);
  }

  setSender(send: StationSender): void {
    this.sender = send;
  }

  start(): void {
    this.watch.start();
    this.resendTimer = setInterval(() => this.resendDue(), this.config.actionResendS * 1000);
    this.resendTimer.unref();
  }

  stop(): void {
    this.watch.stop();
    if (this.resendTimer) clearInterval(this.resendTimer);
  }

  private refuse(site: string, path: LinkPath, reason: RefusalReason, detail: string): void {
    this.engine.metrics.centerRefused.inc({ path, reason });
    this.engine.refusals.refuse({ reason, username: `station:${site}`, detail: `${path}: ${detail}` });
  }

  /** A webhook request refused before it reached a station's account (signature, window, key). */
  refuseWebhook(reason: string, detail: string, site?: string, path: LinkPath = 'webhook'): void {
    this.engine.metrics.centerRefused.inc({ path, reason });
    this.engine.refusals.refuse({
      reason: reason === 'idempotency-key' ? 'schema' : 'auth',
      ...(site ? { username: `station:${site}` } : {}),
      detail: `${path} ${reason}: ${detail}`,
    });
  }

  /** Pending action requests (all, or one site's), for the alert list. */
  pendingActions(site?: string): ActionRecord[] {
    return this.store.pendingActions(site);
  }

  /** Parse a station's message and check it is for its own site; throws CenterInputError (counted). */
  parse(site: string, path: LinkPath, raw: Buffer): StationMessage {
    let m: StationMessage;
    try {
      m = parseStationMessage(raw);
    } catch (err) {
      const e = err as MessageError;
      this.refuse(site, path, e.code === 'JSON' ? 'json' : 'schema', e.message);
      throw new CenterInputError('BAD_MESSAGE', e.message);
    }
    if (m.site !== site) {
      this.refuse(site, path, 'site', `message for site ${m.site}`);
      throw new CenterInputError('SITE_MISMATCH', `station ${site} may not send for site ${m.site}`);
    }
    return m;
  }

  /** One station → center message from an authenticated station. Resolves once it is durably
   *  stored (or known to be stored already); throws CenterInputError for a refused one (counted). */
  async receive(site: string, path: LinkPath, raw: Buffer, parsed?: StationMessage): Promise<Receipt> {
    const m = parsed ?? this.parse(site, path, raw);
    const now = this.engine.clock.now();
    const info =
      m.kind === 'supervision'
        ? {
            ...(m.outbox ? { outboxDepth: m.outbox.depth, outboxOldestAgeS: m.outbox.oldestAgeS } : {}),
            ...(m.version ? { version: m.version } : {}),
          }
        : {};
    this.watch.seen(site, path, info);
    const c = this.engine.committer;
    if (m.kind === 'alert') {
      const rawText = raw.toString('utf8');
      let r: ReturnType<CenterStore['storeRevision']>;
      try {
        r = await c.submit((tx) => {
          const stored = this.store.storeRevision(site, path, m, rawText, now);
          const alert = stored.alert;
          if (alert)
            tx.after(() => {
              this.engine.metrics.alertChanges.inc({ action: 'center-revision' });
              this.engine.bus.emit('alert.changed', alert);
            });
          return stored;
        });
      } catch (err) {
        if (!(err instanceof CenterRefusal)) throw err;
        this.refuse(site, path, 'acl', err.message);
        throw new CenterInputError(err.code, err.message);
      }
      this.engine.metrics.centerRevisions.inc({ path, duplicate: String(r.duplicate) });
      return { message: m, duplicate: r.duplicate };
    }
    if (m.kind === 'action-result') {
      const changed = await c.submit((tx) => {
        const ok = this.store.actionResult(site, m.actionId, m.applied, now, m.rev, m.reason);
        const a = ok ? this.store.action(m.actionId) : undefined;
        if (a) tx.after(() => this.engine.bus.emit('center.action', a));
        return ok;
      });
      return { message: m, duplicate: !changed };
    }
    if (m.kind === 'registry') {
      const changed = await c.submit(() => this.devices.apply(site, m));
      this.engine.metrics.centerRegistry.inc({ path, mode: m.mode }, m.devices.length);
      return { message: m, duplicate: changed === 0 };
    }
    await c.submit(() => this.store.saveLink({ site, path, lastSeen: now, ...info }));
    return { message: m, duplicate: false };
  }

  /** Whether the alert is a station's (it came in as revisions) rather than the center's own. */
  owns(alertId: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM center_revisions WHERE alert_id = ? LIMIT 1').get(alertId) !== undefined
    );
  }

  /** An operator's action on a station's alert: recorded as pending and sent to the station. */
  request(
    alertId: string,
    action: CenterAction,
    by: string,
    extra: { outcome?: string; note?: string } = {},
  ): ActionRecord {
    const found = this.engine.alerts.get(alertId);
    if (!found) throw new LinliError('ALERT_NOT_FOUND', `alert ${alertId} not found`);
    const a = found.alert;
    if (action === 'acknowledge' && a.state !== 'raised')
      throw new LinliError('ALERT_STATE', `alert ${alertId} is ${a.state}; cannot become acknowledged`);
    if (action === 'resolve' && a.state !== 'raised' && a.state !== 'acknowledged')
      throw new LinliError('ALERT_STATE', `alert ${alertId} is ${a.state}; cannot become resolved`);
    if (action !== 'note') {
      const pending = this.store.pendingAction(alertId, action);
      if (pending) return pending;
    }
    const now = this.engine.clock.now();
    const rec: ActionRecord = {
      id: `act-${now.toString(36)}-${randomBytes(5).toString('hex')}`,
      site: a.site,
      alertId,
      action,
      by: `center:${by}`,
      at: now,
      state: 'pending',
      ...(extra.outcome !== undefined ? { outcome: extra.outcome } : {}),
      ...(extra.note !== undefined ? { note: extra.note } : {}),
    };
    this.store.insertAction(rec);
    this.engine.bus.emit('center.action', rec);
    this.send(rec);
    return rec;
  }

  private send(a: ActionRecord): void {
    if (!this.sender) return;
    this.store.markSent(a.id, this.engine.clock.now());
    this.sender(a.site, actionRequest(a));
  }

  /** The station (re)subscribed to its ack topic: send everything still pending. */
  resendPending(site: string): void {
    for (const a of this.store.pendingActions(site)) this.send(a);
  }

  private resendDue(): void {
    for (const a of this.store.pendingActions()) this.send(a);
  }

  /** Pending action requests of a site, as the webhook answer carries them down. */
  pendingRequests(site: string): ActionRequest[] {
    return this.store.pendingActions(site).map(actionRequest);
  }

  /** The alert detail's device and resident at the center, from the context the station sent
   *  (the same shape as a station's registry records), and the alert's action requests. */
  detail(alertId: string): { device: unknown; resident: unknown; actions: ActionRecord[] } {
    const ctx = this.store.context(alertId);
    const found = this.engine.alerts.get(alertId);
    const r = ctx?.resident;
    const d = ctx?.device;
    const location = {
      ...(r?.building ? { building: r.building } : {}),
      ...(r?.unit ? { unit: r.unit } : {}),
      ...(r?.room ? { room: r.room } : {}),
      ...(r?.gridCell ? { grid: r.gridCell } : {}),
      ...(d?.location && typeof d.location === 'object' ? d.location : {}),
      ...(typeof d?.location === 'string' ? { place: d.location } : {}),
    };
    const device = d
      ? {
          id: d.id ?? found?.alert.deviceId,
          site: found?.alert.site,
          kind: d.kind,
          location,
          ...(d.battery !== undefined ? { battery: d.battery } : {}),
          ...(r?.id ? { residentId: r.id } : {}),
          retired: false,
        }
      : null;
    const resident = r
      ? {
          id: r.id,
          name: r.name ?? '',
          ...(r.phone ? { phone: r.phone } : {}),
          ...(r.address ? { address: r.address } : {}),
          emergencyContacts: r.emergencyContacts ?? [],
          livesAlone: r.livesAlone ?? false,
          ...(r.notes ? { notes: r.notes } : {}),
          ...(r.building ? { building: r.building } : {}),
          ...(r.unit ? { unit: r.unit } : {}),
          ...(r.room ? { room: r.room } : {}),
          ...(r.gridCell ? { gridCell: r.gridCell } : {}),
        }
      : null;
    return { device, resident, actions: this.store.actionsOf(alertId) };
  }

  /** Every station with its link state per path, reported outbox and open alerts. */
  stationsView(): unknown[] {
    const open = this.store.openAlertsBySite();
    const devices = this.devices.countBySite();
    return this.stations.list().map((s) => {
      const v = this.watch.view(s.site);
      return {
        site: s.site,
        createdAt: s.createdAt,
        reachable: v.reachable,
        ...(v.lastSeen !== undefined ? { lastSeen: v.lastSeen } : {}),
        paths: v.paths,
        openAlerts: open.get(s.site) ?? 0,
        devices: devices.get(s.site) ?? 0,
        pendingActions: this.store.pendingActions(s.site).length,
      };
    });
  }
}
