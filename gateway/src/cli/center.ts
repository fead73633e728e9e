// center station add | list | remove | rotate: the station accounts of a center gateway.
import { StationStore } from '../center/stations.ts';
import { parse, UsageError } from './args.ts';
import type { CliContext } from './context.ts';
import { help, type Out, USAGE } from './usage.ts';

function siteArg(positionals: string[], cmd: string): string {
  const site = positionals[0];
  if (!site || positionals.length > 1) throw new UsageError(USAGE[cmd]!);
  return site;
}

function printSecrets(out: Out, site: string, s: { password: string; webhookSecret: string }, json: boolean) {
  if (json) return out(JSON.stringify({ site, username: site, ...s }));
  out(`station ${site}`);
  out(`  MQTT username:  ${site}   (client id station-${site})`);
  out(`  MQTT password:  ${s.password}`);
  out(`  webhook secret: ${s.webhookSecret}`);
  out('  (shown once)');
}

export function stationAdd(ctx: CliContext, argv: string[], out: Out): number {
  const cmd = 'center station add';
  const { values: v, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const site = siteArg(positionals, cmd);
  printSecrets(out, site, new StationStore(ctx.db, ctx.key).add(site), Boolean(v.json));
  return 0;
}

export function stationRotate(ctx: CliContext, argv: string[], out: Out): number {
  const cmd = 'center station rotate';
  const { values: v, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const site = siteArg(positionals, cmd);
  printSecrets(out, site, new StationStore(ctx.db, ctx.key).rotate(site), Boolean(v.json));
  return 0;
}

export function stationRemove(ctx: CliContext, argv: string[], out: Out): number {
  const cmd = 'center station remove';
  const { values: v, positionals } = parse(argv, {}, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const site = siteArg(positionals, cmd);
  if (!new StationStore(ctx.db, ctx.key).remove(site)) {
    out(`no station ${site}`);
    return 1;
  }
  out(`removed station ${site}`);
  return 0;
}

export function stationList(ctx: CliContext, argv: string[], out: Out): number {
  const cmd = 'center station list';
  const { values: v } = parse(argv, { json: { type: 'boolean' } }, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const list = new StationStore(ctx.db, ctx.key).list();
  if (v.json) out(JSON.stringify(list));
  else if (list.length === 0) out('no stations');
  else
    for (const s of list)
      out(
        `${s.site}\tadded ${new Date(s.createdAt).toISOString()}${s.rotatedAt ? `\trotated ${new Date(s.rotatedAt).toISOString()}` : ''}`,
      );
  return 0;
}
