// Every device's state in one place; a change is published as a 'device.health' event.
import type { DeviceHealth, DeviceName, KioskBus } from '../events.ts';

export type HealthPatch = Partial<Omit<DeviceHealth, 'device' | 'since'>>;

export class HealthRegistry {
  private readonly devices = new Map<DeviceName, DeviceHealth>();

  constructor(
    private readonly bus: KioskBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** Register a device with its first state (published). */
  add(device: DeviceName, initial: HealthPatch): void {
    const h: DeviceHealth = {
      device,
      connected: false,
      state: 'disconnected',
      since: this.now(),
      ...initial,
    };
    this.devices.set(device, h);
    this.bus.emit('device.health', { ...h });
  }

  /**
   * Merge a patch; publish only when something visible changed. `since` moves when the state or
   * the connection changes. Pass `detail: undefined` to clear a detail.
   */
  set(device: DeviceName, patch: HealthPatch): void {
    const cur = this.devices.get(device);
    if (!cur) return;
    const next: DeviceHealth = { ...cur, ...patch };
    for (const k of Object.keys(next) as (keyof DeviceHealth)[]) if (next[k] === undefined) delete next[k];
    const changed =
      next.state !== cur.state ||
      next.connected !== cur.connected ||
      next.detail !== cur.detail ||
      next.paper !== cur.paper ||
      next.lastError !== cur.lastError;
    if (!changed) return;
    if (next.state !== cur.state || next.connected !== cur.connected) next.since = this.now();
    this.devices.set(device, next);
    this.bus.emit('device.health', { ...next });
  }

  get(device: DeviceName): DeviceHealth | undefined {
    const h = this.devices.get(device);
    return h ? { ...h } : undefined;
  }

  all(): DeviceHealth[] {
    return [...this.devices.values()].map((h) => ({ ...h }));
  }
}
