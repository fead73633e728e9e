// The deployment files (deploy/): systemd units checked by systemd-analyze (verify, and the
// offline security exposure) and by their key settings; the udev rules' names and permissions;
// the env files accepted by the services' own config loaders; the screen launcher run against a
// stand-in Chromium (kiosk flags, crash-restore prompt suppressed, waits for the kiosk service).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate as migrateGateway, openDb as openGatewayDb } from '@linli/gateway';
import { loadConfig as loadGatewayConfig } from '@linli/gateway/config.ts';
import { loadConfig as loadKioskConfig } from '@linli/kiosk';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, removeDir } from './gateway-helpers.ts';

const DEPLOY = join(REPO, 'deploy');
const read = (p: string) => readFileSync(join(DEPLOY, p), 'utf8');

type Unit = Record<string, Record<string, string[]>>;

/** systemd unit files: sections of key → values (a key may repeat). */
function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      unit[section] ??= {};
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`not a unit line: ${line}`);
    const values = unit[section]![kv[1]!] ?? [];
    values.push(kv[2]!);
    unit[section]![kv[1]!] = values;
  }
  return unit;
}

function envFile(p: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of read(p).split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

const unit = (name: string) => parseUnit(read(`systemd/${name}`));
const one = (u: Unit, section: string, key: string) => {
  const v = u[section]?.[key];
  expect(v, `${section}.${key}`).toBeDefined();
  return v!.at(-1)!;
};

const HARDENING: Record<string, string> = {
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  ProtectKernelTunables: 'yes',
  ProtectKernelModules: 'yes',
  ProtectControlGroups: 'yes',
  RestrictNamespaces: 'yes',
  RestrictSUIDSGID: 'yes',
  LockPersonality: 'yes',
  CapabilityBoundingSet: '',
  SystemCallArchitectures: 'native',
  User: 'linli',
  UMask: '0077',
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe('systemd units', () => {
  it('the gateway runs hardened as linli, writes only its data folder, which its env file names', () => {
    const u = unit('linli-gateway.service');
    for (const [k, v] of Object.entries(HARDENING)) expect(one(u, 'Service', k), k).toBe(v);
    expect(one(u, 'Service', 'PrivateDevices')).toBe('yes');
    // AF_NETLINK for os.networkInterfaces() at listen (scripts/deploy-smoke.sh found it missing)
    expect(one(u, 'Service', 'RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX AF_NETLINK');
    expect(u.Service!.MemoryDenyWriteExecute).toBeUndefined(); // V8's JIT needs it off
    expect(one(u, 'Service', 'StateDirectory')).toBe('linli/gateway');
    expect(one(u, 'Service', 'ReadWritePaths')).toBe('/var/lib/linli/gateway');
    expect(envFile('env/gateway.env').LINLI_GW_DATA_DIR).toBe('/var/lib/linli/gateway');
    expect(one(u, 'Service', 'EnvironmentFile')).toBe('/etc/linli/gateway.env');
    expect(one(u, 'Service', 'ExecStart')).toBe('/usr/bin/node --import tsx gateway/src/server.ts');
    expect(existsSync(join(REPO, 'gateway/src/server.ts'))).toBe(true);
    expect(one(u, 'Service', 'Restart')).toBe('always');
    expect(Number(one(u, 'Service', 'LimitNOFILE'))).toBeGreaterThanOrEqual(20_000);
  });

  it('the kiosk service runs hardened as linli with only the USB serial, printer and hidraw devices', () => {
    const u = unit('linli-kiosk.service');
    for (const [k, v] of Object.entries(HARDENING)) expect(one(u, 'Service', k), k).toBe(v);
    expect(one(u, 'Service', 'DevicePolicy')).toBe('closed');
    expect(u.Service!.DeviceAllow).toEqual([
      'char-ttyUSB rw',
      'char-ttyACM rw',
      'char-usb rw',
      'char-hidraw rw',
    ]);
    expect(u.Service!.PrivateDevices).toBeUndefined();
    expect(one(u, 'Service', 'StateDirectory')).toBe('linli/kiosk');
    expect(envFile('env/kiosk.env').LINLI_KIOSK_DATA_DIR).toBe('/var/lib/linli/kiosk');
    expect(one(u, 'Service', 'ExecStart')).toBe('/usr/bin/node --import tsx kiosk/src/server.ts');
    expect(one(u, 'Service', 'Restart')).toBe('always');
  });

  it('the screen runs Chromium in cage on tty1 as linli-screen, restarted whenever it ends', () => {
    const u = unit('linli-screen.service');
    expect(one(u, 'Service', 'User')).toBe('linli-screen');
    expect(one(u, 'Service', 'Restart')).toBe('always');
    expect(one(u, 'Unit', 'StartLimitIntervalSec')).toBe('0');
    expect(one(u, 'Service', 'TTYPath')).toBe('/dev/tty1');
    expect(one(u, 'Service', 'PAMName')).toBe('linli-screen');
    expect(existsSync(join(DEPLOY, 'pam/linli-screen'))).toBe(true);
    expect(one(u, 'Service', 'ExecStart')).toBe('/usr/bin/cage -d -s -- /opt/linli/deploy/bin/linli-screen');
    accessSync(join(DEPLOY, 'bin/linli-screen'), constants.X_OK);
    expect(u.Unit!.Wants).toContain('linli-kiosk.service');
  });

  it('the nightly backup runs each service CLI with a retention, caught up after a night off', () => {
    const s = unit('linli-backup@.service');
    expect(one(s, 'Service', 'Type')).toBe('oneshot');
    expect(one(s, 'Service', 'User')).toBe('linli');
    expect(one(s, 'Service', 'ExecStart')).toBe(
      '/usr/bin/node --import tsx %i/src/cli/main.ts backup --dir /var/lib/linli/backups/%i --keep 14',
    );
    for (const svc of ['gateway', 'kiosk']) expect(existsSync(join(REPO, svc, 'src/cli/main.ts'))).toBe(true);
    expect(one(s, 'Service', 'StateDirectory')).toBe('linli/%i linli/backups/%i');
    expect(one(s, 'Service', 'EnvironmentFile')).toBe('/etc/linli/%i.env');
    const t = unit('linli-backup@.timer');
    expect(one(t, 'Timer', 'OnCalendar')).toBe('*-*-* 02:30:00');
    expect(one(t, 'Timer', 'Persistent')).toBe('true');
    expect(one(t, 'Install', 'WantedBy')).toBe('timers.target');
  });

  it('systemd-analyze verifies every unit, and rates the services exposure OK', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-units-'));
    dirs.push(dir);
    const names: string[] = [];
    for (const f of readdirSync(join(DEPLOY, 'systemd'))) {
      const to = f.includes('@.') ? f.replace('@.', '@gateway.') : f; // a template needs an instance
      copyFileSync(join(DEPLOY, 'systemd', f), join(dir, to));
      names.push(to);
    }
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...names], { cwd: dir, encoding: 'utf8' });
    const problems = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.trim())
      // A CI machine without a display stack has no cage; everything else must be clean.
      .filter((l) => !(l.includes('/usr/bin/cage is not executable') && !existsSync('/usr/bin/cage')));
    expect(problems).toEqual([]);
    for (const svc of ['linli-gateway.service', 'linli-kiosk.service', 'linli-backup@gateway.service']) {
      const out = execFileSync('systemd-analyze', ['security', '--offline=true', svc], {
        cwd: dir,
        encoding: 'utf8',
      });
      const level = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(out)?.[1]);
      expect(level, svc).toBeLessThanOrEqual(2.0);
    }
  });

  it('systemd-sysusers accepts the users file', () => {
    const r = spawnSync('systemd-sysusers', ['--dry-run', join(DEPLOY, 'sysusers/linli.conf')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/ignoring|failed|invalid/i);
  });
});

