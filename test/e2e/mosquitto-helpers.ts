// A real Mosquitto (Debian's /usr/sbin/mosquitto) for the external-broker tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/** Start Mosquitto with `conf` (lines or a whole file) plus logging to stderr; resolves once it
 *  listens. `MOSQ_DEBUG=1` echoes its log. `onLog` sees every log chunk (e.g. "dropped"). */
export async function startMosquitto(
  dataDir: string,
  conf: string[] | string,
  onLog?: (chunk: string) => void,
): Promise<ChildProcess> {
  const file = join(dataDir, 'mosquitto.conf');
  const body = typeof conf === 'string' ? conf : `${conf.join('\n')}\n`;
  writeFileSync(
    file,
    [
      body,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      // as root, Mosquitto would switch to user "mosquitto", who cannot read our temp dir
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mosquitto did not start: ${log}`)), 10_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mosquitto exited ${code}: ${log}`));
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => {
      if (process.env.MOSQ_DEBUG) process.stderr.write(c);
      onLog?.(c);
      if (log.length < 100_000) log += c;
      if (/Opening ipv4 listen socket on port|running/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}
