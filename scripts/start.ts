// `npm start`: the whole system on one machine with embedded defaults (DESIGN.md, "Defaults and
// scale"): the gateway with its embedded MQTT broker, the device simulators (ID-card reader,
// printer and scanner on pseudo-terminals, the demo MQTT + Zigbee2MQTT fleet), and the kiosk
// service driving the simulated hardware, and a community center (the same gateway program with
// role center, docs/center-link.md) to which the station forwards every alert. Data lives under
// ./data (LINLI_DATA_DIR): data/gateway (the station), data/center, data/kiosk.
// Each part runs as its own process, as on a real station; Ctrl-C stops them all.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../gateway/src/config.ts';
import { resolveHmacKey } from '../gateway/src/hmac-key.ts';
import { migrate, openDb, provisionStation, type StationSecrets } from '../gateway/src/index.ts';
import { buildScreen, SCREENS, type ScreenName } from './build-ui.ts';
import { provisionDemoFleet } from './demo-fleet.ts';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.LINLI_DATA_DIR ?? join(root, 'data'));
const site = 'demo';
const fleetFile = join(root, 'firmware-sim/fixtures/demo-fleet.json');
const READY_TIMEOUT_MS = 120_000;
/** The center beside the station: its own data, HTTP and broker ports (LINLI_CENTER_HTTP_PORT,
 *  LINLI_CENTER_MQTT_PORT to move them). */
const centerHttpPort = process.env.LINLI_CENTER_HTTP_PORT ?? '8081';
const centerMqttPort = process.env.LINLI_CENTER_MQTT_PORT ?? '1884';

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

/** The station's account at the center: generated once, kept (0600) beside the center's data, so a
 *  second start uses the same secrets. */
function stationSecrets(file: string): StationSecrets {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as StationSecrets;
    if (s.password?.length >= 16 && s.webhookSecret?.length >= 16) return s;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const s = {
    password: randomBytes(24).toString('base64url'),
    webhookSecret: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, `${JSON.stringify(s)}\n`, { mode: 0o600 });
  return s;
}

/** Create (or bring up to date) the station's account in the center's database; idempotent. */
async function provisionAtCenter(env: NodeJS.ProcessEnv, secrets: StationSecrets): Promise<string> {
  const config = loadConfig({}, env);
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDb(join(config.dataDir, config.dbFile));
  try {
    migrate(db);
    return await provisionStation(db, resolveHmacKey(config), site, secrets);
  } finally {
    db.close();
  }
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

  const centerEnv = {
    LINLI_GW_ROLE: 'center',
    LINLI_GW_SITE: 'center',
    LINLI_GW_DATA_DIR: join(dataDir, 'center'),
    LINLI_GW_HTTP_PORT: centerHttpPort,
    LINLI_GW_MQTT_PORT: centerMqttPort,
    LINLI_GW_WS_PORT: '-1',
  };
  mkdirSync(centerEnv.LINLI_GW_DATA_DIR, { recursive: true });
  const secrets = stationSecrets(join(centerEnv.LINLI_GW_DATA_DIR, `station-${site}.secrets.json`));
  const account = await provisionAtCenter({ ...process.env, ...centerEnv }, secrets);
  say(`[start] center: station "${site}" account ${account}`);
  const center = await startPart('center', 'gateway/src/server.ts', [], centerEnv, (l) =>
    l.startsWith('linli-gateway ready '),
  );
  const centerInfo = JSON.parse(center.lines.at(-1)!.slice('linli-gateway ready '.length)) as {
    mqtt?: number;
    http?: number;
  };

  const gw = await startPart(
    'gateway',
    'gateway/src/server.ts',
    [],
    {
      ...gatewayEnv,
      LINLI_GW_ZIGBEE_BRIDGE: provisioned.zigbeeBridge,
      LINLI_GW_UPLINK_MQTT_URL: `mqtt://127.0.0.1:${centerInfo.mqtt}`,
      LINLI_GW_UPLINK_USERNAME: site,
      LINLI_GW_UPLINK_PASSWORD: secrets.password,
      LINLI_GW_UPLINK_WEBHOOK_URL: `http://127.0.0.1:${centerInfo.http}/api/center/v1/ingest`,
      LINLI_GW_UPLINK_WEBHOOK_KEY: secrets.webhookSecret,
    },
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
    `  alarm console (center)       http://127.0.0.1:${centerInfo.http}/   (center staff sign in; station "${site}" forwards here)`,
  );
  say(
    `  gateway API                  http://127.0.0.1:${gwInfo.http}/api   (health: /healthz, metrics: /metrics)`,
  );
  say(`  MQTT broker                  ${mqttUrl}   (WebSocket: ws://127.0.0.1:${gwInfo.ws})`);
  say(
    `  center API                   http://127.0.0.1:${centerInfo.http}/api   (stations: /api/center/stations; broker mqtt://127.0.0.1:${centerInfo.mqtt})`,
  );
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
    '      npm run sim -- scenario firmware-sim/fixtures/scenarios/demo.yaml --speed 10   (demo alerts; they reach the center console too)',
  );
  say(
    `Staff accounts: the station gateway and the center each print their generated admin password at their first start`,
  );
  say('  (lines "[gateway] …" and "[center] …"; set LINLI_GW_ADMIN_PASSWORD to choose it for both);');
  say(`  the kiosk's is in ${join(dataDir, 'kiosk', 'initial-admin-password.txt')}.`);
  say('Ctrl-C stops everything.');
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stopAll(0));
main().catch((err: Error) => {
  say(`[start] failed: ${err.message}`);
  void stopAll(1);
});
