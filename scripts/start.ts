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
/** The demo scenario played once on the running fleet at every start (LINLI_DEMO_SCENARIO=off to
 *  skip it, or a path to play another one) and its time factor. */
const demoScenario =
  process.env.LINLI_DEMO_SCENARIO ?? join(root, 'firmware-sim/fixtures/scenarios/demo.yaml');
const demoSpeed = process.env.LINLI_DEMO_SPEED ?? '4';
/** The demo's window clerks at the kiosk (window console sign-in). */
const DEMO_CLERKS = [
  { username: 'window1', displayName: '窗口一', role: 'window' },
  { username: 'window2', displayName: '窗口二', role: 'window' },
] as const;

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

/** The demo's one staff password (station, center and kiosk admins, the window clerks): generated
 *  at the first start and kept (0600) in data/demo-logins.json, so every start prints the same
 *  logins. LINLI_GW_ADMIN_PASSWORD / LINLI_KIOSK_ADMIN_PASSWORD still choose their own. */
function demoPassword(file: string): string {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { password?: string };
    if (saved.password && saved.password.length >= 8) return saved.password;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const password = `demo-${randomBytes(6).toString('base64url')}-1`;
  writeFileSync(file, `${JSON.stringify({ password })}\n`, { mode: 0o600 });
  return password;
}

/** Sign in to the kiosk as its admin and create the demo's window clerks that are missing. */
async function ensureDemoClerks(kioskUrl: string, adminPassword: string, password: string): Promise<string> {
  const login = await fetch(`${kioskUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  if (!login.ok) {
    return `not created: the kiosk admin's password is not the demo one (${login.status}); sign in with yours`;
  }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const headers = { 'content-type': 'application/json', cookie };
  const list = (await (await fetch(`${kioskUrl}/api/admin/staff`, { headers })).json()) as {
    staff: { username: string }[];
  };
  for (const clerk of DEMO_CLERKS) {
    if (list.staff.some((s) => s.username === clerk.username)) continue;
    const res = await fetch(`${kioskUrl}/api/admin/staff`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...clerk, password }),
    });
    if (!res.ok) return `not created: ${res.status} ${await res.text()}`;
  }
  return 'ready';
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
  const password = demoPassword(join(dataDir, 'demo-logins.json'));
  const gwAdminPassword = process.env.LINLI_GW_ADMIN_PASSWORD || password;
  const kioskAdminPassword = process.env.LINLI_KIOSK_ADMIN_PASSWORD || password;
  const gatewayEnv = {
    LINLI_GW_DATA_DIR: join(dataDir, 'gateway'),
    LINLI_GW_SITE: site,
    LINLI_GW_ADMIN_PASSWORD: gwAdminPassword,
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
    LINLI_GW_ADMIN_PASSWORD: gwAdminPassword,
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
    [
      'all',
      ...['--url', mqttUrl, '--file', fleetFile, '--out', join(dataDir, 'printer-sim')],
      ...(demoScenario === 'off' ? [] : ['--scenario', demoScenario, '--speed', demoSpeed]),
    ],
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
      LINLI_KIOSK_ADMIN_PASSWORD: kioskAdminPassword,
      // the demo takes tickets at any hour; the resident screen says so on every service
      LINLI_KIOSK_ENFORCE_HOURS: process.env.LINLI_KIOSK_ENFORCE_HOURS ?? 'false',
    },
    (l) => l.includes('kiosk service listening on'),
  );
  const kioskUrl =
    /listening on (http:\/\/[^\s"]+)/.exec(kiosk.lines.at(-1)!)?.[1] ?? 'http://127.0.0.1:8090';

  const clerks = await ensureDemoClerks(kioskUrl, kioskAdminPassword, password);
  const station = `http://127.0.0.1:${gwInfo.http}`;
  const centerUrl = `http://127.0.0.1:${centerInfo.http}`;
  const table: [string, string, string][] = [
    ['resident kiosk', `${kioskUrl}/`, 'touch screen; the phone page is /follow/<token> (QR on a ticket)'],
    ['window console', `${kioskUrl}/window/`, `window1 or window2 / ${password}  (clerks: ${clerks})`],
    ['display board', `${kioskUrl}/board/`, 'no sign-in; calls spoken in Mandarin'],
    ['admin and statistics', `${kioskUrl}/admin/`, `admin / ${kioskAdminPassword}`],
    ['station alarm console', `${station}/`, `admin / ${gwAdminPassword}`],
    [
      'center alarm console',
      `${centerUrl}/`,
      `admin / ${gwAdminPassword}  (station "${site}" forwards here)`,
    ],
    ['station API', `${station}/api`, 'health /healthz, metrics /metrics'],
    [
      'center API',
      `${centerUrl}/api`,
      `stations /api/center/stations; broker mqtt://127.0.0.1:${centerInfo.mqtt}`,
    ],
    ['kiosk API', `${kioskUrl}/api`, 'live events /api/stream; metrics /metrics'],
    ['MQTT broker (station)', mqttUrl, `WebSocket ws://127.0.0.1:${gwInfo.ws}`],
    ['ID-card reader (sim)', idcard.path, `control ${idcard.control}`],
    ['printer (sim)', printer.path, `control ${printer.control}`],
    ['scanner (sim)', scanner.path, `control ${scanner.control}`],
  ];
  const width = Math.max(...table.map(([name]) => name.length));
  const urlWidth = Math.max(...table.map(([, url]) => url.length));
  say('');
  say('Linli is running:');
  for (const [name, url, note] of table) say(`  ${name.padEnd(width)}  ${url.padEnd(urlWidth)}  ${note}`);
  say('');
  say(`Demo fleet: ${provisioned.devices} devices on site "${site}".`);
  say(
    demoScenario === 'off'
      ? 'Demo scenario: off (LINLI_DEMO_SCENARIO=off).'
      : `Demo scenario: playing now on the fleet (${demoSpeed}x): presses, a forced door, a denied card, and a pendant that goes silent (device.offline after 90 s); the alerts reach both consoles.`,
  );
  say(
    'Service hours are not enforced in the demo (LINLI_KIOSK_ENFORCE_HOURS=false): tickets at any hour, the kiosk screen says so.',
  );
  say('Try:  npm run sim -- ctl idcard place li-92        (a resident aged 92 places her ID card)');
  say('      npm run sim -- ctl printer tickets           (what the printer printed)');
  say(`Logins are kept in ${join(dataDir, 'demo-logins.json')} (0600).`);
  say('Ctrl-C stops everything.');
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stopAll(0));
main().catch((err: Error) => {
  say(`[start] failed: ${err.message}`);
  void stopAll(1);
});
