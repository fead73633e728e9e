// linli-sim commands. Each device is loaded on demand.
import { out } from './common.ts';

const HELP = `linli-sim <device> [options]      (npm run sim -- <device> --help)
  idcard              ID-card reader on a pseudo-terminal (SAM protocol)
  printer             ESC/POS thermal printer on a pseudo-terminal
  scanner             barcode/QR scanner (serial mode) on a pseudo-terminal
  fleet               MQTT device fleet (buttons, door contacts, access readers, Zigbee2MQTT)
  zigbee              Zigbee2MQTT bridge only
  scenario <file>     run a scenario (JSON/YAML)
  load                load mode: thousands of devices, PUBACK latency report
  sms                 SMS/voice gateway for the responders' notifier (records, answers)
  all                 idcard + printer + scanner + fleet together
  ctl <device> ...    control a running idcard/printer/scanner simulator`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'idcard':
      await (await import('./serial.ts')).runIdcard(rest);
      return 0;
    case 'printer':
      await (await import('./serial.ts')).runPrinter(rest);
      return 0;
    case 'scanner':
      await (await import('./serial.ts')).runScanner(rest);
      return 0;
    case 'fleet':
      await (await import('./mqtt.ts')).runFleetCli(rest);
      return 0;
    case 'zigbee':
      await (await import('./mqtt.ts')).runZigbeeCli(rest);
      return 0;
    case 'scenario':
      return (await import('./mqtt.ts')).runScenarioCli(rest);
    case 'load':
      await (await import('./mqtt.ts')).runLoadCli(rest);
      return 0;
    case 'sms':
      await (await import('./sms.ts')).runSmsCli(rest);
      return 0;
    case 'all':
      await (await import('./all.ts')).runAll(rest);
      return 0;
    case 'ctl':
      return (await import('./ctl.ts')).runCtl(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(HELP);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown device "${cmd}"\n${HELP}\n`);
      return 2;
  }
}
