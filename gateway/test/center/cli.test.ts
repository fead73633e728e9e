// `center station add|list|rotate|remove` and provisionStation on a real SQLite file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionStation, StationStore } from '../../src/center/stations.ts';
import { run } from '../../src/cli/main.ts';
import { migrate, openDb } from '../../src/db/index.ts';

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