describe('env files', () => {
  it('are accepted by the services own config loaders (no unknown or bad key)', () => {
    const gw = loadGatewayConfig({}, envFile('env/gateway.env'));
    expect(gw.dataDir).toBe('/var/lib/linli/gateway');
    const kiosk = loadKioskConfig({}, envFile('env/kiosk.env'));
    expect(kiosk.dataDir).toBe('/var/lib/linli/kiosk');
    expect(kiosk.devices).toMatchObject({
      idcard: '/dev/linli-reader',
      printer: '/dev/linli-printer',
      scanner: 'hid:/dev/linli-scanner',
    });
  });
});

describe('udev rules', () => {
  const rules = read('udev/70-linli-devices.rules')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  /** One rule: [key, operator, value] triples; throws on anything udev would not parse. */
  function parseRule(line: string): [string, string, string][] {
    const out: [string, string, string][] = [];
    const re = /\s*([A-Z_]+(?:\{[A-Za-z_]+\})?)\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(,|$)/y;
    let at = 0;
    while (at < line.length) {
      re.lastIndex = at;
      const m = re.exec(line);
      if (!m) throw new Error(`cannot parse udev rule at ${at}: ${line}`);
      out.push([m[1]!, m[2]!, m[3]!]);
      at = re.lastIndex;
    }
    return out;
  }

  it('give each device a stable name, group linli and mode 0660, by USB ids', () => {
    const named = new Set<string>();
    for (const line of rules) {
      const r = parseRule(line);
      const get = (k: string, op: string) => r.find(([key, o]) => key === k && o === op)?.[2];
      expect(['tty', 'hidraw', 'usbmisc']).toContain(get('SUBSYSTEM', '=='));
      expect(get('ATTRS{idVendor}', '==')).toMatch(/^[0-9a-f]{4}$/);
      expect(get('ATTRS{idProduct}', '==')).toMatch(/^[0-9a-f]{4}$/);
      expect(get('GROUP', '=')).toBe('linli');
      expect(get('MODE', '=')).toBe('0660');
      const link = get('SYMLINK', '+=');
      expect(['linli-reader', 'linli-printer', 'linli-scanner']).toContain(link);
      named.add(link!);
      if (get('SUBSYSTEM', '==') === 'tty') expect(get('ENV{ID_MM_DEVICE_IGNORE}', '=')).toBe('1');
      if (get('SUBSYSTEM', '==') === 'usbmisc') expect(get('KERNEL', '==')).toBe('lp[0-9]*');
    }
    expect([...named].sort()).toEqual(['linli-printer', 'linli-reader', 'linli-scanner']);
  });

  it('say that their ids are examples', () => {
    expect(read('udev/70-linli-devices.rules')).toMatch(/EVERY vendor\/product id below is an EXAMPLE/);
  });
});

