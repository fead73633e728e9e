// mosquitto-files OUTDIR
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSecret } from '@linli/shared/service';
import { loadConfig } from '../config.ts';
import {
  aclFile,
  gatewayAccount,
  type MosquittoAccount,
  type MosquittoConfOptions,
  mosquittoConf,
  passwordFile,
  zigbeeBridgeAccount,
} from '../registry/mosquitto.ts';
import { parse, str, UsageError } from './args.ts';
import type { CliContext } from './context.ts';
import { help, type Out, USAGE } from './usage.ts';

export function mosquittoFiles(ctx: CliContext, argv: string[], out: Out, env: NodeJS.ProcessEnv): number {
  const { values: v, positionals } = parse(
    argv,
    {
      'gateway-user': { type: 'string' },
      'zigbee-bridge-user': { type: 'string', multiple: true },
      listen: { type: 'string' },
      'persistence-dir': { type: 'string' },
    },
    USAGE['mosquitto-files']!,
  );
  if (v.help) return help('mosquitto-files', out);
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(USAGE['mosquitto-files']!);
  const listen = /^(?:(.+):)?(\d{1,5})$/.exec(str(v.listen) ?? '1883');
  if (!listen || Number(listen[2]) > 65535)
    throw new UsageError(`--listen must be PORT or HOST:PORT, got "${str(v.listen)}"`);
  const config = loadConfig({}, env); // queue sizing: LINLI_GW_QUEUE_EVENTS_PER_S, LINLI_GW_QUEUE_OUTAGE_S
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
  const { pw, acl } = writeMosquittoFiles(
    dir,
    { password: passwordFile(devices, accounts), acl: aclFile(devices, accounts) },
    {
      persistenceDir: str(v['persistence-dir']) ?? '/var/lib/mosquitto/',
      listener: { port: Number(listen[2]), ...(listen[1] ? { host: listen[1] } : {}) },
      queue: { eventsPerS: config.mqtt.queueEventsPerS, outageS: config.mqtt.queueOutageS },
    },
  );
  out(
    `wrote ${pw}, ${acl} and mosquitto-linli.conf: ${devices.length} device(s), ${accounts.length} other account(s)`,
  );
  if (shown.length) out(`generated passwords (shown once):\n  ${shown.join('\n  ')}`);
  out('Make the files readable by the mosquitto user, then reload Mosquitto (kill -HUP).');
  return 0;
}

/** Writes `password_file` and `acl_file` (0640: readable by the mosquitto group) and
 *  `mosquitto-linli.conf` pointing at them into `dir`; returns the two paths. */
export function writeMosquittoFiles(
  dir: string,
  files: { password: string; acl: string },
  conf: Omit<MosquittoConfOptions, 'passwordPath' | 'aclPath'>,
): { pw: string; acl: string } {
  const outDir = resolve(dir);
  mkdirSync(outDir, { recursive: true });
  const pw = join(outDir, 'password_file');
  const acl = join(outDir, 'acl_file');
  writeFileSync(pw, files.password, { mode: 0o640 });
  writeFileSync(acl, files.acl, { mode: 0o640 });
  chmodSync(pw, 0o640);
  chmodSync(acl, 0o640);
  writeFileSync(
    join(outDir, 'mosquitto-linli.conf'),
    mosquittoConf({ passwordPath: pw, aclPath: acl, ...conf }),
  );
  return { pw, acl };
}
