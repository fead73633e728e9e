// Zigbee2MQTT mode: publishes exactly as a Zigbee2MQTT bridge does for a Tuya TS0215A-style SOS
// button and an Aqara MCCGQ11LM-style door contact.
//   zigbee2mqtt/bridge/state                 {"state":"online"|"offline"} retained (LWT offline)
//   zigbee2mqtt/<friendly_name>/availability {"state":"online"|"offline"} retained
//   zigbee2mqtt/<friendly_name>              state JSON (not retained): action / contact, battery, voltage, linkquality, tamper…
import { connect, type MqttClient } from 'mqtt';
import { SimError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';

export type ZigbeeModel = 'TS0215A' | 'MCCGQ11LM';

export interface ZigbeeDeviceSpec {
  friendlyName: string;
  model: ZigbeeModel;
  ieee?: string;
  battery?: number;
}

export interface ZigbeeBridgeOptions {
  url: string;
  /** The bridge's credential (username / password) on the broker. */
  username?: string;
  password?: string;
  baseTopic?: string; // default 'zigbee2mqtt'
  devices: ZigbeeDeviceSpec[];
  /** Seconds between periodic state reports of each device (0 = none, default 0). */
  reportIntervalS?: number;
  connectTimeoutMs?: number;
  log?: Logger;
}

/** The state Zigbee2MQTT keeps for a device and publishes in full on every change. */
export type ZigbeeState = Record<string, string | number | boolean | null>;

interface ZigbeeDevice {
  spec: ZigbeeDeviceSpec;
  state: ZigbeeState;
  online: boolean;
}

export interface ZigbeeBridge {
  baseTopic: string;
  /** Everything this bridge published, in order. */
  published: { topic: string; payload: string; retain: boolean }[];
  state(name: string): ZigbeeState;
  /** SOS button: publishes action "emergency" (or another action word). */
  press(name: string, action?: 'emergency' | 'sos' | 'panic'): Promise<void>;
  /** Door contact: contact false = open. */
  openDoor(name: string): Promise<void>;
  closeDoor(name: string): Promise<void>;
  tamper(name: string, on?: boolean): Promise<void>;
  setBattery(name: string, percent: number): Promise<void>;
  /** Availability of one device (as Zigbee2MQTT's availability feature reports it). */
  setAvailability(name: string, online: boolean): Promise<void>;
  /** Drop the connection without DISCONNECT: the broker publishes bridge/state offline. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

function initialState(spec: ZigbeeDeviceSpec): ZigbeeState {
  const battery = spec.battery ?? 100;
  const voltage = Math.round(2700 + battery * 3.2);
  if (spec.model === 'TS0215A')
    return { battery, voltage, linkquality: 120, battery_low: battery <= 20, tamper: false };
  return {
    battery,
    contact: true,
    device_temperature: 24,
    linkquality: 96,
    power_outage_count: 1,
    voltage,
  };
}

export async function startZigbeeBridge(opts: ZigbeeBridgeOptions): Promise<ZigbeeBridge> {
  const log = opts.log ?? silentLogger;
  const base = opts.baseTopic ?? 'zigbee2mqtt';
  const devices = new Map<string, ZigbeeDevice>();
  for (const spec of opts.devices) {
    if (spec.model !== 'TS0215A' && spec.model !== 'MCCGQ11LM') {
      throw new SimError(
        'SIM_ARGS',
        `zigbee device ${spec.friendlyName}: unknown model ${String(spec.model)}`,
      );
    }
    devices.set(spec.friendlyName, { spec, state: initialState(spec), online: true });
  }
  const published: ZigbeeBridge['published'] = [];
  const client: MqttClient = connect(opts.url, {
    clientId: `zigbee2mqtt_${Math.random().toString(16).slice(2, 10)}`,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password ? { password: opts.password } : {}),
    reconnectPeriod: 1000,
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    will: {
      topic: `${base}/bridge/state`,
      payload: Buffer.from('{"state":"offline"}'),
      qos: 1,
      retain: true,
    },
  });
  const publish = (topic: string, payload: object, retain = false): Promise<void> => {
    const text = JSON.stringify(payload);
    published.push({ topic, payload: text, retain });
    if (published.length > 10_000) published.splice(0, 5_000);
    return new Promise((resolve, reject) =>
      client.publish(topic, text, { qos: 1, retain }, (err) => (err ? reject(err) : resolve())),
    );
  };
  const announce = async (): Promise<void> => {
    await publish(`${base}/bridge/state`, { state: 'online' }, true);
    for (const [name, d] of devices) {
      await publish(`${base}/${name}/availability`, { state: d.online ? 'online' : 'offline' }, true);
      await publish(`${base}/${name}`, d.state);
    }
  };
  let firstConnect = true;
  client.on('connect', () => {
    log.info(`zigbee bridge connected (${devices.size} devices)`);
    if (firstConnect) {
      firstConnect = false;
      return; // announced below, before start resolves
    }
    announce().catch((err: Error) => log.warn({ err }, 'zigbee announce failed'));
  });
  client.on('error', (err) => log.warn({ err }, 'zigbee bridge mqtt error'));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.end(true);
      reject(new SimError('SIM_MQTT', `zigbee bridge: not connected to ${opts.url}`));
    }, opts.connectTimeoutMs ?? 10_000);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    client.once('error', (err) => {
      if ((err as { code?: number }).code === undefined) return;
      clearTimeout(timer);
      client.end(true);
      reject(new SimError('SIM_MQTT', `zigbee bridge refused: ${err.message}`, { cause: err }));
    });
  });
  await announce();

  const dev = (name: string, model?: ZigbeeModel): ZigbeeDevice => {
    const d = devices.get(name);
    if (!d) throw new SimError('SIM_ARGS', `no zigbee device ${JSON.stringify(name)}`);
    if (model && d.spec.model !== model) {
      throw new SimError('SIM_ARGS', `zigbee device ${name} is a ${d.spec.model}, not a ${model}`);
    }
    return d;
  };
  /** Publish the full state, with one-shot fields (action) only in this message, as Zigbee2MQTT does. */
  const report = (d: ZigbeeDevice, extra: ZigbeeState = {}): Promise<void> =>
    publish(`${base}/${d.spec.friendlyName}`, { ...d.state, ...extra });

  let timer: NodeJS.Timeout | undefined;
  if ((opts.reportIntervalS ?? 0) > 0) {
    timer = setInterval(
      () => {
        for (const d of devices.values()) {
          if (!d.online || !client.connected) continue;
          d.state.linkquality = 60 + Math.floor(Math.random() * 100);
          report(d).catch(() => {});
        }
      },
      (opts.reportIntervalS ?? 0) * 1000,
    );
    timer.unref();
  }

  const end = (force: boolean): Promise<void> => {
    if (timer) clearInterval(timer);
    return new Promise((resolve) => client.end(force, () => resolve()));
  };

  return {
    baseTopic: base,
    published,
    state: (name) => ({ ...dev(name).state }),
    async press(name, action = 'emergency') {
      const d = dev(name, 'TS0215A');
      log.info({ device: name, action }, 'zigbee action');
      await report(d, { action });
    },
    async openDoor(name) {
      const d = dev(name, 'MCCGQ11LM');
      d.state.contact = false;
      await report(d);
    },
    async closeDoor(name) {
      const d = dev(name, 'MCCGQ11LM');
      d.state.contact = true;
      await report(d);
    },
    async tamper(name, on = true) {
      const d = dev(name);
      d.state.tamper = on;
      await report(d);
    },
    async setBattery(name, percent) {
      const d = dev(name);
      d.state.battery = percent;
      d.state.voltage = Math.round(2700 + percent * 3.2);
      if (d.spec.model === 'TS0215A') d.state.battery_low = percent <= 20;
      await report(d);
    },
    async setAvailability(name, online) {
      const d = dev(name);
      d.online = online;
      await publish(`${base}/${name}/availability`, { state: online ? 'online' : 'offline' }, true);
    },
    crash: () => end(true),
    async stop() {
      if (client.connected) await publish(`${base}/bridge/state`, { state: 'offline' }, true).catch(() => {});
      await end(false);
    },
  };
}
