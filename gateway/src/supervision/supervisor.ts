// Supervision: heartbeat timeouts per device (device.offline and its restore), LWT status,
// battery low from heartbeats, and the welfare check for residents living alone.
import type { Heartbeat } from '@linli/shared';
import type { AlertEngine } from '../alerts/engine.ts';
import type { GatewayBus } from '../bus.ts';
import type { GatewayConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import { runTx, type TxScope } from '../db/tx.ts';
import type { DeviceDirectory, DeviceRecord } from '../types.ts';
import type { Clock } from './clock.ts';
import type { DeviceState, DeviceStates } from './device-state.ts';

const DOOR_KINDS = new Set(['door-contact', 'zigbee']);

export class Supervisor {
  private timer: unknown;
  private readonly lastWelfare;

  constructor(
    private readonly db: Db,
    private readonly directory: DeviceDirectory,
    private readonly states: DeviceStates,
    private readonly engine: AlertEngine,
    private readonly bus: GatewayBus,
    private readonly clock: Clock,
    private readonly config: GatewayConfig['supervision'],
    private readonly startedAt: number,
  ) {
    this.lastWelfare = db.prepare(
      "SELECT MAX(raised_at) AS t FROM alerts WHERE resident_id = ? AND type = 'welfare.check'",
    );
  }

  private changed(tx: TxScope | undefined, s: DeviceState): void {
    const e: { id: string; online: boolean; battery?: number; lastSeen: number } = {
      id: s.deviceId,
      online: s.online,
      lastSeen: s.lastSeen,
    };
    if (s.battery !== undefined) e.battery = s.battery;
    if (tx) tx.after(() => this.bus.emit('device.changed', e));
    else this.bus.emit('device.changed', e);
  }

  /** The device was heard from (inside the caller's transaction). */
  seenTx(tx: TxScope, device: DeviceRecord, at: number): void {
    const s = this.states.get(device.id);
    s.lastSeen = Math.max(s.lastSeen, at);
    if (s.online) {
      this.states.markDirty(device.id);
      return;
    }
    tx.set(s, 'online', true);
    this.states.write(device.id);
    const open = this.engine.repo.openFor(device.id, 'device.offline');
    if (open) this.engine.resolveTx(tx, open.id, 'system', 'restored', 'device heard from again');
    this.changed(tx, s);
  }

  /** Batches restores of many devices (a fleet coming back after an outage) into group commits. */
  private committer: { submit<T>(work: (tx: TxScope) => T): Promise<T> } | undefined;
  useCommitter(c: { submit<T>(work: (tx: TxScope) => T): Promise<T> }): void {
    this.committer = c;
  }

  /** The device was heard from, outside any transaction (heartbeats, status). */
  seen(device: DeviceRecord, at: number): Promise<void> | undefined {
    const s = this.states.get(device.id);
    if (s.online) {
      s.lastSeen = Math.max(s.lastSeen, at);
      this.states.markDirty(device.id);
      return undefined;
    }
    if (!this.committer) {
      runTx(this.db, (tx) => this.seenTx(tx, device, at));
      return undefined;
    }
    return this.committer
      .submit((tx) => this.seenTx(tx, device, at))
      .catch((err: Error) => process.emitWarning(`restore of ${device.id} failed: ${err.message}`));
  }

  heartbeat(device: DeviceRecord, hb: Heartbeat): Promise<void> | undefined {
    const now = this.clock.now();
    const s = this.states.get(device.id);
    const batteryChanged = hb.battery !== undefined && hb.battery !== s.battery;
    if (hb.battery !== undefined) s.battery = hb.battery;
    if (hb.rssi !== undefined) s.rssi = hb.rssi;
    if (hb.fw !== undefined) s.fw = hb.fw;
    const restored = this.seen(device, now);
    if (hb.battery !== undefined) this.battery(device, hb.battery);
    if (batteryChanged) this.changed(undefined, s);
    return restored;
  }

  /** Battery level report (heartbeat or Zigbee2MQTT): raises battery.low once per low period. */
  battery(device: DeviceRecord, level: number, tx?: TxScope): void {
    const s = this.states.get(device.id);
    const low = level <= this.config.batteryLowPercent;
    if (low && !s.batteryLow) {
      const apply = (t: TxScope) => {
        t.set(s, 'batteryLow', true);
        this.states.write(device.id);
        this.engine.raise(t, {
          type: 'battery.low',
          site: device.site,
          deviceId: device.id,
          at: this.clock.now(),
          note: `battery ${level} %`,
        });
      };
      if (tx) apply(tx);
      else runTx(this.db, apply);
    } else if (!low && s.batteryLow && level > this.config.batteryLowPercent + 5) {
      s.batteryLow = false; // hysteresis: a fresh battery re-arms the warning
      this.states.markDirty(device.id);
    }
  }

  /** LWT / retained status: the connection state. The alert comes from the heartbeat timeout. */
  status(device: DeviceRecord, online: boolean): Promise<void> | undefined {
    const s = this.states.get(device.id);
    s.connected = online;
    const restored = online ? this.seen(device, this.clock.now()) : undefined;
    this.states.markDirty(device.id);
    this.changed(undefined, s);
    return restored;
  }

  /** Mark a device offline now (heartbeat timeout, Zigbee2MQTT availability). */
  offline(device: DeviceRecord, reason: string): boolean {
    return this.offlineMany([{ device, reason }]) === 1;
  }

  /** Mark devices offline, up to 500 per transaction (a site-wide outage is one short burst of
   *  commits, not one fsync per device). Returns how many went offline. */
  offlineMany(list: { device: DeviceRecord; reason: string }[]): number {
    let n = 0;
    for (let i = 0; i < list.length; i += 500) {
      n += runTx(this.db, (tx) => {
        let k = 0;
        for (const { device, reason } of list.slice(i, i + 500)) {
          const s = this.states.get(device.id);
          if (!s.online) continue;
          tx.set(s, 'online', false);
          this.states.write(device.id);
          const input = {
            type: 'device.offline' as const,
            site: device.site,
            deviceId: device.id,
            at: this.clock.now(),
            note: reason,
          };
          this.engine.raise(tx, device.residentId ? { ...input, residentId: device.residentId } : input);
          this.changed(tx, s);
          k++;
        }
        return k;
      });
    }
    return n;
  }

  /** One supervision pass: timeouts and welfare checks. */
  check(): { offline: number; welfare: number } {
    const now = this.clock.now();
    const silent: { device: DeviceRecord; reason: string }[] = [];
    const doorsByResident = new Map<string, DeviceRecord[]>();
    for (const d of this.directory.list()) {
      if (d.retired) continue;
      const s = this.states.get(d.id);
      if (s.online && now - s.lastSeen > d.offlineTimeoutS * 1000)
        silent.push({ device: d, reason: `nothing heard for ${Math.round((now - s.lastSeen) / 1000)} s` });
      if (d.residentId && DOOR_KINDS.has(d.kind)) {
        const list = doorsByResident.get(d.residentId) ?? [];
        list.push(d);
        doorsByResident.set(d.residentId, list);
      }
    }
    const offline = this.offlineMany(silent);
    let welfare = 0;
    for (const [residentId, doors] of doorsByResident) {
      const r = this.directory.resident(residentId);
      if (!r?.livesAlone) continue;
      // zigbee devices count as doors only once they reported a contact state
      const contacts = doors.filter(
        (d) => d.kind === 'door-contact' || this.states.peek(d.id)?.contact !== undefined,
      );
      if (contacts.length === 0) continue;
      const lastActivity = Math.max(
        ...contacts.map(
          (d) => this.states.peek(d.id)?.lastDoorOpenAt ?? Math.max(d.createdAt, this.startedAt),
        ),
      );
      const prev = (this.lastWelfare.get(residentId) as { t: number | null }).t ?? 0;
      const periodMs = (r.welfareCheckHours ?? this.config.welfareCheckHours) * 3_600_000;
      if (now - Math.max(lastActivity, prev) <= periodMs) continue;
      if (this.engine.repo.openForResident(residentId, 'welfare.check')) continue;
      const door = contacts[0]!;
      runTx(this.db, (tx) =>
        this.engine.raise(tx, {
          type: 'welfare.check',
          site: door.site,
          deviceId: door.id,
          residentId,
          at: now,
          note: `door not opened for ${Math.round((now - lastActivity) / 3_600_000)} h`,
        }),
      );
      welfare++;
    }
    return { offline, welfare };
  }

  /** Periodic work: supervision pass, escalations, last-seen flush (in slices of 500 rows). */
  runOnce(): void {
    this.check();
    this.engine.tick();
    const step = () => {
      if (this.states.flushDirty(500) > 0) this.flushTimer = setImmediate(step);
      else this.flushTimer = undefined;
    };
    if (!this.flushTimer) step();
  }
  private flushTimer: NodeJS.Immediate | undefined;

  start(): void {
    this.timer = this.clock.setInterval(() => {
      try {
        this.runOnce();
      } catch (err) {
        process.emitWarning(`supervision pass failed: ${(err as Error).message}`);
      }
    }, this.config.checkIntervalS * 1000);
    (this.timer as { unref?(): unknown }).unref?.();
  }

  stop(): void {
    if (this.timer) this.clock.clearInterval(this.timer);
    this.timer = undefined;
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    this.states.flushDirty();
  }
}
