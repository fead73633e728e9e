// `center station add|list|rotate|remove` and provisionStation on a real SQLite file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionStation, StationStore } from '../../src/center/stations.ts';
import { run } from '../../src/cli/main.ts';
import { migrate, openDb } from '../../src/db/index.ts';
import { verifyMosquittoHash } from '../../src/registry/mosquitto.ts';

const KEY = 'center-cli-hmac-key-0123456789';

describe('center station CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linli-center-cli-'));
  const env = { LINLI_GW_DATA_DIR: dir, LINLI_GW_HMAC_KEY: KEY };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('adds (secrets printed once), lists, rotates and removes stations', async () => {
    const added = await cli('center', 'station', 'add', 's1', '--json');
    expect(added.code).toBe(0);
    const s = JSON.parse(added.out) as { site: string; password: string; webhookSecret: string };
    expect(s.site).toBe('s1');
    expect(s.password.length).toBeGreaterThanOrEqual(24);
    expect((await cli('center', 'station', 'add', 's1')).code).toBe(1); // exists
    expect((await cli('center', 'station', 'add', 'bad site!')).code).toBe(1);
    expect((await cli('center', 'station', 'list')).out).toMatch(/^s1\tadded /);
    // neither secret is in the database in clear
    const db = readFileSync(join(dir, 'gateway.db'));
    expect(db.includes(s.password)).toBe(false);
    expect(db.includes(s.webhookSecret)).toBe(false);
    const rotated = JSON.parse((await cli('center', 'station', 'rotate', 's1', '--json')).out);
    expect(rotated.password).not.toBe(s.password);
    const h = openDb(join(dir, 'gateway.db'));
    const store = new StationStore(h, KEY);
    expect(await store.authenticate('s1', rotated.password)).toBe(true);
    expect(await store.authenticate('s1', s.password)).toBe(false);
    expect(store.webhookSecret('s1')!.toString()).toBe(rotated.webhookSecret);
    // another key cannot open the secret
    expect(() => new StationStore(h, 'another-key-0123456789abcdef').webhookSecret('s1')).toThrow(
      /does not open/,
    );
    h.close();
    expect((await cli('center', 'station', 'remove', 's1')).code).toBe(0);
    expect((await cli('center', 'station', 'remove', 's1')).code).toBe(1);
    expect((await cli('center', 'station', 'list')).out).toBe('no stations');
    expect((await cli('center', 'station', '--help')).code).toBe(2);
  });

  it('center mosquitto-files: each station may publish only its own alert topic; hashes verify', async () => {
    const a = JSON.parse((await cli('center', 'station', 'add', 'mq1', '--json')).out) as {
      password: string;
    };
    await cli('center', 'station', 'add', 'mq2');
    const out = join(dir, 'mq');
    const r = await cli(
      'center',
      'mosquitto-files',
      out,
      '--center-user',
      'ctr',
      '--listen',
      '127.0.0.1:18830',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/2 station\(s\)/);
    expect(r.out).toMatch(/generated password/);
    const acl = readFileSync(join(out, 'acl_file'), 'utf8');
    expect(acl).toContain('user ctr\ntopic readwrite linli/v1/center/#');
    expect(acl).toContain(
      'user mq1\ntopic write linli/v1/center/mq1/alert\ntopic read linli/v1/center/mq1/ack\n',
    );
    expect(acl).not.toMatch(/user mq1\n(?:topic .*\n)*topic .*mq2/);
    const lines = readFileSync(join(out, 'password_file'), 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['ctr', 'mq1', 'mq2']);
    expect(verifyMosquittoHash(a.password, lines[1]!.slice('mq1:'.length))).toBe(true);
    expect(readFileSync(join(out, 'mosquitto-linli.conf'), 'utf8')).toContain('listener 18830 127.0.0.1');
    await cli('center', 'station', 'remove', 'mq1');
    await cli('center', 'station', 'remove', 'mq2');
  });

  it('provisionStation is idempotent', async () => {
    const db = openDb(join(dir, 'prov.db'));
    migrate(db);
    const secrets = {
      password: 'station-password-0123456789',
      webhookSecret: 'webhook-secret-0123456789abc',
    };
    expect(await provisionStation(db, KEY, 'demo', secrets)).toBe('created');
    expect(await provisionStation(db, KEY, 'demo', secrets)).toBe('unchanged');
    expect(
      await provisionStation(db, KEY, 'demo', { ...secrets, webhookSecret: 'another-secret-0123456789' }),
    ).toBe('updated');
    const store = new StationStore(db, KEY);
    expect(store.webhookSecret('demo')!.toString()).toBe('another-secret-0123456789');
    expect(store.list().map((s) => s.site)).toEqual(['demo']);
    db.close();
  });
});
