#!/usr/bin/env -S npx tsx
// linli gateway admin CLI, on the gateway's SQLite file:
//   npx tsx gateway/src/cli/main.ts <command> [options]      (--help on any command)
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LinliError } from '@linli/shared';
import { generateSecret } from '../auth/password.ts';
import { isRole, ROLES } from '../auth/roles.ts';
import { StaffStore } from '../auth/staff.ts';
import { importDevicesCsv } from '../registry/import.ts';
import {
  aclFile,
  confSnippet,
  gatewayAccount,
  type MosquittoAccount,
  passwordFile,
  zigbeeBridgeAccount,
} from '../registry/mosquitto.ts';
import { DEVICE_KINDS, type DeviceInput, type ResidentInput } from '../registry/schemas.ts';
import { int, parse, readStdin, str, UsageError } from './args.ts';
import { type CliContext, openCli } from './context.ts';

const ENV_HELP = `Environment: LINLI_GW_DATA_DIR (default ./data/gateway), LINLI_GW_DB_FILE (default gateway.db),
LINLI_GW_HMAC_KEY (the gateway's key; must be the same as the running gateway's).`;

const USAGE: Record<string, string> = {
  main: `Usage: linli-gateway <command> [options]

Commands:
  device add        provision a device (prints its MQTT secret once)
  device list       list devices
  device retire     retire a device (its credential is deleted)
  device rotate     give a device a new secret (the old one stops working)
  device import     import devices from a CSV file (see docs/gateway-api.md)
  resident add      add a resident
  resident list     list residents
  staff add         add a staff account
  mosquitto-files   write password_file and acl_file for an external Mosquitto

Run "<command> --help" for its options.
${ENV_HELP}`,
  'device add': `Usage: device add --id ID --site SITE --kind KIND [options]
  --kind             ${DEVICE_KINDS.join(' | ')}
  --building, --unit, --room, --grid   location
  --heartbeat-s N    heartbeat interval (default 60)
  --offline-timeout-s N   (default 600 for mains devices, 90000 for battery devices)
  --resident ID      the resident the device serves
  --zigbee-name NAME Zigbee2MQTT friendly name (kind zigbee; default: the id)
  --secret-stdin     read the secret from stdin instead of generating one
  --json             print JSON`,
  'device list': `Usage: device list [--site SITE] [--kind KIND] [--retired | --all] [--json]`,
  'device retire': `Usage: device retire ID [--reason TEXT]`,
  'device rotate': `Usage: device rotate ID [--secret-stdin]
  Prints the new secret once (unless it was read from stdin).`,
  'device import': `Usage: device import FILE.csv [--secrets-out FILE] [--json]
  Good rows are imported in one transaction; each bad row is reported (line, column, reason)
  and the exit code is 1 when any row failed. Secrets of the new devices are printed as CSV
  (id,secret) or written to --secrets-out (mode 0600).`,
  'resident add': `Usage: resident add --name NAME [--id ID] [--address A] [--phone P] [--lives-alone]
  [--welfare-hours H] [--contact "name|phone|relation"]... [--json]`,
  'resident list': `Usage: resident list [--q TEXT] [--lives-alone] [--json]`,
  'staff add': `Usage: staff add --username U --role ROLE [--display-name NAME] [--password-stdin]
  --role   ${ROLES.join(' | ')}
  Without --password-stdin a password is generated and printed once.`,
  'mosquitto-files': `Usage: mosquitto-files OUTDIR [--gateway-user U] [--zigbee-bridge-user U]...
  Writes OUTDIR/password_file, OUTDIR/acl_file and OUTDIR/mosquitto-linli.conf for an external
  Mosquitto: one account per active device (publish its evt, hb and status, read its cmd), the
  gateway's account (linli/v1/# and zigbee2mqtt/#) and Zigbee2MQTT bridge accounts.
  Account passwords come from LINLI_GW_BROKER_PASSWORD (gateway) and LINLI_GW_ZIGBEE_BRIDGE
  ("user:password,..."), else they are generated and printed once.`,
};

type Out = (s: string) => void;

