// `npm start`: the whole system on one machine with embedded defaults (DESIGN.md, "Defaults and
// scale"): the gateway with its embedded MQTT broker, the device simulators (ID-card reader,
// printer and scanner on pseudo-terminals, the demo MQTT + Zigbee2MQTT fleet), and the kiosk
// service driving the simulated hardware. Data lives under ./data (LINLI_DATA_DIR).
// Each part runs as its own process, as on a real station; Ctrl-C stops them all.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { buildScreen, SCREENS, type ScreenName } from './build-ui.ts';
import { provisionDemoFleet } from './demo-fleet.ts';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.LINLI_DATA_DIR ?? join(root, 'data'));
const site = 'demo';
const fleetFile = join(root, 'firmware-sim/fixtures/demo-fleet.json');
const READY_TIMEOUT_MS = 120_000;

interface Part {
  name: string;
  child: ChildProcess;
}
const parts: Part[] = [];
let stopping = false;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Start one part, echo its output with a prefix, and resolve with the first line `ready` accepts. */
function startPart(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: (line: string) => boolean,
): Promise<{ part: Part; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const part = { name, child };
  parts.push(part);
  const seen: string[] = [];
  return new Promise((resolveReady, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (!done) reject(new Error(`${name} did not become ready within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    const onLine = (line: string) => {
      process.stdout.write(`[${name}] ${line}\n`);
      if (done) return;
      seen.push(line);
      if (ready(line)) {
        done = true;
        clearTimeout(timer);
        resolveReady({ part, lines: seen });
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`${name} exited (${signal ?? code}) before it was ready`));
      else if (!stopping) {
        say(`[start] ${name} stopped unexpectedly (${signal ?? code}); stopping everything`);
        void stopAll(1);
      }
    });
  });
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const { name, child } of [...parts].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const exited = new Promise((r) => child.once('exit', r));
    const timeout = new Promise((r) => setTimeout(r, 12_000));
    await Promise.race([exited, timeout]);
    if (child.exitCode === null && child.signalCode === null) {
      say(`[start] ${name} did not stop in time; killing it`);
      child.kill('SIGKILL');
    }
  }
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const gatewayEnv = {
    LINLI_GW_DATA_DIR: join(dataDir, 'gateway'),
    LINLI_GW_SITE: site,
  };
  say(`[start] data under ${dataDir}`);
  for (const name of Object.keys(SCREENS) as ScreenName[]) {
    say(`[start] screens, ${name}: ${(await buildScreen(name, { ifStale: true })) ? 'built' : 'up to date'}`);
  }
  const provisioned = await provisionDemoFleet({ fleetFile, env: { ...process.env, ...gatewayEnv } });
  say(
    `[start] demo fleet: ${provisioned.devices} devices (${provisioned.added} newly provisioned), ${provisioned.residents} residents`,
  );

  const gw = await startPart(
    'gateway',
    'gateway/src/server.ts',
    [],
    { ...gatewayEnv, LINLI_GW_ZIGBEE_BRIDGE: provisioned.zigbeeBridge },
    (l) => l.startsWith('linli-gateway ready '),
  );
  const gwInfo = JSON.parse(gw.lines.at(-1)!.slice('linli-gateway ready '.length)) as {
    mqtt?: number;
    ws?: number;
    http?: number;
  };
  const mqttUrl = `mqtt://127.0.0.1:${gwInfo.mqtt ?? 1883}`;

  const sim = await startPart(
    'sim',
    'firmware-sim/src/cli/main.ts',
    ['all', '--url', mqttUrl, '--file', fleetFile, '--out', join(dataDir, 'printer-sim')],
    {},
    (l) => l.startsWith('fleet '),
  );
  const devicePath = (key: string) => {
    const line = sim.lines.find((l) => l.startsWith(`${key}=`));
    if (!line) throw new Error(`the simulators did not print ${key}`);
    const [path, , control] = line.slice(key.length + 1).split(/\s+/);
    return { path: path!, control: control ?? '' };
  };
  const idcard = devicePath('LINLI_KIOSK_IDCARD');
  const printer = devicePath('LINLI_KIOSK_PRINTER');
  const scanner = devicePath('LINLI_KIOSK_SCANNER');

  const kiosk = await startPart(
    'kiosk',
    'kiosk/src/server.ts',
    [],
    {
      LINLI_KIOSK_DATA_DIR: join(dataDir, 'kiosk'),
      LINLI_KIOSK_IDCARD: idcard.path,
      LINLI_KIOSK_PRINTER: printer.path,
      LINLI_KIOSK_SCANNER: scanner.path,
    },
    (l) => l.includes('kiosk service listening on'),
  );
  const kioskUrl =
    /listening on (http:\/\/[^\s"]+)/.exec(kiosk.lines.at(-1)!)?.[1] ?? 'http://127.0.0.1:8090';

  say('');
  say('Linli is running:');
  say(`  alarm console (station)      http://127.0.0.1:${gwInfo.http}/   (staff sign in)`);
  say(
    `  gateway API                  http://127.0.0.1:${gwInfo.http}/api   (health: /healthz, metrics: /metrics)`,
  );
  say(`  MQTT broker                  ${mqttUrl}   (WebSocket: ws://127.0.0.1:${gwInfo.ws})`);
  say(
    `  resident kiosk screen        ${kioskUrl}/   (the phone page: /follow/<token> from a ticket's QR code)`,
  );
  say(`  admin and statistics         ${kioskUrl}/admin/   (the station head; kiosk admin account)`);
  say(`  kiosk API                    ${kioskUrl}/api   (live events: /api/stream)`);
  say(`  ID-card reader (simulated)   ${idcard.path}   control ${idcard.control}`);
  say(`  printer (simulated)          ${printer.path}   control ${printer.control}`);
  say(`  scanner (simulated)          ${scanner.path}   control ${scanner.control}`);
  say(`  demo fleet                   ${provisioned.devices} devices on site "${site}"`);
  say('Try:  npm run sim -- ctl idcard place li-92        (a resident aged 92 places her ID card)');
  say('      npm run sim -- ctl printer tickets           (what the printer printed)');
  say(
    `Staff accounts: the gateway prints its generated admin password at its first start (set LINLI_GW_ADMIN_PASSWORD to choose it);`,
  );
  say(`  the kiosk's is in ${join(dataDir, 'kiosk', 'initial-admin-password.txt')}.`);
  say('Ctrl-C stops everything.');
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stopAll(0));
main().catch((err: Error) => {
  say(`[start] failed: ${err.message}`);
  void stopAll(1);
});
