// CLI: everything at once (ID-card reader, printer, scanner, fleet) — what `npm start` needs.
import { resolve } from 'node:path';
import { SimError } from '../errors.ts';
import { startIdCardReader } from '../idcard/start.ts';
import { type Fleet, startFleet } from '../mqtt/fleet.ts';
import { runScenario } from '../mqtt/scenario.ts';
import { startPrinter } from '../printer/start.ts';
import { startSerialScanner } from '../scanner/serial-scanner.ts';
import { DEFAULT_MQTT_URL, int, logger, out, parse, untilSignal, writeState } from './common.ts';

export const ALL_HELP = `linli-sim all [options]
  ID-card reader, printer and serial scanner on pseudo-terminals plus the demo fleet (MQTT and
  Zigbee2MQTT), together. Prints the paths and control endpoints.
Options:
  --url URL            broker for the fleet (default $LINLI_MQTT_URL or mqtt://127.0.0.1:1883)
  --file FILE          fleet file (default fixtures/demo-fleet.json)
  --no-fleet           serial devices only
  --scenario FILE      play this scenario (JSON/YAML) once on the running fleet, e.g.
                       fixtures/scenarios/demo.yaml (its devices must be in the fleet)
  --speed N            time factor for the scenario (default 1)
  --out DIR            printer tickets folder (default ./data/printer-sim)
  --log-level LEVEL`;

export async function runAll(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    url: { type: 'string' },
    file: { type: 'string' },
    'no-fleet': { type: 'boolean' },
    out: { type: 'string' },
    scenario: { type: 'string' },
    speed: { type: 'string' },
  });
  if (v.help) return out(ALL_HELP);
  const level = v['log-level'];
  const idcard = await startIdCardReader({ log: logger('idcard', level) });
  const printer = await startPrinter({
    outDir: resolve(v.out ?? 'data/printer-sim'),
    log: logger('printer', level),
  });
  const scanner = await startSerialScanner({ log: logger('scanner', level) });
  const clears = [
    writeState('idcard', { path: idcard.path, controlUrl: idcard.controlUrl }),
    writeState('printer', { path: printer.path, controlUrl: printer.controlUrl }),
    writeState('scanner', { path: scanner.path, controlUrl: scanner.controlUrl }),
  ];
  out(`LINLI_KIOSK_IDCARD=${idcard.path}   control ${idcard.controlUrl}`);
  out(`LINLI_KIOSK_PRINTER=${printer.path}   control ${printer.controlUrl}`);
  out(`LINLI_KIOSK_SCANNER=${scanner.path}   control ${scanner.controlUrl}`);
  const fleet = v['no-fleet']
    ? undefined
    : await startFleet({
        url: v.url ?? DEFAULT_MQTT_URL,
        ...(v.file ? { file: resolve(v.file) } : {}),
        activity: true,
        log: logger('fleet', level),
      });
  if (fleet) out(`fleet ${fleet.site}: ${fleet.spec.devices.length} devices → ${v.url ?? DEFAULT_MQTT_URL}`);
  if (v.scenario) {
    if (!fleet) throw new SimError('SIM_ARGS', '--scenario needs the fleet (drop --no-fleet)');
    void playScenario(fleet, resolve(v.scenario), int(v.speed, 'speed', 0.001) ?? 1, level);
  }
  await untilSignal();
  for (const c of clears) c();
  await Promise.all([idcard.stop(), printer.stop(), scanner.stop(), fleet?.stop()]);
}

/** Plays a scenario on the fleet that is already connected (its own devices, so no second client
 *  with the same id), printing one line per step and a summary line `scenario …: N/M steps ok`. */
async function playScenario(fleet: Fleet, file: string, speed: number, level: unknown): Promise<void> {
  try {
    const report = await runScenario(file, {
      url: '',
      fleet,
      speed,
      keepRunning: true,
      log: logger('scenario', level),
    });
    const ok = report.results.filter((r) => r.ok).length;
    out(`scenario ${report.name}: ${ok}/${report.results.length} steps ok`);
  } catch (err) {
    out(`scenario ${file}: failed: ${(err as Error).message}`);
  }
}
