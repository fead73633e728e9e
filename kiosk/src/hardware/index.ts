// The kiosk's hardware service: ID-card reader, ticket printer (with its durable print queue)
// and scanner, each behind a Reconnector, all reporting to one HealthRegistry and the KioskBus.
import { HID_POS_USAGE_PAGE, type HidBackend } from '@linli/shared';
import type { DeviceName, KioskBus } from '../events.ts';
import { HardwareError } from './errors.ts';
import { HealthRegistry } from './health.ts';
import { IdCardReader, type IdCardReaderOptions, type ReaderStats } from './idcard/reader.ts';
import { type HwLogger, hardwareLogger } from './log.ts';
import { PrintQueue, type PrintQueueOptions } from './printer/print-queue.ts';
import { PrintStore } from './printer/print-store.ts';
import { type BackoffOptions, Reconnector } from './reconnect.ts';
import { HidPosScanner } from './scanner/hid-pos.ts';
import { SerialScanner } from './scanner/serial-scanner.ts';
import {
  firmwareSimStarter,
  type SimStarter,
  type SimulatedDevices,
  type SimulatorOptions,
} from './simulated.ts';
import { type DeviceSpec, ENV_NAMES, parseDeviceSpec } from './spec.ts';
import type { ByteTransport } from './transport/byte-transport.ts';
import { hidTransport } from './transport/hid-transport.ts';
import { nodeHidBackend } from './transport/node-hid-backend.ts';
import { openPrinterFile } from './transport/open-printer-file.ts';
import { openSerial } from './transport/open-serial.ts';
import type { Hardware, HardwareConfig, PrintJobInfo } from './types.ts';

export * from './errors.ts';
export { type HwLogger, hardwareLogger, silentLogger } from './log.ts';
export { hardwareRoutes } from './routes.ts';
export { ENV_NAMES, hardwareConfigFromEnv, parseDeviceSpec } from './spec.ts';
export * from './types.ts';

export interface HardwareOptions {
  log?: HwLogger;
  /** HID access (default node-hid). Tests pass a fake. */
  hidBackend?: HidBackend;
  /** Open a device yourself (tests: MockBinding, in-memory streams). Overrides the config spec. */
  openers?: Partial<Record<DeviceName, () => Promise<ByteTransport>>>;
  /** How 'simulated' devices are started (default: @linli/firmware-sim on pseudo-terminals). */
  simulators?: SimulatorOptions;
  /** Record the simulators' control URLs for `linli-sim ctl` (the kiosk service does; tests need not). */
  recordSimulators?: boolean;
  simStarter?: SimStarter;
  backoff?: BackoffOptions;
  reader?: Partial<IdCardReaderOptions>;
  queue?: Partial<PrintQueueOptions>;
}

export type HardwareStats = {
  idcard?: ReaderStats & { connects: number };
  printer?: { printed: number; connects: number };
  scanner?: { scans: number; refused: number; connects: number };
};

export interface RunningHardware extends Hardware {
  /** The simulators started for 'simulated' devices (firmware-sim handles: place(), setStatus(), scan() …). */
  readonly simulated: SimulatedDevices;
  stats(): HardwareStats;
}