function table(rows: Record<string, unknown>[], cols: string[]): string {
  const cells = [
    cols,
    ...rows.map((r) => cols.map((c) => (r[c] === undefined || r[c] === null ? '' : String(r[c])))),
  ];
  const widths = cols.map((_, i) => Math.max(...cells.map((r) => (r[i] as string).length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function deviceAdd(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const { values: v } = parse(
    argv,
    {
      id: { type: 'string' },
      site: { type: 'string' },
      kind: { type: 'string' },
      building: { type: 'string' },
      unit: { type: 'string' },
      room: { type: 'string' },
      grid: { type: 'string' },
      'heartbeat-s': { type: 'string' },
      'offline-timeout-s': { type: 'string' },
      resident: { type: 'string' },
      'zigbee-name': { type: 'string' },
      'secret-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    USAGE['device add']!,
  );
  if (v.help) return help('device add', out);
  const location: DeviceInput['location'] = {};
  for (const k of ['building', 'unit', 'room', 'grid'] as const) {
    const s = str(v[k]);
    if (s) location[k] = s;
  }
  const input = {
    id: str(v.id) ?? '',
    site: str(v.site) ?? '',
    kind: (str(v.kind) ?? '') as DeviceInput['kind'],
    ...(Object.keys(location).length ? { location } : {}),
    ...(int(v['heartbeat-s'], 'heartbeat-s') !== undefined
      ? { heartbeatIntervalS: int(v['heartbeat-s'], 'heartbeat-s') }
      : {}),
    ...(int(v['offline-timeout-s'], 'offline-timeout-s') !== undefined
      ? { offlineTimeoutS: int(v['offline-timeout-s'], 'offline-timeout-s') }
      : {}),
    ...(str(v.resident) ? { residentId: str(v.resident) } : {}),
    ...(str(v['zigbee-name']) ? { zigbeeName: str(v['zigbee-name']) } : {}),
    ...(v['secret-stdin'] ? { secret: await readStdin() } : {}),
  } as DeviceInput;
  const res = await ctx.registry.provisionAsync(input, ctx.by);
  if (v.json) out(JSON.stringify(res));
  else {
    out(`provisioned ${res.device.id} (${res.device.kind}, site ${res.device.site})`);
    if (res.secret && !input.secret)
      out(`secret: ${res.secret}\n  (shown once: configure the device with it now)`);
  }
  return 0;
}

function deviceList(ctx: CliContext, argv: string[], out: Out): number {
  const { values: v } = parse(
    argv,
    {
      site: { type: 'string' },
      kind: { type: 'string' },
      retired: { type: 'boolean' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    USAGE['device list']!,
  );
  if (v.help) return help('device list', out);
  const kind = str(v.kind);
  if (kind && !(DEVICE_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`--kind must be one of ${DEVICE_KINDS.join(', ')}`);
  }
  const devices = ctx.registry.list({
    ...(str(v.site) ? { site: str(v.site) } : {}),
    ...(kind ? { kind: kind as DeviceInput['kind'] } : {}),
    retired: v.all ? 'all' : !!v.retired,
  });
  if (v.json) out(JSON.stringify(devices));
  else {
    out(
      table(
        devices.map((d) => ({
          ...d,
          where: [d.location.building, d.location.unit, d.location.room].filter(Boolean).join('-'),
          grid: d.location.grid,
          state: d.retired ? 'retired' : 'active',
        })),
        [
          'id',
          'site',
          'kind',
          'where',
          'grid',
          'residentId',
          'heartbeatIntervalS',
          'offlineTimeoutS',
          'state',
        ],
      ),
    );
  }
  return 0;
}

function deviceRetire(ctx: CliContext, argv: string[], out: Out): number {
  const { values: v, positionals } = parse(argv, { reason: { type: 'string' } }, USAGE['device retire']!);
  if (v.help) return help('device retire', out);
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(USAGE['device retire']!);
  ctx.registry.retire(id, ctx.by, str(v.reason));
  out(`retired ${id}`);
  return 0;
}

async function deviceRotate(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { 'secret-stdin': { type: 'boolean' } },
    USAGE['device rotate']!,
  );
  if (v.help) return help('device rotate', out);
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(USAGE['device rotate']!);
  const given = v['secret-stdin'] ? await readStdin() : undefined;
  const secret = await ctx.registry.rotateSecretAsync(id, given, ctx.by);
  out(`new secret for ${id}${given ? ' stored' : `: ${secret}\n  (shown once)`}`);
  return 0;
}

async function deviceImport(ctx: CliContext, argv: string[], out: Out, err: Out): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { 'secrets-out': { type: 'string' }, json: { type: 'boolean' } },
    USAGE['device import']!,
  );
  if (v.help) return help('device import', out);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(USAGE['device import']!);
  const r = await importDevicesCsv(ctx.registry, readFileSync(file, 'utf8'), ctx.by);
  if (v.json) out(JSON.stringify(r));
  else {
    err(`${r.imported.length} of ${r.rows} rows imported, ${r.errors.length} error(s)`);
    for (const e of r.errors) err(`  line ${e.row}${e.column ? `, column ${e.column}` : ''}: ${e.reason}`);
    const secrets = r.imported.filter((i) => i.secret);
    const csv = `id,secret\n${secrets.map((i) => `${i.id},${i.secret}`).join('\n')}\n`;
    const to = str(v['secrets-out']);
    if (to) {
      writeFileSync(to, csv, { mode: 0o600 });
      err(`secrets of ${secrets.length} device(s) written to ${to}`);
    } else if (secrets.length) out(csv.trimEnd());
  }
  return r.errors.length ? 1 : 0;
}

function residentAdd(ctx: CliContext, argv: string[], out: Out): number {
  const { values: v } = parse(
    argv,
    {
      id: { type: 'string' },
      name: { type: 'string' },
      address: { type: 'string' },
      phone: { type: 'string' },
      'lives-alone': { type: 'boolean' },
      'welfare-hours': { type: 'string' },
      contact: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    USAGE['resident add']!,
  );
  if (v.help) return help('resident add', out);
  const contacts = (v.contact ?? []).map((c) => {
    const [name, phone, relation] = c.split('|').map((s) => s.trim());
    if (!name || !phone) throw new UsageError(`--contact "${c}" is not "name|phone[|relation]"`);
    return relation ? { name, phone, relation } : { name, phone };
  });
  const wh = str(v['welfare-hours']);
  if (wh !== undefined && !/^\d+(\.\d+)?$/.test(wh)) throw new UsageError('--welfare-hours must be a number');
  const input: ResidentInput = {
    name: str(v.name) ?? '',
    ...(str(v.id) ? { id: str(v.id) } : {}),
    ...(str(v.address) ? { address: str(v.address) } : {}),
    ...(str(v.phone) ? { phone: str(v.phone) } : {}),
    ...(contacts.length ? { emergencyContacts: contacts } : {}),
    livesAlone: !!v['lives-alone'],
    ...(wh ? { welfareCheckHours: Number(wh) } : {}),
  };
  const r = ctx.registry.createResident(input, ctx.by);
  out(v.json ? JSON.stringify(r) : `added resident ${r.id}`);
  return 0;
}

function residentList(ctx: CliContext, argv: string[], out: Out): number {
  const { values: v } = parse(
    argv,
    { q: { type: 'string' }, 'lives-alone': { type: 'boolean' }, json: { type: 'boolean' } },
    USAGE['resident list']!,
  );
  if (v.help) return help('resident list', out);
  const rs = ctx.registry.listResidents({
    ...(str(v.q) ? { q: str(v.q) } : {}),
    ...(v['lives-alone'] ? { livesAlone: true } : {}),
  });
  if (v.json) out(JSON.stringify(rs));
  else
    out(
      table(rs as unknown as Record<string, unknown>[], [
        'id',
        'name',
        'phone',
        'livesAlone',
        'welfareCheckHours',
        'address',
      ]),
    );
  return 0;
}

async function staffAdd(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const { values: v } = parse(
    argv,
    {
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    USAGE['staff add']!,
  );
  if (v.help) return help('staff add', out);
  const role = str(v.role) ?? '';
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const generated = !v['password-stdin'];
  const password = generated ? generateSecret(15) : await readStdin();
  const s = await new StaffStore(ctx.db).create(
    {
      username: str(v.username) ?? '',
      password,
      role,
      ...(str(v['display-name']) ? { displayName: str(v['display-name']) } : {}),
    },
    ctx.by,
  );
  out(`added staff account ${s.username} (${s.role})`);
  if (generated) out(`password: ${password}\n  (shown once)`);
  return 0;
}

function mosquittoFiles(ctx: CliContext, argv: string[], out: Out, env: NodeJS.ProcessEnv): number {
  const { values: v, positionals } = parse(
    argv,
    { 'gateway-user': { type: 'string' }, 'zigbee-bridge-user': { type: 'string', multiple: true } },
    USAGE['mosquitto-files']!,
  );
  if (v.help) return help('mosquitto-files', out);
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(USAGE['mosquitto-files']!);
  const accounts: MosquittoAccount[] = [];
  const shown: string[] = [];
  const gwUser = str(v['gateway-user']) ?? env.LINLI_GW_BROKER_USERNAME ?? 'linli-gateway';
  let gwPass = env.LINLI_GW_BROKER_PASSWORD;
  if (!gwPass) {
    gwPass = generateSecret();
    shown.push(`${gwUser}: ${gwPass}`);
  }
  accounts.push(gatewayAccount(gwUser, gwPass));
  const bridges = new Map(
    (env.LINLI_GW_ZIGBEE_BRIDGE ?? '')
      .split(',')
      .filter((s) => s.includes(':'))
      .map((s) => [s.slice(0, s.indexOf(':')).trim(), s.slice(s.indexOf(':') + 1)] as const),
  );
  for (const u of v['zigbee-bridge-user'] ?? []) if (!bridges.has(u)) bridges.set(u, '');
  for (const [u, p] of bridges) {
    const pass = p || generateSecret();
    if (!p) shown.push(`${u}: ${pass}`);
    accounts.push(zigbeeBridgeAccount(u, pass));
  }
  const devices = ctx.registry.mosquittoDevices();
  const outDir = resolve(dir);
  mkdirSync(outDir, { recursive: true });
  const pw = join(outDir, 'password_file');
  const acl = join(outDir, 'acl_file');
  writeFileSync(pw, passwordFile(devices, accounts), { mode: 0o640 });
  writeFileSync(acl, aclFile(devices, accounts), { mode: 0o640 });
  chmodSync(pw, 0o640);
  chmodSync(acl, 0o640);
  writeFileSync(join(outDir, 'mosquitto-linli.conf'), confSnippet(pw, acl));
  out(
    `wrote ${pw}, ${acl} and mosquitto-linli.conf: ${devices.length} device(s), ${accounts.length} other account(s)`,
  );
  if (shown.length) out(`generated passwords (shown once):\n  ${shown.join('\n  ')}`);
  out('Make the files readable by the mosquitto user, then reload Mosquitto (kill -HUP).');
  return 0;
}

function help(cmd: string, out: Out): number {
  out(USAGE[cmd] ?? USAGE.main!);
  return 0;
}

/** Run one command; returns the exit code. Errors are printed, never thrown. */
export async function run(
  argv: string[],
  io: { out?: Out; err?: Out; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const out = io.out ?? ((s: string) => process.stdout.write(`${s}\n`));
  const err = io.err ?? ((s: string) => process.stderr.write(`${s}\n`));
  const env = io.env ?? process.env;
  const [a, b] = argv;
  const two = `${a} ${b}`;
  const cmd = USAGE[two] ? two : a === 'mosquitto-files' ? a : undefined;
  if (!cmd || cmd === 'main') {
    if (!a || a === '--help' || a === '-h' || a === 'help') return help('main', out);
    err(`unknown command: ${argv.slice(0, 2).join(' ')}\n\n${USAGE.main}`);
    return 2;
  }
  const rest = argv.slice(cmd.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) return help(cmd, out);
  let ctx: CliContext | undefined;
  try {
    ctx = openCli(env);
    switch (cmd) {
      case 'device add':
        return await deviceAdd(ctx, rest, out);
      case 'device list':
        return deviceList(ctx, rest, out);
      case 'device retire':
        return deviceRetire(ctx, rest, out);
      case 'device rotate':
        return await deviceRotate(ctx, rest, out);
      case 'device import':
        return await deviceImport(ctx, rest, out, err);
      case 'resident add':
        return residentAdd(ctx, rest, out);
      case 'resident list':
        return residentList(ctx, rest, out);
      case 'staff add':
        return await staffAdd(ctx, rest, out);
      case 'mosquitto-files':
        return mosquittoFiles(ctx, rest, out, env);
    }
    return 2;
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return 2;
    }
    if (e instanceof LinliError) {
      err(`error ${e.code}: ${e.message}`);
      return 1;
    }
    err(`error: ${(e as Error).message}`);
    return 1;
  } finally {
    ctx?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
