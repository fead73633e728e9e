// What the route modules share: the dependencies given to buildApi, resolved once.

import type { LoginLimiter } from '@linli/shared/service';
import type { Database } from 'better-sqlite3';
import type { SessionStore } from '../auth/sessions.ts';
import type { StaffStore } from '../auth/staff.ts';
import type { HealthSource } from '../health.ts';
import type { Registry } from '../registry/registry.ts';
import type { DeviceClock } from '../supervision/device-clock.ts';
import type { AlertService, GatewayEvents } from '../types.ts';
import type { ApiConfig } from './config.ts';
import type { ApiMetrics } from './metrics.ts';

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
  alerts: AlertService;
  bus: BusLike;
  metrics: { render(): string | Promise<string> };
  apiMetrics: ApiMetrics;
  config: ApiConfig;
  staff: StaffStore;
  sessions: SessionStore;
  /** Failed logins per (username, address) and per address (never per username alone). */
  loginLimiter: LoginLimiter;
  deviceState: DeviceStateSource;
  /** What /healthz reports (database, broker link, forwarding); else the database alone */
  health?: HealthSource;
  deviceClocks?: DeviceClockSource;
}

/** A device's clock as judged from the times it sends. */
export interface DeviceClockSource {
  peek(id: string): DeviceClock | undefined;
}
