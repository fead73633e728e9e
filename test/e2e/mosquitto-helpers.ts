// A real Mosquitto (Debian's /usr/sbin/mosquitto) for the external-broker tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningGateway } from '@linli/gateway';
import { aclFile, gatewayAccount, mosquittoConf, passwordFile } from '@linli/gateway/registry/index.ts';
import { freePort, killed, provision, removeDir, secretOf, tempDir } from './gateway-helpers.ts';

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

/** The station gateway's own account on an external broker (tests). */
export const GW_USER = 'linli-gateway';
export const GW_PASS = 'gateway-broker-password-1';

export interface RigDevice {
  id: string;
  kind: 'pendant' | 'door-contact';
}

/**
 * One external-broker test's parts: a data dir with the registry's devices, Mosquitto's
 * password and ACL files generated from it (the gateway's account included), Mosquitto started
 * from the generated mosquitto.conf, and the gateway; stop() tears all of it down (afterEach).
 */
export class MosquittoRig {
  dir: string | undefined;
  mosq: ChildProcess | undefined;
  gw: RunningGateway | undefined;
  port = 0;
  private readonly teardowns: (() => Promise<unknown>)[] = [];

  /** A fresh data dir with these devices (site1) and Mosquitto's files written from the registry. */
  provision(devices: RigDevice[]): string {
    const dir = tempDir();
    this.dir = dir;
    provision(dir, (registry) => {
      for (const { id, kind } of devices)
        registry.provision({ id, site: 'site1', kind, secret: secretOf(id) });
      const accounts = [gatewayAccount(GW_USER, GW_PASS)];
      writeFileSync(join(dir, 'passwd'), passwordFile(registry.mosquittoDevices(), accounts), {
        mode: 0o600,
      });
      writeFileSync(join(dir, 'acl'), aclFile(registry.mosquittoDevices(), accounts), { mode: 0o600 });
    });
    return dir;
  }

  /** The conf lines the gateway generates for this data dir (queue sized from the given figures). */
  async generatedConf(queue: { eventsPerS: number; outageS: number }): Promise<string[]> {
    const dir = this.need();
    this.port ||= await freePort();
    return mosquittoConf({
      passwordPath: join(dir, 'passwd'),
      aclPath: join(dir, 'acl'),
      persistenceDir: dir,
      listener: { port: this.port, host: '127.0.0.1' },
      queue,
    }).split('\n');
  }

  /** Starts Mosquitto with these conf lines; returns its URL. */
  async startBroker(conf: string[], onLog?: (chunk: string) => void): Promise<string> {
    this.mosq = await startMosquitto(this.need(), conf, onLog);
    return this.url;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** The gateway's config for this broker (its own account). */
  get gatewayConfig() {
    return { mqtt: { brokerUrl: this.url, username: GW_USER, password: GW_PASS } };
  }

  /** Runs at stop(), before the gateway and the broker go (clients, devices). */
  onStop(teardown: () => Promise<unknown>): void {
    this.teardowns.push(teardown);
  }

  async stopBroker(): Promise<void> {
    if (!this.mosq) return;
    this.mosq.kill('SIGTERM');
    await killed(this.mosq);
    this.mosq = undefined;
  }

  async stop(): Promise<void> {
    await Promise.all(this.teardowns.splice(0).map((teardown) => teardown().catch(() => {})));
    await this.gw?.stop();
    this.gw = undefined;
    await this.stopBroker();
    removeDir(this.dir);
    this.dir = undefined;
    this.port = 0;
  }

  private need(): string {
    if (!this.dir) throw new Error('MosquittoRig: provision() first');
    return this.dir;
  }
}
