// The station's registry summarised for the center console (docs/center-link.md "registry"):
// each device with its kind, building, grid cell, resident (name, phone — never an ID number),
// online/offline, battery and last seen. Changes (registry edits, online/offline and battery
// transitions) go up every FLUSH_MS; a full snapshot every `uplink.registrySnapshotS`, at start
// and after any failed send. This is state, not an event stream: it is not in the outbox; the
// center keeps the newest per device (station time) and a complete snapshot removes the rest.
import type { Logger } from '../ingest/refusals.ts';
import { ThrottledLog } from '../log-throttle.ts';
import type { Clock } from '../supervision/clock.ts';
import type { DeviceState } from '../supervision/device-state.ts';
import type { DeviceDirectory, DeviceRecord } from '../types.ts';
import type { DeviceSummary, RegistryMessage } from './messages.ts';

/** Changes are batched this long. */
export const FLUSH_MS = 2000;
/** After a failed send, the next snapshot is tried this much later. */
export const RETRY_MS = 10_000;
/** Most devices per message (the center's schema limit) and bytes per message (under the
 *  center broker's 16 KiB packet limit with the topic and headers). */
export const MAX_DEVICES = 200;
export const MAX_BYTES = 12_000;
/** Device ids removed per message (ids are up to 128 characters). */
const REMOVED_PER_MESSAGE = 50;

export interface RegistrySummaryOptions {
  site: string;
  directory: DeviceDirectory;
  state: (id: string) => DeviceState | undefined;
  /** Sends one message to the center on whichever path carries the traffic (Uplink.sendState). */
  send: (body: string, idempotencyKey: string) => Promise<void>;
  clock: Clock;
  log: Logger;
  snapshotS: number;
}

export function deviceSummary(
  d: DeviceRecord,
  directory: DeviceDirectory,
  st: DeviceState | undefined,
): DeviceSummary {
  const loc = d.location;
  const s: DeviceSummary = { id: d.id, kind: d.kind, online: st ? st.online : null };
  if (loc.building !== undefined) s.building = loc.building;
  if (loc.unit !== undefined) s.unit = loc.unit;
  if (loc.room !== undefined) s.room = loc.room;
  if (loc.grid !== undefined) s.gridCell = loc.grid;
  const r = d.residentId !== undefined ? directory.resident(d.residentId) : undefined;
  if (r)
    s.resident = {
      id: r.id,
      name: r.name,
      ...(r.phone !== undefined ? { phone: r.phone } : {}),
      livesAlone: r.livesAlone,
    };
  if (st?.battery !== undefined) s.battery = st.battery;
  if (st?.batteryLow) s.batteryLow = true;
  if (st?.tamper) s.tamper = true;
  if (st) s.lastSeen = st.lastSeen;
  return s;
}

export class RegistrySummary {
  private dirty = new Set<string>();
  private snapshotDueAt = 0;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly quietLog: ThrottledLog;
  /** Messages sent and failed (tests, health) */
  readonly counts = { messages: 0, snapshots: 0, failures: 0 };

  constructor(private readonly o: RegistrySummaryOptions) {
    this.quietLog = new ThrottledLog(o.log, 10, () => o.clock.now());
  }

  /** A device's registry entry or live state changed. */
  deviceChanged(id: string): void {
    this.dirty.add(id);
  }

  /** Something that touches many devices (a resident's name, phone): a snapshot soon. */
  snapshotSoon(): void {
    this.snapshotDueAt = Math.min(this.snapshotDueAt, this.o.clock.now());
  }

  start(): void {
    this.snapshotDueAt = this.o.clock.now();
    this.timer = setInterval(() => void this.tick(), FLUSH_MS);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: the snapshot when due, else the changes gathered since the last round. */
  async tick(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    const now = this.o.clock.now();
    try {
      if (now >= this.snapshotDueAt) {
        this.dirty.clear(); // the snapshot carries them
        await this.sendSnapshot(now);
        this.snapshotDueAt = now + this.o.snapshotS * 1000;
      } else if (this.dirty.size) {
        const ids = [...this.dirty];
        this.dirty.clear();
        await this.sendChanges(now, ids);
      }
    } catch (err) {
      this.counts.failures++;
      // whatever was not sent is carried by the next snapshot
      this.snapshotDueAt = now + RETRY_MS;
      this.quietLog.warn('registry', { err }, 'registry summary not sent to the center');
    } finally {
      this.sending = false;
    }
  }

  private summaries(ids?: string[]): { devices: DeviceSummary[]; removed: string[] } {
    const { directory, state } = this.o;
    const devices: DeviceSummary[] = [];
    const removed: string[] = [];
    const records = ids
      ? ids.map((id) => [id, directory.get(id)] as const)
      : directory.list().map((d) => [d.id, d] as const);
    for (const [id, d] of records) {
      if (!d || d.retired) removed.push(id);
      else devices.push(deviceSummary(d, directory, state(d.id)));
    }
    return { devices, removed };
  }

  private async sendChanges(at: number, ids: string[]): Promise<void> {
    const { devices, removed } = this.summaries(ids);
    const messages: { devices: DeviceSummary[]; removed?: string[] }[] = cut(devices).map((p) => ({
      devices: p,
    }));
    for (let i = 0; i < removed.length; i += REMOVED_PER_MESSAGE)
      messages.push({ devices: [], removed: removed.slice(i, i + REMOVED_PER_MESSAGE) });
    // each message of one round has its own station time (and so its own idempotency key)
    for (const [k, p] of messages.entries())
      await this.post({ v: 1, kind: 'registry', site: this.o.site, at: at + k, mode: 'changes', ...p }, 0);
  }

  private async sendSnapshot(at: number): Promise<void> {
    const { devices } = this.summaries();
    const parts = cut(devices);
    if (parts.length === 0) parts.push([]);
    const id = at.toString(36);
    for (const [part, p] of parts.entries()) {
      const m: RegistryMessage = {
        v: 1,
        kind: 'registry',
        site: this.o.site,
        at,
        mode: 'snapshot',
        snapshot: { id, part, parts: parts.length },
        devices: p,
      };
      await this.post(m, part);
    }
    this.counts.snapshots++;
  }

  private async post(m: RegistryMessage, part: number): Promise<void> {
    await this.o.send(JSON.stringify(m), `${this.o.site}:registry:${m.at}:${part}`);
    this.counts.messages++;
  }
}

/** Devices cut into messages of at most MAX_DEVICES and about MAX_BYTES each. */
function cut(devices: DeviceSummary[]): DeviceSummary[][] {
  const parts: DeviceSummary[][] = [];
  let current: DeviceSummary[] = [];
  let bytes = 0;
  for (const d of devices) {
    const size = JSON.stringify(d).length + 1;
    if (current.length && (current.length >= MAX_DEVICES || bytes + size > MAX_BYTES)) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(d);
    bytes += size;
  }
  if (current.length) parts.push(current);
  return parts;
}
