// A fleet of devices from a file (fixtures/demo-fleet.json): every MQTT device its own client, the
// Zigbee devices behind one Zigbee2MQTT bridge, and daily door/access patterns.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SimError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { SimDevice, type SimDeviceKind } from './device.ts';
import { startZigbeeBridge, type ZigbeeBridge, type ZigbeeModel } from './zigbee.ts';

export interface FleetDeviceSpec {
  id: string;
  kind: SimDeviceKind | 'zigbee';
  secret: string;
  model?: ZigbeeModel; // zigbee devices
  location?: { building?: string; unit?: string; room?: string; grid?: string };
  resident?: { name: string; livesAlone: boolean };
  heartbeatIntervalS?: number;
  /** Door contacts: 'normal' opens a few times a day, 'inactive' never (welfare check). */
  pattern?: 'normal' | 'inactive';
  battery?: number;
}

export interface FleetSpec {
  site: string;
  zigbeeBridge?: { id: string; secret: string; baseTopic?: string };
  devices: FleetDeviceSpec[];
}

export const DEMO_FLEET_FILE = fileURLToPath(new URL('../../fixtures/demo-fleet.json', import.meta.url));

const KINDS = new Set(['pendant', 'wall-button', 'door-contact', 'access-reader', 'zigbee']);

