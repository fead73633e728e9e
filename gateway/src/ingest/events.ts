// Store one device event inside the group transaction, and apply it: supervision (seen, door,
// tamper, battery) and the alert engine. (device, id) is stored once.
import type { DeviceEvent, DeviceTimeVerdict } from '@linli/shared';
import { hashCard } from '../access/card.ts';
import type { AlertEngine } from '../alerts/engine.ts';
import type { GatewayBus } from '../bus.ts';
import type { Db } from '../db/open.ts';
import type { TxScope } from '../db/tx.ts';
import type { Metrics } from '../metrics.ts';
import { clockStateOf, type DeviceClocks } from '../supervision/device-clock.ts';
import type { DeviceStates } from '../supervision/device-state.ts';
import type { Supervisor } from '../supervision/supervisor.ts';
import type { AlertRecord, DeviceRecord } from '../types.ts';

export type EventSource = 'mqtt' | 'zigbee' | 'supervision';

export interface StoreOutcome {
  duplicate: boolean;
  alert?: AlertRecord;
}

export class EventWriter {
  private readonly insert;
  private readonly setAlert;

  constructor(
    db: Db,
    private readonly engine: AlertEngine,
    private readonly supervisor: Supervisor,
    private readonly states: DeviceStates,
    private readonly bus: GatewayBus,
    private readonly metrics: Metrics,
    /** The card subkey (keys.ts): card numbers are stored only as HMACs under it. */
    private readonly cardKey: string | Buffer,
    private readonly clocks?: DeviceClocks,
  ) {
    this.insert =
      db.prepare(`INSERT INTO events (device_id, event_id, site, seq, type, ts, received_at, source,
      card_hash, battery, note, device_ts, clock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (device_id, event_id) DO NOTHING`);
    this.setAlert = db.prepare('UPDATE events SET alert_id = ? WHERE seq_no = ?');
  }

  store(
    tx: TxScope,
    device: DeviceRecord,
    ev: DeviceEvent,
    source: EventSource,
    receivedAt: number,
    /** The device's time as judged at receipt; when not ok the event is stamped with receivedAt. */
    time?: DeviceTimeVerdict,
  ): StoreOutcome {
    const card = ev.card !== undefined ? hashCard(this.cardKey, ev.card) : null;
    const believed = !time || time.verdict === 'ok';
    const r = this.insert.run(
      device.id,
      ev.id,
      device.site,
      ev.seq,
      ev.type,
      believed ? ev.ts : receivedAt,
      receivedAt,
      source,
      card,
      ev.battery ?? null,
      ev.note ?? null,
      believed ? null : ev.ts,
      time && !believed ? clockStateOf(time) : null,
    );
    if (time && this.clocks) this.clocks.note(device.id, ev.ts, time, receivedAt, tx);
    this.supervisor.seenTx(tx, device, receivedAt);
    if (r.changes === 0) {
      tx.after(() => this.metrics.duplicates.inc({ source }));
      return { duplicate: true };
    }
    const s = this.states.get(device.id);
    if (ev.type === 'door.open') {
      tx.set(s, 'lastDoorOpenAt', receivedAt); // the event row is the durable record; device_state follows
      this.states.markDirty(device.id);
    } else if (ev.type === 'tamper' || ev.type === 'tamper.restore') {
      tx.set(s, 'tamper', ev.type === 'tamper');
      this.states.write(device.id);
    }
    if (ev.battery !== undefined) {
      tx.set(s, 'battery', ev.battery);
      if (ev.type !== 'battery.low') this.supervisor.battery(device, ev.battery, tx);
    }
    const input: Parameters<AlertEngine['onDeviceEvent']>[1] = {
      type: ev.type,
      site: device.site,
      deviceId: device.id,
      at: receivedAt,
    };
    if (device.residentId !== undefined) input.residentId = device.residentId;
    const alert =
      ev.type === 'battery.low'
        ? this.batteryEvent(tx, device, ev, receivedAt)
        : this.engine.onDeviceEvent(tx, input);
    if (alert) this.setAlert.run(alert.id, r.lastInsertRowid);
    const stored = { deviceId: device.id, type: ev.type, at: receivedAt };
    tx.after(() => {
      this.metrics.eventsStored.inc({ source, type: ev.type });
      this.bus.emit('event.stored', stored);
    });
    const out: StoreOutcome = { duplicate: false };
    if (alert) out.alert = alert;
    return out;
  }

  /** An explicit battery.low event always raises (or folds into) the warning. */
  private batteryEvent(tx: TxScope, device: DeviceRecord, ev: DeviceEvent, at: number): AlertRecord {
    const s = this.states.get(device.id);
    tx.set(s, 'batteryLow', true);
    this.states.write(device.id);
    const note = ev.battery !== undefined ? `battery ${ev.battery} %` : undefined;
    return this.engine.raise(tx, {
      type: 'battery.low',
      site: device.site,
      deviceId: device.id,
      at,
      ...(note ? { note } : {}),
    }).alert;
  }
}