/** Start every configured device. Resolves once each has had its first open attempt. */
export async function startHardware(
  config: HardwareConfig,
  bus: KioskBus,
  opts: HardwareOptions = {},
): Promise<RunningHardware> {
  const log = opts.log ?? hardwareLogger();
  const specs: Record<DeviceName, DeviceSpec> = {
    idcard: parseDeviceSpec('idcard', config.idcard),
    printer: parseDeviceSpec('printer', config.printer),
    scanner: parseDeviceSpec('scanner', config.scanner),
  };
  const health = new HealthRegistry(bus);
  const simulated: SimulatedDevices = {};
  const reconnectors: Partial<Record<DeviceName, Reconnector>> = {};
  const startSim = opts.simStarter ?? firmwareSimStarter(opts.simulators, opts.recordSimulators);
  let hid: HidBackend | undefined = opts.hidBackend;
  const hidBackend = (): HidBackend => {
    hid ??= nodeHidBackend();
    return hid;
  };

  // A device whose setting is missing is not replaced by anything: it is reported, loudly.
  const absent = (d: DeviceName) =>
    (specs[d].kind === 'none' || specs[d].kind === 'unconfigured') && !opts.openers?.[d];
  for (const device of ['idcard', 'printer', 'scanner'] as const) {
    if (specs[device].kind !== 'unconfigured' || opts.openers?.[device]) continue;
    log.error(
      { device, env: ENV_NAMES[device] },
      `${ENV_NAMES[device]} is not set: no ${device} — set a device path, 'none' if the station has none, or 'simulated' for development`,
    );
    health.add(device, {
      connected: false,
      state: 'error',
      detail: `未配置 / not configured (${ENV_NAMES[device]})`,
    });
  }

  const store = new PrintStore(config.dataDir);
  const queue = new PrintQueue(store, bus, absent('printer') ? undefined : health, log, {
    ...(absent('printer') ? { noPrinterReason: '未配置打印机 / no printer configured' } : {}),
    ...opts.queue,
  });
  const reader = new IdCardReader(bus, health, log, {
    ...(config.pollIntervalMs === undefined ? {} : { pollIntervalMs: config.pollIntervalMs }),
    // The simulated reader re-finds read cards (firmwareSimStarter's default), so lifts are seen.
    ...(specs.idcard.kind === 'simulated' && !opts.openers?.idcard
      ? { refindsAfterRead: opts.simulators?.idcard?.refindAfterRead ?? true }
      : {}),
    ...opts.reader,
  });
  const serialScanner = new SerialScanner(bus, log);
  const hidScanner = new HidPosScanner(bus, log);

  const stopAll = async (): Promise<void> => {
    await queue.stop();
    await Promise.all(Object.values(reconnectors).map((r) => r.stop()));
    reader.stop();
    store.close();
    await Promise.all(
      Object.entries(simulated).map(([d, s]) =>
        s.stop().catch((err: unknown) => log.warn({ device: d, err }, 'simulator stop failed')),
      ),
    );
  };

  try {
    for (const device of ['idcard', 'printer', 'scanner'] as const) {
      let spec = specs[device];
      const custom = opts.openers?.[device];
      if ((spec.kind === 'none' || spec.kind === 'unconfigured') && !custom) continue;
      if (spec.kind === 'simulated' && !custom) {
        let sim: { path: string; controlUrl: string | undefined };
        if (device === 'idcard') sim = simulated.idcard = await startSim.idcard();
        else if (device === 'printer') sim = simulated.printer = await startSim.printer();
        else sim = simulated.scanner = await startSim.scanner();
        spec = { kind: 'serial', path: sim.path, baudRate: device === 'idcard' ? 115200 : 9600 };
        log.warn(
          { device, path: sim.path, controlUrl: sim.controlUrl },
          `simulated ${device} (not a real device): ${sim.path}   control ${sim.controlUrl ?? 'none'}`,
        );
      }
      const open = custom ?? openerFor(device, spec, hidBackend);
      const driver =
        device === 'idcard'
          ? reader
          : device === 'printer'
            ? queue
            : spec.kind === 'hid'
              ? hidScanner
              : serialScanner;
      health.add(device, { connected: false, state: 'disconnected', detail: '正在连接 / connecting' });
      reconnectors[device] = new Reconnector({
        device,
        open,
        attach: (t) => driver.attach(t),
        detach: () => driver.detach(),
        health,
        log,
        ...(opts.backoff ? { backoff: opts.backoff } : {}),
      });
    }
    queue.start();
    await Promise.all(Object.values(reconnectors).map((r) => r.start()));
  } catch (err) {
    await stopAll();
    throw err;
  }

  let stopped = false;
  return {
    simulated,
    print: (job) => queue.enqueue(job),
    printAll: (jobs) => queue.enqueueAll(jobs),
    syncPrints: () => queue.flush(),
    printJobs: (limit) => queue.list(limit),
    retryPrintJob: (jobId: string): PrintJobInfo => queue.retry(jobId),
    health: () => health.all(),
    stats: () => ({
      ...(reconnectors.idcard ? { idcard: { ...reader.stats, connects: reconnectors.idcard.connects } } : {}),
      ...(reconnectors.printer
        ? { printer: { printed: queue.printed, connects: reconnectors.printer.connects } }
        : {}),
      ...(reconnectors.scanner
        ? {
            scanner: {
              scans: serialScanner.scans + hidScanner.scans,
              refused: serialScanner.refused + hidScanner.refused,
              connects: reconnectors.scanner.connects,
            },
          }
        : {}),
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll();
    },
  };
}

function openerFor(
  device: DeviceName,
  spec: DeviceSpec,
  hid: () => HidBackend,
): () => Promise<ByteTransport> {
  switch (spec.kind) {
    case 'serial':
      return () => openSerial(spec.path, spec.baudRate);
    case 'file':
      return () => openPrinterFile(spec.path);
    case 'hid':
      return async () => {
        const backend = hid();
        let path = spec.path;
        if (path === 'auto') {
          const found = (await backend.devices()).find((d) => d.usagePage === HID_POS_USAGE_PAGE);
          if (!found) throw new HardwareError('HW_CLOSED', 'no HID POS scanner (usage page 0x8C) attached');
          path = found.path;
        }
        const dev = await backend.open(path);
        return hidTransport(dev, `hid ${path}`, device === 'idcard');
      };
    default:
      throw new HardwareError('HW_CONFIG', `${device}: nothing to open for ${spec.kind}`);
  }
}
