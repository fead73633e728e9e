// The admin CLI, run in-process on a gateway data directory in a temp dir.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCli } from '../../src/cli/context.ts';
import { run } from '../../src/cli/main.ts';
import { verifyMosquittoHash } from '../../src/registry/mosquitto.ts';

describe('gateway CLI', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'linli-gw-cli-'));
    env = { LINLI_GW_DATA_DIR: join(dir, 'data'), LINLI_GW_HMAC_KEY: 'cli-test-key-0123456789' };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('prints help for the program and each command', async () => {
    expect((await cli('--help')).out).toMatch(/device import/);
    for (const c of [['device', 'add'], ['device', 'import'], ['staff', 'add'], ['mosquitto-files']]) {
      const r = await cli(...c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Usage: /);
    }
    const bad = await cli('device', 'explode');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown command: device explode/);
  });

  it('adds residents and devices, lists, retires and imports; secrets are usable', async () => {
    expect(
      (
        await cli(
          'resident',
          'add',
          '--id',
          'r1',
          '--name',
          '张三',
          '--lives-alone',
          '--contact',
          '李四|13800000000|son',
        )
      ).code,
    ).toBe(0);
    const add = await cli(
      'device',
      'add',
      '--id',
      'p1',
      '--site',
      's1',
      '--kind',
      'pendant',
      '--resident',
      'r1',
      '--json',
    );
    expect(add.code).toBe(0);
    const { secret } = JSON.parse(add.out) as { secret: string };
    const bad = await cli('device', 'add', '--id', 'p 2', '--site', 's1', '--kind', 'pendant');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/VALIDATION.*\/id/);
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, 'id,site,kind\np2,s1,wall-button\np 3,s1,pendant\n');
    const imp = await cli('device', 'import', csv, '--secrets-out', join(dir, 'secrets.csv'));
    expect(imp.code).toBe(1);
    expect(imp.err).toMatch(/1 of 2 rows imported/);
    expect(imp.err).toMatch(/line 3, column id/);
    expect(readFileSync(join(dir, 'secrets.csv'), 'utf8')).toMatch(/^id,secret\np2,[A-Za-z0-9_-]{32}\n$/);
    expect(statSync(join(dir, 'secrets.csv')).mode & 0o777).toBe(0o600);
    const rot = await cli('device', 'rotate', 'p2');
    expect(rot.out).toMatch(/^new secret for p2: [A-Za-z0-9_-]{32}\n/);
    expect((await cli('device', 'retire', 'p2', '--reason', 'broken')).out).toBe('retired p2');
    expect((await cli('device', 'rotate', 'p2')).err).toMatch(/DEVICE_RETIRED/);
    const list = JSON.parse((await cli('device', 'list', '--json')).out) as { id: string }[];
    expect(list.map((d) => d.id)).toEqual(['p1']);
    expect((await cli('resident', 'list')).out).toMatch(/r1\s+张三/);

    const ctx = openCli(env);
    try {
      expect((await ctx.registry.authenticate('p1', secret))?.residentId).toBe('r1');
      expect(ctx.db.prepare('SELECT actor FROM audit_log WHERE action = ?').get('device.retire')).toEqual({
        actor: expect.stringMatching(/^cli:/),
      });
    } finally {
      ctx.close();
    }
  });

  it('adds staff with a generated password, and refuses an unknown role', async () => {
    const r = await cli('staff', 'add', '--username', 'op1', '--role', 'operator');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/password: \S{20}/);
    expect((await cli('staff', 'add', '--username', 'x', '--role', 'king')).code).toBe(2);
  });

  it('writes the Mosquitto files from the registry', async () => {
    await cli('device', 'add', '--id', 'p1', '--site', 's1', '--kind', 'pendant');
    env.LINLI_GW_BROKER_PASSWORD = 'gateway-broker-password';
    const r = await cli('mosquitto-files', join(dir, 'mq'), '--gateway-user', 'gw1');
    expect(r.code).toBe(0);
    const pw = readFileSync(join(dir, 'mq', 'password_file'), 'utf8');
    const gwHash = /^gw1:(.*)$/m.exec(pw)?.[1];
    expect(verifyMosquittoHash('gateway-broker-password', gwHash!)).toBe(true);
    expect(pw).toMatch(/^p1:\$7\$101\$/m);
    expect(readFileSync(join(dir, 'mq', 'acl_file'), 'utf8')).toContain(
      'user p1\ntopic write linli/v1/s1/dev/p1/evt',
    );
    const conf = readFileSync(join(dir, 'mq', 'mosquitto-linli.conf'), 'utf8');
    expect(conf).toContain('allow_anonymous false');
    // issue #10: client ids bound to accounts, persistence, a queue sized for the outage
    expect(conf).toMatch(/^listener 1883$/m);
    expect(conf).toMatch(/^use_username_as_clientid true$/m);
    expect(conf).toMatch(/^persistence true$/m);
    expect(conf).toMatch(/^persistence_location \/var\/lib\/mosquitto\/$/m);
    expect(conf).toMatch(/^max_queued_messages 112500$/m); // 150/s x 600 s x 1.25
    expect(conf).toMatch(/^max_queued_bytes 115200000$/m);
    env.LINLI_GW_QUEUE_EVENTS_PER_S = '20';
    env.LINLI_GW_QUEUE_OUTAGE_S = '3600';
    const r2 = await cli(
      'mosquitto-files',
      join(dir, 'mq2'),
      '--listen',
      '127.0.0.1:1884',
      '--persistence-dir',
      '/srv/mq',
    );
    expect(r2.code).toBe(0);
    const conf2 = readFileSync(join(dir, 'mq2', 'mosquitto-linli.conf'), 'utf8');
    expect(conf2).toMatch(/^listener 1884 127\.0\.0\.1$/m);
    expect(conf2).toMatch(/^persistence_location \/srv\/mq\/$/m);
    expect(conf2).toMatch(/^max_queued_messages 90000$/m);
    expect((await cli('mosquitto-files', join(dir, 'mq3'), '--listen', 'x:99999')).code).toBe(2);
  });
});
