// The center role (docs/center-link.md): takes station messages from both paths (the embedded
// broker and the webhook), stores each alert revision once and the current state in the engine's
// tables, turns the operators' actions on station alerts into action requests sent down to the
// station, and supervises every station.
import { randomBytes } from 'node:crypto';
import { LinliError } from '@linli/shared';
import type { AlertEngine } from '../alerts/engine.ts';
import type { GatewayBus, RefusalReason } from '../bus.ts';
import type { GatewayConfig } from '../config.ts';
import type { GroupCommitter } from '../ingest/group-commit.ts';
import type { Logger, Refusals } from '../ingest/refusals.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type { AlertRecord } from '../types.ts';
import type { CenterData } from './data.ts';
import {
  type ActionRequest,
  type CenterAction,
  type LinkPath,
  type MessageError,
  parseStationMessage,
  type StationMessage,
} from './protocol.ts';
import type { StationAccounts } from './stations.ts';
import { type ActionRecord, actionRequest, CenterRefusal, type StoredRevision } from './store.ts';
import { StationWatch } from './supervision.ts';

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
  /** The stations' registries, summarised (docs/center-link.md "registry") */
  readonly devices: CenterData['devices'];
  readonly watch: StationWatch;
  private sender: StationSender | undefined;
  private resendTimer: NodeJS.Timeout | undefined;

  constructor(
    /** Where the center keeps its data: the SQLite file or a shared PostgreSQL (data.ts) */
    readonly data: CenterData,
    private readonly engine: CenterEngine,
    /** In the SQLite file or the shared PostgreSQL (stations.ts, pg/stations.ts) */
    readonly stations: StationAccounts,
    private readonly config: GatewayConfig['center'],
  ) {
    this.devices = data.devices;
    this.watch = new StationWatch({
      timeoutS: config.stationTimeoutS,
      checkIntervalS: config.checkIntervalS,
      clock: engine.clock,
      alerts: data,
      bus: engine.bus,
      log: engine.log,
      sites: () => this.stations.list().map((s) => s.site),
      // with a shared database, another center instance may have heard the station
      ...(data.kind === 'postgres' ? { refresh: () => data.links() } : {}),
    });
  }

  /** Restore the stations' link state and open unreachable alerts from the database. */
  async load(): Promise<void> {
    this.watch.load(await this.data.links(), await this.data.unreachableSites());
  }

  setSender(send: StationSender): void {
    this.sender = send;
  }

  start(): void {
    this.watch.start();
    this.resendTimer = setInterval(() => void this.resendDue(), this.config.actionResendS * 1000);
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
  pendingActions(site?: string): Promise<ActionRecord[]> {
    return this.data.pendingActions(site);
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
    if (m.kind === 'alert') {
      const rawText = raw.toString('utf8');
      let r: StoredRevision;
      try {
        // resolves once committed: the receipt to the station is sent only after this
        r = await this.data.storeRevision(site, path, m, rawText, now);
      } catch (err) {
        if (!(err instanceof CenterRefusal)) throw err;
        this.refuse(site, path, 'acl', err.message);
        throw new CenterInputError(err.code, err.message);
      }
      if (r.alert) this.applied(r.alert);
      this.engine.metrics.centerRevisions.inc({ path, duplicate: String(r.duplicate) });
      return { message: m, duplicate: r.duplicate };
    }
    if (m.kind === 'action-result') {
      const a = await this.data.actionResult(site, m.actionId, m.applied, now, m.rev, m.reason);
      if (a) this.engine.bus.emit('center.action', a);
      return { message: m, duplicate: !a };
    }
    if (m.kind === 'registry') {
      const changed = await this.data.applyRegistry(site, m);
      this.engine.metrics.centerRegistry.inc({ path, mode: m.mode }, m.devices.length);
      return { message: m, duplicate: changed === 0 };
    }
    await this.data.saveLink({ site, path, lastSeen: now, ...info });
    return { message: m, duplicate: false };
  }

  /** A revision became an alert's current state (here, or at another center instance sharing
   *  the database: center/pg/notify.ts): counted and on the live stream. */
  applied(alert: AlertRecord): void {
    this.engine.metrics.alertChanges.inc({ action: 'center-revision' });
    this.engine.bus.emit('alert.changed', alert);
  }

  /** Whether the alert is a station's (it came in as revisions) rather than the center's own. */
  owns(alertId: string): Promise<boolean> {
    return this.data.owns(alertId);
  }

  /** An operator's action on a station's alert: recorded as pending and sent to the station. */
  async request(
    alertId: string,
    action: CenterAction,
    by: string,
    extra: { outcome?: string; note?: string } = {},
  ): Promise<ActionRecord> {
    const found = await this.data.alerts.get(alertId);
    if (!found) throw new LinliError('ALERT_NOT_FOUND', `alert ${alertId} not found`);
    const a = found.alert;
    if (action === 'acknowledge' && a.state !== 'raised')
      throw new LinliError('ALERT_STATE', `alert ${alertId} is ${a.state}; cannot become acknowledged`);
    if (action === 'resolve' && a.state !== 'raised' && a.state !== 'acknowledged')
      throw new LinliError('ALERT_STATE', `alert ${alertId} is ${a.state}; cannot become resolved`);
    if (action !== 'note') {
      const pending = await this.data.pendingAction(alertId, action);
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
    await this.data.insertAction(rec);
    this.engine.bus.emit('center.action', rec);
    await this.send(rec);
    return rec;
  }

  private async send(a: ActionRecord): Promise<void> {
    if (!this.sender) return;
    await this.data.markSent(a.id, this.engine.clock.now());
    this.sender(a.site, actionRequest(a));
  }

  /** The station (re)subscribed to its ack topic: send everything still pending. */
  async resendPending(site: string): Promise<void> {
    try {
      for (const a of await this.data.pendingActions(site)) await this.send(a);
    } catch (err) {
      this.engine.log.error({ site, err }, 'center: pending actions not resent');
    }
  }

  private async resendDue(): Promise<void> {
    try {
      for (const a of await this.data.pendingActions()) await this.send(a);
    } catch (err) {
      this.engine.log.error({ err }, 'center: pending actions not resent');
    }
  }

  /** Pending action requests of a site, as the webhook answer carries them down. */
  async pendingRequests(site: string): Promise<ActionRequest[]> {
    return (await this.data.pendingActions(site)).map(actionRequest);
  }

  /** The alert detail's device and resident at the center, from the context the station sent
   *  (the same shape as a station's registry records), and the alert's action requests. */
  async detail(alertId: string): Promise<{ device: unknown; resident: unknown; actions: ActionRecord[] }> {
    const [ctx, found, actions] = await Promise.all([
      this.data.context(alertId),
      this.data.alerts.get(alertId),
      this.data.actionsOf(alertId),
    ]);
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
    return { device, resident, actions };
  }

  /** Every station with its link state per path, reported outbox and open alerts. */
  async stationsView(): Promise<unknown[]> {
    const [open, devices, pending] = await Promise.all([
      this.data.openAlertsBySite(),
      this.data.devices.countBySite(),
      this.data.pendingActions(),
    ]);
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
        pendingActions: pending.filter((a) => a.site === s.site).length,
      };
    });
  }
}
