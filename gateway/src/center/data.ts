// The center's data seam (docs/center-link.md "Where the center keeps its data"): everything the
// center role reads and writes about stations' alerts, action requests, link state and device
// summaries, asynchronous so that one implementation can be a shared PostgreSQL database
// (center/pg/) and the other the embedded SQLite file (center/data-sqlite.ts, the default,
// wrapping the synchronous code unchanged).
import type { AlertFilter, AlertHistoryEntry, AlertRecord, TechnicalAlertType } from '../types.ts';
import type { CenterDevice, CenterDeviceFilter } from './devices.ts';
import type { AlertContext, AlertMessage, CenterAction, LinkPath, RegistryMessage } from './protocol.ts';
import type { ActionRecord, LinkRow, StoredRevision } from './store.ts';

export type Awaitable<T> = T | Promise<T>;

/** The alarm API's view of the alerts at the center (list/get/history and the center's own
 *  technical alerts' acknowledge/resolve/note). */
export interface CenterAlerts {
  list(filter: AlertFilter): Promise<AlertRecord[]>;
  get(id: string): Promise<{ alert: AlertRecord; history: AlertHistoryEntry[] } | undefined>;
  acknowledge(id: string, by: string): Promise<AlertRecord>;
  resolve(id: string, by: string, outcome: string, note?: string): Promise<AlertRecord>;
  addNote(id: string, by: string, note: string): Promise<AlertHistoryEntry>;
}

export interface CenterData {
  readonly kind: 'sqlite' | 'postgres';
  readonly alerts: CenterAlerts;
  /** Store one revision: resolves once committed. Stored once per (site, alert, rev); the
   *  alert's current state moves only forward. Throws CenterRefusal for another site's alert. */
  storeRevision(
    site: string,
    path: LinkPath,
    m: AlertMessage,
    raw: string,
    now: number,
  ): Promise<StoredRevision>;
  /** Whether the alert came in as station revisions (not one of the center's own). */
  owns(alertId: string): Promise<boolean>;
  context(alertId: string): Promise<AlertContext | undefined>;

  insertAction(a: ActionRecord): Promise<void>;
  /** Record a station's answer; the action as now stored, or undefined when unknown or answered. */
  actionResult(
    site: string,
    id: string,
    applied: boolean,
    now: number,
    rev?: number,
    reason?: string,
  ): Promise<ActionRecord | undefined>;
  action(id: string): Promise<ActionRecord | undefined>;
  pendingAction(alertId: string, action: CenterAction): Promise<ActionRecord | undefined>;
  pendingActions(site?: string): Promise<ActionRecord[]>;
  actionsOf(alertId: string): Promise<ActionRecord[]>;
  markSent(id: string, at: number): Promise<void>;

  saveLink(l: LinkRow): Promise<void>;
  links(): Promise<LinkRow[]>;
  openAlertsBySite(): Promise<Map<string, number>>;
  /** Sites with an open center.station-unreachable alert (restored into the watch at start). */
  unreachableSites(): Promise<string[]>;
  raiseTechnical(type: TechnicalAlertType, site: string, note: string): Promise<unknown>;
  restoreTechnical(type: TechnicalAlertType, note: string, site?: string): Promise<unknown>;

  /** Apply one registry message; the number of devices changed. */
  applyRegistry(site: string, m: RegistryMessage): Promise<number>;
  devices: {
    list(f?: CenterDeviceFilter): Promise<CenterDevice[]>;
    get(id: string, site?: string): Promise<CenterDevice | undefined>;
    countBySite(): Promise<Map<string, number>>;
  };

  /** Whether the database answered its last probe (health). */
  health(): { database: 'sqlite' | 'postgres'; reachable: boolean; error?: string };
  close(): Promise<void>;
}
