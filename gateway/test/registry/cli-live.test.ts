// The admin CLI against a RUNNING gateway: the CLI commits to the same SQLite file from its own
// connection; the gateway must notice within a second, kick the device's live MQTT session and
// refuse the old secret (issue #10, defect 4).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';

const KEY = 'cli-live-test-key-0123456789';

describe('CLI changes on a running gateway', () => {
  let dir: string;
  let gw: RunningGateway;
  const env = () => ({ LINLI_GW_DATA_DIR: dir, LINLI_GW_HMAC_KEY: KEY });
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-gw-cli-live-'));
    gw = await startGateway({
      config: {
        dataDir: dir,
        hmacKey: KEY,
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: -1 },
      },
      log: silentLogger,
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true);
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env: env() });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const connect = async (id: string, secret: string) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.ports.mqtt}`, {
      username: id,
      password: secret,
      clientId: `linli-s1-${id}`,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    clients.push(c);
    return c;
  };
  /** Resolves true once the client is closed, false when `ms` pass after `since()` resolves. */
  const closedWithin = (c: MqttClient, since: Promise<unknown>, ms: number) =>
    new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      c.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
      void since.then(() => {
        if (c.connected) timer = setTimeout(() => resolve(false), ms);
      });
    });

  async function provision(id: string): Promise<string> {
    const add = await cli('device', 'add', '--id', id, '--site', 's1', '--kind', 'pendant', '--json');
    expect(add.code).toBe(0);
    return (JSON.parse(add.out) as { secret: string }).secret;
  }

  it('device retire kicks the live session within a second; the device cannot come back', async () => {
    const secret = await provision('p1');
    const device = await connect('p1', secret);
    const retire = cli('device', 'retire', 'p1');
    const closed = closedWithin(device, retire, 1000);
    expect((await retire).code).toBe(0);
    expect(await closed).toBe(true);
    await expect(connect('p1', secret)).rejects.toThrow(/Not authorized|Bad username or password/);
  });

  it('device rotate kicks the old-secret session within a second; only the new secret connects', async () => {
    const secret = await provision('p2');
    const device = await connect('p2', secret);
    const rotate = cli('device', 'rotate', 'p2');
    const closed = closedWithin(device, rotate, 1000);
    const rot = await rotate;
    expect(rot.code).toBe(0);
    expect(await closed).toBe(true);
    await expect(connect('p2', secret)).rejects.toThrow(/Not authorized|Bad username or password/);
    const fresh = /new secret for p2: (\S+)/.exec(rot.out)?.[1] ?? '';
    const again = await connect('p2', fresh);
    expect(again.connected).toBe(true);
  });

  it('a change made through the gateway itself is announced once, not again after a CLI commit', async () => {
    const seen: string[] = [];
    const off = gw.registry.onChange((c) => seen.push(`${c.type}:${c.id}`));
    gw.registry.update('p2', { offlineTimeoutS: 7200 });
    await provision('p3');
    await new Promise((r) => setTimeout(r, 600));
    off();
    expect(seen).toEqual(['device.updated:p2', 'device.provisioned:p3']);
  });
});
