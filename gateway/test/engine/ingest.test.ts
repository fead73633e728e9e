import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/ingest/pipeline.ts';
import { count, evt, makeEngine, type TestEngine } from './helpers.ts';

let e: TestEngine;
afterEach(() => e?.cleanup());

function setup() {
  e = makeEngine();
  const p1 = e.directory.add({ id: 'p1' });
  const p2 = e.directory.add({ id: 'p2' });
  const refusals: string[] = [];
  e.bus.on('message.refused', (r) => refusals.push(r.reason));
  return { p1, p2, refusals, as: (d: typeof p1): Principal => ({ kind: 'device', device: d }) };
}

describe('ingest', () => {
  it('stores each (device, id) once; a retry is acknowledged and counted as duplicate', async () => {
    const { p1, as } = setup();
    const r1 = await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/evt', evt('e1', 'sos'));
    const r2 = await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/evt', evt('e1', 'sos'));
    expect(r1).toEqual({ ok: true, outcome: 'stored' });
    expect(r2).toEqual({ ok: true, outcome: 'duplicate' });
    expect(count(e, 'SELECT COUNT(*) AS n FROM events')).toBe(1);
    expect(e.alerts.list({})[0]!.count).toBe(1);
    expect(e.metrics.duplicates.get({ source: 'mqtt' })).toBe(1);
  });

  it('the same event id from two devices is two events', async () => {
    const { p1, p2, as } = setup();
    await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/evt', evt('same', 'test'));
    await e.ingest.handle(as(p2), 'linli/v1/site1/dev/p2/evt', evt('same', 'test'));
    expect(count(e, 'SELECT COUNT(*) AS n FROM events')).toBe(2);
  });

  it('a burst arriving together is one group commit and every event is stored', async () => {
    const { p1, as } = setup();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/evt', evt(`b${i}`, 'test')),
      ),
    );
    expect(results.every((r) => r.ok && r.outcome === 'stored')).toBe(true);
    expect(count(e, 'SELECT COUNT(*) AS n FROM events')).toBe(50);
    expect(e.metrics.batchSize.total).toBe(1);
  });

  it('refuses a publish on another device topic and asks for a disconnect', async () => {
    const { p1, refusals, as } = setup();
    const r = await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p2/evt', evt('x', 'sos'));
    expect(r).toMatchObject({ ok: false, reason: 'acl', disconnect: true });
    const r2 = await e.ingest.handle(as(p1), 'linli/v1/site2/dev/p1/evt', evt('x', 'sos'));
    expect(r2).toMatchObject({ ok: false, reason: 'acl' });
    const r3 = await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/cmd', Buffer.from('{}'));
    expect(r3).toMatchObject({ ok: false, reason: 'acl' });
    const r4 = await e.ingest.handle(as(p1), 'zigbee2mqtt/x', Buffer.from('{}'));
    expect(r4).toMatchObject({ ok: false, reason: 'acl' });
    const r5 = await e.ingest.handle(as(p1), 'random/topic', Buffer.from('{}'));
    expect(r5).toMatchObject({ ok: false, reason: 'acl' });
    expect(count(e, 'SELECT COUNT(*) AS n FROM events')).toBe(0);
    expect(refusals).toEqual(['acl', 'acl', 'acl', 'acl', 'acl']);
    expect(e.metrics.refused.get({ reason: 'acl' })).toBe(5);
  });

  it('refuses malformed, oversize and unknown input with a counted reason, acknowledging it', async () => {
    const { p1, refusals, as } = setup();
    const t = 'linli/v1/site1/dev/p1/evt';
    const cases: [Buffer, string][] = [
      [Buffer.from('{not json'), 'json'],
      [Buffer.from('[]'), 'schema'],
      [evt('x', 'explode'), 'schema'],
      [Buffer.from(JSON.stringify({ id: 'x', seq: 1, ts: 1, type: 'sos', extra: true })), 'schema'],
      [Buffer.from(JSON.stringify({ id: '', seq: 1, ts: 1, type: 'sos' })), 'schema'],
      [Buffer.alloc(5000, 0x20), 'oversize'],
    ];
    for (const [payload, reason] of cases) {
      const r = await e.ingest.handle(as(p1), t, payload);
      expect(r).toMatchObject({ ok: false, reason, disconnect: false });
    }
    expect(refusals).toEqual(cases.map((c) => c[1]));
    expect(
      await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/hb', Buffer.from('{"ts":"x"}')),
    ).toMatchObject({
      ok: false,
      reason: 'schema',
    });
    expect(
      await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/status', Buffer.from('{"online":1}')),
    ).toMatchObject({
      ok: false,
      reason: 'schema',
    });
    expect(count(e, 'SELECT COUNT(*) AS n FROM events')).toBe(0);
  });

  it('relayed by an external broker: unknown devices and wrong sites are refused', async () => {
    setup();
    const t = { kind: 'trusted' } as const;
    expect(await e.ingest.handle(t, 'linli/v1/site1/dev/ghost/evt', evt('a', 'sos'))).toMatchObject({
      ok: false,
      reason: 'unknown-device',
    });
    expect(await e.ingest.handle(t, 'linli/v1/other/dev/p1/evt', evt('a', 'sos'))).toMatchObject({
      ok: false,
      reason: 'site',
    });
    expect(await e.ingest.handle(t, 'linli/v1/site1/dev/p1/evt', evt('a', 'sos'))).toEqual({
      ok: true,
      outcome: 'stored',
    });
    expect(await e.ingest.handle(t, 'something/else', evt('a', 'sos'))).toMatchObject({
      ok: false,
      reason: 'topic',
    });
  });

  it('stores access events with the card number as a keyed hash, never in clear', async () => {
    const { as } = setup();
    const reader = e.directory.add({ id: 'r1', kind: 'access-reader' });
    await e.ingest.handle(
      as(reader),
      'linli/v1/site1/dev/r1/evt',
      evt('a1', 'access.denied', { card: '0012345678' }),
    );
    const row = e.db.prepare('SELECT * FROM events').get() as Record<string, unknown>;
    expect(row.card_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('0012345678');
    const { listAccessLog, hashCard } = await import('../../src/access/index.ts');
    const { gatewayKeys } = await import('../../src/keys.ts');
    const log = listAccessLog(e.db, { cardHash: hashCard(gatewayKeys(e.config.hmacKey).card, '0012345678') });
    expect(row.card_hash).not.toBe(hashCard(e.config.hmacKey, '0012345678')); // a subkey, not the master key
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ deviceId: 'r1', type: 'access.denied' });
  });

  it('a failing unit of work is rolled back alone; the rest of the batch commits', async () => {
    setup();
    const ok = e.committer.submit(() =>
      e.db
        .prepare("INSERT INTO cmd_queue (device_id, topic, payload, created_at) VALUES ('a','t','p',1)")
        .run(),
    );
    const bad = e.committer.submit(() => {
      e.db
        .prepare("INSERT INTO cmd_queue (device_id, topic, payload, created_at) VALUES ('b','t','p',1)")
        .run();
      throw new Error('bad unit');
    });
    await expect(bad).rejects.toThrow('bad unit');
    await ok;
    expect(count(e, 'SELECT COUNT(*) AS n FROM cmd_queue')).toBe(1);
    expect(count(e, "SELECT COUNT(*) AS n FROM cmd_queue WHERE device_id = 'a'")).toBe(1);
  });

  it('asyncFsync: a unit resolves only after the fdatasync of the WAL that follows its commit', async () => {
    e = makeEngine({ ingest: { asyncFsync: true } });
    let resolved = false;
    const p = e.committer
      .submit(() => 'done')
      .then((v) => {
        resolved = true;
        return v;
      });
    e.committer.flush(); // committed now (synchronous=NORMAL), fdatasync in the thread pool
    expect(e.committer.pendingSyncs).toBe(1);
    expect(resolved).toBe(false);
    expect(await p).toBe('done');
    expect(e.committer.pendingSyncs).toBe(0);
    expect(e.db.pragma('synchronous', { simple: true })).toBe(2); // FULL again for everything else
  });

  it('by default every batch commits with synchronous=FULL on the spot', async () => {
    e = makeEngine();
    const d = e.directory.add({ id: 'p1' });
    const r = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        e.ingest.handle({ kind: 'device', device: d }, 'linli/v1/site1/dev/p1/evt', evt(id, 'sos')),
      ),
    );
    expect(r.map((x) => x.ok && x.outcome)).toEqual(['stored', 'stored', 'stored']);
    expect(e.committer.pendingSyncs).toBe(0);
    expect(e.alerts.list({})[0]!.count).toBe(3);
  });

  it('a failing unit rolls back its in-memory changes; the rest of the batch is applied once', async () => {
    const { p1, as } = setup();
    e.supervisor.offline(p1, 'test');
    expect(e.states.get('p1').online).toBe(false);
    const good = e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/evt', evt('g1', 'test'));
    const bad = e.committer.submit((tx) => {
      tx.set(e.states.get('p2'), 'tamper', true);
      throw new Error('bad unit');
    });
    await expect(bad).rejects.toThrow('bad unit');
    expect(await good).toEqual({ ok: true, outcome: 'stored' });
    expect(e.states.get('p2').tamper).toBe(false);
    expect(e.states.get('p1').online).toBe(true);
    const offline = e.alerts.list({})[0]!;
    expect(offline).toMatchObject({ type: 'device.offline', state: 'resolved' });
    expect(e.alerts.get(offline.id)!.history.filter((h) => h.action === 'resolved')).toHaveLength(1);
    expect(count(e, 'SELECT COUNT(*) AS n FROM device_state WHERE device_id = ? AND online = 1', 'p1')).toBe(
      1,
    );
  });
});
