// The generated password_file and acl_file, loaded by a real Mosquitto (Debian's /usr/sbin/mosquitto).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@linli/shared/service';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aclFile,
  gatewayAccount,
  mosquittoHash,
  openRegistry,
  passwordFile,
  type Registry,
  verifyMosquittoHash,
} from '../../src/registry/index.ts';
import { openTestDb, type TestDb } from './db-helper.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

describe('mosquitto hash format', () => {
  it('matches what mosquitto_passwd writes', () => {
    const h = mosquittoHash('s3cret-value', 101, Buffer.alloc(12, 7));
    expect(h).toMatch(/^\$7\$101\$BwcHBwcHBwcHBwcH\$[A-Za-z0-9+/]{86}==$/);
    expect(verifyMosquittoHash('s3cret-value', h)).toBe(true);
    expect(verifyMosquittoHash('other', h)).toBe(false);
    if (!existsSync(MOSQUITTO_PASSWD)) return;
    const dir = mkdtempSync(join(tmpdir(), 'linli-mpw-'));
    try {
      const f = join(dir, 'pw');
      execFileSync(MOSQUITTO_PASSWD, ['-c', '-b', f, 'dev1', 'passw0rd-from-tool']);
      const theirs = readFileSync(f, 'utf8').trim().split(':')[1]!;
      expect(verifyMosquittoHash('passw0rd-from-tool', theirs)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function connect(port: number, username: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    username,
    password,
    clientId: `t-${username}-${Math.random().toString(16).slice(2)}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    protocolVersion: 4,
  });
}

describe.runIf(existsSync(MOSQUITTO))('generated files on a real Mosquitto', () => {
  let t: TestDb;
  let reg: Registry;
  let broker: ChildProcess;
  let port: number;
  const secrets: Record<string, string> = {};
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = openTestDb();
    reg = openRegistry(t.db, { secretKey: 'k'.repeat(32) });
    for (const id of ['devA', 'devB', 'gone']) {
      secrets[id] = reg.provision({ id, site: 'st1', kind: 'pendant' }).secret!;
    }
    reg.provision({ id: 'zb', site: 'st1', kind: 'zigbee' });
    reg.retire('gone');
    const accounts = [gatewayAccount('gateway-st1', 'gateway-password-123')];
    const pw = join(t.dir, 'passwd');
    const acl = join(t.dir, 'acl');
    writeFileSync(pw, passwordFile(reg.mosquittoDevices(), accounts), { mode: 0o600 });
    writeFileSync(acl, aclFile(reg.mosquittoDevices(), accounts), { mode: 0o600 });
    port = await freePort();
    const conf = join(t.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        // as root, Mosquitto would switch to user "mosquitto", who cannot read our 0700 temp dir
        `user ${userInfo().username}`,
        'allow_anonymous false',
        `password_file ${pw}`,
        `acl_file ${acl}`,
        'persistence false',
        'log_dest stderr',
        'log_type all',
        '',
      ].join('\n'),
    );
    broker = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start:\n${log}`)), 10_000);
      broker.stderr!.on('data', (b: Buffer) => {
        log += b.toString();
        if (log.includes('listen socket on port')) {
          clearTimeout(timer);
          resolve();
        }
      });
      broker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited ${code}:\n${log}`));
      });
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    if (broker && broker.exitCode === null) {
      const exited = new Promise((r) => broker.once('exit', r));
      broker.kill('SIGTERM');
      await exited;
    }
    t?.close();
  });

  const track = (c: MqttClient) => {
    clients.push(c);
    return c;
  };

  it('lets a device connect with its secret, refuses a wrong or retired one', async () => {
    const a = track(await connect(port, 'devA', secrets.devA!));
    expect(a.connected).toBe(true);
    await expect(connect(port, 'devA', 'wrong-secret-1234567')).rejects.toThrow(/authori[sz]ed/i);
    await expect(connect(port, 'gone', secrets.gone!)).rejects.toThrow(/authori[sz]ed/i);
    await expect(connect(port, 'zb', 'anything-at-all-123')).rejects.toThrow(/authori[sz]ed/i);
  });

  it("does not deliver a device's publish on another device's topic, nor another device's commands", async () => {
    const gw = track(await connect(port, 'gateway-st1', 'gateway-password-123'));
    const a = track(await connect(port, 'devA', secrets.devA!));
    const got: string[] = [];
    gw.on('message', (topic) => got.push(topic));
    await gw.subscribeAsync('linli/v1/#', { qos: 1 });
    const ownArrived = new Promise<void>((resolve) =>
      gw.on('message', (topic) => topic.endsWith('/devA/evt') && resolve()),
    );
    await a.publishAsync('linli/v1/st1/dev/devB/evt', '{"forged":true}', { qos: 1 });
    await a.publishAsync('linli/v1/st1/dev/devA/evt', '{"own":true}', { qos: 1 });
    await ownArrived;
    expect(got).toEqual(['linli/v1/st1/dev/devA/evt']);

    const cmds: string[] = [];
    a.on('message', (topic) => cmds.push(topic));
    await a.subscribeAsync(['linli/v1/st1/dev/devA/cmd', 'linli/v1/st1/dev/devB/cmd'], { qos: 1 });
    const ownCmd = new Promise<void>((resolve) =>
      a.on('message', (topic) => topic.endsWith('/devA/cmd') && resolve()),
    );
    await gw.publishAsync('linli/v1/st1/dev/devB/cmd', '{"type":"test.request"}', { qos: 1 });
    await gw.publishAsync('linli/v1/st1/dev/devA/cmd', '{"type":"test.request"}', { qos: 1 });
    await ownCmd;
    expect(cmds).toEqual(['linli/v1/st1/dev/devA/cmd']);
  });
});
