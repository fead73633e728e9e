// device add | list | retire | rotate | import
import { readFileSync, writeFileSync } from 'node:fs';
import { importDevicesCsv } from '../registry/import.ts';
import { DEVICE_KINDS, type DeviceInput } from '../registry/schemas.ts';
import { int, parse, readStdin, str, UsageError } from './args.ts';
import type { CliContext } from './context.ts';
import { help, type Out, table, USAGE } from './usage.ts';

export async function deviceAdd(ctx: CliContext, argv: string[], out: Out): Promise<number> {
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

export function deviceList(ctx: CliContext, argv: string[], out: Out): number {
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

export function deviceRetire(ctx: CliContext, argv: string[], out: Out): number {
  const { values: v, positionals } = parse(argv, { reason: { type: 'string' } }, USAGE['device retire']!);
  if (v.help) return help('device retire', out);
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(USAGE['device retire']!);
  ctx.registry.retire(id, ctx.by, str(v.reason));
  out(`retired ${id}`);
  return 0;
}

export async function deviceRotate(ctx: CliContext, argv: string[], out: Out): Promise<number> {
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

export async function deviceImport(ctx: CliContext, argv: string[], out: Out, err: Out): Promise<number> {
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
