// What the route modules share: the dependencies given to buildApi, resolved once.

import type { LoginLimiting } from '@linli/shared/service';
import type { Database } from 'better-sqlite3';
import type { AuditFilter, AuditRow } from '../auth/audit.ts';
import type { SessionKeeper } from '../auth/sessions.ts';
import type { StaffAccounts } from '../auth/staff.ts';
import type { CenterDevice, CenterDeviceFilter } from '../center/devices.ts';
import type { HealthSource } from '../health.ts';
import type { Registry } from '../registry/registry.ts';
import type { DeviceClock } from '../supervision/device-clock.ts';
import type { AlertReader, CenterActionRecord, GatewayEvents } from '../types.ts';
import type { ApiConfig } from './config.ts';
import type { ApiMetrics } from './metrics.ts';
import type { ReportSource } from './report-source.ts';

/** Anything with typed on/off for the gateway's events (the engine's GatewayBus, an EventEmitter). */
export interface BusLike {
  on<K extends keyof GatewayEvents>(name: K, fn: (e: GatewayEvents[K]) => void): unknown;
  off<K extends keyof GatewayEvents>(name: K, fn: (e: GatewayEvents[K]) => void): unknown;
}

/** Live supervision state of a device, as the engine keeps it. */
export interface LiveDeviceState {
  online: boolean;
  lastSeen?: number;
  battery?: number;
  connected?: boolean;
  tamper?: boolean;
  batteryLow?: boolean;
}
export interface DeviceStateSource {
  peek(id: string): LiveDeviceState | undefined;
}

export interface RouteContext {
  db: Database;
  registry: Registry;
  alerts: AlertReader;
  bus: BusLike;
  metrics: { render(): string | Promise<string> };
  apiMetrics: ApiMetrics;
  config: ApiConfig;
  staff: StaffAccounts;
  sessions: SessionKeeper;
  /** Failed logins per (username, address) and per address (never per username alone). */
  loginLimiter: LoginLimiting;
  deviceState: DeviceStateSource;
  /** What /healthz reports (database, broker link, forwarding); else the database alone */
  health?: HealthSource;
  deviceClocks?: DeviceClockSource;
  /** Role center: operators' actions on stations' alerts become action requests. */
  center?: CenterApi;
  /** Where reports read the alerts (the center's shared PostgreSQL); default the SQLite file */
  reports?: ReportSource;
  /** The audit log to list (the center's shared PostgreSQL); default the SQLite file's */
  audit?: { list(f: AuditFilter): Promise<AuditRow[]> };
}

/** What the alarm routes use of the center (center/center.ts). */
export interface CenterApi {
  /** The alert is a station's (its state changes only by revisions from the station). */
  owns(alertId: string): Promise<boolean>;
  request(
    alertId: string,
    action: 'acknowledge' | 'resolve' | 'note',
    by: string,
    extra?: { outcome?: string; note?: string },
  ): Promise<CenterActionRecord>;
  /** Device and resident from the station's context, in the registry's shape; action requests. */
  detail(alertId: string): Promise<{ device: unknown; resident: unknown; actions: CenterActionRecord[] }>;
  /** Action requests still waiting for their station (all, or one site's). */
  pendingActions(site?: string): Promise<CenterActionRecord[]>;
  /** The stations' registries as summarised at the center (center/devices.ts, center/pg/) */
  readonly devices: {
    list(f?: CenterDeviceFilter): Promise<CenterDevice[]>;
    get(id: string, site?: string): Promise<CenterDevice | undefined>;
  };
}

/** A device's clock as judged from the times it sends. */
export interface DeviceClockSource {
  peek(id: string): DeviceClock | undefined;
}
