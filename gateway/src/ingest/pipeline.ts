// Ingest: every incoming publish is checked (topic, ownership, size, schema) and then stored
// durably before the broker may acknowledge it. Refusals are counted and logged; nothing
// thrown by a message reaches the broker.
import { type DeviceEvent, type DeviceStatus, type Heartbeat, judgeDeviceTime } from '@linli/shared';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type { DeviceClocks } from '../supervision/device-clock.ts';
import type { Supervisor } from '../supervision/supervisor.ts';
import type { DeviceDirectory, DeviceRecord } from '../types.ts';
import { Z2M_PREFIX, type ZigbeeAdapter } from '../zigbee/adapter.ts';
import type { EventWriter } from './events.ts';
import type { GroupCommitter } from './group-commit.ts';
import { MAX_PAYLOAD_BYTES, parseDevicePayload, parseTopic } from './protocol.ts';
import type { Refusals } from './refusals.ts';
import { accepted, ignored, refused, type Verdict } from './verdict.ts';

/** Who published: a device (embedded broker, authenticated), the gateway's own client, or a
 *  message relayed by an external broker that enforced its own ACL. */
export type Principal =
  | { kind: 'device'; device: DeviceRecord; clientId?: string }
  | { kind: 'gateway'; username: string }
  | { kind: 'bridge'; username: string }
  /** Role center: a station's account (username = site) */
  | { kind: 'station'; site: string }
  | { kind: 'trusted' };

export class Ingest {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly committer: GroupCommitter,
    private readonly writer: EventWriter,
    private readonly supervisor: Supervisor,
    private readonly zigbee: ZigbeeAdapter,
    private readonly refusals: Refusals,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly clocks?: DeviceClocks,
  ) {}

  /** Handle one publish; never throws. */
  async handle(who: Principal, topic: string, payload: Buffer): Promise<Verdict> {
    let v: Verdict;
    try {
      v = await this.classify(who, topic, payload);
    } catch (err) {
      v = refused('store', (err as Error).message, true);
    }
    if (!v.ok) {
      const r: Parameters<Refusals['refuse']>[0] = { reason: v.reason, topic, detail: v.detail };
      if (who.kind === 'device') {
        r.username = who.device.id;
        if (who.clientId) r.clientId = who.clientId;
      } else if (who.kind === 'bridge') r.username = who.username;
      this.refusals.refuse(r);
    }
    return v;
  }

  private async classify(who: Principal, topic: string, payload: Buffer): Promise<Verdict> {
    if (topic.startsWith(Z2M_PREFIX)) {
      if (who.kind === 'device')
        return refused('acl', `device ${who.device.id} may not publish on ${topic}`, true);
      this.metrics.accepted.zigbee.value++;
      return this.zigbee.handle(topic, payload);
    }
    if (who.kind === 'bridge')
      return refused('acl', `bridge ${who.username} may only publish zigbee2mqtt/#`, true);
    const t = parseTopic(topic);
    if (!t) {
      if (who.kind === 'gateway') return ignored;
      return refused(
        who.kind === 'device' ? 'acl' : 'topic',
        `not a Linli v1 topic: ${topic.slice(0, 120)}`,
        who.kind === 'device',
      );
    }
    if (t.kind !== 'evt' && t.kind !== 'hb' && t.kind !== 'status') {
      if (who.kind === 'device')
        return refused('acl', `device ${who.device.id} may not publish on ${topic}`, true);
      return ignored; // the gateway's own cmd / status / center traffic
    }
    let device: DeviceRecord;
    if (who.kind === 'device') {
      if (t.dev !== who.device.id || t.site !== who.device.site)
        return refused('acl', `device ${who.device.id} published on ${topic}`, true);
      device = who.device;
    } else {
      const d = this.directory.get(t.dev);
      if (!d || d.retired) return refused('unknown-device', `device ${t.dev} is not registered`);
      if (d.site !== t.site)
        return refused('site', `device ${t.dev} belongs to site ${d.site}, not ${t.site}`);
      device = d;
    }
    if (payload.length > MAX_PAYLOAD_BYTES)
      return refused('oversize', `${payload.length} bytes > ${MAX_PAYLOAD_BYTES}`);
    const now = this.clock.now();
    if (t.kind === 'evt') {
      const p = parseDevicePayload<DeviceEvent>('evt', payload);
      if (!p.ok) return refused(p.reason ?? 'schema', p.errors.join('; ').slice(0, 300));
      this.metrics.accepted.evt.value++;
      // a device time that cannot be believed does not cost the event: it is stamped with the
      // receive time and the device's clock is flagged (device-clock.ts)
      const time = judgeDeviceTime(p.value.ts, now);
      const r = await this.committer.submit((tx) =>
        this.writer.store(tx, device, p.value, 'mqtt', now, time),
      );
      return { ok: true, outcome: r.duplicate ? 'duplicate' : 'stored' };
    }
    if (t.kind === 'hb') {
      const p = parseDevicePayload<Heartbeat>('hb', payload);
      if (!p.ok) return refused(p.reason ?? 'schema', p.errors.join('; ').slice(0, 300));
      this.metrics.accepted.hb.value++;
      this.clocks?.note(device.id, p.value.ts, judgeDeviceTime(p.value.ts, now), now);
      await this.supervisor.heartbeat(device, p.value);
      return accepted;
    }
    const p = parseDevicePayload<DeviceStatus>('status', payload);
    if (!p.ok) return refused(p.reason ?? 'schema', p.errors.join('; ').slice(0, 300));
    this.metrics.accepted.status.value++;
    await this.supervisor.status(device, p.value.online);
    return accepted;
  }
}
