// CLI: the serial simulators (idcard, printer, scanner) on pseudo-terminals.
import { resolve } from 'node:path';
import { startIdCardReader } from '../idcard/start.ts';
import { startPrinter } from '../printer/start.ts';
import { startSerialScanner } from '../scanner/serial-scanner.ts';
import { int, logger, out, parse, untilSignal, writeState } from './common.ts';

export const IDCARD_HELP = `linli-sim idcard [options]
  ID-card reader (SAM protocol, 115200 8N1) on a pseudo-terminal. Prints the path for the kiosk
  (LINLI_KIOSK_IDCARD=<path>) and a local HTTP control endpoint; drive it with
  'linli-sim ctl idcard place <resident>' / 'remove' / 'fault <name>'.
Options:
  --link PATH          also create a stable symlink for the kiosk end (e.g. /tmp/linli-idcard)
  --residents FILE     extra residents (JSON), merged over the shipped fixtures/residents.json
  --card KEY           place this resident at start
  --delay MS           processing delay before each reply (default 5)
  --read-delay MS      extra delay of a card read, the RF transfer (default 100)
  --baud N             pace replies as at this baud (default 115200; 0 = no pacing)
  --refind             find-card succeeds again after a read without lifting the card
  --control-port N     control endpoint port (default: ephemeral)
  --log-level LEVEL    debug|info|warn|error`;

export const PRINTER_HELP = `linli-sim printer [options]
  ESC/POS thermal printer on a pseudo-terminal. Each ticket (split at cuts) is decoded — Chinese
  text, QR contents, cut marks — written to the output folder and shown on the control endpoint;
  DLE EOT status queries are answered from a state you change with 'linli-sim ctl printer ...'.
Options:
  --link PATH          stable symlink for the kiosk end (e.g. /tmp/linli-printer)
  --out DIR            write ticket-NNNN.txt/.bin here (default ./data/printer-sim)
  --paper-tickets N    paper for N tickets, then near end, then out (default: endless)
  --control-port N     control endpoint port
  --log-level LEVEL`;

export const SCANNER_HELP = `linli-sim scanner [options]
  Barcode/QR scanner in serial mode on a pseudo-terminal: each code followed by CR.
  Scan with 'linli-sim ctl scanner scan <code>'. (The HID POS scanner is a library fake:
  FakeHidBackend, since HID devices cannot be created here.)
Options:
  --link PATH, --control-port N, --log-level LEVEL`;

export async function runIdcard(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    link: { type: 'string' },
    residents: { type: 'string' },
    card: { type: 'string' },
    delay: { type: 'string' },
    'read-delay': { type: 'string' },
    baud: { type: 'string' },
    refind: { type: 'boolean' },
    'control-port': { type: 'string' },
  });
  if (v.help) return out(IDCARD_HELP);
  const log = logger('idcard', v['log-level']);
  const sim = await startIdCardReader({
    ...(v.link ? { link: v.link } : {}),
    ...(v.residents ? { residentsFile: resolve(v.residents) } : {}),
    ...(v.card ? { initialCard: v.card } : {}),
    ...(v.delay !== undefined ? { processingDelayMs: int(v.delay, 'delay') } : {}),
    ...(v['read-delay'] !== undefined ? { readDelayMs: int(v['read-delay'], 'read-delay') } : {}),
    ...(v.baud !== undefined ? { baud: int(v.baud, 'baud') } : {}),
    refindAfterRead: v.refind ?? false,
    controlPort: int(v['control-port'], 'control-port') ?? 0,
    log,
  });
  const clear = writeState('idcard', { path: sim.path, controlUrl: sim.controlUrl });
  out(`idcard reader: ${sim.path}`);
  out(`control: ${sim.controlUrl}`);
  out(`residents: ${[...sim.residents.keys()].join(', ')}`);
  await untilSignal();
  clear();
  await sim.stop();
}

export async function runPrinter(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    link: { type: 'string' },
    out: { type: 'string' },
    'paper-tickets': { type: 'string' },
    'control-port': { type: 'string' },
  });
  if (v.help) return out(PRINTER_HELP);
  const log = logger('printer', v['log-level']);
  const outDir = resolve(v.out ?? 'data/printer-sim');
  const paper = int(v['paper-tickets'], 'paper-tickets', 1);
  const sim = await startPrinter({
    ...(v.link ? { link: v.link } : {}),
    outDir,
    ...(paper ? { paperTickets: paper } : {}),
    controlPort: int(v['control-port'], 'control-port') ?? 0,
    log,
  });
  sim.on('ticket', (t) => out(`--- ticket ${t.seq} ---\n${t.text}`));
  const clear = writeState('printer', { path: sim.path, controlUrl: sim.controlUrl });
  out(`printer: ${sim.path}`);
  out(`control: ${sim.controlUrl}`);
  out(`tickets: ${outDir}`);
  await untilSignal();
  clear();
  await sim.stop();
}

export async function runScanner(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, { link: { type: 'string' }, 'control-port': { type: 'string' } });
  if (v.help) return out(SCANNER_HELP);
  const log = logger('scanner', v['log-level']);
  const sim = await startSerialScanner({
    ...(v.link ? { link: v.link } : {}),
    controlPort: int(v['control-port'], 'control-port') ?? 0,
    log,
  });
  const clear = writeState('scanner', { path: sim.path, controlUrl: sim.controlUrl });
  out(`scanner: ${sim.path}`);
  out(`control: ${sim.controlUrl}`);
  await untilSignal();
  clear();
  await sim.stop();
}
