// resident add | list
import type { ResidentInput } from '../registry/schemas.ts';
import { parse, str, UsageError } from './args.ts';
import type { CliContext } from './context.ts';
import { help, type Out, table, USAGE } from './usage.ts';

export function residentAdd(ctx: CliContext, argv: string[], out: Out): number {
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

export function residentList(ctx: CliContext, argv: string[], out: Out): number {
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
