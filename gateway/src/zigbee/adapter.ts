// Zigbee2MQTT adapter: devices behind a Zigbee2MQTT bridge on the same broker, registered by
// friendly name (kind 'zigbee'), are mapped into the same pipeline as Linli devices.

import type { EventWriter } from '../ingest/events.ts';
import type { GroupCommitter } from '../ingest/group-commit.ts';
import { MAX_PAYLOAD_BYTES } from '../ingest/protocol.ts';
import type { Logger } from '../ingest/refusals.ts';
import { accepted, ignored, refused, type Verdict } from '../ingest/verdict.ts';
import type { Clock } from '../supervision/clock.ts';
import type { DeviceStates } from '../supervision/device-state.ts';
import type { Supervisor } from '../supervision/supervisor.ts';
import type { DeviceDirectory } from '../types.ts';
import { isPlainObject, mapZigbeeState, parseAvailability } from './map.ts';

export const Z2M_PREFIX = 'zigbee2mqtt/';

export class ZigbeeAdapter {
  private counter = 0;
  bridgeOnline: boolean | undefined;

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly committer: GroupCommitter,
    private readonly writer: EventWriter,
    private readonly supervisor: Supervisor,
    private readonly states: DeviceStates,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async handle(topic: string, payload: Buffer): Promise<Verdict> {
    if (payload.length > MAX_PAYLOAD_BYTES) return refused('oversize', `${payload.length} bytes`);
    const rest = topic.slice(Z2M_PREFIX.length);
    if (rest === 'bridge/state') {
      const st = parseAvailability(payload);
      if (!st) return refused('schema', 'bridge/state is not online/offline');
      if (this.bridgeOnline !== (st === 'online')) this.log.info({ state: st }, 'zigbee2mqtt bridge');
      this.bridgeOnline = st === 'online';
      return accepted;
    }
    if (rest.startsWith('bridge/') || rest.endsWith('/set') || rest.endsWith('/get')) return ignored;
    if (rest.endsWith('/availability')) {
      const name = rest.slice(0, -'/availability'.length);
      const device = this.device(name);
      if (!device) return refused('unknown-device', `zigbee device "${name}" is not registered`);
      const st = parseAvailability(payload);
      if (!st) return refused('schema', 'availability is not online/offline');
      if (st === 'offline') this.supervisor.offline(device, 'zigbee2mqtt reports the device unavailable');
      else await this.supervisor.seen(device, this.clock.now());
      return accepted;
    }
    const device = this.device(rest);
    if (!device) return refused('unknown-device', `zigbee device "${rest}" is not registered`);
    let state: unknown;
    try {
      state = JSON.parse(payload.toString('utf8'));
    } catch {
      return refused('json', 'zigbee2mqtt state is not JSON');
    }
    if (!isPlainObject(state)) return refused('schema', 'zigbee2mqtt state is not an object');
    const receivedAt = this.clock.now();
    await this.committer.submit((tx) => {
      const s = this.states.get(device.id);
      const m = mapZigbeeState(state, { contact: s.contact, tamper: s.tamper, batteryLow: s.batteryLow });
      if (m.contact !== undefined) tx.set(s, 'contact', m.contact);
      if (m.battery !== undefined) tx.set(s, 'battery', m.battery);
      for (const type of m.events) {
        const ev = {
          id: `z2m-${receivedAt.toString(36)}-${(this.counter++).toString(36)}`,
          seq: 0,
          ts: receivedAt,
          type,
        };
        this.writer.store(tx, device, ev, 'zigbee', receivedAt);
      }
      if (m.events.length === 0) this.supervisor.seenTx(tx, device, receivedAt);
      if (m.battery !== undefined && !m.events.includes('battery.low'))
        this.supervisor.battery(device, m.battery, tx);
      this.states.write(device.id);
    });
    return { ok: true, outcome: 'stored' };
  }

  private device(name: string) {
    const d = this.directory.get(name);
    return d && !d.retired && d.kind === 'zigbee' ? d : undefined;
  }
}
