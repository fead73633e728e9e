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
import { MAX_PAYLOAD_BYTES, parseDevicePayload, parseTopic, topics } from './protocol.ts';
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

/** A device's own publish topics, built once per device record (compared, not parsed, per message). */
interface OwnTopics {
  evt: string;
  hb: string;
  status: string;
}

const stored: Verdict = { ok: true, outcome: 'stored' };
const duplicate: Verdict = { ok: true, outcome: 'duplicate' };
const toStored = (r: { duplicate: boolean }): Verdict => (r.duplicate ? duplicate : stored);
const toAccepted = (): Verdict => accepted;

export class Ingest {
  /** null: the record's ids do not make a v1 topic (such a device only ever gets the refusal). */
  private readonly ownTopics = new WeakMap<DeviceRecord, OwnTopics | null>();

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

  /** Handle one publish; never throws, never rejects. */
  async handle(who: Principal, topic: string, payload: Buffer): Promise<Verdict> {
    return this.handleNow(who, topic, payload);
  }

  /** Handle one publish; never throws. The verdict comes at once when nothing waits for a commit
   *  (heartbeats, refusals: most of a station's traffic, without a promise each), and as a promise
   *  that never rejects when it does (events, a device coming back online). */
  handleNow(who: Principal, topic: string, payload: Buffer): Verdict | Promise<Verdict> {
    let v: Verdict | Promise<Verdict>;
    try {
      v = this.classify(who, topic, payload);
    } catch (err) {
      v = refused('store', (err as Error).message, true);
    }
    if (!(v instanceof Promise)) return v.ok ? v : this.refuse(who, topic, v);
    return v.then(
      (r) => (r.ok ? r : this.refuse(who, topic, r)),
      (err: unknown) => this.refuse(who, topic, refused('store', (err as Error).message, true)),
    );
  }

  /** Count and log a refusal (Refusals), and pass it on. */
  private refuse(who: Principal, topic: string, v: Verdict): Verdict {
    if (v.ok) return v;
    const r: Parameters<Refusals['refuse']>[0] = { reason: v.reason, topic, detail: v.detail };
    if (who.kind === 'device') {
      r.username = who.device.id;
      if (who.clientId) r.clientId = who.clientId;
    } else if (who.kind === 'bridge') r.username = who.username;
    this.refusals.refuse(r);
    return v;
  }

  private topicsOf(device: DeviceRecord): OwnTopics | null {
    let own = this.ownTopics.get(device);
    if (own === undefined) {
      try {
        own = {
          evt: topics.evt(device.site, device.id),
          hb: topics.hb(device.site, device.id),
          status: topics.status(device.site, device.id),
        };
      } catch {
        own = null;
      }
      this.ownTopics.set(device, own);
    }
    return own;
  }

  private classify(who: Principal, topic: string, payload: Buffer): Verdict | Promise<Verdict> {
    // a device on one of its own topics (nearly every message): three string comparisons
    if (who.kind === 'device') {
      const own = this.topicsOf(who.device);
      if (own) {
        if (topic === own.hb) return this.deviceMessage(who.device, 'hb', payload);
        if (topic === own.evt) return this.deviceMessage(who.device, 'evt', payload);
        if (topic === own.status) return this.deviceMessage(who.device, 'status', payload);
      }
    }
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
    if (who.kind === 'device') {
      // its own topics were matched above: another device's, or another site's
      return refused('acl', `device ${who.device.id} published on ${topic}`, true);
    }
    const d = this.directory.get(t.dev);
    if (!d || d.retired) return refused('unknown-device', `device ${t.dev} is not registered`);
    if (d.site !== t.site) return refused('site', `device ${t.dev} belongs to site ${d.site}, not ${t.site}`);
    return this.deviceMessage(d, t.kind, payload);
  }

  /** A message of a device (already known to be its own) on its evt, hb or status topic. */
  private deviceMessage(
    device: DeviceRecord,
    kind: 'evt' | 'hb' | 'status',
    payload: Buffer,
  ): Verdict | Promise<Verdict> {
    if (payload.length > MAX_PAYLOAD_BYTES)
      return refused('oversize', `${payload.length} bytes > ${MAX_PAYLOAD_BYTES}`);
    if (kind === 'evt') {
      const p = parseDevicePayload<DeviceEvent>('evt', payload);
      if (!p.ok) return refused(p.reason ?? 'schema', p.errors.join('; ').slice(0, 300));
      this.metrics.accepted.evt.value++;
      const now = this.clock.now();
      // a device time that cannot be believed does not cost the event: it is stamped with the
      // receive time and the device's clock is flagged (device-clock.ts)
      const time = judgeDeviceTime(p.value.ts, now);
      const event = p.value;
      return this.committer
        .submit((tx) => this.writer.store(tx, device, event, 'mqtt', now, time))
        .then(toStored);
    }
    if (kind === 'hb') {
      const p = parseDevicePayload<Heartbeat>('hb', payload);
      if (!p.ok) return refused(p.reason ?? 'schema', p.errors.join('; ').slice(0, 300));
      this.metrics.accepted.hb.value++;
      const now = this.clock.now();
      this.clocks?.note(device.id, p.value.ts, judgeDeviceTime(p.value.ts, now), now);
      const restored = this.supervisor.heartbeat(device, p.value);
      return restored ? restored.then(toAccepted) : accepted;
    }
    const p = parseDevicePayload<DeviceStatus>('status', payload);
    if (!p.ok) return refused(p.reason ?? 'schema', p.errors.join('; ').slice(0, 300));
    this.metrics.accepted.status.value++;
    const restored = this.supervisor.status(device, p.value.online);
    return restored ? restored.then(toAccepted) : accepted;
  }
}
