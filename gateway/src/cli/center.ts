// center station add | list | remove | rotate: the station accounts of a center gateway (in its
// SQLite file, or with center.databaseUrl in the shared PostgreSQL database every instance reads);
// center station copy-to-database: this file's accounts into that database;
// center mosquitto-files: Mosquitto's files for a center behind an external Mosquitto.
import { generateSecret } from '@linli/shared/service';
import { centerGatewayAccount, centerInstanceAccounts, centerMosquittoFiles } from '../center/mosquitto.ts';
import { PgStationStore } from '../center/pg/stations.ts';
import { type StationAccounts, StationStore } from '../center/stations.ts';
import { migratePg, openPg } from '../db/pg.ts';
import { silentLogger } from '../ingest/refusals.ts';
import { parse, str, UsageError } from './args.ts';
import type { CliContext } from './context.ts';
import { writeMosquittoFiles } from './mosquitto.ts';
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

/** The center's station accounts: in the shared PostgreSQL database when center.databaseUrl is
 *  set (every instance sees a change at once: pg/stations.ts), else in the SQLite file. */
async function withStations<T>(ctx: CliContext, fn: (s: StationAccounts) => Promise<T> | T): Promise<T> {
  if (!ctx.databaseUrl) return fn(new StationStore(ctx.db, ctx.key));
  const pool = await openPg(ctx.databaseUrl, { max: 1 });
  try {
    await migratePg(pool);
    const store = await PgStationStore.open({ pool, gatewayKey: ctx.key, log: silentLogger });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    await pool.end();
  }
}

export async function stationAdd(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const cmd = 'center station add';
  const { values: v, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const site = siteArg(positionals, cmd);
  printSecrets(out, site, await withStations(ctx, (s) => s.add(site)), Boolean(v.json));
  return 0;
}

export async function stationRotate(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const cmd = 'center station rotate';
  const { values: v, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const site = siteArg(positionals, cmd);
  printSecrets(out, site, await withStations(ctx, (s) => s.rotate(site)), Boolean(v.json));
  return 0;
}

export async function stationRemove(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const cmd = 'center station remove';
  const { values: v, positionals } = parse(argv, {}, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const site = siteArg(positionals, cmd);
  if (!(await withStations(ctx, (s) => s.remove(site)))) {
    out(`no station ${site}`);
    return 1;
  }
  out(`removed station ${site}`);
  return 0;
}

/** This SQLite file's station accounts into the shared database (a center moving to PostgreSQL);
 *  a site already there is left as it is there. */
export async function stationCopyToDatabase(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const cmd = 'center station copy-to-database';
  const { values: v, positionals } = parse(argv, {}, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  if (positionals.length) throw new UsageError(USAGE[cmd]!);
  if (!ctx.databaseUrl)
    throw new UsageError('center station copy-to-database needs role center with center.databaseUrl');
  const rows = new StationStore(ctx.db, ctx.key).rows();
  const copied = await withStations(ctx, (s) => (s as PgStationStore).copyIn(rows));
  const skipped = rows.length - copied.length;
  out(
    `copied ${copied.length} station account(s) into the shared database${skipped ? `; ${skipped} already there, left as they are` : ''}`,
  );
  return 0;
}

export async function stationList(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const cmd = 'center station list';
  const { values: v } = parse(argv, { json: { type: 'boolean' } }, USAGE[cmd]!);
  if (v.help) return help(cmd, out);
  const list = await withStations(ctx, (s) => s.list());
  if (v.json) out(JSON.stringify(list));
  else if (list.length === 0) out('no stations');
  else
    for (const s of list)
      out(
        `${s.site}\tadded ${new Date(s.createdAt).toISOString()}${s.rotatedAt ? `\trotated ${new Date(s.rotatedAt).toISOString()}` : ''}`,
      );
  return 0;
}

export async function centerMosquitto(
  ctx: CliContext,
  argv: string[],
  out: Out,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const cmd = 'center mosquitto-files';
  const { values: v, positionals } = parse(
    argv,
    {
      'center-user': { type: 'string' },
      instances: { type: 'string' },
      listen: { type: 'string' },
      'persistence-dir': { type: 'string' },
    },
    USAGE[cmd]!,
  );
  if (v.help) return help(cmd, out);
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(USAGE[cmd]!);
  const listen = /^(?:(.+):)?(\d{1,5})$/.exec(str(v.listen) ?? '1883');
  if (!listen || Number(listen[2]) > 65535)
    throw new UsageError(`--listen must be PORT or HOST:PORT, got "${str(v.listen)}"`);
  const user = str(v['center-user']) ?? env.LINLI_GW_BROKER_USERNAME ?? 'linli-center';
  const given = env.LINLI_GW_BROKER_PASSWORD;
  const shown: string[] = [];
  const password = (name: string) => {
    if (given) return given;
    const p = generateSecret();
    shown.push(`${name}: ${p}`);
    return p;
  };
  // several center instances in a share group: one account each (docs/center-cluster.md)
  const instances = (str(v.instances) ?? '').split(',').filter((s) => s.trim() !== '');
  let centers: ReturnType<typeof centerInstanceAccounts>;
  try {
    centers = instances.length
      ? centerInstanceAccounts(user, instances, password)
      : [centerGatewayAccount(user, password(user))];
  } catch (err) {
    throw new UsageError(`--instances: ${(err as Error).message}`);
  }
  const stations = await withStations(ctx, (s) => s.mosquittoAccounts());
  const files = centerMosquittoFiles(stations, centers);
  const { pw, acl } = writeMosquittoFiles(
    dir,
    { password: files.passwordFile, acl: files.aclFile },
    {
      persistenceDir: str(v['persistence-dir']) ?? '/var/lib/mosquitto/',
      listener: { port: Number(listen[2]), ...(listen[1] ? { host: listen[1] } : {}) },
      // the center's queue: every station's messages while the center gateway is away
      queue: { eventsPerS: Math.max(10, stations.length), outageS: 600 },
    },
  );
  out(
    `wrote ${pw}, ${acl} and mosquitto-linli.conf: ${stations.length} station(s) and the center's account${centers.length > 1 ? 's' : ''} ${centers.map((c) => c.username).join(', ')}`,
  );
  if (shown.length)
    out(
      `generated password${shown.length > 1 ? 's' : ''} (shown once; give each to its center as LINLI_GW_BROKER_PASSWORD${instances.length ? ', with LINLI_GW_BROKER_USERNAME and LINLI_GW_CENTER_INSTANCE' : ''}):\n  ${shown.join('\n  ')}`,
    );
  out('Make the files readable by the mosquitto user, then reload Mosquitto (kill -HUP).');
  return 0;
}