/** Read and check a fleet file; errors name the bad entry. */
export function loadFleet(file: string = DEMO_FLEET_FILE): FleetSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SimError('SIM_ARGS', `cannot read fleet file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return checkFleet(raw, file);
}

export function checkFleet(raw: unknown, where = 'fleet'): FleetSpec {
  const spec = raw as FleetSpec;
  if (typeof spec?.site !== 'string' || !Array.isArray(spec.devices)) {
    throw new SimError('SIM_ARGS', `${where}: expected {"site": "...", "devices": [...]}`);
  }
  const ids = new Set<string>();
  spec.devices.forEach((d, i) => {
    if (typeof d?.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(d.id)) {
      throw new SimError('SIM_ARGS', `${where}: device ${i} has no valid "id"`);
    }
    if (ids.has(d.id)) throw new SimError('SIM_ARGS', `${where}: duplicate device id ${d.id}`);
    ids.add(d.id);
    if (!KINDS.has(d.kind))
      throw new SimError('SIM_ARGS', `${where}: device ${d.id} has unknown kind ${d.kind}`);
    if (d.kind === 'zigbee' && d.model !== 'TS0215A' && d.model !== 'MCCGQ11LM') {
      throw new SimError('SIM_ARGS', `${where}: zigbee device ${d.id} needs model TS0215A or MCCGQ11LM`);
    }
    if (d.kind !== 'zigbee' && typeof d.secret !== 'string') {
      throw new SimError('SIM_ARGS', `${where}: device ${d.id} has no secret`);
    }
  });
  return spec;
}

export interface FleetOptions {
  url: string;
  /** A fleet spec, or a file (default: the demo fleet). */
  spec?: FleetSpec;
  file?: string;
  /** Run daily door/access patterns; speed > 1 compresses the day (600 → a day in 2.4 min). */
  activity?: boolean | { speed?: number };
  /** First seq of every device (default: ms since epoch, so seq keeps increasing across restarts). */
  seqStart?: number;
  heartbeatIntervalS?: number; // overrides the file
  zigbeeReportIntervalS?: number;
  protocolVersion?: 4 | 5;
  log?: Logger;
}

export interface Fleet {
  site: string;
  spec: FleetSpec;
  devices: Map<string, SimDevice>;
  zigbee: ZigbeeBridge | undefined;
  /** The MQTT device with this id (throws if unknown). */
  device(id: string): SimDevice;
  /** Patterned activity so far: [simulated time, device, what]. */
  activityLog: { at: number; device: string; what: string }[];
  stop(): Promise<void>;
}

// Times of day (hours) a door with the 'normal' pattern opens; it closes 20–90 s later.
const DOOR_HOURS = [7.2, 9.5, 11.75, 15.3, 18.1];
const ACCESS_HOURS = [8, 12.5, 17.75];
const DENIED_HOURS = [22.5];

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const log = opts.log ?? silentLogger;
  const spec = opts.spec ? checkFleet(opts.spec) : loadFleet(opts.file);
  const devices = new Map<string, SimDevice>();
  const seqStart = opts.seqStart ?? Date.now();
  const mqttSpecs = spec.devices.filter((d) => d.kind !== 'zigbee');
  for (const d of mqttSpecs) {
    devices.set(
      d.id,
      new SimDevice({
        url: opts.url,
        site: spec.site,
        id: d.id,
        secret: d.secret,
        kind: d.kind as SimDeviceKind,
        seqStart,
        ...((opts.heartbeatIntervalS ?? d.heartbeatIntervalS)
          ? { heartbeatIntervalS: opts.heartbeatIntervalS ?? d.heartbeatIntervalS }
          : {}),
        ...(d.battery === undefined ? {} : { battery: d.battery }),
        ...(opts.protocolVersion ? { protocolVersion: opts.protocolVersion } : {}),
        log,
      }),
    );
  }
  const started: SimDevice[] = [];
  let zigbee: ZigbeeBridge | undefined;
  try {
    for (const d of devices.values()) {
      await d.start();
      started.push(d);
    }
    const zspecs = spec.devices.filter((d) => d.kind === 'zigbee');
    if (zspecs.length > 0) {
      zigbee = await startZigbeeBridge({
        url: opts.url,
        ...(spec.zigbeeBridge ? { username: spec.zigbeeBridge.id, password: spec.zigbeeBridge.secret } : {}),
        ...(spec.zigbeeBridge?.baseTopic ? { baseTopic: spec.zigbeeBridge.baseTopic } : {}),
        devices: zspecs.map((d) => ({
          friendlyName: d.id,
          model: d.model!,
          ...(d.battery ? { battery: d.battery } : {}),
        })),
        reportIntervalS: opts.zigbeeReportIntervalS ?? 0,
        log,
      });
    }
  } catch (err) {
    await Promise.all(started.map((d) => d.crash()));
    throw err;
  }
  log.info(
    `fleet ${spec.site}: ${devices.size} MQTT devices${zigbee ? ` + ${spec.devices.length - devices.size} zigbee` : ''} online`,
  );

  const activityLog: Fleet['activityLog'] = [];
  const timers = new Set<NodeJS.Timeout>();
  let ticker: NodeJS.Timeout | undefined;
  if (opts.activity) {
    const speed = typeof opts.activity === 'object' ? (opts.activity.speed ?? 1) : 1;
    const realStart = Date.now();
    let lastSim = realStart;
    const crossed = (hours: number[], from: number, to: number): number => {
      // how many of the given times of day lie in (from, to]
      let n = 0;
      const day = 86_400_000;
      const midnight = new Date(from);
      midnight.setHours(0, 0, 0, 0);
      for (let base = midnight.getTime(); base <= to; base += day) {
        for (const h of hours) {
          const t = base + h * 3_600_000;
          if (t > from && t <= to) n++;
        }
      }
      return n;
    };
    const later = (ms: number, fn: () => void): void => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const note = (device: string, what: string, simNow: number): void => {
      activityLog.push({ at: simNow, device, what });
      if (activityLog.length > 1000) activityLog.splice(0, 500);
      log.info({ device, at: new Date(simNow).toTimeString().slice(0, 5), what }, 'activity');
    };
    ticker = setInterval(() => {
      const simNow = realStart + (Date.now() - realStart) * speed;
      for (const d of spec.devices) {
        const holdMs = ((20 + Math.random() * 70) * 1000) / speed;
        if ((d.kind === 'door-contact' || d.model === 'MCCGQ11LM') && d.pattern !== 'inactive') {
          for (let k = crossed(DOOR_HOURS, lastSim, simNow); k > 0; k--) {
            note(d.id, 'door open', simNow);
            if (d.kind === 'zigbee') {
              zigbee?.openDoor(d.id).catch(() => {});
              later(holdMs, () => zigbee?.closeDoor(d.id).catch(() => {}));
            } else {
              const dev = devices.get(d.id)!;
              dev.openDoor().catch(() => {});
              later(holdMs, () => dev.closeDoor().catch(() => {}));
            }
          }
        }
        if (d.kind === 'access-reader') {
          const dev = devices.get(d.id)!;
          for (let k = crossed(ACCESS_HOURS, lastSim, simNow); k > 0; k--) {
            note(d.id, 'access granted', simNow);
            dev.access(String(10_000_000 + Math.floor(Math.random() * 89_999_999)), true).catch(() => {});
          }
          for (let k = crossed(DENIED_HOURS, lastSim, simNow); k > 0; k--) {
            note(d.id, 'access denied', simNow);
            dev.access('99999999', false).catch(() => {});
          }
        }
      }
      lastSim = simNow;
    }, 1000);
    ticker.unref();
  }

  return {
    site: spec.site,
    spec,
    devices,
    zigbee,
    activityLog,
    device(id) {
      const d = devices.get(id);
      if (!d) throw new SimError('SIM_ARGS', `no device ${JSON.stringify(id)} in fleet ${spec.site}`);
      return d;
    },
    async stop() {
      if (ticker) clearInterval(ticker);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...devices.values()].map((d) => d.stop()));
      await zigbee?.stop();
    },
  };
}