describe('screen launcher', () => {
  it('waits for the kiosk service, clears the crash-restore state, and runs Chromium in kiosk mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-screen-'));
    dirs.push(dir);
    const profile = join(dir, 'profile');
    mkdirSync(join(profile, 'Default'), { recursive: true });
    writeFileSync(
      join(profile, 'Default/Preferences'),
      '{"profile":{"exit_type":"Crashed","exited_cleanly":false,"name":"x"}}',
    );
    writeFileSync(join(profile, 'SingletonLock'), '');
    const fake = join(dir, 'chromium');
    writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "${join(dir, 'args')}"\n`, {
      mode: 0o755,
    });
    let healthHits = 0;
    const server = createServer((req, res) => {
      if (req.url === '/api/health') healthHits++;
      // Not ready for the first two polls, as a service still starting.
      res.statusCode = req.url === '/api/health' && healthHits > 2 ? 200 : 503;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    try {
      const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const p = spawn(join(DEPLOY, 'bin/linli-screen'), [], {
          env: {
            PATH: process.env.PATH,
            LINLI_SCREEN_URL: url,
            LINLI_SCREEN_PROFILE: profile,
            LINLI_SCREEN_WAIT_S: '30',
            CHROMIUM: fake,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        p.stderr.on('data', (b: Buffer) => {
          err += b.toString();
        });
        p.on('exit', (code: number | null) => resolve({ code, err }));
      });
      expect(r.code).toBe(0);
      expect(healthHits).toBeGreaterThanOrEqual(3);
      const args = readFileSync(join(dir, 'args'), 'utf8').trim().split('\n');
      expect(args.slice(0, 2)).toEqual(['--kiosk', url]);
      for (const flag of [
        `--user-data-dir=${profile}`,
        '--noerrdialogs',
        '--disable-session-crashed-bubble',
        '--no-first-run',
        '--disable-pinch',
      ])
        expect(args).toContain(flag);
      const prefs = readFileSync(join(profile, 'Default/Preferences'), 'utf8');
      expect(prefs).toBe('{"profile":{"exit_type":"Normal","exited_cleanly":true,"name":"x"}}');
      expect(existsSync(join(profile, 'SingletonLock'))).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe('linli-admin', () => {
  it('runs a service CLI with its env file as the service user, whose files stay its own', async () => {
    const root = process.getuid?.() === 0;
    // As root the CLI drops to the service user: nobody here, when nobody can read the checkout
    // (a checkout under /root cannot be: then root itself stands in).
    const gid = execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim();
    const user =
      root &&
      spawnSync('setpriv', [
        '--reuid=nobody',
        `--regid=${gid}`,
        '--clear-groups',
        'test',
        '-r',
        join(REPO, 'package.json'),
      ]).status === 0
        ? 'nobody'
        : 'root';
    const dir = mkdtempSync(join(tmpdir(), 'linli-admin-'));
    dirs.push(dir);
    chmodSync(dir, 0o755);
    const data = join(dir, 'data');
    mkdirSync(join(dir, 'env'));
    writeFileSync(join(dir, 'env/gateway.env'), `# test\nLINLI_GW_DATA_DIR=${data}\n`);
    const db = openGatewayDb(join(data, 'gateway.db'));
    migrateGateway(db);
    db.close();
    // As root (CI) the CLI runs as nobody, who owns the data folder, as linli would.
    if (root) execFileSync('chown', ['-R', `${user}:`, data]);
    const env = {
      PATH: process.env.PATH,
      LINLI_ENV_DIR: join(dir, 'env'),
      LINLI_ROOT: REPO,
      LINLI_USER: user,
    };
    const run = (args: string[]) =>
      spawnSync(join(DEPLOY, 'bin/linli-admin'), args, { env, encoding: 'utf8', cwd: dir });
    const b = run(['gateway', 'backup', '--keep', '2', '--json']);
    expect(b.status, b.stderr).toBe(0);
    const file = (JSON.parse(b.stdout) as { file: string }).file;
    expect(file.startsWith(join(data, 'backups', 'gateway-'))).toBe(true);
    const r = run(['gateway', 'restore', file]);
    expect(r.status, r.stderr).toBe(0);
    if (root) {
      const nobody = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      for (const f of readdirSync(data)) expect(statSync(join(data, f)).uid, f).toBe(nobody);
      expect(statSync(file).uid).toBe(nobody);
    }
    expect(run(['nonsense']).status).toBe(2);
  });
});
