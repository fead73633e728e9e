#!/usr/bin/env -S npx tsx
// linli gateway admin CLI, on the gateway's SQLite file:
//   npx tsx gateway/src/cli/main.ts <command> [options]      (--help on any command)
import { cliFailure } from '@linli/shared/service';
import { backupCommand, restoreCommand } from './backup.ts';
import {
  centerMosquitto,
  stationAdd,
  stationCopyToDatabase,
  stationList,
  stationRemove,
  stationRotate,
} from './center.ts';
import { type CliContext, openCli } from './context.ts';
import { deviceAdd, deviceImport, deviceList, deviceRetire, deviceRotate } from './devices.ts';
import { mosquittoFiles } from './mosquitto.ts';
import { residentAdd, residentList } from './residents.ts';
import { staffAdd } from './staff.ts';
import { help, type Out, USAGE } from './usage.ts';

const SINGLE = new Set(['mosquitto-files', 'backup', 'restore']);

export async function run(
  argv: string[],
  io: { out?: Out; err?: Out; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const out = io.out ?? ((s: string) => process.stdout.write(`${s}\n`));
  const err = io.err ?? ((s: string) => process.stderr.write(`${s}\n`));
  const env = io.env ?? process.env;
  const [a, b] = argv;
  const two = `${a} ${b}`;
  const three = `${two} ${argv[2]}`;
  const cmd = USAGE[three] ? three : USAGE[two] ? two : a && SINGLE.has(a) ? a : undefined;
  if (!cmd || cmd === 'main') {
    if (!a || a === '--help' || a === '-h' || a === 'help') return help('main', out);
    err(`unknown command: ${argv.slice(0, 2).join(' ')}\n\n${USAGE.main}`);
    return 2;
  }
  const rest = argv.slice(cmd.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) return help(cmd, out);
  let ctx: CliContext | undefined;
  try {
    // backup and restore never open (or migrate) the live database through the CLI context.
    if (cmd === 'backup') return await backupCommand(rest, out, env);
    if (cmd === 'restore') return await restoreCommand(rest, out, env);
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
      case 'center mosquitto-files':
        return await centerMosquitto(ctx, rest, out, env);
      case 'center station add':
        return await stationAdd(ctx, rest, out);
      case 'center station list':
        return await stationList(ctx, rest, out);
      case 'center station remove':
        return await stationRemove(ctx, rest, out);
      case 'center station rotate':
        return await stationRotate(ctx, rest, out);
      case 'center station copy-to-database':
        return await stationCopyToDatabase(ctx, rest, out);
      case 'mosquitto-files':
        return mosquittoFiles(ctx, rest, out, env);
    }
    return 2;
  } catch (e) {
    return cliFailure(e, err);
  } finally {
    ctx?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
