// The center's data on the embedded SQLite file (the default): the synchronous stores
// (store.ts, devices.ts) and the engine's alert tables, unchanged, behind the async seam
// (data.ts). Writes go through the engine's group committer as before.
import type { AlertEngine } from '../alerts/engine.ts';
import type { Db } from '../db/open.ts';
import type { GroupCommitter } from '../ingest/group-commit.ts';
import type { TechnicalAlertType } from '../types.ts';
import type { CenterAlerts, CenterData } from './data.ts';
import { type CenterDeviceFilter, CenterDevices } from './devices.ts';
import type { AlertMessage, CenterAction, LinkPath, RegistryMessage } from './protocol.ts';
import { type ActionRecord, CenterStore, type LinkRow } from './store.ts';
import { UNREACHABLE } from './supervision.ts';

export class SqliteCenterData implements CenterData {
  readonly kind = 'sqlite' as const;
  readonly store: CenterStore;
  readonly devicesStore: CenterDevices;
  readonly alerts: CenterAlerts;
  private readonly ownsStmt;

  constructor(
    db: Db,
    private readonly engineAlerts: AlertEngine,
    private readonly committer: GroupCommitter,
  ) {
    this.store = new CenterStore(db);
    this.devicesStore = new CenterDevices(db);
    this.ownsStmt = db.prepare('SELECT 1 FROM center_revisions WHERE alert_id = ? LIMIT 1');
    const e = engineAlerts;
    this.alerts = {
      list: async (f) => e.list(f),
      get: async (id) => e.get(id),
      acknowledge: async (id, by) => e.acknowledge(id, by),
      resolve: async (id, by, outcome, note) => e.resolve(id, by, outcome, note),
      addNote: async (id, by, note) => e.addNote(id, by, note),
    };
  }

  storeRevision(site: string, path: LinkPath, m: AlertMessage, raw: string, now: number) {
    return this.committer.submit(() => this.store.storeRevision(site, path, m, raw, now));
  }
  async owns(alertId: string) {
    return this.ownsStmt.get(alertId) !== undefined;
  }
  async context(alertId: string) {
    return this.store.context(alertId);
  }
  async insertAction(a: ActionRecord) {
    this.store.insertAction(a);
  }
  actionResult(site: string, id: string, applied: boolean, now: number, rev?: number, reason?: string) {
    return this.committer.submit(() =>
      this.store.actionResult(site, id, applied, now, rev, reason) ? this.store.action(id) : undefined,
    );
  }
  async action(id: string) {
    return this.store.action(id);
  }
  async pendingAction(alertId: string, action: CenterAction) {
    return this.store.pendingAction(alertId, action);
  }
  async pendingActions(site?: string) {
    return this.store.pendingActions(site);
  }
  async actionsOf(alertId: string) {
    return this.store.actionsOf(alertId);
  }
  async markSent(id: string, at: number) {
    this.store.markSent(id, at);
  }
  async saveLink(l: LinkRow) {
    await this.committer.submit(() => this.store.saveLink(l));
  }
  async links() {
    return this.store.links();
  }
  async openAlertsBySite() {
    return this.store.openAlertsBySite();
  }
  async unreachableSites() {
    return this.engineAlerts
      .list({ state: 'raised', limit: 1000 })
      .concat(this.engineAlerts.list({ state: 'acknowledged', limit: 1000 }))
      .filter((a) => a.type === UNREACHABLE && a.deviceId === undefined)
      .map((a) => a.site);
  }
  async raiseTechnical(type: TechnicalAlertType, site: string, note: string) {
    return this.engineAlerts.raiseTechnical(type, site, note);
  }
  async restoreTechnical(type: TechnicalAlertType, note: string, site?: string) {
    return this.engineAlerts.restoreTechnical(type, note, site);
  }
  applyRegistry(site: string, m: RegistryMessage) {
    return this.committer.submit(() => this.devicesStore.apply(site, m));
  }
  readonly devices = {
    list: async (f?: CenterDeviceFilter) => this.devicesStore.list(f),
    get: async (id: string, site?: string) => this.devicesStore.get(id, site),
    countBySite: async () => this.devicesStore.countBySite(),
  };
  health() {
    return { database: 'sqlite' as const, reachable: true };
  }
  async close() {}
}
